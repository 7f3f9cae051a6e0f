"""Sentence-end restorers' speed: an hour of automatic captions, each restorer in the same run.

Builds an hour of caption-form words (about 9,000: the development transcripts in caption form,
cycled) and times, for the MiniLM restorer (the baseline, and the fallback) and the default one
over all-mpnet-base-v2 when installed: loading (encoder and weights, once per process, as in an
ingest; torch and transformers are imported before either is timed) and restoring the ends, each
``--repeat`` times; with the resident memory each adds.

    .venv/bin/python benchmarks/bench_sentence_ends.py [--words 9000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from argmap.pipeline import mpnet
from argmap.pipeline.extract.caption_eval import read_transcripts
from argmap.pipeline.sentence_ends import MPNET_HEAD, WEIGHTS, caption_form, open_model

DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "argeval" / "dev.jsonl"


def caption_words(count: int) -> list[str]:
    words = [
        w for d in read_transcripts([DEV]) for s in d["segments"] for w in caption_form(s["text"]).split()
    ]
    return (words * (count // max(1, len(words)) + 1))[:count]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=9000)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    words = caption_words(opts.words)
    import torch  # noqa: F401 - imported before timing, so neither restorer's load is charged for it
    import transformers  # noqa: F401

    restorers = [("MiniLM + LoRA (baseline)", WEIGHTS)]
    if mpnet.parts() is not None:
        restorers.append(("all-mpnet-base-v2 + head (default)", MPNET_HEAD))
    else:
        print(f"all-mpnet-base-v2 is not installed ({mpnet.INSTALL_HINT}): baseline only")
    print(f"{len(words)} caption words (about {len(words) / 2.5 / 60:.0f} minutes of speech)")
    for name, path in restorers:
        before = peak_mb()
        started = time.perf_counter()
        model = open_model(path)
        model.ends(words[:50])  # the encoder loads on first use
        load = time.perf_counter() - started
        times = []
        for _ in range(opts.repeat):
            started = time.perf_counter()
            ends = model.ends(words)
            times.append(time.perf_counter() - started)
        print(
            f"{name}: load {load:.1f} s; restore {min(times):.2f}-{max(times):.2f} s "
            f"({len(words) / min(times):,.0f} words/s, {len(ends)} sentences); "
            f"peak RSS +{peak_mb() - before:.0f} MB"
        )


if __name__ == "__main__":
    main()
