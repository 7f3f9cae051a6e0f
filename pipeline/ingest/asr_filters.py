"""Whisper's inventions, found and removed one decoded window at a time.

Whisper is good at speech and bad at silence: on quiet or musical stretches it invents
"Thank you." or loops one phrase until the window ends. Those inventions must never reach
the store, because every later stage (arguments, search, comparison) would treat them as
something a commentator said. So each decoded window (segment) is checked on its own,
never the file as a whole: a lecture with one looping window keeps all its real speech.
Split from :mod:`.transcribe` (which re-exports these names) so that the stage module stays
about decoding and the filters can be read, and tested, on their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

#: below this RMS level (dBFS) a stretch of audio is treated as silence
SILENCE_DBFS = -50.0

# Phrases whisper emits on silence, music or noise because its training subtitles did.
# They are dropped only when the audio or the model's own scores say nobody spoke there.
FILLER_PHRASES = frozenset(
    {
        "thank you",
        "thank you very much",
        "thank you so much",
        "thanks",
        "thanks for watching",
        "thank you for watching",
        "thanks for watching and see you next time",
        "please subscribe",
        "please like and subscribe",
        "subscribe",
        "bye",
        "bye bye",
        "you",
        "so",
        "okay",
        "oh",
        "hmm",
        "um",
        "uh",
        "music",
        "applause",
        "silence",
        "subtitles by the amaraorg community",
        "see you next time",
        "see you in the next video",
    }
)


@dataclass
class AsrSegment:
    """One decoded window as faster-whisper reports it, reduced to what the filters need."""

    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0
    words: list[dict[str, Any]] | None = None
    language: str | None = None

    @classmethod
    def from_whisper(cls, seg: Any) -> AsrSegment:
        words = None
        if getattr(seg, "words", None):
            words = [
                {"start": float(w.start), "end": float(w.end), "word": w.word, "probability": w.probability}
                for w in seg.words
            ]
        return cls(
            start=float(seg.start),
            end=float(seg.end),
            text=seg.text.strip(),
            avg_logprob=float(seg.avg_logprob),
            no_speech_prob=float(seg.no_speech_prob),
            compression_ratio=float(seg.compression_ratio),
            words=words,
        )


@dataclass
class FilterReport:
    """What the hallucination filter removed, by reason, for logs and tests."""

    dropped: dict[str, int] = field(default_factory=dict)
    trimmed: int = 0

    def drop(self, reason: str) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1


# -- hallucination filters ---------------------------------------------------------------

#: a letter of any script: a window without one holds no word
_LETTER = re.compile(r"[^\W\d_]")
#: a unit after a number ("1,5°C", "1.5 cc", "2nd"): letters, but not a word said on its own
_NUMBER_UNIT = re.compile(r"(?<=[\d°])\s?[^\W\d_]{1,3}\b")


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: the form phrases are compared in."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s']|_", " ", text)
    text = text.replace("'", "")
    return " ".join(text.split())


def _longest_repeat_run(words: list[str], max_n: int = 8) -> tuple[int, int, int]:
    """(start, n, repeats) of the longest back-to-back repetition of an n-gram, by words covered."""
    best = (0, 0, 1)
    best_cover = 0
    for n in range(1, max_n + 1):
        i = 0
        while i + 2 * n <= len(words):
            gram = words[i : i + n]
            reps = 1
            while words[i + reps * n : i + (reps + 1) * n] == gram:
                reps += 1
            if reps > 1 and reps * n > best_cover:
                best, best_cover = (i, n, reps), reps * n
            i += max(1, (reps - 1) * n) if reps > 1 else 1
    return best


def _is_loop(n: int, reps: int) -> bool:
    # A word said three times ("no, no, no") is speech; five times in one window is a loop.
    # Longer phrases loop sooner: the same 2+ word phrase three times running is not speech.
    return reps >= 5 if n == 1 else reps >= 3


def repetition_loop(text: str) -> tuple[str, float]:
    """Detect a repetition loop in one window's text.

    Returns ``(text_without_loop, loop_share)``: the text with the repeated run collapsed
    to its first occurrence, and the share of the window's words that the run covered
    (0.0 when there is no loop).
    """
    tokens = text.split()
    words = [normalise(t) for t in tokens]
    start, n, reps = _longest_repeat_run(words)
    if n == 0 or not _is_loop(n, reps):
        return text, 0.0
    share = reps * n / max(1, len(words))
    kept = tokens[: start + n] + tokens[start + reps * n :]
    return " ".join(kept), share


def is_filler(text: str) -> bool:
    norm = normalise(text)
    return not norm or norm in FILLER_PHRASES


def _looks_silent(seg: AsrSegment, level_dbfs: float | None) -> bool:
    if level_dbfs is not None and level_dbfs < SILENCE_DBFS:
        return True
    return seg.no_speech_prob >= 0.3 or seg.avg_logprob < -0.7


def filter_hallucinations(
    segments: Iterable[AsrSegment],
    level: Callable[[float, float], float | None] | None = None,
    report: FilterReport | None = None,
) -> list[AsrSegment]:
    """Drop or trim windows that are not speech; each window is judged on its own.

    ``level(start, end)`` gives the audio's RMS level in dBFS for that stretch (None when
    unknown). Rules, in order:

    - nothing left after removing punctuation and music symbols: drop;
    - whisper's own no-speech rule (no_speech_prob > 0.6 and avg_logprob < -1.0): drop;
    - no word at all (digits, symbols and units only: "1.0%", "1,5°C") where the model doubts speech
      (no_speech_prob > 0.5): drop; on noise it invents such strings, and a person saying
      "one percent" is heard with confidence;
    - a known filler phrase where the audio is silent or the model doubts speech: drop;
    - an n-gram repeated back to back (a loop) covering over half the window: drop,
      otherwise collapse the loop to one copy and keep the rest;
    - the same text three or more windows running: keep the first, drop the copies.
    """
    report = report if report is not None else FilterReport()
    kept: list[AsrSegment] = []
    for seg in segments:
        if not normalise(seg.text):
            report.drop("empty")
            continue
        if seg.no_speech_prob > 0.6 and seg.avg_logprob < -1.0:
            report.drop("no_speech")
            continue
        if seg.no_speech_prob > 0.5 and not _LETTER.search(_NUMBER_UNIT.sub("", seg.text)):
            report.drop("no_words")
            continue
        if is_filler(seg.text) and _looks_silent(seg, level(seg.start, seg.end) if level else None):
            report.drop("filler")
            continue
        text, share = repetition_loop(seg.text)
        if share > 0.5:
            report.drop("loop")
            continue
        if share > 0:
            report.trimmed += 1
            # Word timings no longer line up with the trimmed text.
            seg = replace(seg, text=text, words=None)
        kept.append(seg)
    return _collapse_repeated_windows(kept, report)


def _collapse_repeated_windows(segments: list[AsrSegment], report: FilterReport) -> list[AsrSegment]:
    # Two identical windows in a row can be speech ("Yes." "Yes."); three or more are a loop
    # that spans windows, so keep the first and drop the copies.
    out: list[AsrSegment] = []
    i = 0
    while i < len(segments):
        j = i + 1
        key = normalise(segments[i].text)
        while j < len(segments) and normalise(segments[j].text) == key:
            j += 1
        out.append(segments[i])
        if j - i >= 3:
            for _ in range(j - i - 1):
                report.drop("repeated_window")
        else:
            out.extend(segments[i + 1 : j])
        i = j
    return out


def monotonic(segments: list[AsrSegment], duration: float) -> list[AsrSegment]:
    """Clamp times into [0, duration], never before the previous window, end >= start."""
    out = []
    prev_end = 0.0
    for seg in segments:
        start = min(max(seg.start, prev_end, 0.0), duration)
        end = min(max(seg.end, start), duration)
        out.append(replace(seg, start=start, end=end))
        prev_end = end
    return out
