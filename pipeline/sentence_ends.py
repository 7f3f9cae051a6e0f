"""Where sentences end in text that has no punctuation: YouTube's automatic captions, some ASR.

Auto-captions arrive lower-case and unpunctuated ("so the big news this week is that the commerce
department put out new export rules for ai chips according to the filing the rules cap ..."). The
sentence splitter in :mod:`argmap.pipeline.document` cuts at punctuation, so on such text it could
only cut every ~45 words at a cue edge, and arguments started mid-phrase and ran on across three
ideas. This module restores the missing sentence ends.

The model is a logistic regression over the gap after each word: the word itself, the next two,
the one before, the word pairs across and on each side of the gap, and how many words the current
sentence already has (a bucket, so "the" after three words and "the" after thirty differ), all
hashed into :data:`BUCKETS` weights. Decoding is greedy, left to right: a gap whose probability
passes the threshold ends a sentence and resets the length count. It was trained offline by
``benchmarks/train_sentence_ends.py`` on punctuated English reduced to caption form: the argument
texts of IBM's ArgKP-2021 and Claim Stance sets (read from ``../shared/data`` at training time,
never copied) and the project's own spoken development transcripts; the held-out transcripts were
not used. Only the weights ship (``data/sentence_ends.npz``); prediction needs numpy alone.

:func:`caption_form` is the reduction itself (lower case, punctuation dropped, apostrophes inside
words kept), shared by training, ``argmap eval``'s caption-form variant and the tests.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = Path(__file__).resolve().parent / "data" / "sentence_ends.npz"
#: hashed feature space (weights are float16: 2**18 of them is 512 KB before compression)
BUCKETS = 1 << 18
#: below this many closing marks per word, a text counts as unpunctuated
PUNCTUATED_RATE = 1 / 40
_LENGTH_EDGES = (1, 2, 3, 5, 8, 12, 18, 25, 35)
_WORD = re.compile(r"[\w'’]+")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")


def caption_form(text: str) -> str:
    """``text`` as automatic captions write it: lower case, no punctuation, words kept whole."""
    kept = _INNER_APOSTROPHE.sub("\x00", text.lower())
    words = re.findall(r"[\w\x00]+", kept)
    return " ".join(w.replace("\x00", "'") for w in words)


def is_unpunctuated(text: str) -> bool:
    """Whether ``text`` is long enough to need sentences and has almost no closing marks."""
    words = len(text.split())
    return words >= 12 and len(re.findall(r"[.!?…]", text)) < words * PUNCTUATED_RATE


def _length_bucket(n: int) -> int:
    return next((i for i, edge in enumerate(_LENGTH_EDGES) if n <= edge), len(_LENGTH_EDGES))


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


def gap_features(words: Sequence[str], i: int, since: int) -> list[str]:
    """The features of the gap after ``words[i]``, ``since`` words into the current sentence."""
    w0 = words[i]
    w1 = words[i + 1] if i + 1 < len(words) else "</s>"
    w2 = words[i + 2] if i + 2 < len(words) else "</s>"
    wp = words[i - 1] if i > 0 else "<s>"
    bucket = _length_bucket(since)
    return [
        "bias",
        f"w0={w0}",
        f"w1={w1}",
        f"w2={w2}",
        f"wp={wp}",
        f"b={w0}|{w1}",
        f"t={wp}|{w0}",
        f"n={w1}|{w2}",
        f"len={bucket}",
        f"len={bucket}|w1={w1}",
        f"len={bucket}|w0={w0}",
    ]


def hashed(features: Sequence[str]) -> list[int]:
    """Stable bucket numbers (crc32, so the same in every process) for feature strings."""
    return [zlib.crc32(f.encode("utf-8")) % BUCKETS for f in features]


@dataclass
class SentenceEndModel:
    """Hashed logistic regression: one weight per bucket, a bias, a decision threshold."""

    weights: np.ndarray  # (BUCKETS,) float32
    threshold: float = 0.5

    def probability(self, words: Sequence[str], i: int, since: int) -> float:
        import math

        z = float(sum(self.weights[b] for b in hashed(gap_features(words, i, since))))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def ends(self, words: Sequence[str]) -> list[int]:
        """Indices of the words after which a sentence ends (greedy, left to right); the last
        word always ends one."""
        words = [_norm(w) for w in words]
        out: list[int] = []
        since = 0
        for i in range(len(words) - 1):
            since += 1
            if self.probability(words, i, since) >= self.threshold:
                out.append(i)
                since = 0
        if words:
            out.append(len(words) - 1)
        return out

    def save(self, path: Path, **meta: str) -> None:
        import numpy as np

        arrays: dict[str, Any] = {
            "weights": self.weights.astype(np.float16),
            "threshold": np.array(self.threshold),
            **{k: np.array(v) for k, v in meta.items()},
        }
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> SentenceEndModel:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            weights = data["weights"].astype(np.float32)
            if weights.shape != (BUCKETS,):
                raise ValueError(f"{path}: {weights.shape[0]} weights, expected {BUCKETS}")
            return cls(weights=weights, threshold=float(data["threshold"]))


_LOADED: dict[Path, SentenceEndModel | None] = {}


def load_model(path: Path = WEIGHTS) -> SentenceEndModel | None:
    """The shipped model, read once per process; None when its file is missing or unreadable
    (sentences are then cut by length alone, as before the model existed)."""
    if path not in _LOADED:
        try:
            _LOADED[path] = SentenceEndModel.load(path)
        except (OSError, KeyError, ValueError):
            _LOADED[path] = None
    return _LOADED[path]


def sentence_ends(text: str, model: SentenceEndModel | None = None) -> list[int]:
    """Character offsets in ``text`` just after each word that ends a sentence (the text's own
    end included); empty when no model is available."""
    model = model or load_model()
    spans = [m.span() for m in _WORD.finditer(text)]
    if model is None or not spans:
        return []
    ends = model.ends([text[a:b] for a, b in spans])
    return [spans[i][1] for i in ends]


__all__ = [
    "SentenceEndModel",
    "caption_form",
    "gap_features",
    "hashed",
    "is_unpunctuated",
    "load_model",
    "sentence_ends",
]
