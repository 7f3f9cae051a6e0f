"""One-shot ``argmap search`` latency, as a user at a terminal sees it: a new process per query.

    python benchmarks/bench_cli_search.py --db DB [--runs 5] [--query "..."]

Each run starts ``argmap search QUERY --db DB`` afresh, so every figure includes Python's start,
the imports and the query encoder's load: cold for the process, warm for the disk cache after the
first run. The default path (int8 ONNX query encoder) is timed beside the previous one
(``ARGMAP_QUERY_ENCODER=torch``: sentence-transformers and PyTorch) and beside keyword mode (no
encoder at all), in the same run. The database needs stored vectors (``argmap embed``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CLI = "from argmap.pipeline.present.cli import main; main()"


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, env=env)
    took = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"argmap {' '.join(args)} failed: {done.stderr.strip()}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default="Will the plan leave night workers without a ride home?")
    args = parser.parse_args()
    base = {**os.environ, "HF_HUB_OFFLINE": "1"}
    paths = {
        "onnx (default)": (["--mode", "hybrid"], {**base, "ARGMAP_QUERY_ENCODER": "auto"}),
        "torch (before)": (["--mode", "hybrid"], {**base, "ARGMAP_QUERY_ENCODER": "torch"}),
        "keyword only": (["--mode", "keyword"], base),
    }
    print(f"{'path':<16} {'first s':>8} {'median s':>9} {'runs':>5}")
    for label, (mode, env) in paths.items():
        times = [timed(["search", args.query, "--db", args.db, *mode], env) for _ in range(args.runs)]
        print(f"{label:<16} {times[0]:8.2f} {statistics.median(times):9.2f} {len(times):5d}")


if __name__ == "__main__":
    main()
