"""Relations by meaning: do two arguments about the same point take the same side or opposite sides.

Why a model. Counting negation words reads "I don't see this as a defeat" as the opposite of "a
normal part of progress rather than a loss" and lets "not only X but also Y" flip agreement into a
clash; and cosine similarity cannot tell the sides apart, since arguments on one point are similar
whichever side they take (see ``DEV_FIGURES``).

How: the stance route. Two arguments about the same point agree when both speak *for* the thing
they discuss, or both *against* it. So each text gets one number, P(it speaks for its subject),
from the packaged all-MiniLM-L6-v2 with a LoRA adapter and a linear head on its mean-pooled
tokens (``data/relations_lora.npz``, merged at load time by :mod:`argmap.pipeline.minilm`), and

    P(agrees) = p_a * p_b + (1 - p_a) * (1 - p_b)

which is symmetric, needs one encoding per distinct text (a key point's n members cost n, not
n^2 pair reads), and works without knowing the topic. Polarity is topic-agnostic where "pro/con
the motion" is not: an ArgKP argument's label is its stance times its motion's direction (pro
"We should ban X" speaks against X), a Claim Stance claim's its stance times the motion's
sentiment. Negated copies of training texts carry the flipped label, so "doesn't hurt" reads as
favourable, not as a negation.

Measured on the same dev pairs, within the same CPU budget (``benchmarks/train_relations.py
--kind``): a cross-encoder (LoRA MiniLM reading the pair) stayed at chance (0.51 after 60 steps of
32 pairs, loss flat); a siamese encoder continued from the matcher reached 0.71 at its best
threshold but needs lexical distance to disagree ("boosts" vs "drags down" are near neighbours to
it); a logistic head on frozen MiniLM polarity features 0.58. The polarity adapter (rank 16 on all
six blocks, 1.2 MB) reaches 0.808 balanced accuracy (agrees recall 0.85, contrasts 0.77), beside
0.583 for the negation-word rule and 0.568 for the best cosine threshold, measured in the same run.

Known misses: a negated *negative* word can still read as against its subject ("I don't see this
as a defeat", "nobody can say it is unsafe"); ``tests/test_relations.py`` keeps two such pairs as
expected failures.

Training (``benchmarks/train_relations.py``): ArgKP-2021 *train* arguments, key points and motions,
IBM Claim Stance *train topics* claims and motions. Dev pairs from ArgKP-2021 *dev*, 4 topics never
trained on (``benchmarks/bench_relations.py``): each argument with a near argument of its key point
(agrees) and a near argument of the other stance (contrasts).

Data and licences: ArgKP-2021 (IBM, CDLA-Sharing-1.0); IBM Debater Claim Stance (CC-BY-SA 3.0,
claim texts under Wikipedia's terms). Only weights derived from them ship, never their text.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from argmap.pipeline.minilm import TunedMiniLM

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "relations_lora.npz"
AGREES, CONTRASTS = "agrees", "contrasts"
RELATIONS = (AGREES, CONTRASTS)
#: balanced accuracy on the 1,342 ArgKP-2021 dev pairs of ``benchmarks/bench_relations.py``
DEV_FIGURES = {"relation model": 0.808, "negation-word rule": 0.583, "best cosine threshold": 0.568}
#: recorded with each relation compare writes, so a stored run says how it was judged
METHOD = "model:minilm-polarity-lora-v1"


class RelationModel:
    """Judges pairs of texts as ``agrees`` or ``contrasts``, with a confidence in [0.5, 1].

    Args:
        weights: the adapter and head file.
    """

    def __init__(self, weights: Path = WEIGHTS):
        self.encoder = TunedMiniLM(weights)
        self.method = METHOD
        if "head::weight" not in self.encoder.delta:
            raise ValueError(f"{weights} has no polarity head")

    def polarity(self, texts: Sequence[str]) -> np.ndarray:
        """P(the text speaks for what it is about), one per text."""
        import numpy as np

        if not texts:
            return np.zeros(0, dtype=np.float32)
        weight = self.encoder.delta["head::weight"].astype(np.float32).reshape(-1)
        bias = float(self.encoder.delta["head::bias"].astype(np.float32).reshape(-1)[0])
        logit = self.encoder.pooled(texts) @ weight + bias
        return (1.0 / (1.0 + np.exp(-logit))).astype(np.float32)

    def agree_probability(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(agrees) per pair: both texts for their subject, or both against it."""
        import numpy as np

        if not pairs:
            return np.zeros(0, dtype=np.float32)
        unique = sorted({t for pair in pairs for t in pair})
        p = dict(zip(unique, self.polarity(unique).tolist(), strict=True))
        return np.array([p[a] * p[b] + (1 - p[a]) * (1 - p[b]) for a, b in pairs], dtype=np.float32)

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, float]]:
        """(relation, confidence) for each (text a, text b)."""
        out = []
        for p in self.agree_probability(pairs).tolist():
            out.append((AGREES, p) if p >= 0.5 else (CONTRASTS, 1.0 - p))
        return out


_LOCK = threading.Lock()
_MODELS: dict[Path, RelationModel] = {}


def load_relation_model(weights: Path = WEIGHTS) -> RelationModel:
    """The process-wide relation model (MiniLM loads on first use, once)."""
    with _LOCK:
        if weights not in _MODELS:
            _MODELS[weights] = RelationModel(weights)
        return _MODELS[weights]
