"""The embedded default extractor's judgement: is a sentence a claim, a critique, a call to action?

Kept apart from :mod:`argmap.pipeline.extract.run` (which handles the registry, merging and
storage) because this is the part that gets tuned against the labelled development set:
word lists and patterns, nothing else. Everything is precompiled regular expressions, so a
one-hour transcript classifies in well under a second.

The rules read a sentence the way a listener would: first who is speaking (the commentator in
the first person, or a third-person summary of the commentator: "He criticizes X" is the
commentator's critique of X), then whether it urges someone to act, judges someone
negatively, or asserts something the speaker stands behind. Narration, reported speech,
questions, greetings and sponsor reads are ``other``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argmap.pipeline.extract.addressees import AUDIENCE, COUNTED_THING, IF_WATCHING_ORDER
from argmap.pipeline.extract.addressees import one_of as _words
from argmap.pipeline.extract.judgement_words import NEGATED_POSITIVE, SHOULD_HAVE
from argmap.pipeline.extract.judgement_words import negative as _negative
from argmap.pipeline.extract.restarts import unset_filler, unstutter, without_sign_off
from argmap.pipeline.extract.targets import proper_noun
from argmap.pipeline.text import capitalised


@dataclass(frozen=True)
class Verdict:
    type: str  # claim | critique | call_to_action | other
    confidence: float
    target: str | None = None
    rule: str = ""
    # the sentence rewritten to stand alone ("He argues" -> "Eli argues"), when it is reported
    attributed: bool = False


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that open a spoken sentence without adding to it. Those that can also start one ("Look at
# the figures", "Like most people, ...", "I mean what I say") count only when a comma sets them off.
FILLER = re.compile(
    r"^(?:(?:um+|uh+|er+|ah+|so+|and|but|now|well(?! done)|okay|ok|alright|all right|yeah|"
    r"yes|honestly|basically|anyway|anyways|also|then|finally|plus|again|oh|hey)"
    r"\b[,.]?\s+|(?:right|look|listen|like|you know|i mean|see)[,.]\s+|"
    # unset off, as captions and quick speech write them, when a clause follows ("you know the
    # council never listened"); "you know what I mean" and "I mean what I say" keep theirs
    r"(?:you know|i mean)\s+(?=(?:i|i'm|i've|we|we're|we've|they|they're|he|she|he's|she's|it's|that's|"
    r"there's|this|these|the|people|nobody|no one|everyone|everybody|if|when)\s)|"
    # openers that point at the news rather than say it ("If you missed it, the council voted ...")
    r"(?:(?:if|in case) you missed it|in other news|meanwhile|elsewhere|"
    r"as you(?:'ve| have)? (?:probably |may have |might have )?(?:heard|seen)|"
    r"as (?:many of |most of )?you (?:probably |may )?know|for those who don't know|if you haven't heard)"
    r",\s+)+",
    re.I,
)
# "you know" and "I mean" are fillers only when set off ("so, you know, I know"); "if you know
# what you want" needs its words.
INLINE_FILLER = re.compile(
    r"\b(?:um+|uh+|er+)\b,?\s*|\blike,\s*|,\s*(?:you know|i mean)\b(?=\s*[,.!?]|$)", re.I
)

# --- other: housekeeping that is never an argument ------------------------------------------
HOUSEKEEPING = re.compile(
    r"^(?:hey|hi|hello|welcome|what's up|whats up|good (?:morning|evening|afternoon))\b|"
    r"\b(?:welcome back|thanks? (?:you )?(?:so much )?for (?:watching|listening|tuning in|joining)|"
    r"see you (?:next|in the|soon|guys)|sponsored by|brought to you by|today's sponsor|"
    r"(?:let's|lets) (?:get (?:into|started|right into)|dive|jump|start|begin|move on|take a look|"
    r"talk about|look at|go)|before we (?:get|dive|start|begin)|that's (?:it|all) for)\b|"
    r"^(?:take care|stay (?:safe|warm|cool|healthy|tuned)|drive safe|have a (?:good|great|nice))\b|"
    r"^(?:yo|hey|hi|hello|what's going on|what's up)\b|"
    r"\b(?:(?:people|someone|somebody|a lot of you|many of you|you guys|viewers) (?:always |often |keep )?"
    r"ask(?:ed|s)? (?:me )?(?:in the comments )?(?:whether|if|about|what|how|why)|"
    r"^today (?:we're|we are|i'm|i am|i wanted to|i want to|let's)|disclaimer|"
    r"(?:isn't|is not|not) (?:medical|financial|legal|investment) advice|(?:isn't|not) sponsored|"
    r"my opinions are my own)",
    re.I,
)

# --- third-person reports: "He criticizes ...", "Eli argues that ..." -------------------------
CRITIQUE_VERBS = _words(
    "criticizes, criticises, criticized, criticised, critiques, critiqued, slams, slammed, condemns,"
    " condemned, blasts, blasted, denounces, denounced, attacks, rips into, rails against, railed against,"
    " takes aim at, took aim at, mocks, mocked, ridicules, ridiculed, faults, blames, blamed, laments,"
    " complains, complained, decries, decried, rejects, rejected, dismisses, dismissed, calls out,"
    " called out, pushes back on, pushes back against, warns against, scolds, lambasts, lambasted,"
    " accuses, accused, questions whether, expresses frustration, expresses concern, expresses"
    " skepticism, expresses scepticism, expresses disappointment, voices frustration, voices concern,"
    " is critical of, was critical of, is also critical of, is particularly critical of, is skeptical of,"
    " is sceptical of, is harsh on, is particularly harsh on, is scathing about, is dismissive of,"
    " closes by calling, ends by calling, finishes by calling,"
    ' calls (?:the|their|his|her|its|this) [^"“.]+?["“],'
    " takes issue with, took issue with, argues against, objects to,"
    " disagrees with, calls (?:it|them|this|that) (?:a |an )?(?:mistake|failure|disaster|joke|scam)"
)
CTA_VERBS = _words(
    "urges, urged, encourages, encouraged, invites, invited, calls on, called on, calls for, called for,"
    " asks viewers, asks listeners, asks the audience, asks everyone, asks people, tells viewers,"
    " tells listeners, tells the audience, recommends, recommended, advises, advised, implores, pleads,"
    " pleaded, appeals to, appealed to, challenges viewers, challenges listeners, pushes for, demands,"
    " demanded, asks (?:\\w+ )+?to, asked (?:\\w+ )+?to, tells (?:\\w+ )+?to, told (?:\\w+ )+?to,"
    " wants viewers to, wants listeners to, wants people to, insists that (?:we|you|people|viewers)"
)
CLAIM_VERBS = _words(
    "argues, argued, claims, contends, asserts, maintains, believes, insists, emphasizes, emphasises,"
    " stresses, points out, notes that, highlights, predicts, predicted, concludes, suggests, thinks,"
    " says that, said that, says, said, concedes, conceded, sees, views, considers, feels that,"
    " is convinced, makes the case, makes the point, reasons, explains why, explains that, warns that,"
    " warned that, expects, doubts, praises,"
    " praised, defends, defended, applauds, credits, celebrates, admits, acknowledges, stresses that,"
    " contrasts, compares, is optimistic, remains, calls (?:it|this|that)"
)
NARRATION_VERBS = _words(
    "discusses, discussed, explains, explained, describes, described, talks about, talked about,"
    " touches on, covers, covered, mentions, mentioned, shares, shared, recounts, reviews, reviewed,"
    " walks through, goes over, introduces, introduced, begins, starts, opens, shows, showed, reads,"
    " reacts to, looks at, summarizes, summarises, outlines, details, presents, gives, provides, answers"
)
REPORT_SUBJECT = (
    r"(?:(?i:he|she|they|the (?:host|hosts|speaker|author|commentator|presenter|narrator|creator|youtuber|"
    r"video|episode|podcast|channel))|[A-Z][\w’'.-]*(?: (?:the|de|van|von|[A-Z][\w’'.-]*)){0,4})"
)
REPORT = re.compile(
    rf"^(?:(?i:in (?:this|the|today's) (?:video|episode|podcast|segment|clip|stream)|overall|finally|"
    rf"then|also|later|next|meanwhile|throughout|in (?:the|his|her) (?:end|conclusion|closing)|"
    rf"at the end),?\s+)*(?P<subj>{REPORT_SUBJECT})(?:,[^,]{{1,40}},)?\s+"
    rf"(?:(?:also|further|then|strongly|repeatedly|openly|sharply|clearly|firmly|again|even|directly|"
    rf"particularly|specifically|later|finally|ultimately|really)\s+)*"
    rf"(?:(?P<crit>{CRITIQUE_VERBS})|(?P<cta>{CTA_VERBS})|(?P<claim>{CLAIM_VERBS})|"
    rf"(?P<narr>{NARRATION_VERBS}))\b(?P<rest>.*)$",
    re.S,
)
REPORTED_SPEECH = re.compile(
    rf"^(?:{REPORT_SUBJECT}|(?i:(?:the|one|an?|our|their) (?:[\w'-]+ ){{0,3}}?[\w'-]+))\s+(?:also\s+)?"
    r"(?:said|says|told|tells|announced|announces|stated|states|tweeted|"
    r"wrote|writes|reported|reports|claimed|confirmed|confirms|revealed|posted)\b",
)

# --- calls to action --------------------------------------------------------------------------
CTA_HOUSEKEEPING = re.compile(
    r"\b(?:subscribe|hit (?:that|the) (?:like|bell|subscribe)|smash (?:that|the) like|"
    r"like (?:this|the) video|"
    r"donat(?:e|ing|ion|ions)|patreon|sign (?:up|the petition)|join (?:us|our|me|the|a)|become a member|"
    r"support (?:the|this|our|us|me|the channel|local)|check (?:out|it out)|link (?:is )?in the description|"
    r"leave a comment|drop a comment|comment below|let me know (?:in|what|down|if)|share (?:this|the) video|"
    r"follow (?:me|us)|call your (?:representative|senator|congress\w*|mp|council\w*)|go vote|"
    r"get out and vote|"
    r"write to your|contact your)\b",
    re.I,
)
CTA_MODAL = re.compile(
    # after a hedge too: "I think the council should ..."
    rf"(?:(?:^|[,;]\s*)(?:(?:now|honestly|frankly|surely|clearly|obviously|seriously|maybe|perhaps|also|"
    rf"still|even|certainly|then),?\s+)?|"
    rf"\b(?:and|so|that|then|but|think|say|believe|reckon|feel|guess|"
    rf"(?:that's|that is|which is|this is) why)\s+|"
    rf"{COUNTED_THING}|"
    # "what congress should do is set a clear list": the ask, cleft
    r"\bwhat\s+(?=(?:\S+\s+){1,3}(?:should|needs? to|has to|have to|must|ought to)\s+do\s+is\b))"
    rf"(?P<who>{AUDIENCE})\s+"
    r"(?:really\s+|just\s+|all\s+|absolutely\s+|seriously\s+|definitely\s+|honestly\s+|still\s+|also\s+|"
    r"actually\s+|probably\s+)?"
    r"(?:should(?:n't| not)?|must(?:n't| not)?|need to|needs to|have to|has to|ought to|gotta|got to|"
    r"had better|'d better|better)\s+(?!have\b|be (?:fine|ok|okay|good|great|ready|done|able|out|back)|"
    r"expect|see\b)",
    re.I,
)
#: what after "let's" asks nothing: naming ("let's call it a ..."), and a verdict or a supposition
#: ("Let's just say it's bold", "let's say you earn 30k"), unless a speech act follows ("let's say no")
LETS_NO_ASK = (
    r"(?:just )?call (?:it|this|that) (?:a|an|the|what)\b|"
    # "let's be honest, ...", "let's not pretend ...", "let's not forget that ...": the speaker's framing
    r"be (?:honest|clear|real|fair|frank)\b|face it\b|(?:not )?pretend\b|not kid ourselves\b|"
    r"(?:not forget|remember),? that\b(?!\s+(?:when|at|in|on|next|before|after|tomorrow|today)\b)|"
    r"(?:just )?say (?!no\b|yes\b|enough\b|thank|goodbye|good ?bye|sorry|hello|hi\b|bye|cheers|well done|"
    r"congratulations|a (?:big )?(?:thank|prayer|word)|it (?:loud|proud|again|together|with me))"
)
CTA_FIRST_PERSON = re.compile(
    r"\b(?:i (?:urge|encourage|recommend|suggest|invite|challenge|beg|implore|ask|want|need) (?:you|everyone|"
    r"everybody|all of you|viewers|people|listeners|folks|the)|i(?:'d| would) (?:urge|encourage|recommend|"
    r"suggest|advise|ask)|i want you to|i need you to|please\b|make sure (?:you|to)|don't forget|"
    r"do not forget|"
    r"(?:let's|lets|let us) (?!get (?:into|started)|dive|jump|start|begin|move on|take a look|talk|look at|"
    rf"go\b|see|{LETS_NO_ASK})|"
    r"why don't (?:you|we)|how about (?:you|we)|it's time (?:for|to)|"
    r"time to (?:act|stop|start|wake up)|we (?:can't|cannot) (?:let|allow|wait))",
    re.I,
)
IMPERATIVE_VERBS = _wordset(
    """go check sort subscribe vote call write stop start make remember read watch join sign support tell
    think consider try get buy sell avoid don't do take give keep demand contact email learn listen share
    follow hit smash leave grab download install use switch ask pay put push turn help donate register
    spread fight protect save invest skip wait prepare educate speak stand reach hold boycott cancel
    unsubscribe choose pick ask fix ban raise lower cut tax fund build protest organize organise show
    never always quit drop trust believe cook apply fill see find eat drink sleep walk ride bring plan book
    compare shop wear stay clean bookmark scrap refund reverse rethink reconsider ditch publish release
    resign apologise apologize admit delay pause press pour spread add come""",
)
# Verbs that open statements as nouns or participles too ("Test results came back", "File sharing is
# everywhere", "Record numbers turned up", "Set in 1920, the film ..."): an order only when what it
# acts on follows ("Test your smoke alarm", "Second, file a complaint with the FTC").
OBJECT_ORDER_VERBS = _wordset(
    """file set replace report request test update reset record text visit message ring claim order renew
    send submit unplug photograph screenshot measure cover document""",
)
# Not a particle ("Set up in 2019, the group ...", "Cover up is the word") nor "that" ("Claim that
# the lido loses money is false"), which open statements too.
_ORDER_OBJECT = _wordset(
    """the your a an it them this these those our my their his her yourself yourselves everything
    everyone anything""",
)
# ... or whom it is put to ("Object to the sale", "Complain to the council"; not "Report to the
# cabinet last month said ...")
TO_ORDER_VERBS = _wordset("object complain respond")
NOT_CALL = re.compile(
    r"\b(?:not (?:saying|telling|asking|suggesting|recommending)|i'm not gonna tell|"
    r"no one is (?:saying|telling))"
    r"|\b(?:you|we) (?:should|must) (?:have|be) (?:seen|known|heard|noticed)\b",
    re.I,
)

# "You only have to walk down the high street to see it": evidence anyone can check, no order.
CHECKABLE = re.compile(
    r"\b(?:you|one) (?:only|just) (?:have|need|has|needs) to (?:\S+ ){1,10}?to (?:see|know|tell|understand|"
    r"realise|realize|notice)\b|\ball you (?:have|need) to do is (?:look|see|check|walk|read|listen|ask)\b",
    re.I,
)

RHETORICAL_CRITIQUE = re.compile(
    r"^(?:who (?:at [\w ]+ )?(?:thought|signed off|decided|approved|let)|how (?:is|was) (?:this|that) "
    r"(?:acceptable|allowed|okay|ok)|since when (?:is|was|did))\b",
    re.I,
)
MOCK_CALL = re.compile(
    r"\bshould (?:be (?:ashamed|embarrassed)|know better|try (?:\w+ing|living|working))\b", re.I
)
ENDORSED = re.compile(
    r"\b(?:(?:he|she|they)(?:'s| is|'re| are) (?:right|correct|spot on|not wrong)|which is (?:\w+ )?"
    r"(?:ridiculous|nonsense|absurd|wrong|false|true|right|fair))\b",
    re.I,
)
LEADING_CLAUSE = re.compile(
    r"^(?:(?:and |so |but )?(?:if|when|once|before|after|whenever|while|in the meantime|after that|"
    r"until then|meanwhile|for now|in short)\b[^,]{0,80},\s*|(?:and )?(?:fans|guys|folks|everyone|"
    r"parents|people|listeners|viewers|friends),\s*)",
    re.I,
)
# Before an order, without changing it: a count ("First: come down", in captions "second read the
# papers", where the order's object must follow: "First sign of trouble came in June" is no order), a
# plea ("Please, please fill it in"), a correction ("Not scrap it, delay it"), whom it is for ("this
# one's for the council: publish").
_ORDER_LEAD = re.compile(
    r"^(?:(?:and |so )?(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|last(?:ly)?|finally|"
    r"number (?:one|two|three))(?:\s*[:,]\s*|\s+(?=[\w'’]+ (?:the|your|a|an|it|them|this|that|these|those|"
    r"our|my|their|his|her|yourself|yourselves|up|out|down|off|back)\b))|please[,!]?\s+|"
    r"not (?:to )?[\w'’-]+(?: (?:it|them|this|that|him|her))?,\s*|[^:]{3,100}:\s+)",
    re.I,
)

# --- critiques: the judgement words live in judgement_words.py --------------------------------

# --- claims -------------------------------------------------------------------------------------
CLAIM_MARKERS = re.compile(
    r"\b(?:i think|i believe|i'm convinced|i am convinced|i feel like|i feel that|in my (?:opinion|view|"
    r"experience)|to me|i'd argue|i would argue|i'd say|i would say|my take|my point|the point is|"
    r"the truth is|the reality is|the fact is|the thing is|the bottom line|bottom line|clearly|obviously|"
    r"undeniably|no doubt|there's no question|frankly|definitely|certainly|i'm sure|i am sure|i bet|"
    r"i predict|i expect|my guess|my prediction|probably|likely|unlikely|going to|gonna|will|won't|'ll|"
    r"matters?|important|crucial|critical|essential|key|better|worse|more (?:\w+ )?than|less than|"
    r"the best|the biggest|huge|massive|significant|impressive|amazing|incredible|great|good|smart|"
    r"brilliant|right|correct|true|proves?|shows that|means|because|that's why|exactly|should be|"
    r"is the future|underrated|game changer|game-changer|works|worth|win|winning|wins|advantage|"
    r"benefits?|need(?:s)? to be|has to be|must be|can't|cannot|doesn't|isn't|aren't|always|never|every|"
    r"nobody|no one|the only|real(?:ly)?|actually|fundamentally|essentially|simply|strong|weak|healthy|"
    r"unhealthy|safe|unsafe|cheap|expensive|success|successful|progress|growth|decline|risk|risky|"
    r"threat|inevitable|obvious|deserve[sd]?|should|supposed to|makes sense|fair|unfair|"
    r"beautiful|fantastic|excellent|perfect|perfectly|solid|wise|efficient|innovation|innovative|"
    r"reckon|suspect|pretty sure|to be honest|no-brainer|nothing like|fine|gorgeous|beats?|difference|"
    r"less|fewer|longer|shorter|faster|slower|cheaper|higher|lower|bigger|smaller|small|helps?|saves?|"
    r"seems?|suggests?|crisis|exciting|practical|normal|decades away)\b",
    re.I,
)
STRONG_CLAIM = re.compile(
    r"\b(?:i (?:honestly |really |still |genuinely |do )?(?:think|believe|reckon|suspect)|i'd bet|i bet|"
    r"i'm pretty sure|i give it|i believe|i'm convinced|in my (?:opinion|view)|i'd argue|i would argue|"
    r"the point is|"
    r"the truth is|the reality is|the fact is|the bottom line|clearly|obviously|there's no question|"
    r"i predict|my prediction|i'm sure|make no mistake|i'd say|i would say)\b",
    re.I,
)
HEDGE = re.compile(r"\b(?:maybe|perhaps|might|i guess|kind of|sort of|not sure|i don't know)\b", re.I)
NARRATION = re.compile(
    r"\b(?:yesterday|last (?:week|month|year|night)|on (?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)|announced|released|reported|according to|was founded|took place|happened|in \d{4})\b",
    re.I,
)

PRONOUN_START = re.compile(r"^(?:he|she|they)\b", re.I)
_STOP_TARGET = re.compile(
    r"\s*(?:,|;|:|\.|\bwhich\b|\bwho\b|\bthat\b|\bfor\b|\bas\b|\bbecause\b|\barguing\b|\bsaying\b|"
    r"\bcalling\b|\bwhile\b|\bsince\b|\bto\b|\bby\b|\bincluding\b|\bover\b|\band (?:argues|says|notes)\b)",
    re.I,
)


def strip_filler(text: str) -> str:
    return FILLER.sub("", text.strip()).strip()


def _object_phrase(rest: str, max_words: int = 6) -> str | None:
    rest = re.sub(r"^\s*(?:(?:how|the fact that|that|about|on|with|of)\s+)+", "", rest.strip(), flags=re.I)
    m = _STOP_TARGET.search(rest)
    phrase = rest[: m.start()] if m else rest
    words = phrase.split()[:max_words]
    if not words:
        return None
    return " ".join(words).strip(" \"'“”")


_TITLES = frozenset(
    {"the", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady"}
)
_THE_HOST = re.compile(
    r"(?i)the (?:host|hosts|speaker|author|commentator|presenter|narrator|creator|youtuber|video|episode|"
    r"podcast|channel)\b"
)


def _is_commentator(subject: str, commentator: str | None) -> bool:
    if PRONOUN_START.match(subject) or _THE_HOST.match(subject):
        return True
    if not commentator:
        # Without a known commentator, a named subject of a summary verb is taken as the speaker
        # only in summary phrasing; the caller decides by the verb class.
        return False
    # Every name in the subject must be the commentator's: "Eli" is Eli the Computer Guy, but
    # "Millbrook council leader Adebayo" is not the Millbrook Evening Post.
    names = {w.lower() for w in re.findall(r"[\w’'-]+", commentator) if w[:1].isupper() and len(w) > 1}
    said = {w.lower() for w in re.findall(r"[\w’'-]+", subject) if w[:1].isupper() and len(w) > 1}
    said -= _TITLES  # "Mr Reyes", "The Computer Guy"
    return bool(said) and said <= names


_ABOUT_THE_VIDEO = re.compile(r"(?i)^in (?:this|the|today['’]s) (?:video|episode|podcast),?\s*(?P<rest>.*)")
_FIRST_PERSON = re.compile(r"(?i)^(?:i|we|you)(?:['’](?:m|ve|ll|d|re))?\b|^(?:let['’]s|let me|my|our)\b")


def is_summary(sentences: list[str], commentator: str | None) -> bool:
    """Is this transcript a third-person summary of the commentator's video?

    Then "He says ..." reports the commentator; in first-person commentary it reports someone else.
    """
    hits = 0
    for sentence in sentences:
        text = strip_filler(sentence)
        m = _ABOUT_THE_VIDEO.match(text)
        if m and not _FIRST_PERSON.match(m.group("rest")):
            return True  # "In this video, Eli explains ..."; "In this video I'll show you ..." is the host
        m = REPORT.match(text)
        if m and commentator and not PRONOUN_START.match(m.group("subj")):
            hits += _is_commentator(m.group("subj"), commentator)
    return hits >= 1


# A statement with a tag ("..., right?", "..., isn't it?") asserts it; only the tag asks.
# ... unless it was a question already: opening on a question word or an inverted auxiliary.
_AUX = (
    r"(?:is|are|was|were|am|do|does|did|can|could|will|would|should|shall|has|have|had|must|isn't|aren't|"
    r"wasn't|weren't|don't|doesn't|didn't|can't|couldn't|won't|wouldn't|shouldn't|hasn't|haven't)"
)
_ASKED_FIRST = re.compile(
    # "Why should fans pay ...", "Is that fair ...", not "What they did was shameful" nor "May was ..."
    rf"(?i)(?:(?:who|whom|whose|what|when|where|why|how)\s+{_AUX}|{_AUX}\s+(?:i|you|we|they|he|she|it|"
    r"that|this|there|the|a|an|any|anyone|anybody|everyone|people|our|your|their|his|her))\b"
)
TAG_QUESTION = re.compile(
    r"(?i),\s*(?:right|yeah|no|eh|innit|correct|surely|agreed|am i right|you know|don't you think|"
    r"wouldn't you say|(?:isn't|wasn't|aren't|weren't|don't|doesn't|didn't|hasn't|haven't|hadn't|can't|"
    r"couldn't|won't|wouldn't|shouldn't) (?:it|that|he|she|they|we|you|there|i))\s*\?$"
)


def untagged(text: str) -> str:
    """``text`` without a question tag after a statement of four words or more ("..., right?"
    becomes "..."), which is how a listener takes it; a question with a tag ("Why should fans pay
    more, eh?") and any other text as they are."""
    tag = TAG_QUESTION.search(text)
    if not tag or len(text[: tag.start()].split()) < 4 or _ASKED_FIRST.match(strip_filler(text)):
        return text
    return text[: tag.start()] + "."


def classify_all(sentences: list[str], commentator: str | None = None) -> list[Verdict]:
    """Type every sentence of one transcript, third-person reports read as :func:`is_summary` says."""
    summary = is_summary(sentences, commentator)
    return [classify(s, commentator, summary=summary) for s in sentences]


def classify(sentence: str, commentator: str | None = None, *, summary: bool = False) -> Verdict:
    """Type one sentence. ``commentator`` (the speaker's name) resolves third-person summaries;
    ``summary`` says the whole transcript is one (see :func:`is_summary`)."""
    text = strip_filler(sentence)
    words = text.split()
    if not words:
        return Verdict("other", 0.9, rule="empty")
    text = untagged(text)
    words = text.split()
    low = text.lower()

    if CTA_HOUSEKEEPING.search(low) and not NOT_CALL.search(low):
        return Verdict("call_to_action", 0.85, target="viewers", rule="housekeeping")
    if HOUSEKEEPING.search(text) or HOUSEKEEPING.match(sentence.strip()):
        return Verdict("other", 0.8, rule="housekeeping")
    if len(words) < 4 and not _imperative(words):
        return Verdict("other", 0.7, rule="short")

    addressed = ADDRESSED_ORDER.match(text)
    if (
        addressed
        and _imperative(addressed.group("order").split())
        and not _STATES.search(addressed.group("order"))
    ):
        return Verdict(
            "call_to_action",
            0.8,
            target=(addressed.group("who") or addressed.group("who2")).strip(),
            rule="addressed",
        )
    if watching := IF_WATCHING_ORDER.match(text):
        return Verdict("call_to_action", 0.8, target=watching.group("who"), rule="addressed")

    report = REPORT.match(text)
    if report:
        verdict = _reported(report, commentator, summary)
        if verdict:
            return verdict

    if RHETORICAL_CRITIQUE.search(low):
        return Verdict("critique", 0.6, target=proper_noun(text, commentator), rule="rhetorical")
    if text.endswith("?"):
        if re.match(r"^(?:why don't|why not|how about|shouldn't we|can we all|could you|would you)\b", low):
            return Verdict("call_to_action", 0.6, target=None, rule="question-cta")
        return Verdict("other", 0.7, rule="question")

    if REPORTED_SPEECH.match(text) and not ENDORSED.search(low):
        return Verdict("other", 0.6, rule="reported-speech")

    not_call = bool(NOT_CALL.search(low) or CHECKABLE.search(low))
    if MOCK_CALL.search(low):
        # "X should be ashamed / should know better" judges, nobody is really asked to act
        return Verdict("critique", 0.7, target=proper_noun(text, commentator), rule="mock-call")
    if not not_call:
        m = CTA_MODAL.search(text)
        if m:
            who = m.group("who")
            target = None if who.lower() in ("you", "you guys", "y'all", "we", "we all") else who
            return Verdict("call_to_action", 0.8, target=target, rule="modal")
        if CTA_FIRST_PERSON.search(low) or _imperative(words):
            return Verdict("call_to_action", 0.75, target=None, rule="imperative")

    negative, cancelled = _negative(text)
    if negative or SHOULD_HAVE.search(low) or NEGATED_POSITIVE.search(low):
        conf = 0.75 if negative >= 2 else 0.65
        return Verdict("critique", conf, target=proper_noun(text, commentator), rule="negative")

    strong = bool(STRONG_CLAIM.search(low))
    markers = len(CLAIM_MARKERS.findall(low)) + cancelled
    if strong or markers >= 2 or (markers == 1 and not NARRATION.search(low)):
        conf = 0.75 if strong else 0.55 + min(markers, 3) * 0.05
        if HEDGE.search(low):
            conf -= 0.1
        return Verdict("claim", round(conf, 2), target=proper_noun(text, commentator), rule="claim")
    return Verdict("other", 0.6, rule="default")


# An order with its addressee set before it: "My message to the council: scrap it.", "To the Bank
# I'd say this, cut rates now." The lead-in alone is a signpost; what follows it is the call.
ADDRESSED_ORDER = re.compile(
    r"(?i)^(?:(?:and|so|but|now|anyway|okay|look),?\s+)*(?:(?:here(?:'s| is)|that's)\s+)?"
    r"(?:(?:my|one|a|just one|a quick|our)\s+(?:(?:final|last|simple|quick|one)\s+)?"
    r"(?:message|advice|word|plea|request|ask|note|tip|suggestion|recommendation)\s+(?:to|for)\s+"
    r"(?P<who>[^:,;.]{1,60}?)(?:\s+is\s+(?:simple|clear|short|this))?|(?:to|for)\s+(?P<who2>[^:,;.]{1,60}?),?\s+"
    r"i(?:'d| would)\s+(?:just\s+)?(?:say|tell (?:them|him|her|you))(?:\s+this|\s+one thing)?)"
    r"\s*[:,;—–-]\s*(?P<order>.+)$"
)
# ... unless what follows states something: "My message to the board: pay rises for executives are
# an insult" opens on a noun that looks like an order ("pay"), then says what is.
_STATES = re.compile(r"(?i)\b(?:is|are|was|were|has been|have been|had been)\b")

VOCATIVE = re.compile(
    r"^(?:(?:(?:my )?(?:fellow \w+|dear \w+)|ladies and gentlemen),?\s*|"
    r"(?:friends|guys|folks|everyone|everybody|people|y'all),\s*)+",
    re.I,
)

_COME_ON_TO = frozenset(["the", "our", "a", "an", "down", "over", "board", "along", "in", "out"])


def _imperative(words: list[str]) -> bool:
    joined = " ".join(words)
    while (lead := LEADING_CLAUSE.match(joined)) and len(joined) > lead.end():
        joined = joined[lead.end() :]
    while (lead := _ORDER_LEAD.match(joined)) and len(joined) > lead.end():
        joined = joined[lead.end() :]
    words = joined.split()
    if len(words) > 2 and VOCATIVE.match(" ".join(words)):
        words = VOCATIVE.sub("", " ".join(words)).split()
        if not words:
            return False
    first = words[0].lower().strip(",.!")
    nxt = words[1].lower().strip(",.!") if len(words) > 1 else ""
    if words[0].endswith(","):  # "Look, ..." / "Listen, ..." is a filler, not an order
        return False
    if first not in IMPERATIVE_VERBS:
        return nxt in _ORDER_OBJECT and first in OBJECT_ORDER_VERBS or nxt == "to" and first in TO_ORDER_VERBS
    if first == "come" and nxt == "on":
        # "Come on the march on Saturday" asks; "Come on, that's absurd" / "come on guys" exclaims
        return len(words) > 3 and not words[1].endswith(",") and words[2].lower() in _COME_ON_TO
    if first == "sort" and nxt == "of":
        return False  # "Sort of a mess" hedges; "Sort out the budget" orders
    # "Do you think..." / "Make no mistake" / "Never mind" are not orders
    return nxt not in {"you", "we", "they", "i", "no", "mind", "is", "are", "was"}


def _reported(m: re.Match[str], commentator: str | None, summary: bool = False) -> Verdict | None:
    subject = m.group("subj")
    rest = m.group("rest")
    # Only a summary's "He argues ..." is the commentator; in first-person commentary "they
    # predicted chaos" is somebody else, so the pronoun is never rewritten into the speaker's name.
    attributed = summary or not PRONOUN_START.match(subject)
    speaker = _is_commentator(subject, commentator)
    named_other = not speaker and commentator is not None
    if m.group("claim") and m.group("claim").split()[0] in ("says", "said") and not summary:
        return None  # "He said ..." in first-person commentary reports someone else
    if m.group("crit"):
        if named_other:
            return Verdict("other", 0.5, rule="reported-critique")
        return Verdict(
            "critique", 0.85, target=_object_phrase(rest), rule="report-critique", attributed=attributed
        )
    if m.group("cta"):
        if named_other:
            return Verdict("other", 0.5, rule="reported-call")
        return Verdict(
            "call_to_action", 0.85, target=_object_phrase(rest), rule="report-cta", attributed=attributed
        )
    if m.group("claim"):
        if named_other:
            return Verdict("other", 0.5, rule="reported-claim")
        # "He argues that the ban is a mistake" is still the commentator's claim.
        return Verdict(
            "claim", 0.8, target=proper_noun(rest, commentator), rule="report-claim", attributed=attributed
        )
    if m.group("narr"):
        return Verdict("other", 0.7, rule="report-narration")
    return None


def attribute(sentence: str, commentator: str | None) -> str:
    """Make a reported sentence stand alone: "He criticizes X" -> "Eli criticizes X"."""
    text = strip_filler(sentence)
    if commentator:
        text = re.sub(r"^(?:He|She|They|he|she|they)\b", commentator, text, count=1)
    return capitalised(text)


def clean_text(sentence: str) -> str:
    """The sentence without spoken filler or restarts, capitalised: the argument's ``text``."""
    text = unstutter(INLINE_FILLER.sub("", unset_filler(strip_filler(without_sign_off(sentence)))))
    text = re.sub(r"\s+", " ", text).strip()
    return capitalised(text)
