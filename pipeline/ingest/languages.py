"""Which language is spoken where: language identification per ~30 s window of audio.

Whisper decides the language once, from the first 30 seconds, and then decodes the whole file in
it. A video that switches language (an interview, a bilingual explainer, a quote played in the
original) loses the other language's speech: on ``../shared/audio/multilingual.mp3`` (English,
then German from 0:30) the default English-only ``tiny.en`` dropped the German half without a
word and stored the file as English, and the multilingual ``base`` still called it English and
invented an English line at 0:54.

So before decoding, the audio is cut into windows of :data:`WINDOW` seconds and a multilingual
model names each window's language (one encoder pass per window: about a second per window for
``base`` on two CPU cores). A window the model is unsure of (below :data:`MIN_PROBABILITY`) is named
again in halves, down to :data:`MIN_SPLIT` seconds (a window holding the end of one language and
the start of another); silent windows and windows still unsure take their neighbour's language;
consecutive windows of one language form a :class:`LanguageRun`, and the boundary between two
runs is moved to the quietest moment near it, so a cut rarely falls inside a word. Each run is
then decoded on its own in its own language (:mod:`.transcribe` picks the model: the English-only
model for English, a multilingual one for the rest), and every segment carries its run's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16000
#: seconds of audio per language decision: Whisper's own input window
WINDOW = 30.0
#: below this probability a window's language is a guess; it takes its neighbours' instead
MIN_PROBABILITY = 0.5
#: a window quieter than this (RMS, dBFS) holds no speech to identify
SILENT_DBFS = -50.0
#: a last window shorter than this is too little audio to name a language on its own
MIN_WINDOW = 5.0
#: how far (seconds) a boundary between two languages may move to find a quiet moment
SEARCH = 1.5
#: an unsure window is named again in halves, down to windows of this many seconds
MIN_SPLIT = 7.5


@dataclass(frozen=True)
class LanguageRun:
    """A stretch of audio in one language (``None``: silent or unknown), in seconds."""

    start: float
    end: float
    language: str | None
    probability: float = 0.0

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)


def is_multilingual(model: Any) -> bool:
    """Whether a loaded faster-whisper model knows other languages than English."""
    inner = getattr(model, "model", None)
    return bool(getattr(inner, "is_multilingual", False))


def _dbfs(chunk: np.ndarray) -> float:
    import numpy as np

    if len(chunk) == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64))))
    return -120.0 if rms <= 0 else 20.0 * math.log10(rms)


def detect_windows(model: Any, audio: np.ndarray, *, window: float = WINDOW) -> list[LanguageRun]:
    """:class:`LanguageRun` per window of ``audio``, as ``model`` (multilingual) hears it.

    A window the model is unsure of is often two languages, not an unclear one (German to 0:37,
    French after it, named Latin at 0.41 and then taken for the English before it): it is named
    again in halves, down to :data:`MIN_SPLIT` seconds, so each language gets windows of its own.
    """
    size = int(window * SAMPLE_RATE)
    out: list[LanguageRun] = []
    # Each half costs a whole pass (Whisper pads to 30 s): a file the model is unsure of all the
    # way through (music, noise) gets at most as many extra passes as it has windows, plus the six
    # that one window cut down to 7.5 s takes.
    budget = [-(-len(audio) // size) + 6]
    for begin in range(0, len(audio), size):
        out += _named(model, audio, begin, min(len(audio), begin + size), budget)
    return out


def _named(model: Any, audio: np.ndarray, lo: int, hi: int, budget: list[int]) -> list[LanguageRun]:
    chunk = audio[lo:hi]
    start, end = lo / SAMPLE_RATE, hi / SAMPLE_RATE
    if len(chunk) < SAMPLE_RATE // 2 or _dbfs(chunk) < SILENT_DBFS:
        return [LanguageRun(start, end, None)]
    language, probability, _ = model.detect_language(audio=chunk)
    if end - start < MIN_WINDOW:
        probability = min(probability, MIN_PROBABILITY - 0.01)  # too short to stand alone
    if probability < MIN_PROBABILITY and end - start >= 2 * MIN_SPLIT and budget[0] >= 2:
        budget[0] -= 2
        middle = (lo + hi) // 2
        return _named(model, audio, lo, middle, budget) + _named(model, audio, middle, hi, budget)
    return [LanguageRun(start, end, str(language), float(probability))]


def merge_runs(windows: list[LanguageRun], default: str = "en") -> list[LanguageRun]:
    """Windows into runs: unsure and silent windows take the language before them (else after
    them, else ``default``), then neighbours of one language join."""
    sure = [w.language if w.language and w.probability >= MIN_PROBABILITY else None for w in windows]
    filled: list[str | None] = list(sure)
    for i in range(len(filled)):
        if filled[i] is None and i > 0:
            filled[i] = filled[i - 1]
    for i in range(len(filled) - 2, -1, -1):
        if filled[i] is None:
            filled[i] = filled[i + 1]
    runs: list[LanguageRun] = []
    for w, language in zip(windows, filled, strict=True):
        language = language or default
        p = w.probability if w.language == language else 0.0
        if runs and runs[-1].language == language:
            last = runs[-1]
            weight = last.seconds + w.seconds
            mean = (last.probability * last.seconds + p * w.seconds) / weight if weight else 0.0
            runs[-1] = LanguageRun(last.start, w.end, language, mean)
        else:
            runs.append(LanguageRun(w.start, w.end, language, p))
    return runs


def quiet_point(audio: np.ndarray, at: float, *, search: float = SEARCH) -> float:
    """The quietest 50 ms moment within ``search`` seconds of ``at`` (its middle, in seconds)."""
    import numpy as np

    hop = SAMPLE_RATE // 20
    lo = max(0, int((at - search) * SAMPLE_RATE))
    hi = min(len(audio), int((at + search) * SAMPLE_RATE))
    if hi - lo < 2 * hop:
        return at
    frames = audio[lo : hi - (hi - lo) % hop].reshape(-1, hop).astype(np.float64)
    energy = np.mean(frames**2, axis=1)
    best = int(np.argmin(energy))
    if energy[best] > 0.1 * float(np.median(energy)):  # a pause is some 10 dB below speech
        return at  # no pause to speak of: cutting anywhere is as good as here
    return round((lo + best * hop + hop // 2) / SAMPLE_RATE, 3)


def plan(audio: np.ndarray, runs: list[LanguageRun]) -> list[LanguageRun]:
    """``runs`` with each boundary between two languages moved to a quiet moment near it."""
    out = list(runs)
    for i in range(1, len(out)):
        cut = quiet_point(audio, out[i].start)
        cut = min(max(cut, out[i - 1].start + 0.5), out[i].end - 0.5)
        out[i - 1] = replace(out[i - 1], end=cut)
        out[i] = replace(out[i], start=cut)
    return out


def dominant(spans: list[LanguageRun]) -> tuple[str | None, float | None]:
    """The language spoken longest over ``spans`` and its time-weighted probability."""
    seconds: dict[str, float] = {}
    weighted: dict[str, float] = {}
    for run in spans:
        if run.language:
            seconds[run.language] = seconds.get(run.language, 0.0) + run.seconds
            weighted[run.language] = weighted.get(run.language, 0.0) + run.probability * run.seconds
    if not seconds:
        return None, None
    language = max(seconds, key=lambda k: (seconds[k], k))
    total = seconds[language]
    return language, (weighted[language] / total if total else 0.0)


__all__ = [
    "LanguageRun",
    "detect_windows",
    "dominant",
    "is_multilingual",
    "merge_runs",
    "plan",
    "quiet_point",
]
