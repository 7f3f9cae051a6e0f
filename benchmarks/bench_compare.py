"""Compare at library scale: key point analysis at 10k and 100k arguments, clustering at 10k.

Builds SQLite files of N arguments over 500 videos and 20 commentators whose vectors fall
around 300 points (unit vectors near one of 300 random centres, as paraphrases of one point
do), stored under both the search model's and the matcher's names as the embed stage would
have left them. Then runs, each in its own process so peak memory is its own:

* ``kpa`` (``argmap compare``'s default) at every ``--n``: candidate selection, matching of every
  argument, the relation model on the members it reads, and the stored run;
* ``cluster`` (the older average-linkage clustering, quadratic) at ``--cluster-n``.

Prints seconds and peak RSS per run. Target: kpa at 100,000 arguments in <= 120 s and <= 4 GB on
2 cores, growing about linearly.

    .venv/bin/python benchmarks/bench_compare.py [--n 10000,100000] [--cluster-n 10000] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from argmap.store import Argument, Commentator, Embedding, Store, Transcript, Video
from argmap.store.records import content_hash, to_row
from argmap.store.vectors import to_blob

WORDS = [
    "tariffs", "chips", "export", "open", "models", "training", "data", "security", "jobs", "prices",
    "energy", "grid", "schools", "housing", "rents", "transit", "budget", "taxes", "health", "care",
]  # fmt: skip
TYPES = ("claim", "critique", "call_to_action")


def build(path: Path, n: int, models: list[str], seed: int = 7) -> None:
    gen = np.random.default_rng(seed)
    centres = gen.standard_normal((300, 384)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    store = Store.open(path)
    commentators = [Commentator(id=Commentator.make_id(f"c{i}"), name=f"Commentator {i}") for i in range(20)]
    store.upsert("commentators", commentators)
    videos = [
        Video(id=f"youtube:cmp{v:05d}", source_url=f"https://www.youtube.com/watch?v=cmp{v:05d}",
              title=f"Video {v}", commentator_id=commentators[v % 20].id)
        for v in range(500)
    ]  # fmt: skip
    store.upsert("videos", videos)
    transcripts = [Transcript(id=f"{v.id}/import", video_id=v.id, source="import") for v in videos]
    store.upsert("transcripts", transcripts)
    args, embs = [], []
    for i in range(n):
        point = int(gen.integers(300))
        video = videos[i % len(videos)]
        words = " ".join(WORDS[(point + k * 7) % len(WORDS)] for k in range(6))
        text = f"Point {point} says {words} matter, variant {i}."
        aid = f"a-cmp{i:07d}"
        args.append(
            to_row(
                Argument(id=aid, video_id=video.id, transcript_id=f"{video.id}/import", type=TYPES[i % 3],
                         text=text, quote=text, start=float(i % 3600), end=float(i % 3600 + 5),
                         seg_first=i, seg_last=i, extractor="bench", extractor_version="1")
            )
        )  # fmt: skip
        vec = centres[point] + gen.standard_normal(384).astype(np.float32) * 0.035
        vec /= np.linalg.norm(vec)
        for model in models:
            embs.append(
                to_row(
                    Embedding(id=Embedding.make_id(model, "argument", aid), item_type="argument", item_id=aid,
                              model=model, content_hash=content_hash(text), dim=384, vector=to_blob(vec))
                )
            )  # fmt: skip
        if len(args) == 10_000:
            _flush(store, args, embs)
            args, embs = [], []
    _flush(store, args, embs)
    store.close()


def _flush(store: Store, args: list[dict[str, Any]], embs: list[dict[str, Any]]) -> None:
    if args:
        with store.transaction():
            store.db["arguments"].insert_all(args)  # type: ignore[union-attr]
            store.db["embeddings"].insert_all(embs)  # type: ignore[union-attr]


def child(method: str, db: Path) -> dict[str, Any]:
    from argmap.pipeline.compare.clustering import compare as cluster_compare
    from argmap.pipeline.compare.kpa import kpa_compare

    store = Store.open(db)
    start = time.perf_counter()
    result = kpa_compare(store) if method == "kpa" else cluster_compare(store)
    seconds = time.perf_counter() - start
    store.close()
    return {
        "method": method,
        "arguments": result.arguments,
        "key_points": len(result.key_points) + len(result.unique),
        "members": sum(len(k.members) for k in result.key_points + result.unique),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run(method: str, n: int, folder: Path, models: list[str]) -> dict[str, Any]:
    db = folder / f"{method}-{n}.db"
    build(db, n, models)
    out = subprocess.run(
        [sys.executable, __file__, "--child", method, "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.exit(f"{method} at {n} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["n"] = n
    db.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="10000,100000", help="argument counts for kpa, comma-separated")
    parser.add_argument("--cluster-n", default="10000", help="argument counts for clustering ('' for none)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.db))))
        return
    from argmap.pipeline.compare.matcher import load_matcher
    from argmap.pipeline.search.embed import DEFAULT_MODEL

    models = [DEFAULT_MODEL, load_matcher().name]
    results = []
    with tempfile.TemporaryDirectory(prefix="argmap-bench-compare-") as tmp:
        for n in [int(x) for x in args.cluster_n.split(",") if x]:
            results.append(run("cluster", n, Path(tmp), models))
        for n in [int(x) for x in args.n.split(",") if x]:
            results.append(run("kpa", n, Path(tmp), models))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    head = f"{'method':<8} {'arguments':>10} {'seconds':>8} {'peak RSS MB':>12} {'key points':>11}"
    print(f"{head} {'members':>8}")
    for r in results:
        print(
            f"{r['method']:<8} {r['n']:>10} {r['seconds']:>8.2f} {r['peak_rss_mb']:>12.1f} "
            f"{r['key_points']:>11} {r['members']:>8}"
        )
    kpa = [r for r in results if r["method"] == "kpa"]
    if len(kpa) >= 2:
        a, b = kpa[0], kpa[-1]
        growth = (b["seconds"] / a["seconds"]) / (b["n"] / a["n"])
        print(f"kpa cost growth {a['n']} -> {b['n']}: {growth:.2f}x linear (1.0 = linear)")
        print("target: kpa at 100,000 arguments <= 120 s and <= 4 GB on 2 cores")


if __name__ == "__main__":
    main()
