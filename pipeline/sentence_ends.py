"""Where sentences end in text that has no punctuation: YouTube's automatic captions, some ASR.

Auto-captions arrive lower-case and unpunctuated ("so the big news this week is that the commerce
department put out new export rules for ai chips according to the filing the rules cap ..."). The
sentence splitter in :mod:`argmap.pipeline.document` cuts at punctuation, so on such text it could
only cut every ~45 words at a cue edge, and arguments started mid-phrase and ran on across three
ideas. This module restores the missing sentence ends.

The model reads the words in windows, as a token classifier: the packaged all-MiniLM-L6-v2 with a
LoRA delta and a linear head (``data/sentence_ends_lora.npz``, merged at load time by
:mod:`argmap.pipeline.minilm`) gives, at the last word piece of each word, the probability that a
sentence ends after it. Each window holds :data:`WINDOW_WORDS` words whose ends it decides and
:data:`CONTEXT_WORDS` words of context on either side, since whether "the rules cap" continues
or starts a sentence depends on what follows. Decoding (:func:`decode`) keeps the ends whose
probability passes the threshold, choosing among ends closer than ``min_words`` words the likelier
set. An earlier hashed logistic regression over the words around each gap found held-out
ends with precision 0.553 / recall 0.480; context is what it lacked.

It was trained offline by ``benchmarks/train_sentence_ends.py`` on punctuated English reduced to
caption form: the argument texts of IBM's ArgKP-2021 and Claim Stance sets (read from
``../shared/data`` at training time, never copied) with spoken openers and fillers added, the
project's own spoken development transcripts, and a corpus of spoken commentary written for it and
for compare (``benchmarks/data/``); the held-out transcripts were not used. Only the weights ship.

:func:`caption_form` is the reduction itself (lower case, punctuation dropped, apostrophes inside
words kept), shared by training, ``argmap eval``'s caption-form variant and the tests.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline.errors import ModelError
from argmap.pipeline.minilm import TunedMiniLM, threads_for

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = Path(__file__).resolve().parent / "data" / "sentence_ends_lora.npz"
#: words whose ends one window decides, and words of context read on either side of them
WINDOW_WORDS = 64
CONTEXT_WORDS = 16
#: word pieces per window: (64 + 2 * 16) caption words are about 125 pieces
MAX_TOKENS = 192
BATCH_WINDOWS = 16
#: below this many marks (full stops, commas...) per word, a text counts as unpunctuated
PUNCTUATED_RATE = 1 / 40
_WORD = re.compile(r"[\w'’]+")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
#: marks that close off the word before them; a restored end falls after them
_ATTACHED = re.compile(r"[,;:.!?…)\]}\"”’]*")


def caption_form(text: str) -> str:
    """``text`` as automatic captions write it: lower case, no punctuation, words kept whole."""
    kept = _INNER_APOSTROPHE.sub("\x00", text.lower())
    words = re.findall(r"[\w\x00]+", kept)
    return " ".join(w.replace("\x00", "'") for w in words)


def is_unpunctuated(text: str) -> bool:
    """Whether ``text`` is long enough to need sentences and has almost no marks: a run-on with
    commas but one full stop is punctuated, and is cut at its commas (see :mod:`argmap.pipeline.document`)."""
    words = len(text.split())
    return words >= 12 and len(re.findall(r"[.!?…,;:]", text)) < words * PUNCTUATED_RATE


def windows(
    count: int, size: int = WINDOW_WORDS, context: int = CONTEXT_WORDS
) -> list[tuple[int, int, int, int]]:
    """(read from, decide from, decide to, read to) word indices covering ``count`` words."""
    return [
        (max(0, a - context), a, min(count, a + size), min(count, a + size + context))
        for a in range(0, count, size)
    ]


class SentenceEndModel:
    """P(a sentence ends after this word) for every word of an unpunctuated text.

    Args:
        weights: the adapter and head file (``meta::threshold`` and ``meta::min_words`` decode).
    """

    def __init__(self, weights: Path = WEIGHTS):
        self.encoder = TunedMiniLM(weights)
        if "head::weight" not in self.encoder.delta:
            raise ModelError(f"{weights} has no sentence-end head")
        self.threshold = self.encoder.meta("threshold", 0.5)
        self.min_words = int(self.encoder.meta("min_words", 2))

    def token_logits(self, batch: Any) -> Any:
        """One logit per word piece of a tokenised batch of windows (a torch tensor)."""
        model, _ = self.encoder.load()
        delta = self.encoder.delta
        import torch

        weight = torch.from_numpy(delta["head::weight"].astype("float32").reshape(-1))
        bias = float(delta["head::bias"].astype("float32").reshape(-1)[0])
        hidden = model(**batch).last_hidden_state
        return hidden.float() @ weight + bias

    def probabilities(self, words: Sequence[str]) -> np.ndarray:
        import numpy as np
        import torch

        out = np.zeros(len(words), dtype=np.float32)
        if not words:
            return out
        _, tokenizer = self.encoder.load()
        spans = windows(len(words))
        with threads_for(len(words) // 16), torch.inference_mode():  # a short text: one thread
            for first in range(0, len(spans), BATCH_WINDOWS):
                chunk = spans[first : first + BATCH_WINDOWS]
                batch = tokenizer(
                    [[_norm(w) for w in words[lo:hi]] for lo, _, _, hi in chunk],
                    is_split_into_words=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    padding=True,
                    return_tensors="pt",
                )
                logits = self.token_logits(batch).numpy()
                for row, (lo, a, b, _) in enumerate(chunk):
                    last: dict[int, int] = {}
                    for piece, word in enumerate(batch.word_ids(row)):
                        if word is not None:
                            last[word] = piece
                    for word, piece in last.items():
                        if a <= lo + word < b:
                            out[lo + word] = 1.0 / (1.0 + np.exp(-logits[row, piece]))
        return out

    def ends(self, words: Sequence[str]) -> list[int]:
        """Indices of the words after which a sentence ends; the last word always ends one."""
        return decode(self.probabilities(words).tolist(), self.threshold, self.min_words)


def decode(probabilities: Sequence[float], threshold: float, min_words: int) -> list[int]:
    """The sentence ends that best fit ``probabilities`` with no sentence (but the last) shorter
    than ``min_words`` words; the last word always ends one.

    Each end chosen scores ``logit(p) - logit(threshold)``, positive exactly where ``p`` passes
    the threshold, and the set with the highest total is found by dynamic programming. A greedy
    left-to-right pass took the first word over the threshold even when the next one was far
    likelier, and then had to skip that one as too close; where no two likely ends are closer
    than ``min_words`` both give the same ends (but for a probability exactly at the threshold)."""
    n = len(probabilities)
    if n == 0:
        return []
    bias = _logit(threshold)
    min_words = max(1, min_words)  # a sentence has a word
    # best[i]: the highest total over the words before i, with a sentence ending just before i
    best, back = [0.0] + [-math.inf] * n, [0] * (n + 1)
    reach, reach_at = -math.inf, 0  # the best best[j] with j <= i - min_words
    for i in range(1, n):
        j = i - min_words
        if j >= 0 and best[j] > reach:
            reach, reach_at = best[j], j
        if reach > -math.inf:
            best[i], back[i] = reach + _logit(probabilities[i - 1]) - bias, reach_at
    last = max(range(n), key=lambda j: best[j])  # the last sentence may be short
    out, i = [n - 1], last
    while i > 0:
        out.append(i - 1)
        i = back[i]
    return out[::-1]


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


_LOCK = threading.Lock()
_LOADED: dict[Path, SentenceEndModel | None] = {}


def load_model(path: Path = WEIGHTS) -> SentenceEndModel | None:
    """The shipped model, read once per process; None when its file is missing or unreadable
    (sentences are then cut by length alone, as before the model existed). MiniLM itself loads
    on first use."""
    with _LOCK:
        if path not in _LOADED:
            try:
                _LOADED[path] = SentenceEndModel(path)
            except (OSError, KeyError, ValueError, ModelError):
                _LOADED[path] = None
        return _LOADED[path]


@contextmanager
def model_in_use(model: SentenceEndModel | None) -> Iterator[None]:
    """Within the block, the sentence splitter restores ends with ``model`` instead of the shipped
    one (None: cuts by length alone, as when the weights file is missing): to measure another
    weights file, or the splitter without any, on the path users' text takes. It swaps the
    process-wide model, so other threads see it too."""
    with _LOCK:
        had, before = WEIGHTS in _LOADED, _LOADED.get(WEIGHTS)
        _LOADED[WEIGHTS] = model
    try:
        yield
    finally:
        with _LOCK:
            if had:
                _LOADED[WEIGHTS] = before
            else:
                _LOADED.pop(WEIGHTS, None)


def sentence_ends(text: str, model: SentenceEndModel | None = None) -> list[int]:
    """Character offsets in ``text`` just after each word that ends a sentence (the text's own
    end included); empty when no model is available."""
    model = model or load_model()
    spans = [m.span() for m in _WORD.finditer(text)]
    if model is None or not spans:
        return []
    ends = model.ends([text[a:b] for a, b in spans])
    # past the marks a word carries ("go," "it's -"), so the next sentence starts at a word
    return [_ATTACHED.match(text, spans[i][1]).end() for i in ends]  # type: ignore[union-attr]


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


__all__ = [
    "SentenceEndModel",
    "caption_form",
    "decode",
    "is_unpunctuated",
    "load_model",
    "model_in_use",
    "sentence_ends",
    "windows",
]
