"""What a typed sentence must pass before it is stored as an argument.

The classifier (:mod:`.classifier`) reads a sentence's embedding and cue features; it was fitted on
a few hundred labelled sentences, and on new material some of its readings break the definition
of the types outright: "that library doesn't exist for you" typed a call to action for its "you",
a host's "Let me ask you about fairness" typed a call, "The second thing is safety." typed a claim.
These checks encode the definition itself, so they veto such readings rather than weigh in:

- a call to action must **ask** something (:func:`asks`), must not be someone else's plan relayed
  as news (:func:`relays`) and must not serve the channel (:mod:`.channel_talk`);
- a critique must be the speaker's own: one relayed as news or hearsay and not endorsed is the
  story's fact that it was said, a claim (:func:`hearsay`); and it must judge negatively: praise
  with no negative word, negation or "but" in it ("the council made the right call") is an
  evaluation the speaker stands behind, a claim (:mod:`.no_critique`);
- a reply that only agrees or disagrees (:func:`says_nothing`), a signpost, a closing line or a
  few words that only turn to the next topic (:func:`signposts`), the show announcing its topic
  (:func:`announces`) and an aside about the recording (:func:`aside`) are not arguments;
- the one reading added rather than vetoed: a body named by its kind and told what to do ("the
  information commissioner needs to stop this") is asked (:func:`asks_a_body`), a call to action.

Each is generous towards keeping an argument: it only overrules the classifier where the words
leave no doubt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from argmap.pipeline.extract import rules
from argmap.pipeline.extract.addressees import AGENTS, COUNTED_THING
from argmap.pipeline.extract.channel_talk import WORLD_ASK
from argmap.pipeline.extract.judgement_words import negative
from argmap.pipeline.extract.restarts import MY_VIEW
from argmap.pipeline.extract.title import TITLE_IMPERATIVES
from argmap.pipeline.text import CLAUSE_MARKS

# -- replies and signposts ---------------------------------------------------------------------

# Replies that only agree or acknowledge ("It does, yeah.", "I'd agree with that.", "Exactly.")
# carry no proposition of their own; as arguments they filled maps of conversations.
_REPLY_TEXT = """a an the and or but so it it's that that's this is was does do did i i'd i'm you we they
    with to of yes yeah yep no nope exactly right agree agreed sure okay ok well true totally absolutely
    definitely indeed me too fair enough point good great actually really just on there completely quite
    disagree disagreed don't buy think where we'll have one at all"""
_REPLY_WORDS = frozenset(_REPLY_TEXT.split())
_HEDGE_TEXT = (
    "none maybe perhaps possibly probably potentially exactly wow yikes indeed seriously honestly anyway"
    " whatever simple easy why how what really nope yep right"
)
_HEDGE_WORDS = frozenset(_HEDGE_TEXT.split())
_ACK_TEXT = "agree agreed exactly yeah yes yep right true sure indeed fair okay ok absolutely"
_ACKNOWLEDGING = frozenset(_ACK_TEXT.split())


# Pointing at the screen ("Look at that.", "There we go.") shows, it does not say.
_EXCLAIMS = re.compile(
    r"(?i)^(?:oh,? |wow,? |just |and )?(?:look at (?:that|this|it|them)|there (?:we|you) go|here we go)"
    r"(?:,? (?:guys|folks|everyone))?[.!]*$"
)


# Saying one has no view yet ("On the council loan, I genuinely don't know.") takes no position;
# the model read the negation as a critique. "I don't know why they did it" goes on, and judges.
_UNDECIDED = re.compile(
    r"(?i)^(?:[^,]{1,40},\s*)?(?:i (?:genuinely |honestly |really |just |simply |still )?(?:don't|do not) "
    r"know|i'm (?:genuinely |honestly |really |just |still )?not sure|i have no idea|who knows|"
    r"time will tell|we'll (?:have to |just have to )?see)(?: yet| either| to be honest| honestly)?[.!]*$"
)


# Declining to advise ("..., but I'm not going to tell you what to do.", "That's up to you.") leaves
# the choice with the listener: no position, and no order either, though it reads like one.
_DECLINES = re.compile(
    r"(?i)(?:^|[,;:]\s*(?:(?:but|and|so)\s+)?)(?:i(?:'m| am) not (?:going to|gonna|here to)|i won't|"
    r"i will not|i'm not one to) tell (?:you|anyone|people|everyone) "
    r"(?:what|how|who|which way|whether)\b[^,;]*[.!]*$|"
    r"^(?:(?:and|but|so|well|look),?\s+)*(?:that's|it's|that is|it is) (?:entirely |completely |totally )?"
    r"(?:up to you|your (?:call|choice|decision))[.!]*$"
)


def says_nothing(text: str) -> bool:
    """A short reply (eight words or fewer, no order: "Vote no." is one) with no word of content,
    or one beside an acknowledgement ("Exactly, fair point"); "It's a scam." still says something.
    Talk about the talk says nothing either: "We'll have to disagree on that one.", "I don't buy
    that at all." (the point is in the sentences around it); nor does having no view yet, nor
    leaving the choice to the listener."""
    core = (rules.strip_filler(text) or text).replace("’", "'")
    if _EXCLAIMS.match(core) or _UNDECIDED.match(core) or _DECLINES.search(core):
        return True
    words = re.findall(r"[\w'’]+", rules.strip_filler(text).lower().replace("’", "'"))
    if len(words) > 8 or (words and words[0] in rules.IMPERATIVE_VERBS):
        return False
    if len(words) == 1 and words[0] in _HEDGE_WORDS:
        return True  # "None.", "Maybe.": a word of emphasis or hedge; "Theft." still judges
    content = sum(w not in _REPLY_WORDS for w in words)
    return content == 0 or (content == 1 and any(w in _ACKNOWLEDGING for w in words))


# Words that only turn to a topic, and the few words of a topic named after them: no verb (a
# finite one, or a past tense that tells what happened), no pronoun or relative word that starts a
# clause ("What about the money they promised?"), and no judgement ("Same goes for the greedy owners.").
_TOPIC_TURN = (
    r"same (?:thing |goes |deal |story )?(?:with|for)|(?:and )?what about|as for|moving on to|"
    r"(?:which|that|this) brings (?:us|me) to|on to|onto"
)
_DETERMINER = r"(?:the|my|our|this|that|these|those|their|his|her|its|your)"
_NOT_NOUN = (
    r"(?!(?:is|are|was|were|be|been|has|have|had|do|does|did|can|could|will|would|should|must|may|might|"
    r"won|lost|left|fell|went|came|said|says|quit|broke|paid|sold|ran|gave|took|made|got|knew|hit|lied|"
    r"began|wants|needs|i|you|we|they|he|she|it|who|which|that|whose|whom|where|when|"
    r"\w+n['’]t)\b)"
)
_NOUN_PHRASE = rf"{_DETERMINER} (?:{_NOT_NOUN}[\w'’£$%-]+ ){{0,3}}{_NOT_NOUN}[\w'’£$%-]+"


# Signposts name what comes next ("The second thing is safety.", "My last point is about the
# money.", a list's "Under the plan:") or close ("I think that's everything."): the argument is in
# the sentences they announce. Only counted or ordered heads: "The problem is greed." argues.
_SIGNPOST = re.compile(
    r"^(?:(?:the|my|our|one|another) )?(?:first|second|third|fourth|fifth|next|last|final|other|another) "
    r"(?:thing|point|issue|problem|concern|question|reason|worry|part)s? (?:i want to make )?"
    r"(?:is|are|was)(?: (?:about|that of))?(?: \S+){1,2}?[.!]?$|"
    # ... with who raises it: "The other thing people are scared of is the council loan."
    r"^(?:the|one|another) (?:other|next|last|final|big|second|third) (?:thing|issue|worry|question)s? "
    r"(?:people|everyone|fans|folks?|critics|they|you) (?:[\w'’]+ ){0,2}?(?:of|about|with|on) "
    r"(?:is|are|was) (?:the |this |that |their |our )?(?:[\w'’-]+ ){0,2}[\w'’-]+[.!]?$|"
    r"^(?:i think )?(?:that's|that is|that was) (?:everything|all|it)(?: (?:from me|for me|for now|i've got|"
    r"i have|i wanted to say|really))?[.!]?$|"
    rf"^(?:that's|that is|and that's) {MY_VIEW}(?: on (?:it|this|that))?"
    r"(?: for (?:now|today|this week))?[.!]?$|"
    r"^(?:so,? )?here(?:'s| is) (?:what (?:i'd|i would|i want|i need|i'm asking|we need)(?: [\w']+){0,4}|"
    r"my (?:ask|advice|plan|take|suggestion)|the (?:thing|deal|plan))[.!:]?$|"
    # a turn to the next topic, in one word: "Now the money.", "Next, the transport."
    r"^(?:(?:now|next|then|finally|and now|so now)[,:]? )?(?:on to |onto )?(?:the|my|our) [\w'-]+[.!:]?$",
    re.I,
)
# ... or in a few, after words that only turn: "Same with the fan advisory board.", "What about the
# petition?" ("What about the families who lose their homes?" asks on behalf of someone)
_TOPIC_TURNED = re.compile(
    rf"^(?:(?:and|so|but|now|okay|right|well)[,]? )*(?:{_TOPIC_TURN}) {_NOUN_PHRASE}[.!?:]?$", re.I
)
# ... and after "and then", "and": one word, read on the words as said (which filler-stripping would
# cut); "And the council lies." and "And the fans pay." are two, and say what happens
_TURNS_TO = re.compile(rf"^(?:and then|and)[,:]? {_DETERMINER} {_NOT_NOUN}[\w'’-]+[.!:]?$", re.I)
#: a line this short that ends on a colon leads in to what follows ("Under the plan, ...:")
LEAD_IN_WORDS = 20


def signposts(text: str) -> bool:
    """Whether ``text`` only announces or closes (see :data:`_SIGNPOST`)."""
    stripped = text.rstrip()
    if stripped.endswith(":") and len(stripped.split()) <= LEAD_IN_WORDS:
        return True  # a lead-in: what it announces follows
    core = re.sub(r"^(?:i think,?\s*)+", "I think ", rules.strip_filler(text), flags=re.I)
    if _SIGNPOST.match(core.strip()):
        return True
    # a turn that judges on its way ("So what about the council's lies?") still argues
    return bool(_TURNS_TO.match(text.strip()) or _TOPIC_TURNED.match(core.strip())) and not negative(text)[0]


# The show announcing its own topic: "Today we're talking about the entry fee." Only a short line
# with no clause after it, since "Today I'm looking at the plan, which is a mess" also judges.
_AGENDA = re.compile(
    r"^(?:today|this week|tonight|in (?:this|today['’]s) (?:video|episode|stream|clip|podcast)|"
    r"on (?:today['’]s|this|the) (?:show|episode|podcast|stream)),? "
    r"(?:we're|we are|i'm|i am|i want to|i wanna|we want to|we'll|we will|i'll|i will|we're going to|"
    r"i'm going to|we've got to|let's|[\w'’]+ and i (?:are|will|'ll be|are going to)) (?:\w+ ){0,2}?"
    r"(?:debating|debate|(?:arguing|argue) (?:about|over|whether)|talk|talking|look|looking|discuss|"
    r"discussing|cover|covering|dig|digging|get into|getting into|go over|going over|react|reacting|"
    r"break|breaking|tell you|telling you|show you|showing you|explain|explaining|walk you through|"
    r"walking you through|find out|finding out|answer|answering|review|reviewing|test|testing|explore|"
    r"exploring|unpack|unpacking)\b|"
    r"^(?:so,? |okay,? |ok,? |right,? |now,? )?(?:let's|let me|i'll|i will|i want to|i'd like to) "
    r"(?:start with|begin with|turn to|look at|talk about|move on to|get into|start by|begin by)\b",
    re.I,
)
AGENDA_WORDS = 16


def announces(text: str) -> bool:
    """Whether ``text`` only names what the show is about today (see :data:`_AGENDA`)."""
    core = rules.strip_filler(text) or text
    # "... one of the biggest projects in history: the Panama Canal." names the topic after a colon;
    # a longer tail after it ("... the plan: it's a mess and ...") may judge.
    head, colon, topic = core.partition(":")
    if colon and (len(topic.split()) > 6 or re.search(r"[,;:—–]", topic)):
        return False
    short = len(head.split()) <= AGENDA_WORDS and not re.search(r"[,;—–]", head)
    # "I'll show you why / how the council wasted four million" states the thesis it announces, as
    # does a verdict ("the biggest con", "the truth: the council lied")
    judges = re.search(r"(?i)\b(?:why|how|truth|con|lie|lies|lied)\b", core) or negative(core)[0]
    return bool(_AGENDA.match(core)) and short and not judges


# An aside about the recording ("Sorry, the dog's barking, give me a sec.", "quick side note, my cat
# just walked across the keyboard, so if the video glitches, that's why"): an apology or pause, and
# a disturbance in the room, both; either alone can be part of an argument ("Sorry, but the keyboard
# on this laptop is awful" reviews a product, so the kit itself is not a disturbance).
_PAUSE = re.compile(
    r"\b(?:sorry|excuse|hang on|bear with me|give me a (?:sec|second|moment|minute)|one sec(?:ond)?|"
    r"side note|(?:quick|small|little) aside(?=,)|by the way)\b",
    re.I,
)
_ROOM = re.compile(
    r"\b(?:my (?:cat|dog)|the (?:cat|dog)|cat's|dog's|kettle|doorbell|at the door|postman|wind noise|"
    r"background noise|(?:walked|walking|jumped|sat) (?:across|on) (?:the|my) keyboard|"
    r"if the (?:video|stream|audio|sound) (?:glitches|goes weird|cuts out|lags|freezes))\b",
    re.I,
)


def aside(text: str) -> bool:
    """Whether ``text`` is an aside about the recording itself (see :data:`_PAUSE`)."""
    return bool(_PAUSE.search(text) and _ROOM.search(text))


# -- calls to action must ask ------------------------------------------------------------------

# A call to action asks: an order, a modal, "please", "I'd urge", "it's time", a report that
# someone urges; a sentence with none of these ("that library doesn't exist for you") is not
# one, whatever the classifier makes of its "you". Generous on purpose: it only vetoes.
_ASKING = re.compile(
    r"\b(?:i(?:'d| would)(?: really| just| strongly)? (?:say|ask|urge|encourage|recommend|suggest)|"
    r"i(?:'m| am) asking|we(?:'re| are) asking|(?:i|we) (?:ask|urge|call on|beg)|"
    r"i'd like (?:you|everyone|people|us)|it's time|time (?:for|to)|we need|let us|please|"
    rf"let's(?! (?:{rules.LETS_NO_ASK}))|"
    r"come (?:down|along|and|to|out)|turn up|show up|get involved|get in touch|make sure|don't|do not|"
    r"never|should|shouldn't|must|ought|need to|needs to|have to|has to|got to|gotta|had better|"
    r"have your say|urges?|urged|calls? (?:on|for)|called (?:on|for)|demands?|demanded|encourages?|"
    r"implores?|appeals? to|pleads?|you can (?:\w+ )?(?:join|sign|help|apply|register|volunteer|donate|"
    r"vote|attend|email|write|call|contact|book|fill|come|go|get|find|try|check))\b",
    re.I,
)
_CLAUSE_START = re.compile(rf"(?:^|[{CLAUSE_MARKS}:]\s*|\b(?:and|so|then|or|but)\s+)", re.I)
_CONDITION = re.compile(r"^(?:(?:and|so|but|now|well)\s+)*(?:if|when|once|before|whenever|while)\b", re.I)
#: verbs that open an order: the rules' list, a title's, and a few more ("Lobby your MP.")
ORDER_VERBS = (
    rules.IMPERATIVE_VERBS
    | TITLE_IMPERATIVES
    | frozenset(
        [
            "back",
            "come",
            "attend",
            "email",
            "text",
            "report",
            "visit",
            "look",
            "lobby",
            "let",
            "be",
            "oppose",
            "respond",
            # everyday asks of a viewer ("Order your free caddy this week", "Ring the helpline")
            "order",
            "request",
            "claim",
            "renew",
            "ring",
            "send",
            "recycle",
            "compost",
            "complain",
            "object",
            "submit",
            # "If it's working, prove it." (not the rules' verb: a recipe's "Prove the dough")
            "prove",
        ]
    )
)
# Words after which a verb is not an order ("you can read", "they fight", "to join").
_NOT_ORDERED_TEXT = """i you we they he she it people to will would can could 'll do did does don't might may
    must should not never who that which there i'm you're we're they're"""
_NOT_ORDERED = frozenset(_NOT_ORDERED_TEXT.split())
_NOT_AN_ORDER_AFTER = frozenset(["you", "we", "they", "i", "no", "mind", "is", "are", "was", "it's", "of"])


def _opens_with_order(clause: str) -> bool:
    words = clause.split()
    if not words:
        return False
    if rules._imperative(words):
        return True
    first = words[0].lower().strip(",.!")
    nxt = words[1].lower().strip(",.!") if len(words) > 1 else ""
    return first in ORDER_VERBS and not words[0].endswith(",") and nxt not in _NOT_AN_ORDER_AFTER


# "See how the band shrinks", "Look at how fast it grew": pointing at what is shown, no order.
_POINTING = re.compile(r"^(?:see|look|notice|imagine|consider|watch)\s+(?:at\s+)?(?:how|what|that)\b", re.I)


def opens_with_order(text: str) -> bool:
    """Whether ``text`` is grammatically an order: it opens on an order verb, after filler and after
    any leading condition ("If you need long range, skip it"); pointing at a chart is not one.
    Narrower than :func:`_opens_with_order` (the rules' verbs only, the whole sentence), since it
    overrules the model where that one only confirms a call."""
    body = rules.strip_filler(text) or text
    return rules._imperative(body.split()) and not _POINTING.match(body)


# A complaint in mild words judges as much as "terrible" does: "Another thing that annoyed me is the
# weight", "My biggest gripe is the updates", "I wasn't impressed with the hinge". Not "I wasn't
# disappointed", which praises.
_COMPLAINS = re.compile(
    r"\b(?:annoy(?:s|ed) me|bugs me|let me down|"
    r"(?:my|one|another|biggest|main|only|real)\s+(?:\w+\s+)?(?:gripes?|complaints?|bugbears?|pet peeves?)|"
    r"i(?:'m| am| was) (?:really |very |a bit |quite |so )?(?:disappointed|annoyed|frustrated|gutted)|"
    r"i (?:was|am|'m)(?:n't| not) (?:\w+ )?(?:impressed|convinced|a fan)|"
    # a verdict that something falls short: "the brakes are not good enough for a bike this heavy"
    r"(?:not|never|\w+n['’]t) (?:\w+ )?good enough|"
    # "the league aren't innocent here either"
    r"(?:not|\w+n['’]t) (?:entirely |completely |exactly |totally )?(?:innocent|blameless))\b",
    re.I,
)


def complains(text: str) -> bool:
    """Whether ``text`` voices the speaker's own complaint (see :data:`_COMPLAINS`); "Is it not good
    enough?" asks."""
    return bool(_COMPLAINS.search(text)) and not text.rstrip(" \"'”’").endswith("?")


# "I read the papers so you don't have to": a favour done, nothing asked
# and "You don't get to charge us more and then tell ...": a rebuke, to its clause's end, told to
# nobody who will act on it; "I don't want a government office deciding how games get built": a
# stance, unless it is told to someone ("I don't want anyone pre-ordering this")
_SPARED = re.compile(
    r"\b(?:(?:so|and) (?:that )?you (?:don't|do not|won't|will not) (?:have|need) to|"
    r"you (?:don't|do not|can't|cannot) get to\b(?:(?!\b(?:so|but)\b)[^.;!?,])*|"
    r"i (?:don't|do not) want(?!(?: [\w'’-]+){0,4}? (?:you|your|viewers|listeners|anyone|anybody|people|"
    r"everyone|everybody|us|them|fans)\b))\b",
    re.I,
)


def asks(text: str, rule: rules.Verdict) -> bool:
    """Whether ``text`` asks anyone to do anything (see :data:`_ASKING`)."""
    text = _SPARED.sub("", text)
    if rules.CHECKABLE.search(text):
        return False
    if rule.type == "call_to_action" or _ASKING.search(text) or rules.CTA_FIRST_PERSON.search(text):
        return True
    if any(_opens_with_order(c) for c in _CLAUSE_START.split(rules.strip_filler(text) or text) if c):
        return True
    if _CONDITION.match(text):  # "if you live in the state call your representative" (no commas)
        words = re.findall(r"[\w'’]+", text.lower())
        return any(w in ORDER_VERBS and words[i - 1] not in _NOT_ORDERED for i, w in enumerate(words) if i)
    return False


# "What should you do?", "So how can we stop it?": a question of what to do that the speaker poses
# to answer it next, not an ask; "What about writing to your MP?", "What if we all turned up?" suggest
# and "What are you waiting for?" urges, so they stay
_POSED = re.compile(
    r"^(?:what|how|which|where|who|when)\b(?! about\b| if\b)[^?]*\b(?:should|ought to|can|could|must|"
    r"need to|needs to|to do)\b",
    re.I,
)


def poses(question: str) -> bool:
    """Whether ``question`` is a wh-question that poses what comes next (see :data:`_POSED`)."""
    return bool(_POSED.match(rules.strip_filler(question) or question))


# What an agent can be asked to do and not merely expected to: "the club should get ten million
# for him", "the team should win" foretell; "the airport has to publish the noise maps" asks.
_OUTCOMES = (
    r"get|gets|win|lose|finish|reach|last|come|arrive|feel|benefit|struggle|survive|recover|see|"
    r"expect|pay for (?:it|them)sel(?:f|ves)|make (?:a|no|any|some) difference"
)
#: a body named by its kind, told what to do: "the transport board needs to charter a relief
#: vessel", "every other supermarket should follow Fairmart", "Councils should publish it". Named
#: bodies stay with the model ("City should beat them" foretells), as do things ("prices should
#: settle") and whatever comes between ("developers would have to run tests" reports a rule). A kind
#: without "the" or "every" is asked only where a sentence or a view starts with it and only with
#: "should" or "must": "companies have to make money", "targets that councils must meet" say what
#: bodies of that kind are bound to do.
_ASKED_AFTER = r"\s+(?:really\s+|just\s+|also\s+|now\s+|urgently\s+|simply\s+)?"
_ASKED_TO = rf"\s+(?!(?:be|have|{_OUTCOMES})\b)[a-z]"
_ASKED_MODAL = r"(?:should(?:n't| not)?|must(?:n't| not)?|needs? to|has to|have to|ought to)"
_BODY_ASKED = re.compile(
    rf"(?:(?:^|[,;]\s*|\b(?:and|so|that|then|but|think|say|believe|reckon|feel|guess)\s+|{COUNTED_THING})"
    rf"(?:the|our|your|their|this|that|every|each|all|other|every other|all the)\s+(?:[\w'-]+\s+){{0,3}}?"
    rf"(?:{AGENTS}){_ASKED_AFTER}{_ASKED_MODAL}"
    rf"|(?:^|\b(?:think|say|believe|reckon|feel|guess)\s+)(?:{AGENTS}){_ASKED_AFTER}"
    rf"(?:should(?:n't| not)?|must(?:n't| not)?|ought to)){_ASKED_TO}",
    re.I,
)


def asks_a_body(text: str) -> bool:
    """A body named by its kind is told what to do: the model, which knew few kinds of body, read
    "Every other supermarket should follow Fairmart" as a claim."""
    return bool(_BODY_ASKED.search(rules.strip_filler(text) or text))


# "Laura Fenn talks about openness, but the consultation was a joke.": the report of what someone
# talks about turns, after "but", into the speaker's own verdict. "..., but also the costs" does not.
_TURN = re.compile(
    r"(?i),\s*(?:but|yet|though|although|whereas)\s+(?!(?:also|first|then|more|mostly|mainly|only|not|"
    r"especially|above all)\b)(?:[\w'’-]+\s+){2,}[\w'’-]+"
)


def turns(text: str) -> bool:
    """Whether a sentence goes on, after a comma and "but" or "yet", into a clause of its own."""
    return bool(_TURN.search(text))


# -- someone else's words ----------------------------------------------------------------------

# "Fenwick has already said she'll move an amendment": someone else's intention, relayed as news.
# The subject is a name or "he"/"they", or (captions write no capitals) an office or a "the ..."
# phrase of a few words: "councillor ruth adeyemi who leads the council said ...".
_OFFICE = (
    r"(?i:(?:the|a|an|their|his|her|its|one|some|councillor|councilor|minister|mayor|senator|"
    r"president|professor|doctor|dr|mr|mrs|ms|chief|spokesperson|spokesman|spokeswoman)\b(?: [\w'’-]+){0,8}?)"
)
# or a name under its office, as news writes it: "Council leader Marcus Byrne", "Labour MP Dawn Butler"
_TITLED_NAME = r"[A-Z][\w'’-]*(?: [a-z][\w'’-]*){0,3} [A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,2}"
# or a name and where they speak from: "Tobias Wren from the Friends of Wexham Avenue"
_NAME_FROM = (
    r"[A-Z][\w'’-]*(?: [A-Z][\w'’.-]*){1,2} (?:from|of|at) (?:the )?[A-Z][\w'’.-]*"
    r"(?: (?:of|for|the|and|[A-Z][\w'’.-]*)){0,5}"
)
_RELAYED = re.compile(
    rf"^(?P<subj>{_NAME_FROM}|{_TITLED_NAME}|{rules.REPORT_SUBJECT}|{_OFFICE})(?:['’](?:ve|s|d)(?=\s))?"
    r"(?:,[^,]{1,40},)?"
    # "the councillor who called riders a menace was being silly": the verb of a relative clause
    r"(?<!\bwho)(?<!\bthat)(?<!\bwhich)\s+"
    r"(?i:(?:has |have |had )?(?:already |also |just )?(?P<verb>"
    r"(?:said|says|told|tells|announced|stated|confirmed|promised|pledged|vowed|wrote|tweeted|posted|"
    r"reported|claimed|argued|insisted|suggested|proposed|warned|warns|described|describes|disputes|"
    r"disputed|denied|denies|accused|accuses|criticised|criticized|criticises|criticizes|"
    # "called the vote a betrayal", "calls for a review"; not "an app called ValleyHop"
    r"(?:called|calls)(?= (?:the|it|them|him|her|this|that|these|those|for|on|their|his|its|a|an)\b))))\b"
)
_PRONOUN_TURN = re.compile(r",\s*(?:but|which|and that's|that's)\b", re.I)
#: verbs that pass on words, not deeds ("announced it", "posted it" report what was done)
_SAYING = re.compile(
    r"(?i)(?:said|says|told|tells|claimed|argued|insisted|suggested|warned|warns|described|describes|"
    r"denied|denies|promised|stated|reported|proposed|vowed|pledged|disputes|disputed|accused|accuses|"
    r"criticised|criticized|criticises|criticizes|called|calls)$"
)
# A subject with the speaker or the audience in it is not someone else ("I've said it before",
# "This is what I told the council").
_OWN = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|we|we're|we've|us|our|you|you're|your|let's)\b", re.I)


