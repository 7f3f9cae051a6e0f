"""The sentence classifier behind the default extractor v2: rules' evidence plus an embedding.

Rules v1 (:mod:`.rules`) were tuned sentence by sentence on the development set and read new
commentary noticeably worse than the sentences they were tuned on; word lists cannot cover
every way of saying "this is a bad policy". This module keeps the rules as *evidence* rather
than as the verdict: each sentence becomes a feature vector of what the rules saw (their
verdict and rule, cue-word counts, person, imperative mood, question mark, the neighbours'
verdicts) joined with its all-MiniLM-L6-v2 embedding, and a multinomial logistic regression
trained on ``tests/data/argeval/dev.jsonl`` (see ``benchmarks/train_extractor.py``) picks the label.
Version 3 was trained on the issue-10 labels (the story's reported facts are claims, channel
housekeeping is not a call to action) and on every transcript twice, as written and in caption
form, so that it types lower-case unpunctuated sentences as it types punctuated ones.

Only numpy is needed at run time: the weights ship as ``data/extractor_v3.npz`` and prediction
is one matrix product. The embedding model is the process-wide one from :mod:`.embed`, so an
ingest that extracts and then embeds loads it once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline.errors import ModelError
from argmap.pipeline.extract import frozen_cues as cues
from argmap.pipeline.extract import rules

if TYPE_CHECKING:
    import numpy as np

LABELS = ("call_to_action", "claim", "critique", "other")
WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "extractor_v3.npz"
#: the classifier was trained on this model's vectors; another model's would be meaningless to it
EMBED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

_RULE_NAMES = (
    "empty", "housekeeping", "short", "report-critique", "report-cta", "report-claim",
    "reported-critique", "reported-call", "reported-claim", "report-narration", "question-cta",
    "question", "reported-speech", "modal", "imperative", "negative", "claim", "default",
)  # fmt: skip
_FIRST_PERSON = frozenset(("i", "i'm", "i've", "i'd", "i'll", "my", "me"))
_SECOND_PERSON = frozenset(("you", "your", "you're", "y'all", "you've", "you'll"))


def _cue_features(text: str, verdict: cues.Verdict) -> list[float]:
    clean = cues.strip_filler(text)
    low = clean.lower()
    words = clean.split()
    tokens = [w.strip(",.!?;:\"'") for w in low.split()]
    negative, cancelled = cues._negative(clean)
    return [
        *(float(verdict.type == t) for t in LABELS),
        *(float(verdict.rule == r) for r in _RULE_NAMES),
        verdict.confidence,
        float(verdict.attributed),
        min(negative, 3) / 3,
        min(cancelled, 2) / 2,
        min(len(cues.CLAIM_MARKERS.findall(low)), 5) / 5,
        float(bool(cues.STRONG_CLAIM.search(low))),
        float(bool(cues.HEDGE.search(low))),
        float(bool(cues.NARRATION.search(low))),
        float(bool(cues.SHOULD_HAVE.search(low))),
        float(bool(cues.NEGATED_POSITIVE.search(low))),
        float(bool(cues.CTA_HOUSEKEEPING.search(low))),
        float(bool(cues.HOUSEKEEPING.search(clean))),
        float(bool(cues.CTA_MODAL.search(clean))),
        float(bool(cues.CTA_FIRST_PERSON.search(low))),
        float(bool(words) and cues._imperative(words)),
        float(bool(cues.REPORTED_SPEECH.match(clean))),
        float(bool(cues.NOT_CALL.search(low))),
        float(clean.endswith("?")),
        float(clean.endswith("!")),
        min(sum(t in _FIRST_PERSON for t in tokens), 3) / 3,
        min(sum(t in _SECOND_PERSON for t in tokens), 3) / 3,
        float(bool(cues.PRONOUN_START.match(clean))),
        math.log1p(len(words)) / 4,
    ]


def rule_features(texts: Sequence[str], commentator: str | None) -> list[list[float]]:
    """Per sentence: its own cues, then the cue rules' verdict on the sentence before and after.

    Neighbours matter because arguments run over several sentences ("It's like they hired
    someone who has never seen human skin" is a critique only after the one before it).
    """
    verdicts = [cues.classify(t, commentator) for t in texts]
    own = [_cue_features(t, v) for t, v in zip(texts, verdicts, strict=True)]
    rows = []
    for i, feats in enumerate(own):
        prev = verdicts[i - 1].type if i > 0 else None
        nxt = verdicts[i + 1].type if i + 1 < len(verdicts) else None
        rows.append([*feats, *(float(prev == t) for t in LABELS), *(float(nxt == t) for t in LABELS)])
    return rows


#: which feature blocks a model reads: the cue rules' evidence, the embedding, or both
MODES = ("both", "rules", "embedding")


def features(
    texts: Sequence[str], commentator: str | None, vectors: np.ndarray | None, mode: str = "both"
) -> np.ndarray:
    """The classifier's input rows: cue features, then the sentence embeddings, as ``mode`` says."""
    import numpy as np

    blocks = []
    if mode in ("both", "rules"):
        blocks.append(np.asarray(rule_features(texts, commentator), dtype=np.float32).reshape(len(texts), -1))
    if mode in ("both", "embedding"):
        assert vectors is not None
        blocks.append(np.asarray(vectors, dtype=np.float32))
    return np.hstack(blocks)


def embed(texts: Sequence[str]) -> np.ndarray:
    from argmap.pipeline.search.embed import get_embedder

    return get_embedder(EMBED_MODEL).encode([rules.strip_filler(t) or t for t in texts])


@dataclass
class SentenceModel:
    """Standardise, then a linear layer and softmax over :data:`LABELS`."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (labels, features)
    intercept: np.ndarray
    mode: str  # one of MODES

    @property
    def uses_embedding(self) -> bool:
        return self.mode != "rules"

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        import numpy as np

        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def save(self, path: Path, **meta: str) -> None:
        import numpy as np

        arrays: dict[str, Any] = {
            "mean": self.mean.astype(np.float32),
            "scale": self.scale.astype(np.float32),
            "coef": self.coef.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
            "mode": np.array(self.mode),
            "labels": np.array(LABELS),
            **{k: np.array(v) for k, v in meta.items()},
        }
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> SentenceModel:
        import numpy as np

        try:
            with np.load(path, allow_pickle=False) as data:
                if tuple(str(x) for x in data["labels"]) != LABELS:
                    raise ModelError(f"{path}: labels do not match this version of argmap")
                return cls(
                    mean=data["mean"],
                    scale=data["scale"],
                    coef=data["coef"],
                    intercept=data["intercept"],
                    mode=str(data["mode"]),
                )
        except (OSError, KeyError, ValueError) as err:
            raise ModelError(f"cannot load the extractor weights {path}: {err}") from err


_LOADED: dict[Path, SentenceModel] = {}


def load_model(path: Path = WEIGHTS) -> SentenceModel:
    """The shipped weights, read once per process."""
    if path not in _LOADED:
        _LOADED[path] = SentenceModel.load(path)
    return _LOADED[path]
