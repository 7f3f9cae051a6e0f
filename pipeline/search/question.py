"""What a question asks for, read from its words, and the hits that answer it moved up.

Fusion ranks by the words and meaning a hit shares with the query; a question also says what
kind of answer it wants. Someone who asks what to do wants a call to action, someone who asks
"how many" a figure, someone who asks what Laura Fenn said her own words, and a question seldom
wants a video's title, which shares every word of the story. Each step here moves the hits such a
question wants by one top rank of the fusion (1/61, as if a third ranked list had put them first,
or last): worth one list's top place, it reorders what the fusion found rather than overriding it.
``benchmarks/eval_search.py`` measures each step left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from argmap.pipeline.sayers import sayer_named
from argmap.pipeline.search.hit import RRF_K, Hit
from argmap.pipeline.text import NUMBER_WORDS, word_key

#: the longest query read as a phrase to find as written; a longer one is a question
PHRASE_WORDS = 8


def phrase_first(query: str, hits: list[Hit]) -> list[Hit]:
    """Hits that hold the query's words as written, in a row, gain one top rank in the fusion (as if
    a third list had put them first): someone who types "twenty league goals" wants the passage
    that says it above an argument that only means something like it."""
    phrase = word_key(query)
    if not 2 <= len(phrase.split()) <= PHRASE_WORDS:
        return hits
    return top_rank_for(hits, lambda hit: f" {phrase} " in f" {word_key(hit.text)} {word_key(hit.quote)} ")


def top_rank_for(hits: list[Hit], chosen: Callable[[Hit], bool], *, down: bool = False) -> list[Hit]:
    """``hits`` re-sorted with each ``chosen`` one's score raised (``down``: lowered) by one top
    rank in the fusion (1/61, as if a third ranked list had put it first)."""
    bonus = (-1.0 if down else 1.0) / (RRF_K + 1)
    raised = (Hit(h.item, round(h.score + bonus, 6)) if chosen(h) else h for h in hits)
    return sorted(raised, key=lambda h: -h.score)


# A question for someone's own words, in the ways people ask it: "What did Laura Fenn say about the
# old ground?", "what does Tom Reilly think of the loan", "Does Jay think the grant should be
# means-tested?", "What is Sophie Marr's biggest concern?", "Priya's view on remote working",
# "Helen Strand on whether wardens helped"
_NAME = r"[\w.-]+(?: [\w.-]+){0,3}?"
_SAYING = (
    r"(?:say|says|said|think|thinks|thought|argue|argues|argued|claim|claims|claimed|want|wants|wanted|"
    r"tell|tells|told|write|writes|wrote|believe|believes|believed|reckon|reckons|feel|feels|felt|"
    r"make of|made of|criticise|criticised|criticize|criticized|object to|objected to|suggest|suggests|"
    r"suggested|propose|proposed|recommend|recommends|recommended|predict|predicts|predicted|blame|"
    r"blames|blamed|agree|agrees|agreed|expect|expects|expected|defend|defends|defended|justify|"
    r"justifies|justified|explain|explains|explained|respond|responds|responded|react|reacts|reacted|"
    r"describe|describes|described|see|sees|saw|view|views|viewed|rate|rates|rated)"
)
_STANCE = (
    r"(?:take|view|views|opinion|position|stance|objection|objections|concern|concerns|argument|"
    r"point|problem|criticism|verdict|worry|worries|complaint|advice|prediction|reaction|thoughts|case)"
)
_WHO_SAID = re.compile(
    rf"^\s*(?:(?:what|why|how) (?:did|does|do|has|have|had) (?P<asked>{_NAME}) (?:really |actually )?"
    rf"{_SAYING}\b|(?:does|did|do|has|would|is) (?P<yes_no>{_NAME}) (?:really |actually )?{_SAYING}\b|"
    rf"what(?:'s|’s| is| was| are| were) (?P<whose>{_NAME})['’]s? (?:\w+ )?{_STANCE}\b|"
    rf"(?P<owner>{_NAME})['’]s (?:\w+ )?{_STANCE} (?:on|of|about|to)\b|"
    rf"(?P<on>{_NAME}) on (?:whether|why|how)\b)",
    re.I,
)
_NOBODY_NAMED = frozenset(
    {
        "he",
        "she",
        "they",
        "it",
        "you",
        "i",
        "we",
        "people",
        "everyone",
        "anyone",
        "someone",
        "the commentators",
    }
)


def asked_about(query: str) -> str:
    """Whose words a question asks for ("What did Laura Fenn say ..." -> "laura fenn"), or ""."""
    m = _WHO_SAID.match(query)
    who = word_key(next(g for g in m.groups() if g)) if m else ""
    return "" if who in _NOBODY_NAMED else who


def said_by(hit: Hit, who: str) -> bool:
    """Whether ``hit`` is in the words of ``who`` (as :func:`word_key` writes a name): they speak
    it (the commentator or speaker) or an article quotes them saying it."""
    item = hit.item
    names = (sayer_named(hit.text), item.commentator_name, item.speaker, item.person)
    return any(f" {who} " in f" {word_key(n)} " for n in names if n)


def sayer_first(query: str, hits: list[Hit]) -> list[Hit]:
    """For a question about what someone said, the hits in their own words gain one top rank in
    the fusion (as :func:`phrase_first` does): the ones they speak (the commentator or speaker)
    or that an article quotes them saying ("..., Laura Fenn told reporters"). Those that only
    mention them ("I want to give real credit to Laura Fenn") had ranked above her own words."""
    who = asked_about(query)
    if not who:
        return hits
    return top_rank_for(hits, lambda hit: said_by(hit, who))


# "What should parents do about ...?", "What does Kev ask shoppers to do?", "How can viewers help?",
# "Who does Clare want people to contact?", "Is there a petition I can sign?": the question asks
# what to do, and a call to action is what answers it
_ASKS_WHAT_TO_DO = re.compile(
    r"\b(?:should|ought to|what to do|how (?:can|could|do) (?:i|we|you|people|viewers|listeners|fans|"
    r"residents|readers|supporters)\b|(?:urges?|urged|wants?|wanted|tells?|told|asks?|asked|"
    r"encourages?|invites?|begs?|calls? on) (?:[\w'’-]+ ){1,3}?to (?!be\b)\w+|recommends?|suggests?|"
    r"advises?|calls? for|push(?:es)? for|(?:i|we|you) can (?:do|sign|join|help|write|email|contact)|"
    r"contact|write to|sign up)\b",
    re.I,
)


# what someone wants done, asked as such: "... want viewers to do", "... urge fans to act", "what action"
# ("Does Gary think the council should sell?" asks his view, which a call of his need not answer)
_TO_DO = re.compile(
    r"\bto (?:do|act|help|get involved|take action)\b|\bwhat (?:action|actions|steps)\b", re.I
)


def named_answer(query: str) -> Callable[[Hit], bool] | None:
    """The hits a question names whole, whatever their words: "What does Gary want viewers to do?"
    asks for Gary's calls to action, and any one of them answers it, though it shares no word with
    the question and little of its meaning. None when the question does not name its answer so."""
    who = asked_about(query)
    if not who or not _TO_DO.search(query):
        return None
    return lambda hit: hit.type == "call_to_action" and said_by(hit, who)


def calls_first(query: str, hits: list[Hit]) -> list[Hit]:
    """For a question about what to do, the calls to action gain one top rank in the fusion
    (as :func:`phrase_first` does). Such a question shares its words with the story's claims
    ("What should parents do about the phone ban?" with every sentence on the ban) more than
    with the call that answers it ("Write to the head before the governors meet")."""
    if not _ASKS_WHAT_TO_DO.search(query):
        return hits
    return top_rank_for(hits, lambda hit: hit.type == "call_to_action")


# "How many cars are recalled?", "how much is the fee", "What was the vote count?", "How close was
# the vote?", "When does it start?": the question asks for a figure or a time, which a sentence says
# in digits or in words ("eleven votes", "next Thursday")
_ASKS_A_FIGURE = re.compile(
    r"^\s*when\b|\bhow (?:many|much|long|often|far|big|close|high|low|old|large|soon|fast)\b|"
    r"\bwhat (?:number|percentage|proportion|share|amount|price|cost|rate|fee|fine|margin|score|total|"
    r"date|year|age|figures?)\b|\b(?:vote count|number of)\b",
    re.I,
)
_FIGURE = re.compile(
    rf"\d|[£$€%]|\b(?:{NUMBER_WORDS}|trillion|half|quarter|dozen|twice|percent|january|february|"
    r"april|june|july|august|september|october|november|december|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|tomorrow|tonight|spring|summer|autumn|winter|"
    r"(?:next|last|this) (?:week|month|year|term|season)|(?:a|one) (?:week|month|year))\b|"
    # the months that are also words ("it may rise", "a march on the town hall") only as names
    r"\b(?-i:March|May)\b",
    re.I,
)


def figures_first(query: str, hits: list[Hit]) -> list[Hit]:
    """For a question that asks for a figure or a time, the hits that say one gain one top rank in the
    fusion: "how much does it cost to top up the wristband" had "They charge you a fee just to
    put your own money on your own wristband" first, above "a one pound fifty fee every time"."""
    if not _ASKS_A_FIGURE.search(query):
        return hits
    return top_rank_for(hits, lambda hit: bool(_FIGURE.search(hit.text)))


# a question: it opens with a question word or an auxiliary verb, or it ends with "?"
_QUESTION = re.compile(
    r"^\s*(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|will|"
    r"would|should|has|have|had)\b|\?\s*$",
    re.I,
)


def titles_last(query: str, hits: list[Hit]) -> list[Hit]:
    """For a question, an argument that a video's title states loses one top rank in the fusion.

    A title is the story in a few words, most of them the words every question about the story
    uses, so "Port Carrow's Tourist Tax Is a Mistake." ranked first for "How much is the Port
    Carrow visitor charge expected to bring in each year?", above the sentence with the figure.
    The sentence that answers is the hit to show; its video is one click away from it.
    """
    if not _QUESTION.search(query):
        return hits
    return top_rank_for(hits, lambda hit: hit.item.origin == "title", down=True)
