"""The caption-form variant of a labelled set: how extraction holds up on automatic captions.

Most YouTube videos reach argmap as automatic captions: lower case, no punctuation, cut into short
rolling cues that ignore sentences. A labelled set written with punctuation says nothing about that
input, so ``argmap eval`` also scores each transcript in caption form: its words reduced as
:func:`argmap.pipeline.sentence_ends.caption_form` does, then re-cut into cues of
:data:`CUE_WORDS` words with times spread evenly over each sentence's span. The extractor then has
to find sentence ends itself (:mod:`argmap.pipeline.sentence_ends`).

Scoring maps every predicted argument back to words (its quote is found among the caption words
at its first cue) and from words to the gold sentences it overlaps, so the caption-form scores are
the same span-overlap precision and recall per type as the punctuated ones (:mod:`.evaluate`).

:func:`recovery` compares the two runs directly, sentence by sentence: of the sentences the
extractor puts into arguments in the punctuated text, how many come back from the caption form as a
sentence with the same words inside an argument of the same type (``exact``), with both ends within
:data:`NEAR_WORDS` words (``near``), or at least half covered by such an argument (``overlap``).
Exact is the hard one: both sentence ends must be restored. :func:`argument_recovery` asks the same
of whole arguments: of the punctuated run's arguments, how many come back as an argument of the
same type with the same first and last word (``exact``) or both within :data:`NEAR_WORDS` words
(``near``). A sentence the caption run cuts in two inside one argument costs the sentence figure
but not the argument one, which is what a user reads: the quote and its moment.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract.base import Extractor
from argmap.pipeline.extract.dataset import Span, _input, gold_spans, prf
from argmap.pipeline.sentence_ends import caption_form
from argmap.store import ARGUMENT_TYPES

#: words per automatic-caption cue (YouTube's rolling lines hold about six to eight)
CUE_WORDS = 7
#: a recovered argument may start or end this many words away from the punctuated one ("so", "um")
NEAR_WORDS = 2
#: speaking pace given to a transcript without times (cues need times; no score reads them)
SECONDS_PER_WORD = 0.4


@dataclass(frozen=True)
class CaptionDoc:
    """A labelled transcript in caption form, with the way back from its words to its sentences."""

    doc: dict[str, Any]  # eval-document shape: id, commentator, segments (cues, label "other")
    words: list[str]
    sentence_of_word: list[int]  # gold segment index of each word
    first_word_of_cue: list[int]


def to_captions(doc: dict[str, Any], cue_words: int = CUE_WORDS) -> CaptionDoc:
    """``doc`` lower-cased, unpunctuated and re-cut into cues of ``cue_words`` words."""
    words: list[str] = []
    owner: list[int] = []
    times: list[tuple[float, float]] = []
    for k, seg in enumerate(doc["segments"]):
        ws = caption_form(str(seg["text"])).split()
        if not ws:
            continue
        start, end = float(seg["start"]), float(seg["end"])
        step = (end - start) / len(ws)
        for j, w in enumerate(ws):
            words.append(w)
            owner.append(k)
            times.append((start + j * step, start + (j + 1) * step))
    cues = []
    firsts = []
    for c in range(0, len(words), cue_words):
        last = min(c + cue_words, len(words)) - 1
        firsts.append(c)
        cues.append({"start": round(times[c][0], 3), "end": round(times[last][1], 3),
                     "text": " ".join(words[c : last + 1]), "label": "other"})  # fmt: skip
    caption = {
        "id": f"{doc.get('id', 'doc')}-captions",
        "commentator": doc.get("commentator"),
        "segments": cues,
    }
    return CaptionDoc(caption, words, owner, firsts)


def timed_doc(item: dict[str, Any]) -> dict[str, Any]:
    """A punctuated transcript in the corpus format of ``benchmarks/data`` (``id`` and a list of
    ``sentences``) as an eval document: a segment per sentence, timed at an even pace, labelled
    ``other``. Recovery and sentence ends need no labels, so any punctuated text can be measured."""
    segments, at = [], 0.0
    for text in item["sentences"]:
        span = SECONDS_PER_WORD * max(1, len(str(text).split()))
        segments.append(
            {"start": round(at, 3), "end": round(at + span, 3), "text": str(text), "label": "other"}
        )
        at += span
    return {"id": item.get("id", "doc"), "commentator": item.get("commentator"), "segments": segments}


def read_transcripts(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Every transcript of the JSONL files ``paths`` as an eval document, whichever of the
    project's formats a line is in: the corpus of ``benchmarks/data`` (``sentences``, see
    :func:`timed_doc`), the labelled sets (``segments``; a missing label reads ``other``) or a
    compare story (``transcripts``, each of ``segments``)."""
    docs = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for item in row.get("transcripts", [row]):
                if "segments" in item:
                    docs.append({**item, "segments": [{"label": "other", **s} for s in item["segments"]]})
                elif "sentences" in item:
                    docs.append(timed_doc(item))
                else:
                    raise ConfigError(f"{path}:{n}: a transcript needs 'sentences' or 'segments'")
    return docs


