"""Agree/contrast judgements on pairs of arguments: argmap's relation model beside two baselines.

    python benchmarks/bench_relations.py --pairs PAIRS.csv --predictions OUT.csv
    python benchmarks/bench_relations.py [--dev] [--predictions OUT.csv]

With ``--pairs``: reads ``pair_id,text_a,text_b`` and writes ``pair_id,relation`` (``agrees`` or
``contrasts``), nothing else. With ``--dev`` (the default when no pairs are given): builds the
development pairs from ArgKP-2021 dev (:func:`relation_data.dev_pairs`: 4 topics no model here was
trained on; each argument with a near argument of its key point, agrees, and a near argument of the
other stance, contrasts) in a temporary file, runs itself on it, and prints balanced accuracy
beside, measured in the same run:

- the negation-word rule compare used before (contrasts iff one text has an odd count of negation
  cues and the other not: ``clustering.negated``);
- the best cosine threshold: zero-shot MiniLM cosine of the two texts, the threshold and direction
  chosen *on these very pairs* (an upper bound for any similarity rule).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import relation_data as rd  # noqa: E402

from argmap.pipeline.compare.clustering import negated  # noqa: E402
from argmap.pipeline.compare.relations import WEIGHTS, RelationModel  # noqa: E402
from argmap.pipeline.compare.sides import CONTRAST_AT  # noqa: E402

#: balanced accuracy the relation model must reach on the dev pairs (issue 9)
TARGET = 0.80


def predict_file(
    pairs_file: Path, out_file: Path, weights: Path = WEIGHTS, contrast_at: float = CONTRAST_AT
) -> float:
    """Judge every pair of ``pairs_file`` into ``out_file`` as compare does (a contrast under
    ``contrast_at`` agrees, :data:`argmap.pipeline.compare.sides.CONTRAST_AT`), with the model's
    own confidence beside; returns the seconds the model took."""
    with pairs_file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    model = RelationModel(weights)
    started = time.perf_counter()
    judged = model.judge([(r["text_a"], r["text_b"]) for r in rows])
    seconds = time.perf_counter() - started
    with out_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pair_id", "relation", "model_relation", "confidence"])
        for row, (relation, confidence) in zip(rows, judged, strict=True):
            shown = rd.AGREES if relation == rd.CONTRASTS and confidence < contrast_at else relation
            writer.writerow([row["pair_id"], shown, relation, f"{confidence:.4f}"])
    return seconds


def balanced_accuracy(gold: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """(balanced accuracy, recall of agrees, recall of contrasts)."""
    recalls = []
    for label in (rd.AGREES, rd.CONTRASTS):
        idx = [i for i, g in enumerate(gold) if g == label]
        recalls.append(sum(predicted[i] == label for i in idx) / max(1, len(idx)))
    return (recalls[0] + recalls[1]) / 2, recalls[0], recalls[1]


def best_cosine(gold: list[str], pairs: list[tuple[str, str]]) -> tuple[float, float, float, float]:
    """The best balanced accuracy any cosine threshold reaches on these pairs, and the threshold."""
    import numpy as np

    vecs = rd.vectors([t for p in pairs for t in p])
    cos = np.sum(vecs[0::2] * vecs[1::2], axis=1)
    best = (0.0, 0.0, 0.0, 0.0)
    for threshold in np.unique(np.round(cos, 3)):
        for high in (rd.AGREES, rd.CONTRASTS):
            low = rd.CONTRASTS if high == rd.AGREES else rd.AGREES
            predicted = [high if c >= threshold else low for c in cos]
            score = balanced_accuracy(gold, predicted)
            if score[0] > best[0]:
                best = (*score, float(threshold))
    return best


def dev_run(predictions: Path, weights: Path) -> None:
    pairs = rd.dev_pairs()
    gold = [label for _, _, label in pairs]
    with tempfile.TemporaryDirectory() as tmp:
        pairs_file = Path(tmp) / "pairs.csv"
        with pairs_file.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["pair_id", "text_a", "text_b"])
            for n, (a, b, _) in enumerate(pairs):
                writer.writerow([f"p{n:05d}", a, b])
        seconds = predict_file(pairs_file, predictions, weights)
    with predictions.open(newline="", encoding="utf-8") as handle:
        judged = {r["pair_id"]: r for r in csv.DictReader(handle)}
    model = [judged[f"p{n:05d}"]["relation"] for n in range(len(pairs))]
    raw = [judged[f"p{n:05d}"]["model_relation"] for n in range(len(pairs))]  # before compare's cut
    rule = [rd.CONTRASTS if negated(a) != negated(b) else rd.AGREES for a, b, _ in pairs]
    cosine = best_cosine(gold, [(a, b) for a, b, _ in pairs])
    agrees = gold.count(rd.AGREES)
    print(f"ArgKP-2021 dev pairs: {len(pairs)} ({agrees} agrees, {len(pairs) - agrees} contrasts), "
          "4 topics unseen in training")  # fmt: skip
    print(f"{'method':<34} {'balanced acc':>12} {'agrees rec':>10} {'contrasts rec':>13}")
    for name, score in (
        (f"argmap, as compare ({seconds:.0f} s)", balanced_accuracy(gold, model)),
        ("argmap relation model, cut at 0.5", balanced_accuracy(gold, raw)),
        ("negation-word rule", balanced_accuracy(gold, rule)),
        (f"best cosine threshold ({cosine[3]:.3f})", cosine[:3]),
    ):
        print(f"{name:<34} {score[0]:>12.4f} {score[1]:>10.4f} {score[2]:>13.4f}")
    mine = balanced_accuracy(gold, model)[0]
    verdict = "met" if mine >= TARGET else "NOT met"
    print(f"target: balanced accuracy >= {TARGET} on unseen topics (issue 9): {verdict} at {mine:.4f}")
    print(f"predictions: {predictions}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=Path, help="CSV with pair_id,text_a,text_b")
    ap.add_argument("--dev", action="store_true", help="build the ArgKP-2021 dev pairs and score them")
    ap.add_argument("--predictions", type=Path, default=Path("relations_predictions.csv"))
    ap.add_argument("--weights", type=Path, default=WEIGHTS)
    opts = ap.parse_args(argv)
    if opts.pairs and not opts.dev:
        seconds = predict_file(opts.pairs, opts.predictions, opts.weights)
        print(f"wrote {opts.predictions} in {seconds:.1f} s")
    else:
        dev_run(opts.predictions, opts.weights)


if __name__ == "__main__":
    main()