# What "people" say, set up for the speaker's reply: "Some people online are saying this is
# anti-progress", "I've seen a few YouTubers saying the council should ...".
_HEARSAY = re.compile(
    r"^(?:(?:some|many|a lot of|lots of|plenty of|a few|loads of) (?:[\w'’-]+ ){0,3}?"
    r"(?:people|folks|critics|commentators|users|viewers|fans|residents|voices|politicians|experts)"
    r"(?: [\w'’-]+){0,3}? (?:are|were|keep|have been|will be) "
    r"(?:saying|claiming|arguing|complaining|calling)|"
    r"(?:the )?(?:critics|opponents|campaigners|detractors|sceptics|skeptics|analysts|experts|supporters|"
    r"residents|unions|groups)(?: [\w'’-]+){0,3}? (?:have |had )?(?:said|say|argue[ds]?|claim(?:ed|s)?|"
    r"warn(?:ed|s)?|complain(?:ed|s)?|insist(?:ed|s)?)|"
    r"i(?:'ve| have)? (?:seen|heard|read) (?:[\w'’-]+ ){1,6}?"
    r"(?:say|saying|claim|claiming|argue|arguing|complain|complaining))\b",
    re.I,
)
# The speaker taking the relayed words as their own: "..., and honestly, she's right".
_ENDORSED = re.compile(
    r"\b(?:(?:he|she|they|who)(?:'s|'re|’s|’re| is| are| was| were) (?:absolutely |completely |totally )?"
    r"(?:right|correct|spot on)|i (?:completely |totally |fully )?agree|rightly|correctly)\b",
    re.I,
)