def word_range(quote: str, words: Sequence[str], near: int) -> tuple[int, int] | None:
    """Where ``quote`` (in caption form) sits among ``words``, searching from ``near`` onwards."""
    q = caption_form(quote).split()
    if not q:
        return None
    for at in range(max(0, near - 1), min(len(words), near + CUE_WORDS * 2)):
        if words[at : at + len(q)] == q:
            return at, at + len(q) - 1
    return None


def argument_words(
    arguments: Sequence[Any], words: Sequence[str], first_word_of_segment: Sequence[int]
) -> list[tuple[str, int, int]]:
    """(type, first word, last word) of each transcript argument (title arguments left out)."""
    out = []
    for a in arguments:
        if getattr(a, "origin", None) == "title" or a.seg_first >= len(first_word_of_segment):
            continue
        found = word_range(a.quote, words, first_word_of_segment[a.seg_first])
        if found is not None:
            out.append((a.type, *found))
    return out


def punctuated_words(doc: dict[str, Any]) -> tuple[list[str], list[int]]:
    """The caption-form words of a punctuated document and where each of its segments starts."""
    words: list[str] = []
    firsts: list[int] = []
    for seg in doc["segments"]:
        firsts.append(len(words))
        words += caption_form(str(seg["text"])).split()
    return words, firsts


def sentence_words(sentences: Sequence[Any]) -> list[tuple[int, int]]:
    """(first word, last word) of each sentence of a document, in caption-form word indices."""
    out = []
    at = 0
    for sentence in sentences:
        n = len(caption_form(sentence.text).split())
        out.append((at, at + n - 1))
        at += n
    return out


def typed_sentences(
    sentences: Sequence[tuple[int, int]], arguments: Sequence[tuple[str, int, int]]
) -> dict[tuple[int, int], str]:
    """The sentences (word spans) that lie inside an argument, with that argument's type."""
    out = {}
    for a, b in sentences:
        for kind, x, y in arguments:
            if x <= a and b <= y:
                out[(a, b)] = kind
                break
    return out


def recovery(punctuated: dict[tuple[int, int], str], captions: dict[tuple[int, int], str]) -> dict[str, int]:
    """How many argument sentences of the punctuated run come back from the caption run in an
    argument of the same type: with the same words (``exact``), with both ends within
    :data:`NEAR_WORDS` words (``near``), or at least half covered (``overlap``)."""
    counts = {"sentences": len(punctuated), "exact": 0, "near": 0, "overlap": 0}
    for (a, b), kind in punctuated.items():
        same = [(x, y) for (x, y), t in captions.items() if t == kind]
        counts["exact"] += captions.get((a, b)) == kind
        counts["near"] += any(abs(x - a) <= NEAR_WORDS and abs(y - b) <= NEAR_WORDS for x, y in same)
        covered = sum(max(0, min(b, y) - max(a, x) + 1) for x, y in same)
        counts["overlap"] += covered >= 0.5 * (b - a + 1)
    return counts


def argument_recovery(
    punctuated: Sequence[tuple[str, int, int]], captions: Sequence[tuple[str, int, int]]
) -> dict[str, int]:
    """How many arguments (type, first word, last word) of the punctuated run come back from the
    caption run with the same type and span (``exact``) or both ends within :data:`NEAR_WORDS`."""
    found = set(captions)
    counts = {"arguments": len(punctuated), "exact": 0, "near": 0}
    for kind, a, b in punctuated:
        counts["exact"] += (kind, a, b) in found
        counts["near"] += any(
            t == kind and abs(x - a) <= NEAR_WORDS and abs(y - b) <= NEAR_WORDS for t, x, y in captions
        )
    return counts


