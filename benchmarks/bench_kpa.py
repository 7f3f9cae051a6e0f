"""Key point matching on ArgKP-2021, scored by the task's scorer: argmap's matcher beside zero-shot MiniLM.

    python benchmarks/bench_kpa.py [--data ../shared/data/argkp2021] [--split dev] [--predictions OUT.json]

For every argument of the split, scores against the key points of its own topic and stance (as the
task defines candidates) are written as ``{arg_id: {key_point_id: score}}``: argmap's matcher to
``--predictions``, plain all-MiniLM-L6-v2 cosine to ``<predictions>.baseline.json``. Each file is
then scored by ``track_1_kp_matching.py DATA_DIR PREDICTIONS.json SPLIT`` (IBM's competition-era
scorer, in ``shared/data/argkp2021/``; needs pandas and scikit-learn), run as a subprocess, and the
two mAP strict / relaxed figures are printed side by side.

Only the named split is read. ArgKP-2021 is CDLA-Sharing-1.0; predictions hold ids and scores only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lora_common as lc  # noqa: E402

from argmap.pipeline.compare.matcher import WEIGHTS, Matcher  # noqa: E402

RESULT = re.compile(r"mAP strict\s*=\s*([\d.]+)\s*;\s*mAP relaxed\s*=\s*([\d.]+)")


#: dev strict mAP the matcher must reach (issue 9)
TARGET = 0.82


def predictions(matcher: Matcher, data: lc.ArgKP) -> dict[str, dict[str, float]]:
    """Each argument's score with each candidate key point (same topic and stance)."""
    arg_ids, kp_ids = list(data.args), list(data.kps)
    scores = matcher.match_scores([data.args[a][0] for a in arg_ids], [data.kps[k][0] for k in kp_ids])
    col = {k: j for j, k in enumerate(kp_ids)}
    cands = data.candidates()
    return {a: {k: round(float(scores[i, col[k]]), 6) for k in cands[a]} for i, a in enumerate(arg_ids)}


def score(data_dir: Path, predictions_file: Path, split: str, scorer: Path) -> tuple[float, float]:
    """mAP (strict, relaxed) as the shared scorer prints them."""
    if not (data_dir / f"arguments_{split}.csv").is_file():
        raise SystemExit(f"{data_dir} has no arguments_{split}.csv")
    with tempfile.TemporaryDirectory() as tmp:
        # The scorer reads DATA_DIR/{arguments,key_points,labels}_{split}.csv; link them so any
        # folder with those three files works, whatever else it holds.
        gold = Path(tmp)
        for kind in ("arguments", "key_points", "labels"):
            (gold / f"{kind}_{split}.csv").symlink_to((data_dir / f"{kind}_{split}.csv").resolve())
        run = subprocess.run(
            [sys.executable, str(scorer), str(gold), str(predictions_file), split],
            capture_output=True,
            text=True,
            check=False,
        )
    found = RESULT.search(run.stdout)
    if run.returncode or not found:
        raise SystemExit(f"scorer failed ({run.returncode}):\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    return float(found.group(1)), float(found.group(2))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=lc.ARGKP)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--predictions", type=Path, default=Path("kpa_predictions.json"))
    ap.add_argument(
        "--weights", type=Path, default=WEIGHTS, help="the matcher's adapter (default: the shipped one)"
    )
    ap.add_argument("--scorer", type=Path, default=lc.SCORER)
    opts = ap.parse_args(argv)

    data = lc.load_argkp(opts.split, opts.data)
    baseline_file = opts.predictions.with_suffix(".baseline.json")
    rows = []
    for name, weights, out in (("argmap matcher", opts.weights, opts.predictions),
                               ("zero-shot MiniLM cosine", None, baseline_file)):  # fmt: skip
        started = time.perf_counter()
        preds = predictions(Matcher(weights), data)
        seconds = time.perf_counter() - started
        out.write_text(json.dumps(preds, indent=1), encoding="utf-8")
        rows.append((name, out, seconds))
    has_labels = (opts.data / f"labels_{opts.split}.csv").is_file()
    print(f"ArgKP-2021 {opts.split}: {len(data.args)} arguments, {len(data.kps)} key points, "
          f"{len(data.topics())} topics; scorer {opts.scorer.name}")  # fmt: skip
    print(f"{'model':<26} {'mAP strict':>10} {'mAP relaxed':>11} {'encode s':>9}  predictions")
    mine = float("nan")
    for name, out, seconds in rows:
        strict, relaxed = (
            score(opts.data, out, opts.split, opts.scorer) if has_labels else (float("nan"),) * 2
        )
        mine = strict if out == opts.predictions else mine
        print(f"{name:<26} {strict:>10.4f} {relaxed:>11.4f} {seconds:>9.1f}  {out}")
    if opts.split == "dev" and has_labels:
        verdict = "met" if mine >= TARGET else "NOT met"
        print(f"target: dev mAP strict >= {TARGET} (issue 9; stretch 0.87): {verdict} at {mine:.4f}")


if __name__ == "__main__":
    main()
