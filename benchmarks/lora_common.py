"""What the matcher and relation scripts share: the datasets, LoRA layers for training, the KPA score.

Development only (never imported by argmap): the datasets stay in ``../shared/data/`` and are read
from there; nothing of their text is written anywhere in the repository.

- ArgKP-2021 (IBM, CDLA-Sharing-1.0): ``arguments_<split>.csv``, ``key_points_<split>.csv``,
  ``labels_<split>.csv``.
- IBM Claim Stance, train topics (CC-BY-SA 3.0): claims with PRO/CON towards their topic.

The LoRA layer here is the training-time form of what :mod:`argmap.pipeline.minilm`
merges at load time: ``y = W x + scale * B (A dropout(x))`` with ``B`` starting at zero, so
training starts from plain MiniLM exactly.
"""

from __future__ import annotations

import csv
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
ARGKP = SHARED_DATA / "argkp2021"
CLAIM_STANCE = SHARED_DATA / "claim_stance" / "claim_stance_train.csv"
SCORER = ARGKP / "track_1_kp_matching.py"

#: every linear layer of a BERT block: attention q/k/v/output and the feed-forward pair
ALL_LINEAR = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class ArgKP:
    """One split of ArgKP-2021: texts, their topic and stance, and the gold labels."""

    args: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # id -> (text, topic, stance)
    kps: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    labels: dict[tuple[str, str], int] = field(default_factory=dict)  # (arg id, kp id) -> 0/1

    def kps_of(self, topic: str, stance: int | None = None) -> list[str]:
        return [k for k, (_, t, s) in self.kps.items() if t == topic and (stance is None or s == stance)]

    def topics(self) -> list[str]:
        return sorted({t for _, t, _ in self.args.values()})

    def candidates(self) -> dict[str, list[str]]:
        """Each argument's key points: those of its own topic and stance, as the task defines."""
        groups: dict[tuple[str, int], list[str]] = defaultdict(list)
        for k, (_, t, s) in self.kps.items():
            groups[(t, s)].append(k)
        return {a: groups[(t, s)] for a, (_, t, s) in self.args.items()}


def load_argkp(split: str, data: Path = ARGKP) -> ArgKP:
    out = ArgKP()
    for row in read_rows(data / f"arguments_{split}.csv"):
        out.args[row["arg_id"]] = (row["argument"], row["topic"], int(row["stance"]))
    for row in read_rows(data / f"key_points_{split}.csv"):
        out.kps[row["key_point_id"]] = (row["key_point"], row["topic"], int(row["stance"]))
    labels_file = data / f"labels_{split}.csv"
    if labels_file.is_file():
        for row in read_rows(labels_file):
            out.labels[(row["arg_id"], row["key_point_id"])] = int(row["label"])
    return out


def kpa_map(scores: dict[str, dict[str, float]], data: ArgKP) -> tuple[float, float]:
    """mAP strict and relaxed, as ``track_1_kp_matching.py`` computes them (for model selection).

    Per topic and stance: each argument's best key point, the top half of arguments by that
    score, average precision of the labels (strict: undecided counts as no match; relaxed: as a
    match). The benchmark reports the shared scorer's own figures; this copy only saves a
    subprocess per checkpoint.
    """
    from sklearn.metrics import average_precision_score

    groups: dict[tuple[str, int], list[tuple[float, int | None]]] = defaultdict(list)
    for arg, (_, topic, stance) in data.args.items():
        kps = scores.get(arg) or {}
        if kps:
            best = max(kps.items(), key=lambda kv: kv[1])
            groups[(topic, stance)].append((best[1], data.labels.get((arg, best[0]))))
        else:
            groups[(topic, stance)].append((0.0, 0))
    strict, relaxed = [], []
    for rows in groups.values():
        top = sorted(rows, key=lambda r: -r[0])[: int(len(rows) * 0.5)]
        score = [r[0] for r in top]
        strict.append(average_precision_score([r[1] or 0 for r in top], score))
        relaxed.append(average_precision_score([1 if r[1] is None else r[1] for r in top], score))
    return float(sum(strict) / len(strict)), float(sum(relaxed) / len(relaxed))


# -- LoRA for training ---------------------------------------------------------------------------


def lora_linear_class() -> Any:
    import torch
    from torch import nn

    class LoRALinear(nn.Module):
        """A frozen linear layer plus a trainable low-rank update."""

        def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float):
            super().__init__()
            self.base = base
            self.scale = alpha / rank
            self.A = nn.Parameter(torch.empty(rank, base.in_features))
            self.B = nn.Parameter(torch.zeros(base.out_features, rank))
            nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
            self.drop = nn.Dropout(dropout)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + (self.drop(x) @ self.A.t() @ self.B.t()) * self.scale

    return LoRALinear


def add_lora(
    model: Any,
    rank: int,
    alpha: float,
    targets: tuple[str, ...] = ALL_LINEAR,
    dropout: float = 0.1,
    first_block: int = 0,
) -> list[Any]:
    """Freeze ``model`` and wrap the named linear layers of blocks from ``first_block`` on; returns the new
    parameters."""
    lora = lora_linear_class()
    for p in model.parameters():
        p.requires_grad_(False)
    params = []
    for block in model.encoder.layer[first_block:]:
        for path in targets:
            parent_path, _, leaf = path.rpartition(".")
            parent = block.get_submodule(parent_path)
            wrapped = lora(getattr(parent, leaf), rank, alpha, dropout)
            setattr(parent, leaf, wrapped)
            params += [wrapped.A, wrapped.B]
    return params


