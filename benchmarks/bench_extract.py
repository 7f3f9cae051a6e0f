"""Default extractor speed: the figure behind "a one-hour transcript in under 10 seconds".

Builds a one-hour transcript (about 9,000 words in ~4 s segments, 2.5 words a second) from the
labelled development set's sentences, cycled, so the extractor sees realistic commentary, then
times sentence splitting, the model-free rules v1 and the default v3 (embedding every sentence
and classifying it) separately. The embedding model is loaded once per process, as in ingest,
and that one-off load is printed on its own line rather than charged to every transcript.

    .venv/bin/python benchmarks/bench_extract.py [--words 9000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from argmap.pipeline.document import TranscriptDoc, split_sentences
from argmap.pipeline.extract.classifier import EMBED_MODEL
from argmap.pipeline.extract.offline import ClassifierExtractor, RuleExtractor
from argmap.pipeline.search.embed import get_embedder
from argmap.store import Segment

DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "argeval" / "dev.jsonl"
FALLBACK = [
    "So yeah, I think the new transit plan is going to fail.",
    "He criticizes the council for ignoring the riders.",
    "You should call your representative before Friday.",
    "Anyway, the meeting started at six and ran late.",
]


def sentences_source() -> list[str]:
    if not DEV.exists():
        return FALLBACK
    lines = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        if line.strip():
            lines.extend(seg["text"] for seg in json.loads(line)["segments"])
    return lines


def build(words: int) -> list[Segment]:
    source = sentences_source()
    segments, t, count, i = [], 0.0, 0, 0
    while count < words:
        text = source[i % len(source)]
        n = len(text.split())
        d = n / 2.5
        segments.append(Segment(f"bench/{i}", "bench", "v", i, round(t, 2), round(t + d, 2), text))
        t += d
        count += n
        i += 1
    return segments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=9000)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    segments = build(opts.words)
    started = time.perf_counter()
    get_embedder(EMBED_MODEL).load()
    load_s = time.perf_counter() - started
    best_split = float("inf")
    best = {"rules v1": float("inf"), "default v3": float("inf")}
    n_sentences = 0
    n_args: dict[str, int] = {}
    for _ in range(opts.repeat):
        started = time.perf_counter()
        sentences = split_sentences(segments)
        best_split = min(best_split, time.perf_counter() - started)
        n_sentences = len(sentences)
        for label, extractor in (("rules v1", RuleExtractor()), ("default v3", ClassifierExtractor())):
            doc = TranscriptDoc("v", "bench", segments, commentator="Bench Speaker")
            started = time.perf_counter()
            result = extractor.extract(doc)
            best[label] = min(best[label], time.perf_counter() - started)  # includes its own split
            n_args[label] = len(result.arguments)
    duration = segments[-1].end
    print(f"transcript: {opts.words} words, {len(segments)} segments, {duration / 60:.0f} min of speech")
    print(f"embedding model load (once per process): {load_s:.2f} s")
    print(f"sentence split: {best_split:.3f} s ({n_sentences / best_split:,.0f} sentences/s)")
    for label, total in best.items():
        print(
            f"{label + ':':<12} {total:.3f} s ({n_sentences / total:,.0f} sentences/s, "
            f"{n_args[label] / total:,.0f} arguments/s, {n_args[label]} arguments)"
        )
    worst = best["default v3"] + load_s
    print(f"budget: 10 s per one-hour transcript -> {'OK' if worst < 10 else 'TOO SLOW'} "
          f"(default v3 with the model load: {worst:.2f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