def hearsay(text: str, commentator: str | None, summary: bool) -> bool:
    """Whether ``text`` passes on someone else's words without taking them as its own: the story's
    fact that they were said ("Critics said the fee would shut out families"), not a judgement."""
    if summary:
        return False  # a summary's reporting verb is the summariser's reading of the commentator
    core = rules.strip_filler(text) or text
    if _ENDORSED.search(text):
        return False
    said = _RELAYED.match(core)
    told = r"\s*(?:(?:us|them|me|you|him|her|fans|anyone|people)\s+)?(?:nothing|anything|no\b|little\b)"
    if said and re.match(told, core[said.end() :], re.I):
        return False  # "Ministers announced nothing for months" judges their silence
    return relays(text, commentator, summary) or bool(_HEARSAY.match(core))


def relays(text: str, commentator: str | None, summary: bool) -> bool:
    """Whether ``text`` reports what someone other than the commentator said."""
    m = _RELAYED.match(rules.strip_filler(text))
    if m is None:
        return False
    subject = m.group("subj")
    if _OWN.search(subject) or re.match(r"(?i)(?:this|that)\b", subject):
        return False
    if rules.PRONOUN_START.match(subject):
        # a summary's "He said ..." is the commentator; in the commentary itself "They've said it's
        # for anti-cheat" is the publisher, passed on, but "They announced it on a bank holiday,
        # classic" judges what they did, not what they said, and "They said it's for anti-cheat,
        # which is a lie" or "..., but don't wait" adds the speaker's own verdict or ask. Only "they":
        # a summary in captions is not known for one, and its "he says" is the commentator.
        own = negative(text)[0] or _PRONOUN_TURN.search(text)
        plural = subject.lower() == "they"
        return plural and not summary and bool(_SAYING.match(m.group("verb"))) and not own
    return not rules._is_commentator(subject, commentator)


