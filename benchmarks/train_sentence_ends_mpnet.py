"""Train the default sentence-end restorer: a small head over frozen all-mpnet-base-v2.

    python benchmarks/train_sentence_ends_mpnet.py [--windows 12000] [--epochs 4]
                                                   [--heldout tests/data/argeval/heldout.jsonl] [--out PATH]

The shipped head (``pipeline/data/sentence_ends_mpnet_head.npz``): the defaults, about 17 minutes
on 2 cores (10 reading the windows with the encoder, 6 training the head).

The training text is the MiniLM restorer's (``train_sentence_ends.py``: ArgKP-2021 arguments and
Claim Stance claims from ``../shared/data`` grouped into running text with spoken openers and
fillers, the development transcripts ten times, the project's own spoken corpus four times, all in
caption form), cut into windows as that script's first epoch cuts them, of which ``--windows`` are
drawn at random: the encoder reads each window once (bfloat16, :class:`FrozenMPNet`), its word
features are kept, and the head (:func:`head_module`) trains on them. Decoding (threshold,
shortest sentence) is chosen on the same kept-out development transcripts as the MiniLM
restorer's; the held-out transcripts are scored once, for the written head, and nothing is chosen
on them. Only the head ships (float16, 1.6 MB); figures go to the README.

Why frozen: on these 2 cores a training step through the whole 110M-parameter encoder would cost
minutes per thousand windows; its states read once cost 10 minutes in all, and the head on them
found the ends of transcripts no restorer trained on at F1 0.727 against the LoRA-tuned MiniLM's
0.675 (the same head on frozen MiniLM: 0.620).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lora_common as lc  # noqa: E402
import train_sentence_ends as base  # noqa: E402

from argmap.pipeline.mpnet import LAYERS, FrozenMPNet  # noqa: E402
from argmap.pipeline.sentence_ends import (  # noqa: E402
    MAX_TOKENS,
    MPNET_HEAD,
    MPNetSentenceEndModel,
    _norm,
    head_module,
    padded,
)

BATCH = 32
READ_BATCH = 16


def training_windows(opts: argparse.Namespace, log: lc.Log) -> list[base.Window]:
    """``--windows`` windows drawn from the MiniLM restorer's first epoch."""
    dev = base.transcript_docs(opts.dev)
    fixed = base.fixed_docs(dev, base.OWN, base.OWN_FILES, base.DEV_WEIGHT, base.OWN_WEIGHT, log)
    docs = base.spoken(base.published_docs(opts.shared, base.SEED), dev, base.SEED)
    windows = base.cut_windows(docs + fixed, random.Random(base.SEED))
    picked = random.Random(opts.seed).sample(range(len(windows)), min(opts.windows, len(windows)))
    return [windows[i] for i in picked]


def read(encoder: FrozenMPNet, windows: Sequence[base.Window], log: lc.Log) -> list[tuple[object, object]]:
    """(float16 word features, float32 labels) per window, the labels cut to the words read."""
    import numpy as np

    out: list[tuple[object, object]] = [(None, None)] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))
    started = time.time()
    for first in range(0, len(order), READ_BATCH):
        idx = order[first : first + READ_BATCH]
        features = encoder.word_features([[_norm(w) for w in windows[i][0]] for i in idx], MAX_TOKENS)
        for i, f in zip(idx, features, strict=True):
            out[i] = (f.astype(np.float16), np.asarray(windows[i][1][: len(f)], dtype=np.float32))
        if first % (READ_BATCH * 100) == 0:
            log(f"read {first}/{len(order)} windows, {(time.time() - started) / 60:.1f} min")
    return out


def train_head(data: list[tuple[object, object]], opts: argparse.Namespace, log: lc.Log) -> object:
    import torch

    torch.manual_seed(opts.seed)
    head = head_module()
    optimizer = torch.optim.AdamW(head.parameters(), lr=opts.lr, weight_decay=0.01)
    total = opts.epochs * (len(data) // BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, step / 100) * max(0.0, 1 - step / total)
    )
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    rng, started, running = random.Random(opts.seed), time.time(), 0.0
    for epoch in range(opts.epochs):
        head.train()
        order = list(range(len(data)))
        rng.shuffle(order)
        for first in range(0, len(order) - BATCH + 1, BATCH):
            idx = order[first : first + BATCH]
            x, lengths = padded([data[i][0] for i in idx])  # type: ignore[misc]
            target, mask = torch.zeros(x.shape[:2]), torch.zeros(x.shape[:2])
            for row, i in enumerate(idx):
                labels = torch.as_tensor(data[i][1])
                target[row, : len(labels)], mask[row, : len(labels)] = labels, 1.0
            loss = (loss_fn(head(x, lengths), target) * mask).sum() / mask.sum()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            value = float(loss.detach())
            running = 0.95 * running + 0.05 * value if running else value
        log(f"epoch {epoch}: loss {running:.4f}, {(time.time() - started) / 60:.1f} min")
    return head.eval()


def save(path: Path, head: object, threshold: float, min_words: int, f1: float) -> None:
    import numpy as np

    arrays = {f"head::{k}": v.detach().numpy().astype(np.float16) for k, v in head.state_dict().items()}  # type: ignore[attr-defined]
    meta = {"mpnet": 1.0, "threshold": threshold, "min_words": min_words, "validation_f1": f1}
    arrays.update({f"meta::{k}": np.float32(v) for k, v in meta.items()})
    arrays["meta::layers"] = np.asarray(LAYERS, dtype=np.int16)  # the states the head reads
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=base.SHARED)
    parser.add_argument("--dev", type=Path, default=base.DEV)
    parser.add_argument("--heldout", type=Path, default=base.HELDOUT)
    parser.add_argument("--out", type=Path, default=MPNET_HEAD)
    parser.add_argument("--log", type=Path, default=None)
    parser.add_argument("--windows", type=int, default=12000)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    opts = parser.parse_args(argv)
    log = lc.Log(opts.log)
    import torch

    torch.set_num_threads(opts.threads)
    encoder = FrozenMPNet()
    windows = training_windows(opts, log)
    log(f"{len(windows)} windows, {sum(len(w) for w, _ in windows)} words")
    head = train_head(read(encoder, windows, log), opts, log)
    save(opts.out, head, 0.5, 2, 0.0)
    model = MPNetSentenceEndModel(opts.out, encoder)
    validation = base.transcript_docs(opts.dev)[:: base.VALIDATION_EVERY]
    probabilities = [model.probabilities([w for s in d for w in s]).tolist() for d in validation]
    f1, threshold, min_words = base.best_decoding(probabilities, validation)
    save(opts.out, head, threshold, min_words, f1)
    log(f"validation boundary F1 {f1:.4f} (threshold {threshold}, min {min_words})")
    model = MPNetSentenceEndModel(opts.out, encoder)
    heldout = base.transcript_docs(opts.heldout)
    found = [model.ends([w for s in doc for w in s]) for doc in heldout]
    log(f"{opts.heldout.name}, caption form:", base.boundary_scores(found, heldout))
    log(f"wrote {opts.out} ({opts.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
