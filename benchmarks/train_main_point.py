"""Fit the weights of :mod:`argmap.pipeline.summarise.main_point` from readers' labels.

    .venv/bin/python benchmarks/train_main_point.py [--l2 1.0]

Every labelled transcript of four sets (dev and new topics of ``tests/data/argeval``, the
``probe_*`` + ``pending_commentary_j`` and ``pending_commentary_k/l`` files of ``benchmarks/data``,
labels in each folder's ``main_points.json``) is stored, extracted and read into the summariser's
points as ``benchmarks/eval_gists.py`` does. A conditional logit (a softmax over one transcript's
arguments, the arguments covering a marked sentence sharing the target) is fitted on standardised
features with an L2 penalty, by plain gradient descent (the loss is convex). Printed: each set
scored by weights fitted on the other three (how often the top argument covers a sentence marked
``main``; ``main`` or ``second``), then the weights fitted on every set but new topics, on raw
feature values, for ``WEIGHTS``. The held-out transcripts are not read here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from eval_gists import sentences_of, stored_doc

from argmap.pipeline.extract.caption_eval import read_transcripts
from argmap.pipeline.summarise.default import summary_points
from argmap.pipeline.summarise.main_point import FEATURES, features
from argmap.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARGEVAL, CORPUS = ROOT / "tests" / "data" / "argeval", ROOT / "benchmarks" / "data"
SETS = {
    "dev": (ARGEVAL / "main_points.json", [ARGEVAL / "dev.jsonl"]),
    "new topics": (ARGEVAL / "main_points.json", [ARGEVAL / "newtopics.jsonl"]),
    "probe + pending j": (
        CORPUS / "main_points.json",
        [
            CORPUS / f
            for f in ("probe_commentary_m.jsonl", "probe_commentary_n.jsonl", "pending_commentary_j.jsonl")
        ],
    ),
    "pending k + l": (
        CORPUS / "main_points.json",
        [CORPUS / "pending_commentary_k.jsonl", CORPUS / "pending_commentary_l.jsonl"],
    ),
}
FITTED_ON = ("dev", "probe + pending j", "pending k + l")

Group = tuple[np.ndarray, np.ndarray, np.ndarray]  # features, covers main, covers main or second


def groups_of(labels_path: Path, files: Sequence[Path]) -> list[Group]:
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    out: list[Group] = []
    store = Store.memory()
    for n, item in enumerate(read_transcripts(files)):
        label = labels.get(item["id"])
        if label is None or not label["main"]:
            continue
        doc = stored_doc(store, item, n)
        points = summary_points(doc)
        covers = [sentences_of(p, item["segments"]) for p in points]
        main = np.array([bool(c & set(label["main"])) for c in covers])
        weaker = np.array([bool(c & set(label["main"] + label["second"])) for c in covers])
        if main.any():  # a main position the extractor never took as an argument teaches nothing
            out.append((np.array(features([p.text for p in points], doc.commentator)), main, weaker))
    store.close()
    return out


def fit(groups: Sequence[Group], l2: float, steps: int = 3000, rate: float = 0.1) -> np.ndarray:
    """Raw-feature weights of the conditional logit."""
    stacked = np.vstack([g[0] for g in groups])
    mean, scale = stacked.mean(0), stacked.std(0) + 1e-6
    w = np.zeros(stacked.shape[1])
    for _ in range(steps):
        grad = l2 * w / len(groups)
        for x, main, _weaker in groups:
            z = (x - mean) / scale
            s = z @ w
            p = np.exp(s - s.max())
            grad += z.T @ (p / p.sum() - main / main.sum()) / len(groups)
        w -= rate * grad
    return w / scale


def accuracy(groups: Sequence[Group], w: np.ndarray) -> tuple[float, float]:
    top = [int(np.argmax(x @ w)) for x, _, _ in groups]
    return (
        float(np.mean([g[1][k] for g, k in zip(groups, top, strict=True)])),
        float(np.mean([g[2][k] for g, k in zip(groups, top, strict=True)])),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args(argv)
    data = {name: groups_of(labels, files) for name, (labels, files) in SETS.items()}
    print("| set (fitted on the other three) | transcripts | states the main position | main or weaker |")
    print("|---|---|---|---|")
    for name, groups in data.items():
        w = fit([g for other, gs in data.items() if other != name for g in gs], args.l2)
        main, weaker = accuracy(groups, w)
        print(f"| {name} | {len(groups)} | {main:.3f} | {weaker:.3f} |")
    w = fit([g for name in FITTED_ON for g in data[name]], args.l2)
    print(f"fitted on {', '.join(FITTED_ON)}; new topics {accuracy(data['new topics'], w)}")
    print("WEIGHTS = (" + ", ".join(f"{v:.3f}" for v in w) + ")  # " + ", ".join(FEATURES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