# -- how-to steps --------------------------------------------------------------------------------

# A recipe or repair video gives orders too ("Add the onion.", "Remove the four screws."), but they
# are the steps of a method, not urging anyone about anything. Only a verb of handling things that
# takes a thing ("the", "two", "it", a particle) counts: "Transfer spending was reckless", "Press
# conferences have become a joke" and "Beat Villa on Saturday" open on nouns or names, and "Add your
# name", "Spread the word", "Put pressure on your MP" ask the world (calls to action stay calls).
_STEP_VERBS = (
    r"add|heat|stir|mix|whisk|beat|bake|fold|season|crack|tip|pour|chop|slice|dice|mince|simmer|boil|fry|"
    r"roast|grill|toast|preheat|sprinkle|drizzle|knead|shape|drain|rinse|peel|grate|garnish|combine|"
    r"transfer|cook|melt|blend|marinate|cover|flip|spread|place|put|grab|squeeze|toss|scatter|serve|"
    r"click|tap|press|select|paste|drag|scroll|unscrew|screw|tighten|loosen|plug|unplug|attach|insert|"
    r"sand|glue|drill|wipe|unclip|clip|remove|lift|slide|measure|mark|take|set|let|leave|skim|strain|sieve|"
    r"trim|wash|dry|chill|cool|brown|sear|pat|rub|coat|dip|soak|salt|"
    # verbs that also open orders to the world ("Cut the tax", "Bring the troops home"), only as a step
    r"bring(?= (?:it|them|the \w+|everything) (?:up |back )?to (?:a|the) (?:\w+ )?(?:boil|simmer))|"
    r"break(?= (?:it|them|the \w+) up\b)|"
    r"cut(?= (?:it|them|the \w+) (?:in|into) (?:half|\w+ pieces|chunks|strips))"
)
_STEP_OBJECT = (
    r"(?:the|a|an|some|one|two|three|four|five|six|half|a few|all|both|each|it|them|that|this|these|those|"
    r"everything|in|into|on|onto|over|off|out|up|down|aside|back|through|with)\b"
)
_STEP = re.compile(
    r"^(?:(?:so|and|then|now|next|first|firstly|second|secondly|finally|after that|once (?:that's|it's) "
    r"(?:done|hot|ready|golden)|okay|ok|right|(?:after|for) (?:about |another )?(?:\w+|a few|a couple of) "
    r"(?:seconds?|minutes?|hours?|days?)|while (?:that|it)(?:'s| is) \w+),?\s+)*"
    # "roughly chop", "gently fold": how the step is done
    rf"(?:(?:roughly|finely|gently|carefully|slowly|quickly|lightly|thinly|just)\s+)?(?:{_STEP_VERBS})\s+"
    rf"(?!\w+,){_STEP_OBJECT}",
    re.I,
)
# Figures of speech that open on the same verbs: "Put it this way: ...", "Add to that ...".
_NOT_A_STEP = re.compile(
    r"\b(?:please|should|must|need to|have to|don't|do not|never|i'd|i would)\b|"
    r"^(?:put it (?:this|that|another) way|add to (?:that|this)|take (?:that|it) (?:from me|as)|"
    r"let (?:that|it) (?:sink in|be)|set (?:that|this) aside)",
    re.I,
)
#: a transcript gives a method only when it has at least this many steps
MIN_STEPS = 3


def how_to_steps(texts: Sequence[str]) -> set[int]:
    """Indices of the sentences that are steps of a method (see :data:`_STEP`), when there are
    enough of them for the transcript to be teaching one; otherwise none."""
    steps = {
        i
        for i, text in enumerate(texts)
        if _STEP.match(core := rules.strip_filler(text) or text)
        and not _NOT_A_STEP.search(core)
        and not WORLD_ASK.search(core)
    }
    return steps if len(steps) >= MIN_STEPS else set()


__all__ = [
    "ORDER_VERBS",
    "announces",
    "aside",
    "asks",
    "hearsay",
    "how_to_steps",
    "opens_with_order",
    "poses",
    "relays",
    "says_nothing",
    "signposts",
]
