"""Per-video summaries: a one-line gist, a short paragraph and timed key points.

The offline default is extractive: it ranks sentences by centrality (TextRank over TF-IDF
cosine similarity, numpy only, so it needs no model and runs in milliseconds), nudges
argumentative sentences up, picks a few non-redundant ones and keeps them in time order, each
with the moment it was said. The gist names the commentator and states the main claim. The
LLM summariser (abstractive, map-reduce) lives in :mod:`.llm`; both are found by name through
:mod:`.registry`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from argmap.pipeline.document import Sentence, TranscriptDoc
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract import rules
from argmap.store import Summary

VERSION = "1"
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’-]+")
_STOP_WORDS = """the a an and or but of to in on at for with by from as is are was were be been being it its
    this that these those he she they we you i his her their our your my me him them us not no so if then
    than there here what which who whom how why when where about into over also just like very really can
    could would should will shall may might must do does did done has have had having all any some more most
    much many such only own same too up down out off again further once um uh yeah okay right know think going
    gonna"""
_STOP = frozenset(_STOP_WORDS.split())
_TYPE_BOOST = {"critique": 1.25, "claim": 1.2, "call_to_action": 1.1, "other": 1.0}


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


def rank_sentences(sentences: Sequence[Sentence]) -> list[float]:
    """TextRank centrality of each sentence over TF-IDF cosine similarity."""
    import numpy as np

    n = len(sentences)
    if n == 0:
        return []
    docs = [Counter(_tokens(s.text)) for s in sentences]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    vocab = {w: i for i, w in enumerate(df)}
    if not vocab:
        return [1.0 / n] * n
    mat = np.zeros((n, len(vocab)), dtype=np.float32)
    for row, d in enumerate(docs):
        for w, c in d.items():
            mat[row, vocab[w]] = (1 + math.log(c)) * math.log((1 + n) / (1 + df[w]))
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    mat = (mat / np.where(norms == 0, 1, norms)).astype(np.float32)
    sim = mat @ mat.T
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


def _redundant(a: Sentence, chosen: list[Sentence]) -> bool:
    ta = set(_tokens(a.text))
    for b in chosen:
        tb = set(_tokens(b.text))
        if ta and tb and len(ta & tb) / min(len(ta), len(tb)) > 0.6:
            return True
    return False


def _gist(commentator: str | None, main: Sentence, verdict: rules.Verdict, title: str | None) -> str:
    who = commentator or (f"The speaker in {title!r}" if title else "The speaker")
    if verdict.attributed or (commentator and commentator.split()[0].lower() in main.text.lower()):
        text = rules.attribute(main.text, commentator)
        if commentator and commentator.split()[0].lower() not in text.lower():
            text = f"{who}: {text}"
        return text
    verb = {"critique": "criticises", "call_to_action": "urges", "claim": "argues"}.get(verdict.type, "says")
    body = rules.clean_text(main.text).rstrip(".")
    if verdict.type == "call_to_action":
        return f"{who} {verb}: {body}."
    return f"{who} {verb} that {_as_clause(body)}."


# Hedging openers; "X argues that I think ..." reads wrong without removing them. Spoken
# filler ("so", "well", "honestly") is rules.FILLER's job, before and after.
_HEDGES = re.compile(
    r"^(?:(?:frankly|i\s+(?:really\s+)?(?:think|believe|feel|would\s+say|reckon)|in\s+my\s+(?:view|opinion)"
    r"|to\s+me)\b(?:\s+that\b)?[,\s]*)+",
    re.IGNORECASE,
)


def _as_clause(sentence: str) -> str:
    """A sentence made to follow "argues that": filler and hedging openers dropped, the first
    word lower-cased unless it is "I" or an acronym."""
    body = rules.strip_filler(_HEDGES.sub("", rules.strip_filler(sentence))) or sentence
    first = body.split(" ", 1)[0]
    if first == "I" or first.startswith("I'") or (len(first) > 1 and first[1:2].isupper()):
        return body
    return body[:1].lower() + body[1:]


def default_summary(doc: TranscriptDoc, *, max_points: int = 6) -> Summary:
    """The extractive summary of one transcript."""
    sentences = [s for s in doc.sentences if len(s.text.split()) >= 5] or list(doc.sentences)
    if sentences:
        gist, paragraph, key_points = _extract_summary(doc, sentences, max_points)
    else:
        # Silence or music only: a transcript with no segments is valid, and so is saying so.
        gist, paragraph, key_points = (
            f"{doc.commentator or 'The speaker'}: no speech was transcribed in this video.",
            "",
            [],
        )
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


def _extract_summary(
    doc: TranscriptDoc, sentences: list[Sentence], max_points: int
) -> tuple[str, str, list[dict[str, Any]]]:
    """Gist, paragraph and timed key points from the most central sentences."""
    verdicts = rules.classify_all([s.text for s in sentences], doc.commentator)
    scores = rank_sentences(sentences)
    boosted = [sc * _TYPE_BOOST[v.type] for sc, v in zip(scores, verdicts, strict=True)]
    order = sorted(range(len(sentences)), key=lambda i: (-boosted[i], sentences[i].start))
    k = max(1, min(max_points, round(math.sqrt(len(sentences)) + 1)))
    picked: list[int] = []
    for i in order:
        if rules.HOUSEKEEPING.search(sentences[i].text):
            continue
        if not _redundant(sentences[i], [sentences[j] for j in picked]):
            picked.append(i)
        if len(picked) == k:
            break
    picked = picked or [order[0]]
    argumentative = [i for i in order if verdicts[i].type in ("claim", "critique")]
    main = argumentative[0] if argumentative else picked[0]
    # In a video with several speakers, the gist and key points name who said each.
    gist = _gist(doc.voice_of(sentences[main]), sentences[main], verdicts[main], doc.title)
    in_time = sorted(picked, key=lambda i: sentences[i].start)
    paragraph = " ".join(
        rules.attribute(sentences[i].text, doc.voice_of(sentences[i]))
        for i in in_time[: min(4, len(in_time))]
    )
    key_points = [
        {"text": rules.attribute(sentences[i].text, doc.voice_of(sentences[i])), "start": sentences[i].start,
         "end": sentences[i].end}
        for i in in_time
    ]  # fmt: skip
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
