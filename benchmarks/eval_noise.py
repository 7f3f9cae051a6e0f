"""How often noise alone leaves text behind: the hallucination filters over many seeded noises.

A test can hold one noise clip fixed; it cannot say how often the filters miss. This script
makes ``--clips`` clips of white, pink and brown noise from numbered seeds, transcribes each in
turn in one process with VAD off, so the model itself hears the noise, and prints how many clips
stored any segment, per colour, with what got through (text, no-speech probability, mean log-
probability) and the filters' drop counts, beside how many clips the model wrote any segment for
before the filters (the baseline). ``--vad`` keeps voice activity detection on, as ``argmap
ingest`` does, to see how much noise reaches the model at all. A miss reproduces by re-running
the same command, not by transcribing its clip alone: a window that fails Whisper's checks is
decoded again by sampling, from one seeded generator per process.

    .venv/bin/python benchmarks/eval_noise.py [--clips 10] [--seconds 6] [--vad] [--model base]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import wave
from pathlib import Path
from typing import Any

import numpy as np

from argmap.pipeline.ingest.transcribe import TranscribeOptions, Transcriber

RATE = 16000


def noise(colour: str, seconds: float, seed: int) -> np.ndarray:
    """Unit-peak noise whose power falls as 1/f**0 (white), 1/f (pink) or 1/f**2 (brown)."""
    n = int(seconds * RATE)
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    f = np.fft.rfftfreq(n)
    f[0] = f[1]
    spectrum *= f ** -{"white": 0.0, "pink": 0.5, "brown": 1.0}[colour]
    x = np.fft.irfft(spectrum, n)
    return x / np.abs(x).max()


def write_wav(path: Path, x: np.ndarray, volume: float) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((x * volume * 32767).astype("<i2").tobytes())


def _shown(segment: Any) -> list:
    # What a stricter filter would have to go on: the text and the model's two doubts.
    return [segment.text, segment.no_speech_prob, segment.avg_logprob]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=10, help="seeds per colour")
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--volume", type=float, default=0.5)
    ap.add_argument("--vad", action="store_true", help="keep voice activity detection on, as by default")
    ap.add_argument("--model", default=None, help="whisper model (default: the shipped tiny.en)")
    args = ap.parse_args()
    chosen = {"model": args.model} if args.model else {}
    t = Transcriber(TranscribeOptions(device="cpu", vad=args.vad, **chosen))
    t.open()
    result: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for colour in ("white", "pink", "brown"):
            leaks: list[dict] = []
            dropped: dict[str, int] = {}
            heard = 0  # the baseline: clips the model wrote any segment for, before the filters
            for seed in range(args.clips):
                path = Path(tmp) / f"{colour}{seed}.wav"
                write_wav(path, noise(colour, args.seconds, seed), args.volume)
                _, segments = t.transcribe(path, video_id=f"file:{colour}{seed}")
                for reason, k in t.last_report.dropped.items():
                    dropped[reason] = dropped.get(reason, 0) + k
                heard += bool(segments or t.last_report.dropped)
                if segments:
                    leaks.append({"seed": seed, "segments": [_shown(s) for s in segments]})
            result[colour] = {
                "clips": args.clips,
                "model_wrote_segments": heard,
                "stored_segments": len(leaks),
                "leaks": leaks,
                "dropped": dropped,
            }
            print(
                f"{colour:6s} segments from the model in {heard}/{args.clips} clips, stored in {len(leaks)}; "
                f"filters dropped {dropped}"
            )
    t.close()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
