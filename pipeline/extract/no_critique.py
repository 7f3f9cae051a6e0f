"""Sentences that read like critiques but judge nobody negatively.

The classifier learnt "judges an actor" from critiques, so other judgements and plain reports of
the story read as critiques to it too. Three kinds are claims by the definition (a critique judges
an actor or a policy *negatively*), and each is recognised by its form alone, whatever the story:

- praise (:func:`praises`): "the council made the right call", "Fair play to the chairman, he never
  once blamed the fans", "that's not nothing";
- a bare figure (:func:`tallies`): "The vote was five to two.";
- news that someone would not say (:func:`withholds`): "Neither the club nor the developer would
  disclose the sale price.", "The council declined to comment.": the story's fact, as reports write
  it, not the speaker's complaint.

Like the vetoes of :mod:`.vetoes`, each only overrules the classifier where the words leave no doubt:
a turn ("but"), a negative word or sarcasm's markers leave the sentence to the model.
"""

from __future__ import annotations

import re

from argmap.pipeline.extract import rules
from argmap.pipeline.extract.judgement_words import negative
from argmap.pipeline.text import NUMBER_WORDS

# -- praise -------------------------------------------------------------------------------------

# A verdict that something was done right: "made the right call", "got this one right", "handled it
# well", "a big improvement". The classifier learnt "judges an actor" from critiques and reads these
# as critiques too.
_PRAISE = re.compile(
    r"\b(?:(?:the )?right (?:call|decision|move|choice|thing to do|approach)|"
    r"(?:got|gets|getting) (?:it|this|that|this one|that one|things|the \w+) (?:\w+ )?right|"
    r"(?:is|was|were|are) right to|handled (?:it |this |that |\w+ )?(?:well|brilliantly|superbly)|"
    r"(?:good|great|smart|sensible|brave|wise) (?:call|decision|move|choice|idea|step|job)|well done|"
    r"(?:did|does|done|doing) (?:a )?(?:good|great|brilliant|fantastic|solid|decent) job|credit (?:to|where)|"
    r"deserves? (?:credit|praise)|(?:big|huge|real|genuine|welcome|massive) improvement|"
    r"step in the right direction|hats off|kudos|fair play to|applaud|commend|"
    # "Eighty dollars is fine.", "The price is perfectly reasonable." (not the reply "That is fine.")
    r"(?<!\bthat )(?<!\bit )(?<!\bthis )(?:is|was|are|were) (?:perfectly |absolutely |totally |completely )?"
    r"(?:fine|fair|reasonable|justified|defensible)(?=\s*(?:[,.!;]|$)))\b",
    re.I,
)
# Anything that could make it a complaint after all: a negative word, a negation, a turn.
_NOT_PLAIN_PRAISE = re.compile(
    r"\b(?:not|no|never|nor|nothing|nobody|none|neither|no one|n't|\w+n['’]t|but|however|although|though|"
    r"yet|except|only|if only|"
    r"should have|shouldn't|too late|finally|at last|for once|oh|sure|supposedly|apparently)\b|\?",
    re.I,
)


# A sentence that opens by giving someone credit is praise even with a negation in what follows
# ("Credit to the manager, he never once blamed the players", "Fair play to him, most owners would
# never do that"); a turn or a negative word that nothing cancels still leaves it to the model, and
# so does sarcasm's "well done to the council for wasting ...".
_PRAISE_OPENER = re.compile(
    r"^(?:(?:so|and|look|honestly|now|genuinely|i mean)\W+)*(?:fair play|credit|hats off|kudos|"
    r"well done|full marks|respect|props|a lot of credit|big credit|huge credit) to\b",
    re.I,
)
# Praise said by denying its opposite, where it closes a clause: "that's not nothing", "no small
# feat", "not bad at all", and "I can't fault them". The negation is the praise; a turn or a negative
# word still leaves it to the model ("That's not nothing, but it's far short of the promise"), and so
# does a backhanded "not bad for a council that ...".
_LITOTES = re.compile(
    r"(?:(?:(?:['’]s|\bis|\bwas|\bare) not nothing|\bno (?:small|mean) "
    r"(?:feat|thing|achievement|task)|\bnot (?:too |half )?(?:bad|shabby)(?: at all)?)(?=\s*(?:[,;.!]|$))|"
    r"\b(?:can['’]t|cannot|couldn['’]t) (?:fault|argue with) (?:that|it|them|him|her|this|the \w+))",
    re.I,
)
# ... but not where it answers someone who made light of it: "The council is acting like that's
# nothing, it is not nothing" judges the council.
_MADE_LIGHT = re.compile(
    r"\b(?:act(?:s|ing|ed)? (?:like|as if|as though)|pretend\w*|as if|as though|"
    r"treat(?:s|ing|ed)? (?:it|this|that) (?:as|like)|"
    r"(?:brush|brushed|brushing|wave|waved|waving) (?:it|this|that) (?:off|away|aside)|dismiss\w*)",
    re.I,
)
_TURN = re.compile(
    r"\b(?:but|however|although|though|yet|except|if only|should have|too late|finally|at last|for once|"
    r"for a change|oh|sure|supposedly|apparently)\b|\?",
    re.I,
)


