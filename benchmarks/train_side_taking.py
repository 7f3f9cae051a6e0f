"""Train the side-taking model (:mod:`argmap.pipeline.compare.side_taking`).

    .venv/bin/python benchmarks/train_side_taking.py [--out pipeline/data/side_taking.npz] [--check-only]

Reads the 80 compare training stories (``benchmarks/data/compare_train_*.jsonl``): every sentence
not labelled ``other`` is an example, side-taking when it has a ``point``. Prints the check across
writers (trained on files a-d, read on e-h, and the reverse: AUC, accuracy, majority-class
accuracy), then trains on all 80 and prints the same for the dev stories of
``tests/data/compare_eval`` (never trained on) before writing the weights. Standardised features,
L2-regularised logistic regression (C=0.003, the first of 0.003 / 0.01 / 0.03 on the check across
writers; the three were within 0.01 AUC). About two minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from argmap.pipeline.compare.side_taking import WEIGHTS, feature_rows

ROOT = Path(__file__).resolve().parent.parent
TRAIN = sorted((ROOT / "benchmarks" / "data").glob("compare_train_*.jsonl"))
DEV = ROOT / "tests" / "data" / "compare_eval" / "dev.jsonl"
C = 0.003


def examples(files: list[Path]) -> tuple[Any, Any]:
    import numpy as np

    texts, labels = [], []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            for transcript in json.loads(line)["transcripts"]:
                for seg in transcript["segments"]:
                    if seg["label"] != "other":
                        texts.append(seg["text"])
                        labels.append(int(seg.get("point") is not None))
    return feature_rows(texts), np.array(labels)


def fit(x: Any, y: Any) -> tuple[Any, Any, Any]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=5000).fit((x - mean) / scale, y)
    return mean.astype(np.float32), scale.astype(np.float32), model


def report(name: str, fitted: tuple[Any, Any, Any], x: Any, y: Any) -> None:
    from sklearn.metrics import roc_auc_score

    mean, scale, model = fitted
    p = model.predict_proba((x - mean) / scale)[:, 1]
    base = max(y.mean(), 1 - y.mean())
    print(
        f"{name}: AUC {roc_auc_score(y, p):.3f}, accuracy {((p >= 0.5) == y).mean():.3f}"
        f" (majority class {base:.3f}), {len(y)} sentences, {int(y.sum())} take a side"
    )


def main(argv: list[str] | None = None) -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--check-only", action="store_true", help="print the checks, write nothing")
    opts = parser.parse_args(argv)
    first = [p for p in TRAIN if p.stem[-1] in "abcd"]
    second = [p for p in TRAIN if p.stem[-1] not in "abcd"]
    xa, ya = examples(first)
    xb, yb = examples(second)
    report("trained on files a-d, read on e-h", fit(xa, ya), xb, yb)
    report("trained on files e-h, read on a-d", fit(xb, yb), xa, ya)
    fitted = fit(np.vstack([xa, xb]), np.concatenate([ya, yb]))
    xd, yd = examples([DEV])
    report("trained on all 80 stories, read on the dev stories", fitted, xd, yd)
    if opts.check_only:
        return
    mean, scale, model = fitted
    np.savez_compressed(
        opts.out,
        mean=mean,
        scale=scale,
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
        trained_on=np.array("benchmarks/data/compare_train_*.jsonl (80 stories)"),
    )
    print(f"wrote {opts.out}")


if __name__ == "__main__":
    main()
