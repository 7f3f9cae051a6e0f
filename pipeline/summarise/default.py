"""Per-video summaries: a one-line gist, a short paragraph and timed key points.

The offline default is extractive and built on the video's arguments (the ones the extract stage
stored; when there are none yet, the cue rules type the sentences instead):

- **Key points** are chosen for *coverage*: the arguments are compared by TF-IDF cosine
  similarity (numpy only, milliseconds); after the main point, one argument of each voice that
  makes a fair share of them (a two-host debate is heard from both hosts), one of each type present
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
  together"). The wording is :mod:`.gist_wording`'s.
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
from argmap.pipeline.summarise.gist_wording import (
    content_tokens,
    full_sentence,
    gist_of,
    names_among,
    stands_alone,
    unshouted,
    written_cases,
)
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
# 12: every voice with a fair share of a video's points (VOICE_SHARE) has one among the key points: a
# two-host debate had been summarised from one host's points alone; where a video has several voices
# each key point names its speaker; a count before the point ("second thing the board needs to ...")
# is no part of the gist.
VERSION = "12"
#: a critique or a call to action is more of a position than a relayed fact
_TYPE_WEIGHT = {"critique": 1.3, "call_to_action": 1.2, "claim": 1.0, "other": 0.8}
_TYPE_ORDER = ("critique", "call_to_action", "claim")
#: how much a key point's main-point score weighs on its coverage gain: exp(weight * score); 0.2-0.5
#: gave the same figures on the labelled sets (README, "Key points")
_POSITION_WEIGHT = 0.3
#: a voice making at least this share of a video's points (and two of them) is heard in its key points
VOICE_SHARE = 0.2


@dataclass(frozen=True)
class Point:
    """An argument as the summary sees it: what it says, standing alone, and when."""

    type: str
    text: str
    start: float
    end: float
    who: str | None
    origin: str | None = None


def _similarity(texts: Sequence[str]) -> Any:
    """Cosine similarity of TF-IDF vectors, one row per text (numpy array)."""
    import numpy as np

    n = len(texts)
    docs = [Counter(content_tokens(t)) for t in texts]
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
    if not any(content_tokens(s.text) for s in sentences):
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

    After the main point, one point of each voice with a fair share of the points that has none yet
    (:func:`voices_heard`: a debate is heard from both sides; one that stands alone and of a type not
    yet taken where the voice has one, so the type places are not crowded out), then one of each type
    present (so a
    video's one critique is never crowded out by its claims; a title's thesis fills no type's place),
    then points are added greedily; every pick is the one that most raises the sum over all points of
    their similarity to the closest chosen one (facility location), each gain weighted by how much the
    point reads as a position (:func:`.main_point.scores`), so a relayed fact covering the same words
    loses. The main point is the title's thesis when there is one, else the likeliest main position by
    :mod:`.main_point` (where it stands, and whether it is said as the speaker's own verdict, not by
    sharing the most words with the others, which is the topic, not the position); of the points
    ``host`` (the channel's commentator) makes where a video has several voices, and of those that stand
    alone (:func:`stands_alone`) and are not someone else's words passed on
    (:func:`~argmap.pipeline.extract.vetoes.hearsay`).
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

    for voice in voices_heard(points):
        # a debate summarised from one side's points hides the other: each main voice is heard, by a
        # point of a type not yet taken where it has one (so the type places below are not crowded out)
        said = [i for i, p in enumerate(points) if p.who == voice and p.origin != "title"]
        theirs = [i for i in said if i not in chosen]
        if theirs and len(chosen) < k and len(theirs) == len(said):
            taken = {points[i].type for i in chosen if points[i].origin != "title"}
            g = gains()
            # a point that stands alone ("The advisory board." does not) and of a type not yet taken
            alone = [i for i in theirs if stands_alone(points[i].text)] or theirs
            new_kind = [i for i in alone if points[i].type not in taken] or alone
            chosen.append(max(new_kind, key=lambda i: (g[i], -i)))
            best = np.maximum(best, sim[:, chosen[-1]])
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


def voices_heard(points: Sequence[Point]) -> list[str]:
    """The voices that make at least :data:`VOICE_SHARE` of ``points`` (and two), most points first;
    none where only one voice speaks."""
    counts = Counter(p.who for p in points if p.who)
    if len(counts) < 2:
        return []
    least = max(2.0, VOICE_SHARE * len(points))
    return [who for who, n in counts.most_common() if n >= least]


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
    upper, lower = written_cases(doc.sentences)
    gist = gist_of(points[main], who, names_among(upper, lower), reports=news)
    if "“" not in gist and gist.startswith(who):  # a quote stays as said, and so does a name
        gist = who + unshouted(gist[len(who) :], lower)
    in_time = sorted(chosen, key=lambda i: (points[i].start, i))
    key_points: list[dict[str, Any]] = [
        {"text": _point_text(points[i]), "start": points[i].start, "end": points[i].end} for i in in_time
    ]
    if len({p.who for p in points if p.origin != "title"}) > 1:  # several voices: each says whose it is
        for kp, i in zip(key_points, in_time, strict=True):
            if points[i].who and points[i].origin != "title":
                kp["speaker"] = points[i].who
    said = [i for i in in_time if points[i].origin != "title"] or in_time
    paragraph = " ".join(full_sentence(points[i].text) for i in said[:4])
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
    text = full_sentence(point.text)
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
        {"text": full_sentence(sentences[i].text), "start": sentences[i].start, "end": sentences[i].end}
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
