"""Default extractor speed: the figure behind "a one-hour transcript in under 10 seconds".

Builds a one-hour transcript (about 9,000 words in ~4 s segments, 2.5 words a second) from the
labelled development set's sentences, cycled, so the rules see realistic commentary, then
times sentence splitting and extraction separately and prints sentences/s and arguments/s.

    .venv/bin/python benchmarks/bench_extract.py [--words 9000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from argmap.pipeline.extract import ExtractionInput, RuleExtractor
from argmap.pipeline.sentences import split_sentences
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
    best_split = best_total = float("inf")
    n_sentences = n_args = 0
    for _ in range(opts.repeat):
        started = time.perf_counter()
        sentences = split_sentences(segments)
        split_s = time.perf_counter() - started
        doc = ExtractionInput("v", "bench", segments, commentator="Bench Speaker")
        started = time.perf_counter()
        result = RuleExtractor().extract(doc)
        total = time.perf_counter() - started  # includes its own sentence split
        best_split, best_total = min(best_split, split_s), min(best_total, total)
        n_sentences, n_args = len(sentences), len(result.arguments)
    duration = segments[-1].end
    print(f"transcript: {opts.words} words, {len(segments)} segments, {duration / 60:.0f} min of speech")
    print(f"sentence split: {best_split:.3f} s ({n_sentences / best_split:,.0f} sentences/s)")
    print(
        f"extraction:     {best_total:.3f} s ({n_sentences / best_total:,.0f} sentences/s, "
        f"{n_args / best_total:,.0f} arguments/s, {n_args} arguments)"
    )
    print(f"budget: 10 s per one-hour transcript -> {'OK' if best_total < 10 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
