"""Which arguments take a side, and which only relay the story: the side-taking model.

Why. Commentary relays the story's facts ("the council voted eleven to six on Tuesday") beside
the speaker's own positions, and the extractor keeps both as claims, since relayed facts are what
search and key points must find. But a relayed fact takes no side on a debated point, so a side
read into it by the relation model is noise. On the 80 compare training stories
(``benchmarks/data/compare_train_*.jsonl``, extracted arguments) 46% of the scored agreements and
clashes compare drew joined two sentences on one labelled point, and a quarter joined a relayed
fact with an opinion, or two relayed facts as a clash: 80 of those 84 were wrong. So
:mod:`.sides` reads a commentator's stance from the members that take a side and relates a report
to an opinion only where one denies the other.

How: a logistic regression over what the extractor's classifier reads of a text alone (its cue
features and its all-MiniLM-L6-v2 embedding, :func:`argmap.pipeline.extract.classifier.features`),
trained by ``benchmarks/train_side_taking.py`` on the 80 training stories' sentences that are not
asides, a sentence counting as side-taking when its label gives it a side on one of its story's
debated points. Writers differ, so it was checked across them before it was trained on all: trained
on four writers' stories and read on the other four's, AUC 0.873 and 0.878 (accuracy 0.795 and 0.808
against 0.644 and 0.653 for the majority class); trained on all 80, on the dev stories of
``tests/data/compare_eval`` (another writer) AUC 0.828, accuracy 0.714 against 0.593. The weights
(``data/side_taking.npz``, 6 KB) are all that ship; the stories were written for this project.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from argmap.pipeline.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "side_taking.npz"
#: recorded in a run's method when the model decided which members take a side
NAME = "model:minilm-cues-lr-v1"
#: a text takes a side at this probability or above
CUT = 0.5


def feature_rows(texts: Sequence[str]) -> np.ndarray:
    """What the model reads of each text, alone: no neighbours, no commentator."""
    import numpy as np

    from argmap.pipeline.extract.classifier import embed, rule_features

    cues = np.asarray([rule_features([t], None)[0] for t in texts], dtype=np.float32)
    return np.hstack([cues.reshape(len(texts), -1), np.asarray(embed(list(texts)), dtype=np.float32)])


class SideTakingModel:
    """P(the text takes a side) from the shipped weights; only numpy at run time."""

    def __init__(self, path: Path = WEIGHTS):
        import numpy as np

        try:
            with np.load(path, allow_pickle=False) as data:
                self.mean = data["mean"]
                self.scale = data["scale"]
                self.coef = data["coef"].reshape(-1)
                self.intercept = float(data["intercept"].reshape(-1)[0])
        except (OSError, KeyError, ValueError) as err:
            raise ModelError(f"cannot load the side-taking weights {path}: {err}") from err

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros(0, dtype=np.float32)
        z = ((feature_rows(texts) - self.mean) / self.scale) @ self.coef + self.intercept
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)

    def takes_side(self, texts: Sequence[str]) -> list[bool]:
        return [bool(p >= CUT) for p in self.probabilities(texts).tolist()]


_LOCK = threading.Lock()
_MODELS: dict[Path, SideTakingModel] = {}


def load_side_taking(path: Path = WEIGHTS) -> SideTakingModel | None:
    """The process-wide model, or ``None`` when its weights are missing (every argument then
    counts as taking a side, as before the model)."""
    if not path.is_file():
        return None
    with _LOCK:
        if path not in _MODELS:
            _MODELS[path] = SideTakingModel(path)
        return _MODELS[path]
