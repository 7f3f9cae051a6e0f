"""The key point matcher: how well an argument matches a key point, learned from ArgKP-2021.

Why not plain MiniLM cosine. Key Point Analysis asks a narrower question than "are these texts
about the same thing": does the argument make *this* point. Zero-shot all-MiniLM-L6-v2 cosine
answers the broader one and scores 0.724 strict mAP on ArgKP-2021 dev. Heads trained on frozen
MiniLM vectors do not beat that on unseen topics (0.63-0.73), so the encoder itself is tuned: a
rank-16 LoRA adapter (``data/matcher_lora.npz``, about 1.2 MB) trained contrastively on ArgKP train
with every other key point of the topic as a hard negative and a learned "matches none" threshold
(``benchmarks/train_matcher.py``). It is merged into the packaged MiniLM at load time
(:mod:`argmap.pipeline.minilm`), so a text costs the same as in search and vectors stay 384-dimensional,
normalised float32, comparable by dot product at any scale.

Figures (ArgKP-2021 dev, 4 topics never trained on, the task's scorer
``track_1_kp_matching.py``; ``benchmarks/bench_kpa.py`` reproduces them): see ``DEV_FIGURES``.

Data: ArgKP-2021 (IBM, CDLA-Sharing-1.0; Bar-Haim et al., ACL 2020; Friedman et al., ArgMining
2021). Only the trained weights ship, never dataset text.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from argmap.pipeline.minilm import TunedMiniLM

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "matcher_lora.npz"
#: mAP (strict, relaxed) on ArgKP-2021 dev with the task's scorer: the shipped adapter, zero-shot MiniLM
DEV_FIGURES = {"matcher": (0.846, 0.966), "zero-shot MiniLM": (0.724, 0.873)}
#: the name vectors from this encoder are stored under, apart from plain MiniLM's
MODEL_NAME = "argmap/minilm-kpa-lora-v1"


class Matcher:
    """Argument-to-key-point match scores from the tuned encoder.

    Args:
        weights: the adapter file; ``None`` gives plain MiniLM (the zero-shot baseline).
    """

    def __init__(self, weights: Path | None = WEIGHTS):
        self.encoder = TunedMiniLM(weights)
        #: cosine below which an argument is best read as matching none of the key points
        self.threshold = self.encoder.meta("threshold", 0.5)
        self.name = MODEL_NAME if weights is not None else "sentence-transformers/all-MiniLM-L6-v2"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors (n x 384); dot products are match scores."""
        return self.encoder.embed(texts)

    def match_scores(self, arguments: Sequence[str], key_points: Sequence[str]) -> np.ndarray:
        """Cosine of each argument (rows) with each key point (columns), in [-1, 1].

        Scores are comparable across arguments: the task ranks arguments by their best score, and
        the training loss puts an argument's true key point above :attr:`threshold` and an argument
        that makes none of the points below it.
        """
        return self.scores(self.encode(arguments), self.encode(key_points))

    @staticmethod
    def scores(argument_vectors: np.ndarray, key_point_vectors: np.ndarray) -> np.ndarray:
        """Match scores from vectors already encoded (for libraries of stored vectors)."""
        return argument_vectors @ key_point_vectors.T


_LOCK = threading.Lock()
_MATCHERS: dict[Path | None, Matcher] = {}


def load_matcher(weights: Path | None = WEIGHTS) -> Matcher:
    """The process-wide matcher (the model loads on first encode, once)."""
    with _LOCK:
        if weights not in _MATCHERS:
            _MATCHERS[weights] = Matcher(weights)
        return _MATCHERS[weights]
