"""What speaker diarization costs beside transcription, measured in one run on one machine.

    python benchmarks/bench_diarize.py [--audio FILE] [--seconds 300] [--model tiny.en]

The audio (default: the shared two-person call, repeated to ``--seconds``) is processed three
ways, each in its own process so peak memory is its own:

* ``asr``: transcription as ingest runs it without diarization (no word times): the baseline;
* ``asr+words``: transcription with word times, which diarization needs to cut segments;
* ``diarize``: segmentation, voice prints and linking, with its models loaded once first.

It prints seconds, real-time factor and peak RSS for each, and what diarization adds to the
transcription baseline: (asr+words - asr + diarize) / asr. Model loading is reported apart,
since a batch loads each model once.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "audio" / "two_speakers.wav"


def _make_clip(source: Path, seconds: float, out: Path) -> float:
    import numpy as np
    from faster_whisper.audio import decode_audio

    audio = decode_audio(str(source), sampling_rate=16000)
    reps = max(1, int(np.ceil(seconds * 16000 / len(audio))))
    clip = np.tile(audio, reps)[: int(seconds * 16000)]
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(clip, -1, 1) * 32767).astype("<i2").tobytes())
    return len(clip) / 16000


def _phase(name: str, path: str, model: str) -> dict[str, float]:
    from argmap.pipeline.ingest.transcribe import TranscribeOptions, Transcriber, decode

    started = time.perf_counter()
    if name in ("asr", "asr+words"):
        t = Transcriber(TranscribeOptions(model=model, device="cpu", word_timestamps=name == "asr+words"))
        t.open()
        loaded = time.perf_counter()
        t.transcribe(path, video_id="bench")
    else:
        from argmap.pipeline.speakers import models
        from argmap.pipeline.speakers.diarize import diarize

        audio = decode(path)
        models.segment_windows(audio[None, : models.WINDOW_SAMPLES])  # load both models first
        models.voice_print(audio[:16000])
        loaded = time.perf_counter()
        diarize(audio)
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"load": loaded - started, "seconds": done - loaded, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--audio", type=Path, default=SHARED)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--clip", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(_phase(args.phase, args.clip, args.model)))
        return
    if not args.audio.is_file():
        sys.exit(f"no audio at {args.audio} (pass --audio FILE)")
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip.wav"
        duration = _make_clip(args.audio, args.seconds, clip)
        results = {}
        for phase in ("asr", "asr+words", "diarize"):
            out = subprocess.run(
                [sys.executable, __file__, "--phase", phase, "--clip", str(clip), "--model", args.model],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            results[phase] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"audio: {args.audio.name}, {duration:.0f} s; model {args.model} on the CPU")
    print(f"{'phase':<10} {'load s':>7} {'run s':>7} {'RTF':>7} {'peak MB':>8}")
    for phase, r in results.items():
        rtf = r["seconds"] / duration
        print(f"{phase:<10} {r['load']:7.1f} {r['seconds']:7.1f} {rtf:7.3f} {r['peak_mb']:8.0f}")
    base = results["asr"]["seconds"]
    added = results["asr+words"]["seconds"] - base + results["diarize"]["seconds"]
    print(f"diarization adds {added:.1f} s to {base:.1f} s of transcription: {100 * added / base:+.1f} %")
    words = results["asr+words"]["seconds"] - base
    print(f"  of which word times {words:+.1f} s, diarize {results['diarize']['seconds']:.1f} s")


if __name__ == "__main__":
    main()
