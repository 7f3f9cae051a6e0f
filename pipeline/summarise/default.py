"""Per-video summaries: a one-line gist, a short paragraph and timed key points.

The offline default is extractive and built on the video's arguments (the ones the extract stage
stored; when there are none yet, the cue rules type the sentences instead):

- **Key points** are chosen for *coverage*: the arguments are compared by TF-IDF cosine
  similarity (numpy only, milliseconds); after the main point, one argument of each type present
  (critique, call to action, claim), then more while they cover arguments not yet represented
  (facility location), each gain weighted by how much the argument reads as a position, so the
  speaker's verdict beats a relayed fact on the same words. Version 1 ranked sentences by
  centrality and on Eli's summary kept his first six sentences, leaving out the export-control
  critique; the opening of a video is rarely its argument.
- **The gist** names the commentator and their main position: a thesis stated in the title (an
  argument marked ``origin = "title"``) when there is one, else the argument :mod:`.main_point`
  ranks first (where it stands, whether it is the speaker's own verdict). It is built as one
  grammatical sentence: "Dana argues that <clause>", "objects that" for a critique, "urges
  viewers to <verb phrase>" for an imperative; a reported sentence that already names the
  commentator ("Eli criticizes US policies ...") stands as it is. Headline capitals are undone for
  a title's words except the names the transcript itself capitalises ("USA and China should work
  together").
- **Nothing argued** is said plainly: "No argument found: ..." with the most central sentences as
  what was said, never "X argues that" over a greeting.

Headings, bylines and credit lines of an imported text are never key points or the gist. The LLM
summariser (abstractive, map-reduce) lives in :mod:`.llm`; both are found by name through
:mod:`.registry`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from argmap.pipeline.document import Sentence, TranscriptDoc
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract import rules
from argmap.pipeline.extract.vetoes import hearsay
from argmap.pipeline.summarise import main_point
from argmap.pipeline.text import capitalised, may_open_name
from argmap.store import Summary

# 3: the host's standalone point leads; first-person gists are quoted.
# 4: a title in sentence case keeps its names' capitals; a call in the first person is quoted.
# 5: the main point is never someone else's words passed on ("Some people are saying ...").
# 6: a call to action that is no imperative and no "X should" is quoted after "urges:"; a hedged
# "I think they ..." leans on its "they" and is no gist.
# 7: news with its source after it (", the mayor announced on Friday") is reported, not argued;
# the paragraph is the speaker's own sentences (the title's thesis is in the gist, labelled in the
# key points).
# 9: key points weigh each coverage gain by how much the point reads as a position; the most
# central point of each type no longer takes that type's place; a title fills none; a call to action
# opening on "If ..." is quoted; a question with its answer after it is one sentence of a gist, quoted.
# 10: in captions, names the store knows are written with their capitals ("Marcus Byrne", not
# "Marcus byrne"; argmap.pipeline.name_casing).
VERSION = "11"
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’-]+")
_STOP_WORDS = """the a an and or but of to in on at for with by from as is are was were be been being it its
    this that these those he she they we you i his her their our your my me him them us not no so if then
    than there here what which who whom how why when where about into over also just like very really can
    could would should will shall may might must do does did done has have had having all any some more most
    much many such only own same too up down out off again further once um uh yeah okay right know think going
    gonna"""
_STOP = frozenset(_STOP_WORDS.split())
#: a critique or a call to action is more of a position than a relayed fact
_TYPE_WEIGHT = {"critique": 1.3, "call_to_action": 1.2, "claim": 1.0, "other": 0.8}
_TYPE_ORDER = ("critique", "call_to_action", "claim")
#: how much a key point's main-point score weighs on its coverage gain: exp(weight * score); 0.2-0.5
#: gave the same figures on the labelled sets (README, "Key points")
_POSITION_WEIGHT = 0.3


@dataclass(frozen=True)
class Point:
    """An argument as the summary sees it: what it says, standing alone, and when."""

    type: str
    text: str
    start: float
    end: float
    who: str | None
    origin: str | None = None


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


def _similarity(texts: Sequence[str]) -> Any:
    """Cosine similarity of TF-IDF vectors, one row per text (numpy array)."""
    import numpy as np

    n = len(texts)
    docs = [Counter(_tokens(t)) for t in texts]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    vocab = {w: i for i, w in enumerate(df)}
    mat = np.zeros((n, max(1, len(vocab))), dtype=np.float32)
    for row, d in enumerate(docs):
        for w, c in d.items():
            # smoothed idf (+1): a word every text shares still counts, so near-copies look alike
            mat[row, vocab[w]] = (1 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    unit = mat / np.where(norms == 0, 1, norms)
    return unit @ unit.T


def rank_sentences(sentences: Sequence[Sentence]) -> list[float]:
    """TextRank centrality of each sentence over TF-IDF cosine similarity."""
    import numpy as np

    n = len(sentences)
    if n == 0:
        return []
    if not any(_tokens(s.text) for s in sentences):
        return [1.0 / n] * n
    sim = np.array(_similarity([s.text for s in sentences]), dtype=np.float32)
    np.fill_diagonal(sim, 0)
    out_weight = sim.sum(axis=1, keepdims=True)
    trans = np.where(out_weight > 0, sim / np.where(out_weight == 0, 1, out_weight), 1.0 / n)
    score = np.full(n, 1.0 / n, dtype=np.float32)
    for _ in range(50):
        new = 0.15 / n + 0.85 * (trans.T @ score)
        if float(np.abs(new - score).sum()) < 1e-6:
            score = new
            break
        score = new
    return [float(x) for x in score]


# -- which points --------------------------------------------------------------------------------


def _points(doc: TranscriptDoc, sentences: list[Sentence]) -> list[Point]:
    """The stored arguments, else (extraction has not run) the sentences the cue rules read as
    arguments; extraction that ran and found nothing means nothing is argued."""
    if doc.arguments or doc.extracted:
        return [
            # Who argues: the speaker where the video has several; with one voice, the commentator
            # ("Maya Ortiz argues ..."), not that voice's unnamed person ("Speaker 1 of <title>").
            Point(
                a.type,
                a.text,
                a.start,
                a.end,
                (len(doc.speakers) > 1 and a.speaker) or doc.commentator,
                a.origin,
            )
            for a in doc.arguments
            if a.type in _TYPE_WEIGHT
        ]
    verdicts = rules.classify_all([s.text for s in sentences], doc.commentator)
    return [
        Point(v.type, _standing_alone(s.text, v, doc.voice_of(s)), s.start, s.end, doc.voice_of(s))
        for s, v in zip(sentences, verdicts, strict=True)
        if v.type != "other"
    ]


def _standing_alone(text: str, verdict: rules.Verdict, who: str | None) -> str:
    """A summary's "He argues ..." names the commentator; anyone else's "they" stays "they"."""
    return rules.attribute(text, who) if verdict.attributed else rules.clean_text(text)


def similarity_and_centrality(points: Sequence[Point]) -> tuple[Any, Any]:
    """The points' TF-IDF cosine similarities (each to itself 1) and each point's centrality: its
    summed similarity to all, weighted by its type (a critique counts for more than a claim)."""
    import numpy as np

    sim = np.array(_similarity([p.text for p in points]), dtype=np.float32)
    np.fill_diagonal(sim, 1.0)
    return sim, sim.sum(axis=1) * np.array([_TYPE_WEIGHT[p.type] for p in points])


def cover(
    points: Sequence[Point], k: int, host: str | None = None, *, lead: bool = False
) -> tuple[list[int], int]:
    """Indices of up to ``k`` points that together cover the others best, and the main one.

    After the main point, one point of each type present is taken (so a video's one critique is
    never crowded out by its claims; a title's thesis fills no type's place), then points are added
    greedily; every pick is the one that most raises the sum over all points of their similarity
    to the closest chosen one (facility location), each gain weighted by how much the point reads
    as a position (:func:`.main_point.scores`), so a relayed fact covering the same words loses.
    The main point is the title's thesis when there is one, else the likeliest main position by
    :mod:`.main_point` (where it stands, and whether it is said as the speaker's own verdict, not
    by sharing the most words with the others, which is the topic, not the position);
    of the points ``host`` (the channel's commentator) makes where a video has several voices,
    and of those that stand alone (:func:`stands_alone`) and are not someone else's words
    passed on (:func:`~argmap.pipeline.extract.vetoes.hearsay`).
    """
    import numpy as np

    sim = similarity_and_centrality(points)[0]
    titled = [i for i, p in enumerate(points) if p.origin == "title"]
    # A guest's point is not the channel's position, and "I'm sure they did" says nothing alone:
    # the main point is the host's and stands alone where any such point exists.
    hosts = [i for i, p in enumerate(points) if host is not None and p.who == host] or list(
        range(len(points))
    )
    alone = [i for i in hosts if stands_alone(points[i].text)] or hosts
    # "Some people are saying ..." is the view the commentator answers, not their position.
    alone = [i for i in alone if not hearsay(points[i].text, host, summary=False)] or alone
    rank = np.asarray(main_point.scores([p.text for p in points], host or points[0].who))
    main = max(titled or alone, key=lambda i: (rank[i], -i))
    if lead:  # a news report's main point is its lead, the first thing it says
        said = [i for i, p in enumerate(points) if p.origin != "title"]
        main = min(said, key=lambda i: points[i].start, default=main)
    # What a point adds to the coverage counts for more when it is said as a position than as a
    # relayed fact: the main-point score (a logit) tempers every gain.
    worth = np.exp(_POSITION_WEIGHT * rank)
    chosen: list[int] = [main]
    best = sim[:, chosen].max(axis=1)

    def gains() -> Any:
        g = (np.maximum(sim, best[:, None]).sum(axis=0) - best.sum()) * worth
        g[chosen] = -1.0
        return g

    for kind in _TYPE_ORDER:
        # A title is not said in the video: it fills no type's place.
        spoken = [points[i].type for i in chosen if points[i].origin != "title"]
        of_kind = [i for i, p in enumerate(points) if p.type == kind and i not in chosen]
        if of_kind and len(chosen) < k and kind not in spoken:
            g = gains()
            chosen.append(max(of_kind, key=lambda i: (g[i], -i)))
            best = np.maximum(best, sim[:, chosen[-1]])
    while len(chosen) < min(k, len(points)):
        g = gains()
        pick = int(np.argmax(g))
        if g[pick] <= 1e-6:
            break
        chosen.append(pick)
        best = np.maximum(best, sim[:, pick])
    return chosen, main


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
    content = [t for t in _tokens(first) if not _CLITIC.search(t)]
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


def _written(sentences: Sequence[Sentence]) -> tuple[set[str], set[str]]:
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
    return _names(*_written(sentences))


def _names(upper: set[str], lower: set[str]) -> frozenset[str]:
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


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",;:")
    return text if text.endswith((".", "!", "?", "”", '"')) else f"{text}."


def gist_of(point: Point, who: str, names: frozenset[str], *, reports: bool = False) -> str:
    """One grammatical sentence naming ``who`` and what the point argues (``reports``: what a
    news report says)."""
    text = _first_sentence(point.text.strip())
    first_name = who.split()[0]
    # "Eli criticizes US policies ...": already names them; "The secret is ..." does not name "The
    # speaker", and "Also ..." does not name Al
    named = re.match(rf"{re.escape(first_name)}\b", text)
    if not reports and point.origin != "title" and first_name != "The" and named:
        return _sentence(text)
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
                return _sentence(f"{who} urges viewers {verb}")
            return f"{who} urges: “{_sentence(capitalised(body))}”"
        if not rules.CTA_MODAL.search(body) or body.lower().startswith("if "):
            # "If your fix ends soon, please don't roll over" is no clause to argue: quote the call
            # (the modal rule reads "If you're buying one, budget for better pads" as "... better").
            return f"{who} urges: “{_sentence(capitalised(body))}”"
    if _FIRST_PERSON.search(body) or "?" in body:
        # "Dana argues that I am tired" puts the speaker's "I" in the reader's mouth, and "argues
        # that is it worth it? No." is no sentence: quote it.
        verb = "objects" if point.type == "critique" else "argues"
        return f"{who} {verb}: “{_sentence(capitalised(body))}”"
    plain = rules.strip_filler(text) or text
    if point.origin != "title" and (reports or _REPORTED.match(plain) or _REPORTED_AFTER.search(plain)):
        # "Councillor Pryce said the vote ignored ..." is the story the commentator relays: the
        # paper does not object, it reports.
        return _sentence(f"{who} reports that {body}")
    verb = "objects that" if point.type == "critique" else "argues that"
    return _sentence(f"{who} {verb} {body}")


# -- the summary -------------------------------------------------------------------------------


def default_summary(doc: TranscriptDoc, *, max_points: int = 6) -> Summary:
    """The extractive summary of one transcript."""
    sentences = _summary_sentences(doc)
    if sentences:
        gist, paragraph, key_points = _extract_summary(doc, sentences, max_points)
    else:
        # Silence or music only: a transcript with no segments is valid, and so is saying so.
        gist, paragraph, key_points = (
            f"{doc.commentator or 'The speaker'}: no speech was transcribed in this video.",
            "",
            [],
        )
    if doc.names:  # captions: names the store knows, written as written
        gist, paragraph = doc.spelt(gist), doc.spelt(paragraph)
        key_points = [{**kp, "text": doc.spelt(kp["text"])} for kp in key_points]
    return Summary(
        id=Summary.make_id(doc.video_id, "default", VERSION),
        video_id=doc.video_id,
        transcript_id=doc.transcript_id,
        extractor="default",
        extractor_version=VERSION,
        gist=gist,
        paragraph=paragraph,
        key_points=key_points,
    )


def _who(doc: TranscriptDoc, point: Point | None = None) -> str:
    if point is not None and point.who:
        return point.who
    return doc.commentator or (f"The speaker in {doc.title!r}" if doc.title else "The speaker")


def _extract_summary(
    doc: TranscriptDoc, sentences: list[Sentence], max_points: int
) -> tuple[str, str, list[dict[str, Any]]]:
    """Gist, paragraph and timed key points: the arguments that cover the others, or, when
    nothing is argued, the most central sentences under an honest gist."""
    points = _points(doc, sentences)
    if not points:
        return _nothing_argued(doc, sentences, max_points)
    news = reads_as_news(doc)
    chosen, main = _chosen(doc, points, max_points, news)
    who = _who(doc, points[main])
    upper, lower = _written(doc.sentences)
    gist = gist_of(points[main], who, _names(upper, lower), reports=news)
    if "“" not in gist and gist.startswith(who):  # a quote stays as said, and so does a name
        gist = who + unshouted(gist[len(who) :], lower)
    in_time = sorted(chosen, key=lambda i: (points[i].start, i))
    key_points: list[dict[str, Any]] = [
        {"text": _point_text(points[i]), "start": points[i].start, "end": points[i].end} for i in in_time
    ]
    said = [i for i in in_time if points[i].origin != "title"] or in_time
    paragraph = " ".join(_sentence(points[i].text) for i in said[:4])
    return gist, paragraph, key_points


def _chosen(
    doc: TranscriptDoc, points: Sequence[Point], max_points: int, news: bool | None = None
) -> tuple[list[int], int]:
    """The key points and the main one; ``news`` is :func:`reads_as_news` where the caller has it."""
    k = max(1, min(max_points, round(math.sqrt(len(points)) + 1)))
    lead = reads_as_news(doc) if news is None else news
    return cover(points, k, doc.commentator if len(doc.speakers) > 1 else None, lead=lead)


# The writer's own voice: "I", "my", "we", "our" (not "US", the country); quotes are others' words.
_WRITER = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|mine|we|we're|we've|we'd|us|our|ours)\b")
_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")


def reads_as_news(doc: TranscriptDoc) -> bool:
    """Whether a text is a news report: an article with a byline whose prose never speaks in the
    writer's own voice. Its gist is its lead, reported ("The Post reports that ..."): picked as a
    position, the gist of one such article was its last paragraph's march notice. An opinion
    column has a byline too, but says "I" or "we"."""
    if not any(s.kind == "byline" for s in doc.sentences):
        return False
    prose = [_QUOTED.sub("", s.text.replace("’", "'")) for s in doc.sentences if not s.is_structure]
    return bool(prose) and not any(_WRITER.search(t) for t in prose)


def _summary_sentences(doc: TranscriptDoc) -> list[Sentence]:
    prose = [s for s in doc.sentences if not s.is_structure]
    return [s for s in prose if len(s.text.split()) >= 5] or prose


def summary_points(doc: TranscriptDoc) -> list[Point]:
    """The points a summary is chosen from, in the order they were said."""
    return _points(doc, _summary_sentences(doc))


def key_points_of(doc: TranscriptDoc, *, max_points: int = 6) -> list[Point]:
    """The points the key points state, main point first, for measuring which they are."""
    points = summary_points(doc)
    return [points[i] for i in _chosen(doc, points, max_points)[0]] if points else []


def gist_point(doc: TranscriptDoc, *, max_points: int = 6) -> Point | None:
    """The point the gist states (None when nothing is argued), for measuring which one it is."""
    points = summary_points(doc)
    return points[_chosen(doc, points, max_points)[1]] if points else None


def _point_text(point: Point) -> str:
    """A key point's line: the argument standing alone; a title's thesis says it is the title."""
    text = _sentence(point.text)
    return f"Title: {text}" if point.origin == "title" else text


def _nothing_argued(
    doc: TranscriptDoc, sentences: list[Sentence], max_points: int
) -> tuple[str, str, list[dict[str, Any]]]:
    who = _who(doc)
    gist = f"No argument found: {who} makes no claim, criticism or call to action here."
    scores = rank_sentences(sentences)
    kept = [i for i in sorted(range(len(sentences)), key=lambda i: -scores[i])
            if not rules.HOUSEKEEPING.search(sentences[i].text)][: min(3, max_points)]  # fmt: skip
    in_time = sorted(kept, key=lambda i: sentences[i].start)
    key_points = [
        {"text": _sentence(sentences[i].text), "start": sentences[i].start, "end": sentences[i].end}
        for i in in_time
    ]
    paragraph = ("What is said: " + " ".join(kp["text"] for kp in key_points)) if key_points else ""
    return gist, paragraph, key_points


class DefaultSummariser:
    """The offline extractive summariser (``default``), behind the :class:`Summariser` interface."""

    name = "default"
    version = VERSION

    def __init__(self, **options: Any):
        if options:
            raise ConfigError("the default summariser takes no options")
        self.prompts: list[Any] = []
        self.notes: list[str] = []

    def summarise(self, doc: TranscriptDoc) -> Summary:
        return default_summary(doc)