def praises(text: str) -> bool:
    """Whether ``text`` only praises (see :data:`_PRAISE`): no negative word, negation or turn, so
    it cannot be a critique; or opens by giving someone credit (:data:`_PRAISE_OPENER`) with no
    turn and no negative word a negation does not cancel. Sarcasm ("oh great job, council") is left
    to the classifier."""
    core = rules.strip_filler(text) or text
    if _PRAISE_OPENER.match(core):
        plain = not _TURN.search(core)
    elif _LITOTES.search(core):
        # "Not bad." alone only replies
        plain = not _TURN.search(core) and not _MADE_LIGHT.search(core) and len(core.split()) >= 4
    else:
        plain = bool(_PRAISE.search(text)) and not _NOT_PLAIN_PRAISE.search(text)
    return plain and negative(text)[0] == 0


# -- a bare figure is no critique ----------------------------------------------------------------

_NUMBER = rf"(?:[£$€]?\d[\d,.]*%?|zero|nil|none|one|{NUMBER_WORDS}|half|a third|a quarter|a half)"
# What may follow a figure in a plain count: units, sides of a vote, more figures.
_COUNTED = (
    rf"(?:{_NUMBER}|to|and|a|per\s*cent|percent|votes?|in favou?r|against|with|abstentions?|abstaining|"
    r"pounds|dollars|euros|points?|goals?|seats?|people|residents|members|signatures|year|years|"
    r"months?|weeks?|days?|hours?|minutes?)"
)
# "The vote was five to two.", "Turnout was 34 percent.", "The final score was three nil.": the
# result as news. The classifier read such short sentences, put after the story's critiques, as
# critiques; "only 12 percent" or "a shocking 40 million" carry a judgement and stay the model's.
_TALLY = re.compile(
    rf"^(?:(?:it|that|this)['’]s|(?:[\w'’-]+\s+){{1,4}}?(?:was|were|is|are|stood at|ended|finished|"
    rf"came in at|came to|totall?ed|passed))\s+(?:by\s+)?(?:about|around|roughly|some|exactly)?\s*{_NUMBER}"
    rf"(?:[\s-]+{_COUNTED})*\s*[.!]?$",
    re.I,
)


def tallies(text: str) -> bool:
    """Whether ``text`` only states a figure (see :data:`_TALLY`), which judges nobody."""
    return bool(_TALLY.match(rules.strip_filler(text) or text))


# "Eighty dollars.", "Fourteen percent.": a figure alone names the topic the speaker turns to (or
# repeats one for effect); what is argued about it is in the sentences around it.
_BARE_FIGURE = re.compile(rf"^{_NUMBER}(?:[\s-]+{_COUNTED})*\s*[.!]*$", re.I)


def bare_figure(text: str) -> bool:
    """Whether ``text`` is a figure and nothing else (see :data:`_BARE_FIGURE`)."""
    return bool(_BARE_FIGURE.match(rules.strip_filler(text) or text))


# -- news that someone would not say ---------------------------------------------------------------

# How reports write that someone kept something back: "declined to comment", "would not disclose
# the fee", "did not respond to a request for comment", "could not be reached for comment". The
# speaker's own complaint of secrecy uses other words ("has never explained", "refuses to tell us")
# and stays the model's.
_WITHHELD = re.compile(
    r"\b(?:(?:declined|declines|decline) to (?:comment|disclose|confirm|reveal|discuss|elaborate|say|"
    r"give|name|put a figure)|"
    r"(?:(?:would|did|could|will)(?: not|n['’]t)?|won['’]t) (?:immediately )?"
    r"(?:disclose|comment|confirm|reveal|discuss|elaborate)|"
    r"(?:could not|couldn['’]t) be reached for comment|"
    r"(?:did not|didn['’]t|has not|hasn['’]t|have not|haven['’]t) (?:yet |immediately )?"
    r"(?:respond|replied|responded|reply) to (?:a |our |repeated |several )?requests? for comment)\b",
    re.I,
)
# The speaker's word on the refusal: "..., which is frankly a disgrace", "typical of this lot".
_COMMENTED = re.compile(r",\s*which\b|\b(?:frankly|typical|of course|as usual|again|surprise)\b", re.I)
# "would disclose" reads as withholding only under "neither ... nor" or "not"; "did confirm" is news
# that something was said, which :func:`withholds` does not judge.
_NOT_SAID = re.compile(r"\b(?:not|never|neither|nor|declined|declines|decline|refused)\b|n['’]t\b", re.I)


def withholds(text: str) -> bool:
    """Whether ``text`` reports, as news writes it, that someone would not comment or disclose
    something (see :data:`_WITHHELD`), with no turn and no negative word besides: the story's fact,
    not the speaker's complaint. The speaker's own refusal ("I won't comment on that") is no news."""
    core = rules.strip_filler(text) or text
    if not _WITHHELD.search(core) or not _NOT_SAID.search(core) or _TURN.search(core):
        return False
    if re.match(r"(?i)(?:i|we|i'm|we're|i'll|we'll)\b", core) or _COMMENTED.search(core):
        return False
    return negative(text)[0] == 0


__all__ = ["praises", "tallies", "withholds"]