def _end_counts(cap: CaptionDoc, sentences: Sequence[Any]) -> tuple[int, int, int]:
    """(ends right, ends found, true ends) of the caption sentences ``sentences`` of ``cap``; the
    last word, which always ends one, is not counted."""
    owner = cap.sentence_of_word
    truth = {i for i in range(len(owner) - 1) if owner[i] != owner[i + 1]}
    found = {b for _, b in sentence_words(sentences)} - {len(owner) - 1}
    return len(found & truth), len(found), len(truth)


def _prf(right: int, found: int, true: int) -> dict[str, float]:
    """Precision, recall and F1 of ``found`` ends of which ``right`` are among ``true`` ones."""
    scores = prf(right, found, right, true)
    return {k: float(scores[k]) for k in ("precision", "recall", "f1")}


def end_scores(docs: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Precision, recall and F1 of the sentence ends the splitter gives the caption form of
    ``docs`` (its cuts by length included), against the punctuated text's own sentence ends (each
    segment one sentence, as in the labelled sets)."""
    counts = [_end_counts(cap, _input(cap.doc).sentences) for cap in map(to_captions, docs)]
    return _prf(*(sum(c) for c in zip(*counts, strict=True))) if counts else _prf(0, 0, 0)


def caption_run(
    docs: Sequence[dict[str, Any]], extractor: Extractor
) -> tuple[list[Any], dict[str, Any], dict[str, float]]:
    """(gold span / predicted span pairs, recovery counts by type, :func:`end_scores`) for the
    caption form of ``docs``.

    Span pairs are in gold-sentence indices, ready for :func:`.evaluate.score`.
    """
    pairs = []
    ends = [0, 0, 0]
    totals: dict[str, dict[str, int]] = {t: {} for t in (*ARGUMENT_TYPES, "all")}
    whole: dict[str, dict[str, int]] = {t: {} for t in (*ARGUMENT_TYPES, "all")}
    for doc in docs:
        cap = to_captions(doc)
        cap_doc = _input(cap.doc)
        predicted = argument_words(extractor.extract(cap_doc).arguments, cap.words, cap.first_word_of_cue)
        spans = [Span(t, cap.sentence_of_word[a], cap.sentence_of_word[b]) for t, a, b in predicted]
        pairs.append((gold_spans(doc["segments"]), spans))
        ends = [x + y for x, y in zip(ends, _end_counts(cap, cap_doc.sentences), strict=True)]
        words, firsts = punctuated_words(doc)
        ref_doc = _input(doc)
        reference = argument_words(extractor.extract(ref_doc).arguments, words, firsts)
        mine = typed_sentences(sentence_words(ref_doc.sentences), reference)
        theirs = typed_sentences(sentence_words(cap_doc.sentences), predicted)
        for kind in (*ARGUMENT_TYPES, "all"):
            subset = {k: t for k, t in mine.items() if kind in ("all", t)}
            for key, n in recovery(subset, theirs).items():
                totals[kind][key] = totals[kind].get(key, 0) + n
            args = [r for r in reference if kind in ("all", r[0])]
            for key, n in argument_recovery(args, predicted).items():
                whole[kind][key] = whole[kind].get(key, 0) + n

    def with_rates(counts: dict[str, int], whole_of: str, keys: tuple[str, ...]) -> dict[str, Any]:
        n = counts.get(whole_of, 0)
        return {**counts, **{f"{k}_rate": round(counts[k] / n, 3) if n else 0.0 for k in keys}}

    rates: dict[str, Any] = {
        kind: {**with_rates(c, "sentences", ("exact", "near", "overlap")),
               "arguments": with_rates(whole[kind], "arguments", ("exact", "near"))}
        for kind, c in totals.items()
    }  # fmt: skip
    return pairs, rates, _prf(*ends)


__all__ = [
    "CUE_WORDS",
    "argument_recovery",
    "CaptionDoc",
    "caption_run",
    "end_scores",
    "read_transcripts",
    "recovery",
    "timed_doc",
    "to_captions",
    "typed_sentences",
    "word_range",
]
