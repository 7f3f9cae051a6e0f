"""How a summary's sentences are written: the gist as one grammatical sentence about the speaker.

The default summariser (:mod:`.default`) chooses which argument the gist states; this module says it
in words a reader can take in at once. "Dana argues that <clause>", "objects that" for a critique,
"urges viewers to <verb phrase>" for an imperative, "reports that" for relayed news; a sentence
that needs the talk around it (:func:`stands_alone`: "That's why they did it") is no gist; the
speaker's "I" or a question is quoted rather than put in the reader's mouth; headline capitals are
undone except for the names the transcript itself capitalises (:func:`unshouted`, :func:`proper_words`).
It was split from :mod:`.default` so that choosing and wording can change apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from argmap.pipeline.document import Sentence
from argmap.pipeline.extract import rules
from argmap.pipeline.text import COUNT_LEAD, capitalised, content_tokens, may_open_name


class Stated(Protocol):
    """What a gist is written from: an argument's words, its type and whether the title said it."""

    @property
    def type(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def origin(self) -> str | None: ...


# "Opposition councillor Gareth Pryce said ...", "Ms Adebayo added ...": a name, then the verb
_REPORTED = re.compile(
    r"^(?:[\w'’.-]+\s+){0,5}(?!I\b)[A-Z][\w'’.-]*\s+(?:said|says|told|tells|added|adds|claimed|claims|stated|"
    r"states|announced|warned|wrote|writes)\b"
)
# the news sentence's source after the fact: "..., mayor Jaume Collboni announced on Friday, ..."
_REPORTED_AFTER = re.compile(
    r",\s+(?!(?:and|but|so|or|as|i|we|you|which|who)\b)(?:[\w'’.-]+\s+){1,5}(?:said|says|told|announced|"
    r"warned|confirmed|reported|reports)\b(?:\s+(?:on|in|last|this|at)\b[^,]{0,30})?(?:,|[.!]?$)"
)
_POINTING = re.compile(r"\b(?:it|them|they|he|she|him|her)\b", re.I)
_CLITIC = re.compile(r"(?:n['’]t|['’](?:m|re|ve|ll|d))$")
# "That's why", "This is a mistake" point back; "This ban is a mistake" names what it judges.
_DANGLING = re.compile(
    r"^(?:it|they|he|she|which|then|exactly|yes|no)\b|^(?:that|this|these|those)(?:['’]s\b|\s*$|[,.!?]|"
    r"\s+(?:is|was|are|were|will|would|has|have|had|does|did|means|just|can|could|should|must|might|"
    r"may|seems|sounds|looks|makes|made|shows|tells|says|alone|too|all)\b)",
    re.I,
)
# A reason or concession said on its own ("Because the council ignored our villages.") answers a
# sentence before it; with its main clause after a comma it is whole.
_SUBORDINATE = re.compile(r"^(?:because|'?cause|although|though|whereas|unless)\b", re.I)


def stands_alone(text: str) -> bool:
    """Whether a point can be a gist without the sentences around it: a statement with three
    content words or more that does not open on a word pointing back ("That's why ...", "They
    did"), nor leans on one with few words of its own ("Tell them about the early shifts"), nor is
    a clause that needs one ("Because they ignored us."); "I'm sure they did, who wouldn't" has one
    content word ("sure")."""
    first = rules.strip_filler(_first_sentence(text.strip())) or text
    # "I think they got this wrong" leans on "they" as much as "They got this wrong" does
    first = _HEDGES.sub("", first) or first
    content = [t for t in content_tokens(first) if not _CLITIC.search(t)]
    if len(content) < 5 and _POINTING.search(first):
        return False  # "Tell them about the early shifts": who "them" is, only the talk knows
    if _SUBORDINATE.match(first) and "," not in first:
        return False
    return len(content) >= 3 and not first.rstrip().endswith("?") and not _DANGLING.match(first)


# -- the gist as a sentence --------------------------------------------------------------------

# Hedging openers; "X argues that I think ..." reads wrong without removing them. Spoken
# filler ("so", "well", "honestly") is rules.FILLER's job, before and after.
_HEDGES = re.compile(
    r"^(?:(?:frankly|i\s+(?:really\s+)?(?:think|believe|feel|would\s+say|reckon)|in\s+my\s+(?:view|opinion)"
    r"|to\s+me|what\s+really\s+bugs\s+me\s+is\s+that)\b(?:\s+that\b(?!['’]))?[,\s]*)+",
    re.IGNORECASE,
)
# Any case but "US" (the country): a headline's "Save Our NHS" is the speaker's "our".
_FIRST_PERSON = re.compile(
    r"\b(?:I|I'm|I've|I'd|I'll|(?i:me|my|mine|myself|we|we're|we've|our|ours)|us|Us)\b"
)
_SWAPS = {
    "your": "their",
    "you": "they",
    "yourself": "themselves",
    "yourselves": "themselves",
    "you're": "they're",
}


def written_cases(sentences: Sequence[Sentence]) -> tuple[set[str], set[str]]:
    """The words the transcript capitalises inside sentences, and those it writes in lower case."""
    upper: set[str] = set()
    lower: set[str] = set()
    for s in sentences:
        if s.is_structure:
            continue  # headline capitals ("Should Work Together") say nothing about names
        words = re.findall(r"[A-Za-z][\w'’-]*", s.text)
        for n, w in enumerate(words):
            base = re.sub(r"['’]s$", "", w)
            if base.islower():
                lower.add(base.lower())
            elif n > 0 and base[0].isupper():
                upper.add(base)
    return upper, lower


def proper_words(sentences: Sequence[Sentence]) -> frozenset[str]:
    """Words the transcript capitalises inside sentences and never writes in lower case: names."""
    return names_among(*written_cases(sentences))


def names_among(upper: set[str], lower: set[str]) -> frozenset[str]:
    """The capitalised words the transcript never writes in lower case: its names."""
    return frozenset(w for w in upper if w.lower() not in lower)


# Words a speaker shouts ("that is NOT what we voted for") that are no acronym.
_SHOUTED_TEXT = """not never no all every any nothing nobody none very so really ever this that is was are
were the and or but do did does must will won't can't don't didn't isn't wasn't aren't weren't"""
_SHOUTED = frozenset(_SHOUTED_TEXT.split())


def unshouted(text: str, lower: set[str]) -> str:
    """``text`` with the words it writes in capitals for emphasis in lower case: those the transcript
    writes in lower case elsewhere (``lower``, from :func:`_written`), and the short words of
    :data:`_SHOUTED`. A gist reports what was argued, in its own voice; acronyms (NHS, OpenAI) and
    quotes keep their capitals."""

    def lowered(m: re.Match[str]) -> str:
        word = m.group(0)
        plain = word.lower().replace("’", "'")
        return word.lower() if plain in _SHOUTED or plain in lower else word

    return re.sub(r"\b[A-Z]{2,}(?:['’][A-Z]+)?\b", lowered, text)


def _keeps_capital(word: str, names: frozenset[str]) -> bool:
    base = re.sub(r"['’]s$", "", word.strip("\"'“”‘’,.:;!?()"))
    return base == "I" or base.startswith("I'") or (len(base) > 1 and base.isupper()) or base in names


def _lowered(text: str, names: frozenset[str], *, all_words: bool) -> str:
    """The first word (or, for a headline, every word) lower-cased unless it is a name or acronym."""
    words = text.split(" ")
    for i, w in enumerate(words):
        if (i == 0 or all_words) and not _keeps_capital(w, names):
            if not all_words and i == 0 and _opens_a_name(words):
                continue  # "Harbridge Rovers will leave ...": a name at the start of a sentence
            words[i] = w[:1].lower() + w[1:]
    return " ".join(words)


def _opens_a_name(words: Sequence[str]) -> bool:
    """Whether a sentence opens on a name of two or more capitalised words ("Harbridge Rovers",
    "Priya Shah"), whose first word the transcript capitalises only where it starts a sentence."""
    first, second = ([*words, "", ""])[:2]
    return (
        first[:1].isupper()
        and may_open_name(first)
        and second[:1].isupper()
        and second.strip(",.;:!?").isalpha()
    )


def _headline_case(text: str) -> bool:
    """Whether a title capitalises its words ("Keep Our Libraries Staffed"), so its capitals are
    not names; in sentence case ("Why fluoride in Kestrel Vale's water ...") they are."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text)[1:] if w.lower() not in _SMALL_TITLE_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


_SMALL_TITLE_TEXT = "a an the and or but of to in on at for with from as vs is are by"
_SMALL_TITLE_WORDS = frozenset(_SMALL_TITLE_TEXT.split())


def _as_clause(sentence: str, names: frozenset[str] = frozenset()) -> str:
    """A sentence made to follow "argues that": filler and hedging openers dropped, the first
    word lower-cased unless it is "I", an acronym or a name the transcript capitalises."""
    body = rules.strip_filler(_HEDGES.sub("", rules.strip_filler(sentence))) or sentence
    body = COUNT_LEAD.sub("", body) or body  # "second thing the board needs to ...": the point, not its place
    body = re.sub(r"^(?:but|and|so|now|yet)\b,?\s+", "", body, flags=re.IGNORECASE) or body
    first = body.split(" ", 1)[0]
    if first == "I" or first.startswith("I'") or (len(first) > 1 and first[1:2].isupper()):
        return body
    return _lowered(body, names, all_words=False)


def _first_sentence(text: str) -> str:
    """The first sentence of a (possibly merged, several-sentence) argument: a gist is one sentence,
    and a question with the answer after it ("Would I buy it again? I probably would, ...") is one."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text, maxsplit=2)
    return " ".join(parts[:2]) if len(parts) > 1 and parts[0].endswith("?") else parts[0]


def full_sentence(text: str) -> str:
    """``text`` ending as a sentence does (a full stop added where it has no end mark)."""
    text = text.strip().rstrip(",;:")
    return text if text.endswith((".", "!", "?", "”", '"')) else f"{text}."


def gist_of(point: Stated, who: str, names: frozenset[str], *, reports: bool = False) -> str:
    """One grammatical sentence naming ``who`` and what the point argues (``reports``: what a
    news report says)."""
    text = _first_sentence(point.text.strip())
    first_name = who.split()[0]
    # "Eli criticizes US policies ...": already names them; "The secret is ..." does not name "The
    # speaker", and "Also ..." does not name Al
    named = re.match(rf"{re.escape(first_name)}\b", text)
    if not reports and point.origin != "title" and first_name != "The" and named:
        return full_sentence(text)
    if point.origin == "title":
        body = _lowered(text.rstrip(".!"), names, all_words=_headline_case(text))
    else:
        body = _as_clause(text.rstrip(".!?"), names)
    if point.type == "call_to_action":
        words = body.split()
        head = words[0].lower().strip(",") if words else ""
        if head in rules.IMPERATIVE_VERBS or head in ("please", "don't", "never"):
            rest = words[1:] if head == "please" and len(words) > 1 else words
            verb = " ".join(_SWAPS.get(w.lower(), w) for w in rest)
            verb = re.sub(r"^(?:don't|never)\s+", "not to ", verb, flags=re.IGNORECASE)
            verb = verb if verb.startswith("not to ") else f"to {verb}"
            if not _FIRST_PERSON.search(verb):  # "keep our libraries" is theirs to say: quoted below
                return full_sentence(f"{who} urges viewers {verb}")
            return f"{who} urges: “{full_sentence(capitalised(body))}”"
        if not rules.CTA_MODAL.search(body) or body.lower().startswith("if "):
            # "If your fix ends soon, please don't roll over" is no clause to argue: quote the call
            # (the modal rule reads "If you're buying one, budget for better pads" as "... better").
            return f"{who} urges: “{full_sentence(capitalised(body))}”"
    if _FIRST_PERSON.search(body) or "?" in body:
        # "Dana argues that I am tired" puts the speaker's "I" in the reader's mouth, and "argues
        # that is it worth it? No." is no sentence: quote it.
        verb = "objects" if point.type == "critique" else "argues"
        return f"{who} {verb}: “{full_sentence(capitalised(body))}”"
    plain = rules.strip_filler(text) or text
    if point.origin != "title" and (reports or _REPORTED.match(plain) or _REPORTED_AFTER.search(plain)):
        # "Councillor Pryce said the vote ignored ..." is the story the commentator relays: the
        # paper does not object, it reports.
        return full_sentence(f"{who} reports that {body}")
    verb = "objects that" if point.type == "critique" else "argues that"
    return full_sentence(f"{who} {verb} {body}")
