"""Sentences over timed segments: the unit that arguments and summaries are built from.

Speech recognisers and caption files cut text where the audio pauses, not where sentences end:
one segment may hold two sentences and one sentence may run over three segments. Extraction
needs whole sentences, and every argument must still say *when* it was said, so this module
re-cuts the text into sentences while keeping, for each one, its time span (interpolated by
character position inside a segment) and the range of segments it came from. Text without
punctuation (auto-captions) gets its sentence ends from a small model
(:mod:`argmap.pipeline.sentence_ends`); a title, heading or list item of an imported text is
always a sentence of its own.

:class:`TranscriptDoc` is one stored transcript as the extractors and summarisers see it
(segments in order, who speaks, the title); :func:`load_document` reads it from the store.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from argmap.pipeline.errors import ExtractionError
from argmap.pipeline.name_casing import name_spellings, restore_names
from argmap.pipeline.sentence_ends import is_unpunctuated, load_model, restorer_name, sentence_ends
from argmap.pipeline.text import CLAUSE_MARKS, DASH_ATTRIBUTION, is_abbreviation
from argmap.store import STRUCTURE_KINDS, ArgumentInContext, NotFound, Segment, Store, Video, queries
from argmap.store import speakers as sp


class TimedText(Protocol):
    idx: int
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Sentence:
    idx: int  # position in the transcript, 0-based
    text: str
    start: float
    end: float
    seg_first: int  # Segment.idx of the first and last segment it draws on
    seg_last: int
    kind: str | None = None  # the segment's kind when it is a line of its own (SEGMENT_KINDS)
    restored: bool = False  # its end was placed by the sentence-end model, not by punctuation

    @property
    def is_structure(self) -> bool:
        """A title, heading, byline or credit line: context, never (part of) an argument."""
        return self.kind in STRUCTURE_KINDS


# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+|$)")
# Unpunctuated ASR output can run on for minutes; past this many words a segment edge ends it.
MAX_WORDS = 45
_CLOSING_QUOTES = "\"”’'"
_CLAUSE_MARK = re.compile(rf"[{CLAUSE_MARKS}]")
#: a run with a clause mark per this many words or more is punctuated prose, cut only at its marks
WORDS_PER_CLAUSE = 20


def _next_starts_sentence(text: str, pos: int) -> bool:
    rest = text[pos:].lstrip()
    if not rest:
        return True
    first = rest[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘«¿¡([-—"


def split_sentences(segments: Sequence[TimedText]) -> list[Sentence]:
    """Cut ``segments`` (in order) into sentences with times and segment ranges."""
    # Join segments into one string, remembering which character range each segment covers.
    pieces: list[str] = []
    spans: list[tuple[int, int, TimedText]] = []
    pos = 0
    for seg in segments:
        text = " ".join(seg.text.split())
        if not text:
            continue
        if pieces:
            pieces.append(" ")
            pos += 1
        spans.append((pos, pos + len(text), seg))
        pieces.append(text)
        pos += len(text)
    full = "".join(pieces)
    if not full:
        return []

    cuts, restored = _cut_points(full, spans)
    kinds = {seg.idx: getattr(seg, "kind", None) for _, _, seg in spans}
    sentences: list[Sentence] = []
    begin = 0
    for cut in [*cuts, len(full)]:
        chunk = full[begin:cut]
        stripped = chunk.strip()
        if stripped:
            lead = begin + (len(chunk) - len(chunk.lstrip()))
            tail = lead + len(stripped)
            first, start = _time_at(spans, lead, is_end=False)
            last, end = _time_at(spans, tail, is_end=True)
            kind = kinds.get(first) if first == last else None
            sentences.append(
                Sentence(
                    idx=len(sentences),
                    text=stripped,
                    start=round(start, 3),
                    end=round(max(end, start), 3),
                    seg_first=first,
                    seg_last=max(last, first),
                    kind=kind,
                    restored=cut in restored,
                )
            )
        begin = cut
    return sentences


def _cut_points(full: str, spans: list[tuple[int, int, TimedText]]) -> tuple[list[int], set[int]]:
    """Where sentences end, and which of those ends the sentence-end model placed."""
    seg_ends = {e for _, e, _ in spans}
    cuts: list[int] = []
    for m in _BOUNDARY.finditer(full):
        end = m.end()
        mark = m.group().rstrip("\"'”’)]")
        if mark == "." and is_abbreviation(full, m.start()):
            continue
        # "?" and "!" always end a sentence; a lone "." needs a capital after it, unless a
        # segment ends there too (ASR lower-cases after a full stop now and then).
        if mark == "." and not _next_starts_sentence(full, end) and end not in seg_ends:
            continue
        if m.group()[-1] in _CLOSING_QUOTES and DASH_ATTRIBUTION.match(full, end):
            continue  # '"... twice as many people." — Cllr Ruth Adeyemi': the quote keeps its speaker
        cuts.append(end)
    # A sentence never spans two speakers: where the speaker changes, a sentence ends.
    speaker = [getattr(seg, "speaker_id", None) for _, _, seg in spans]
    changes = {spans[i][1] for i in range(len(spans) - 1) if speaker[i] != speaker[i + 1]}
    # A line of its own in an imported text (a heading, a list item ...) is never glued to the
    # sentence before or after it, punctuated or not.
    lines = {edge for a, b, seg in spans if getattr(seg, "kind", None) for edge in (a, b)}
    cuts = sorted((set(cuts) | changes | lines) - {0})
    restored = set(_restored_ends(full, cuts)) - set(cuts) - {len(full)}  # the text's own end is no news
    cuts = sorted(set(cuts) | restored)
    # Long unpunctuated runs: also cut at segment edges once a sentence grows past MAX_WORDS.
    # Word counts come from the word positions, so an hour of unpunctuated captions stays linear.
    starts, ends = [], []
    for m in re.finditer(r"\S+", full):
        starts.append(m.start())
        ends.append(m.end())

    def words(a: int, b: int) -> int:  # len(full[a:b].split())
        return bisect_left(starts, b) - bisect_right(ends, a)

    seg_edges = [e for _, e, _ in spans[:-1]]
    out: list[int] = []
    last = 0
    for cut in [*cuts, len(full)]:
        while words(last, cut) > MAX_WORDS:
            lo, hi = bisect_right(seg_edges, last), bisect_left(seg_edges, cut)
            # Counts grow edge by edge, so the edge closest to MAX_WORDS words in is one of the
            # two around the first edge that reaches MAX_WORDS.
            k = bisect_left(seg_edges, MAX_WORDS, lo, hi, key=lambda e: words(last, e))
            inside = [e for e in seg_edges[max(k - 1, lo) : min(k + 1, hi)] if words(last, e) >= 8]
            if not inside:
                break
            edge = min(inside, key=lambda e: abs(words(last, e) - MAX_WORDS))
            out.append(edge)
            last = edge
        if cut < len(full):
            out.append(cut)
        last = cut
    return out, restored


def _restored_ends(full: str, cuts: list[int]) -> list[int]:
    """Sentence ends the punctuation does not show: over the whole text when it is unpunctuated
    (auto-captions), else inside any run longer than MAX_WORDS words (an ASR stretch that lost its
    punctuation). See :mod:`argmap.pipeline.sentence_ends`."""
    if is_unpunctuated(full):
        return sentence_ends(full)
    out: list[int] = []
    for a, b in zip([0, *cuts], [*cuts, len(full)], strict=True):
        run = full[a:b]
        words = len(run.split())
        if words > MAX_WORDS:
            ends = sentence_ends(run)
            # A long sentence with commas all through is a run-on ("..., and it isn't, it's ten
            # people who ..."): its missing ends are comma splices, so only a cut at a clause mark
            # is taken; a cut between two words of a clause would leave both halves mid-phrase. A
            # stretch that only opens with "So, ..." lost its punctuation: every end counts.
            if len(_CLAUSE_MARK.findall(run)) * WORDS_PER_CLAUSE >= words:
                ends = [e for e in ends if _CLAUSE_MARK.match(run[:e].rstrip("\"'”’)]")[-1:])]
            out += [a + e for e in ends]
    return out


def _time_at(spans: list[tuple[int, int, TimedText]], offset: int, *, is_end: bool) -> tuple[int, float]:
    """The segment index and interpolated time of a character offset in the joined text."""
    # Spans are in order and apart, so the one that may hold the offset is the last starting at
    # or before it (an end may sit on its last character's far side, a start may not).
    at = bisect_right(spans, offset, key=lambda s: s[0]) - 1
    if at >= 0:
        lo, hi, seg = spans[at]
        if offset < hi or (is_end and lo < offset <= hi):
            width = max(hi - lo, 1)
            frac = min(max((offset - lo) / width, 0.0), 1.0)
            return seg.idx, seg.start + (seg.end - seg.start) * frac
    # Offsets on the joining spaces belong to the next segment (start) or the previous (end).
    if is_end:
        seg = spans[max(at, 0)][2]
        return seg.idx, seg.end
    seg = spans[min(at + 1, len(spans) - 1)][2]
    return seg.idx, seg.start


# -- one transcript, as extractors and summarisers read it -----------------------------------


@dataclass
class TranscriptDoc:
    """One transcript as an extractor sees it: segments in order, plus who is speaking."""

    video_id: str
    transcript_id: str
    segments: Sequence[Segment]
    commentator: str | None = None
    title: str | None = None
    speakers: Mapping[str, str] = field(default_factory=dict)  # speaker id -> name to show
    # the arguments already extracted from it (one extractor version), for summaries; empty when
    # extraction has not run or found nothing
    arguments: Sequence[ArgumentInContext] = ()
    extracted: bool = False  # extraction has run on it (so no arguments means none were found)
    #: names to restore in it, lower-case form -> written form, when it came without capitals
    #: (:mod:`argmap.pipeline.name_casing`); empty for text that has them
    names: Mapping[str, str] = field(default_factory=dict)

    def spelt(self, text: str) -> str:
        """``text`` with the names it writes in lower case spelt as written (captions)."""
        return restore_names(text, self.names)

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.segments)

    @property
    def sentence_ends_by(self) -> str | None:
        """The model that restored sentence ends this text lacked (auto-captions), if one did:
        what is read from it depends on that model, so extractions and summaries record it."""
        return restorer_name(load_model()) if any(s.restored for s in self.sentences) else None

    @cached_property
    def _by_idx(self) -> dict[int, Segment]:
        return {s.idx: s for s in self.segments}

    def speaker_of(self, sentence: Sentence) -> str | None:
        """Who said a sentence, where the video has speakers (sentences never span two)."""
        if not self.speakers:
            return None
        segment = self._by_idx.get(sentence.seg_first)
        return self.speakers.get(segment.speaker_id or "") if segment is not None else None

    def voice_of(self, sentence: Sentence) -> str | None:
        """The speaker of a sentence in a video with several, else its commentator."""
        return (self.speaker_of(sentence) if len(self.speakers) > 1 else None) or self.commentator


def commentator_name(store: Store, video: Video) -> str | None:
    if not video.commentator_id:
        return None
    try:
        return store.commentator(video.commentator_id).name
    except NotFound:
        return None


def failed_stage(store: Store, video_id: str) -> str | None:
    """``"<stage> failed: <reason>"`` for a video's first failed stage, None when none failed:
    why it has no transcript, as every command and page that needs one says it."""
    failed = [s for s in store.statuses(video_id).values() if s.status == "failed"]
    return f"{failed[0].stage} failed: {failed[0].reason or 'unknown reason'}" if failed else None


def no_transcript_reason(store: Store, video: Video) -> str:
    """Why ``video`` has no transcript, in one line: the stage that failed and its reason, or that
    it has not been transcribed yet."""
    failed = failed_stage(store, video.id)
    if failed:
        return f"{video.id} has no transcript: {failed} (`argmap retry` runs it again)"
    return f"{video.id} has no transcript yet (see `argmap videos`)"


def load_document(store: Store, video: Video) -> TranscriptDoc:
    transcript = store.transcript(video.id)
    if transcript is None:
        raise ExtractionError(no_transcript_reason(store, video), permanent=False)
    segments = store.segments(transcript.id)
    sample = " ".join(s.text for s in segments[:200])
    lower = is_unpunctuated(sample) and sample == sample.lower()
    return TranscriptDoc(
        video_id=video.id,
        transcript_id=transcript.id,
        segments=segments,
        commentator=commentator_name(store, video),
        title=video.title,
        speakers=sp.display_names(store, video.id),
        arguments=queries.preferred_arguments(store, video.id),
        extracted=store.is_done(video.id, "extract"),
        names=name_spellings(queries.name_sources(store), [video.title or ""]) if lower else {},
    )