def delta_arrays(model: Any, meta: dict[str, float], head: dict[str, Any] | None = None) -> dict[str, Any]:
    """The adapter as the run-time delta file stores it (float16 factors, float32 scalars)."""
    import numpy as np

    out: dict[str, Any] = {}
    scale = None
    for name, module in model.named_modules():
        if hasattr(module, "A") and hasattr(module, "base"):
            out[f"{name}::A"] = module.A.detach().float().numpy().astype(np.float16)
            out[f"{name}::B"] = module.B.detach().float().numpy().astype(np.float16)
            scale = module.scale
    out["meta::scale"] = np.float32(scale)
    for key, value in meta.items():
        out[f"meta::{key}"] = np.float32(value)
    for key, value in (head or {}).items():
        out[f"head::{key}"] = np.asarray(value.detach().float().numpy(), dtype=np.float16)
    return out


def load_lora(model: Any, path: Path) -> int:
    """Copy the factors of a delta file into the LoRA layers of ``model`` (same rank and scale)."""
    import numpy as np
    import torch

    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    loaded = 0
    for name, module in model.named_modules():
        if hasattr(module, "A") and f"{name}::A" in arrays:
            with torch.no_grad():
                module.A.copy_(torch.from_numpy(arrays[f"{name}::A"].astype(np.float32)))
                module.B.copy_(torch.from_numpy(arrays[f"{name}::B"].astype(np.float32)))
            loaded += 1
    return loaded


def read_arrays(path: Path) -> dict[str, Any]:
    import numpy as np

    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def save_delta(path: Path, arrays: dict[str, Any]) -> None:
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:  # np.savez_compressed(str) would append ".npz"
        np.savez_compressed(handle, **arrays)


def base_model() -> tuple[Any, Any]:
    """The packaged MiniLM as a plain transformers model and its tokenizer."""
    from transformers import AutoModel, AutoTokenizer

    from argmap.pipeline.minilm import DEFAULT_MODEL, model_source

    source = model_source(DEFAULT_MODEL)
    return AutoModel.from_pretrained(source), AutoTokenizer.from_pretrained(source)


def warmup_decay(optimizer: Any, total: int) -> Any:
    """The training scripts' learning-rate schedule: linear warm-up over the first twentieth of
    ``total`` steps, then linear decay to zero at ``total``."""
    import torch

    warmup = max(1, total // 20)
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )


def descend(optimizer: Any, schedule: Any, params: list[Any], loss: Any) -> float:
    """One optimiser step on ``loss`` (gradients clipped to norm 1 over ``params``); its value."""
    import torch

    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    schedule.step()
    return float(loss.detach())


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Log:
    """Progress to stdout and to a file, flushed per line (runs go to the background)."""

    def __init__(self, path: Path | None):
        self.handle = path.open("a", encoding="utf-8") if path else None

    def __call__(self, *parts: object) -> None:
        line = " ".join(str(p) for p in parts)
        print(line, flush=True)
        if self.handle:
            self.handle.write(line + "\n")
            self.handle.flush()


class LowerCache:
    """Hidden states after the frozen lower blocks, computed once per text (training only).

    With LoRA on blocks ``upto`` and above, everything below is constant, so a training step
    runs only the upper blocks, forward and backward: on 2 shared cores, half the blocks is
    half the time.
    """

    def __init__(self, model: Any, tokenizer: Any, texts: list[str], upto: int, max_tokens: int = 128):
        import torch

        self.upto = upto
        self.model = model
        self.max_tokens = max_tokens
        self.rows: dict[str, Any] = {}
        if upto == 0:
            self.tokenizer = tokenizer
            return
        was_training = model.training
        model.eval()
        unique = sorted(set(texts), key=len)
        with torch.inference_mode():
            for start in range(0, len(unique), 64):
                chunk = unique[start : start + 64]
                batch = tokenizer(
                    chunk, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt"
                )
                hidden = model.embeddings(
                    input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"]
                )
                mask = self._mask(hidden, batch["attention_mask"])
                for layer in model.encoder.layer[:upto]:
                    hidden = layer(hidden, mask)
                for n, text in enumerate(chunk):
                    length = int(batch["attention_mask"][n].sum())
                    self.rows[text] = hidden[n, :length].clone()
        model.train(was_training)

    def _mask(self, hidden: Any, mask2d: Any) -> Any:
        from transformers.masking_utils import create_bidirectional_mask

        return create_bidirectional_mask(
            config=self.model.config, inputs_embeds=hidden, attention_mask=mask2d
        )

    def forward(self, texts: list[str], tokenizer: Any = None) -> tuple[Any, Any]:
        """(last hidden state, 2-d attention mask) for texts in the cache."""
        import torch

        if self.upto == 0:
            batch = self.tokenizer(
                texts, padding=True, truncation=True, max_length=self.max_tokens, return_tensors="pt"
            )
            return self.model(**batch).last_hidden_state, batch["attention_mask"]
        rows = [self.rows[t] for t in texts]
        width = max(r.shape[0] for r in rows)
        hidden = torch.zeros(len(rows), width, rows[0].shape[1])
        mask2d = torch.zeros(len(rows), width, dtype=torch.long)
        for n, r in enumerate(rows):
            hidden[n, : r.shape[0]] = r
            mask2d[n, : r.shape[0]] = 1
        mask = self._mask(hidden, mask2d)
        for layer in self.model.encoder.layer[self.upto :]:
            hidden = layer(hidden, mask)
        return hidden, mask2d
