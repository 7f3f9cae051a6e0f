"""Speaker turns onto transcript words and segments, whisperX's way: by time overlap.

A word belongs to the speaker whose turns cover most of it; a word no turn covers takes the
nearest turn within a second (speech recognisers and segmenters disagree by a few hundred
milliseconds at turn edges). A segment belongs to the speaker of most of its words, or, without
word times, of most of its span.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from typing import Any

from argmap.pipeline.speakers.diarize import Turn

NEAREST = 1.0  # seconds a word may sit outside every turn and still take the nearest


class TurnIndex:
    def __init__(self, turns: Sequence[Turn]):
        self.turns = sorted(turns, key=lambda t: t.start)
        self.starts = [t.start for t in self.turns]
        self.longest = max((t.end - t.start for t in self.turns), default=0.0)

    def speaker_of(self, start: float, end: float) -> int | None:
        """The speaker who covers most of [start, end], else the nearest within a second."""
        if not self.turns:
            return None
        lo = bisect_left(self.starts, start - self.longest)
        cover: Counter[int] = Counter()
        for t in self.turns[lo:]:
            if t.start > end:
                break
            overlap = min(end, t.end) - max(start, t.start)
            if overlap > 0:
                cover[t.speaker] += overlap
        if cover:
            return cover.most_common(1)[0][0]
        middle = (start + end) / 2
        gap, best = min((min(abs(t.start - middle), abs(t.end - middle)), t.speaker) for t in self.turns)
        return best if gap <= NEAREST else None


def assign(
    turns: Sequence[Turn], segments: Sequence[Any]
) -> tuple[list[int | None], list[list[dict[str, Any]] | None]]:
    """The speaker of each segment, and each segment's words with a ``speaker`` key added."""
    index = TurnIndex(turns)
    speakers: list[int | None] = []
    words_out: list[list[dict[str, Any]] | None] = []
    for seg in segments:
        words = seg.words or None
        if words:
            tagged = [{**w, "speaker": index.speaker_of(float(w["start"]), float(w["end"]))} for w in words]
            votes = Counter(
                w["speaker"] for w in tagged for _ in range(max(1, round((w["end"] - w["start"]) * 10)))
                if w["speaker"] is not None
            )  # fmt: skip
            speakers.append(votes.most_common(1)[0][0] if votes else index.speaker_of(seg.start, seg.end))
            words_out.append(tagged)
        else:
            speakers.append(index.speaker_of(seg.start, seg.end))
            words_out.append(None)
    return speakers, words_out
