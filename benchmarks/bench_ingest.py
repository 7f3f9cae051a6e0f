"""Ingest overhead: the whole pipeline against the bare faster-whisper call, same run.

The pipeline adds decoding checks, hallucination filters, SQLite writes and bookkeeping
around the model. This script measures what that costs: it makes a ~5 minute espeak-ng
clip, ingests it through the same library path as ``argmap ingest`` (real file database,
download/transcribe stages, extract and embed off), then runs ``raw_transcribe`` with the
same model and settings, and prints both real-time factors, the overhead and peak memory.

    .venv/bin/python benchmarks/bench_ingest.py [--minutes 5] [--model tiny.en] [--device auto]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from argmap.pipeline.ingest.transcribe import TranscribeOptions, raw_transcribe
from argmap.pipeline.present.demo import load_scripts
from argmap.pipeline.runner import IngestOptions, ingest
from argmap.store import Store


def make_clip(folder: Path, minutes: float) -> tuple[Path, float]:
    """Repeat the demo scripts (varied voices) until the clip is ``minutes`` long."""
    people = load_scripts()["commentators"]
    parts: list[Path] = []
    total = 0.0
    n = 0
    while total < minutes * 60:
        person = people[n % len(people)]
        wav = folder / f"part{n:03d}.wav"
        text = person["episodes"][0]["text"]
        subprocess.run(["espeak-ng", "-v", person["voice"], "-s", "150", "-w", str(wav), text], check=True)
        total += _duration(wav)
        parts.append(wav)
        n += 1
    listing = folder / "parts.txt"
    listing.write_text("".join(f"file '{p.name}'\n" for p in parts))
    out = folder / "bench.m4a"
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
        ]
        + ["-ar", "16000", "-ac", "1", "-c:a", "aac", "-b:a", "64k", str(out)],
        check=True,
    )
    return out, _duration(out)


def _duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout)


def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeat", type=int, default=2, help="alternating runs of each; best is kept")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    for tool in ("espeak-ng", "ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed; run `bash .ci/setup`")

    with tempfile.TemporaryDirectory(prefix="argmap-bench-") as tmp:
        folder = Path(tmp)
        clip, duration = make_clip(folder, args.minutes)

        # Alternate the two and keep each one's best time: on a shared machine the noise
        # from other processes is larger than the overhead being measured.
        pipeline_times, raw_times = [], []
        segments = 0
        raw_segments: list[object] = []
        after_pipeline_mb = 0.0
        for n in range(args.repeat):
            store = Store.open(folder / f"bench{n}.db")
            options = IngestOptions(model=args.model, device=args.device, extract=False, embed=False)
            start = time.perf_counter()
            report = ingest(store, [str(clip)], options)
            pipeline_times.append(time.perf_counter() - start)
            segments = store.counts()["segments"]
            store.close()
            if not report.ok:
                sys.exit(f"ingest failed: {report.to_dict()}")
            after_pipeline_mb = max(after_pipeline_mb, peak_rss_mb())

            topts = TranscribeOptions(model=args.model, device=args.device)
            start = time.perf_counter()
            raw_segments, _info = raw_transcribe(clip, topts)
            raw_times.append(time.perf_counter() - start)
        pipeline_s, raw_s = min(pipeline_times), min(raw_times)

    result = {
        "audio_s": round(duration, 1),
        "model": args.model,
        "pipeline_runs_s": [round(t, 2) for t in pipeline_times],
        "raw_runs_s": [round(t, 2) for t in raw_times],
        "pipeline_s": round(pipeline_s, 2),
        "raw_s": round(raw_s, 2),
        "pipeline_rtf": round(pipeline_s / duration, 4),
        "raw_rtf": round(raw_s / duration, 4),
        "overhead_pct": round(100 * (pipeline_s - raw_s) / raw_s, 1),
        "segments_stored": segments,
        "segments_raw": len(raw_segments),
        "peak_rss_mb_after_pipeline": round(after_pipeline_mb, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"audio: {duration:.1f}s, model {args.model}")
    print(
        f"whole ingest : {pipeline_s:7.2f}s  RTF {result['pipeline_rtf']:.4f}  ({segments} segments stored)"
    )
    print(f"raw whisper  : {raw_s:7.2f}s  RTF {result['raw_rtf']:.4f}  ({len(raw_segments)} segments)")
    print(f"overhead     : {result['overhead_pct']:+.1f}% of the raw call (target < 10%)")
    print(f"peak memory  : {result['peak_rss_mb']:.0f} MB RSS (after ingest: {after_pipeline_mb:.0f} MB)")


if __name__ == "__main__":
    main()
