"""Streaming against stage-at-a-time (and Ray against local streaming), same batch, same run.

Makes a batch of espeak-ng clips from the demo scripts, serves them with an RSS feed from a
loopback HTTP server that spreads each media body over ``--download-seconds`` (network
time; by default the measured transcription time of one clip, so fetching and listening
cost about the same), and ingests the feed once per engine, each in its own process with
its own database: the full default pipeline (download, transcribe, diarize, extract,
summarise, embed).

Printed per engine: wall time, time to the first stored argument (and its share of the
wall time), peak media on disk, and the driver's peak RSS (for Ray, the workers' memory is
in other processes and not counted). Then the two ratios the engines are judged by:
streaming wall / stage-at-a-time wall (target <= 0.75) and first argument / batch (target
<= 0.2), and Ray's overhead over local streaming.

    .venv/bin/python benchmarks/bench_pipeline.py [--clips 24] [--download-seconds S]
        [--engines stages,local,ray] [--workers 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench_ingest import _duration  # the script folder is on sys.path when run as a script

from argmap.pipeline.present.demo import load_scripts, synthesise


def make_clips(folder: Path, n: int) -> list[Path]:
    """``n`` clips of the demo's episodes, voices varied."""
    people = load_scripts()["commentators"]
    episodes = [(p["voice"], e["text"]) for p in people for e in p["episodes"]]
    clips = []
    for i in range(n):
        voice, text = episodes[i % len(episodes)]
        clips.append(synthesise(text, voice, folder / f"clip{i:02d}.m4a"))
    return clips


def serve(clips: list[Path], seconds: float) -> tuple[ThreadingHTTPServer, str]:
    """A feed of the clips; each media body takes ``seconds`` to arrive."""
    bodies = {f"/media/{c.name}": c.read_bytes() for c in clips}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            if self.path == "/feed.xml":
                body = feed(self.server.server_address[1], clips).encode()  # type: ignore[index]
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            media = bodies.get(self.path)
            if media is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "audio/mp4")
            self.send_header("Content-Length", str(len(media)))
            self.end_headers()
            pieces = 20
            step = -(-len(media) // pieces)
            for at in range(0, len(media), step):
                self.wfile.write(media[at : at + step])
                self.wfile.flush()
                time.sleep(seconds / pieces)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"


def feed(port: int, clips: list[Path]) -> str:
    items = "".join(
        f"<item><title>Clip {i}</title><guid>clip-{i}</guid>"
        f"<pubDate>Mon, 0{1 + i % 9} Sep 2025 10:00:00 +0000</pubDate>"
        f'<enclosure url="http://127.0.0.1:{port}/media/{c.name}" type="audio/mp4" '
        f'length="{c.stat().st_size}"/></item>'
        for i, c in enumerate(clips)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench Talks</title>'
        f"<link>http://127.0.0.1:{port}/</link>{items}</channel></rss>"
    )


def transcription_seconds(clip: Path) -> float:
    """How long tiny.en takes on one clip here (the model loaded before the clock starts)."""
    from argmap.pipeline.ingest.transcribe import Transcriber

    stage = Transcriber()
    stage.open()
    start = time.perf_counter()
    stage.transcribe(clip, video_id="calibrate")
    return time.perf_counter() - start


# -- one engine, in a child process --------------------------------------------------------


def child(engine: str, feed_url: str, db: Path, workers: int) -> dict[str, Any]:
    from argmap.pipeline.runner import IngestOptions, ingest
    from argmap.store import Store

    media = db.with_name(f"{db.stem}-media")
    watch: dict[str, Any] = {"first_argument": None, "peak_media": 0, "stop": False}

    def poll(start: float) -> None:
        while not watch["stop"]:
            if watch["first_argument"] is None and db.exists():
                # argmap's own SQLite library, never the stdlib one: two SQLite copies in one
                # process drop each other's POSIX locks when either closes the file, and the
                # writer's database gets corrupted ("database disk image is malformed").
                try:
                    reader = Store.open(db, readonly=True)
                    if reader.counts()["arguments"]:
                        watch["first_argument"] = time.perf_counter() - start
                    reader.close()
                except Exception:  # noqa: BLE001 - a half-made or busy file: look again shortly
                    pass
            if media.is_dir():
                size = sum(p.stat().st_size for p in media.glob("*") if p.is_file())
                watch["peak_media"] = max(watch["peak_media"], size)
            time.sleep(0.05)

    start = time.perf_counter()
    poller = threading.Thread(target=poll, args=(start,), daemon=True)
    poller.start()
    store = Store.open(db)
    report = ingest(store, [feed_url], IngestOptions(engine=engine, workers=workers))
    wall = time.perf_counter() - start
    arguments = store.counts()["arguments"]
    store.close()
    watch["stop"] = True
    poller.join()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "engine": engine,
        "ok": report.ok,
        "videos": len(report.outcomes),
        "arguments": arguments,
        "wall_s": round(wall, 2),
        "first_argument_s": round(watch["first_argument"], 2) if watch["first_argument"] else None,
        "peak_media_mb": round(watch["peak_media"] / 1e6, 2),
        "peak_rss_mb": round(rss, 1),
        "db_mb": round(db.stat().st_size / 1e6, 3),
    }


def run_child(engine: str, feed_url: str, db: Path, workers: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            engine,
            "--feed",
            feed_url,
            "--db",
            str(db),
            "--workers",
            str(workers),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.exit(f"{engine} run failed (exit {out.returncode}):\n{out.stderr[-3000:]}{out.stdout[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=24)
    parser.add_argument("--download-seconds", type=float, help="network time per clip (default: measured)")
    parser.add_argument("--engines", default="stages,local,ray")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--feed", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.feed, Path(args.db), args.workers)))
        return
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed; run `bash .ci/setup`")

    with tempfile.TemporaryDirectory(prefix="argmap-bench-") as tmp:
        folder = Path(tmp)
        clips = make_clips(folder, args.clips)
        audio_s = sum(_duration(c) for c in clips)
        listen = transcription_seconds(clips[0])
        seconds = args.download_seconds if args.download_seconds is not None else round(listen, 2)
        httpd, url = serve(clips, seconds)
        try:
            results = [
                run_child(engine, url, folder / engine / "argmap.db", args.workers)
                for engine in args.engines.split(",")
            ]
        finally:
            httpd.shutdown()
    by = {r["engine"]: r for r in results}
    summary: dict[str, Any] = {
        "clips": args.clips,
        "download_s_per_clip": seconds,
        "transcribe_s_per_clip": round(listen, 2),
        "audio_s": round(audio_s, 1),
        "workers": args.workers,
        "runs": results,
    }
    if "stages" in by and "local" in by:
        summary["streaming_vs_stages_wall"] = round(by["local"]["wall_s"] / by["stages"]["wall_s"], 3)
    for r in results:
        if r["first_argument_s"]:
            r["first_argument_share"] = round(r["first_argument_s"] / r["wall_s"], 3)
        # Without the simulated network time: what an hour of audio costs this machine.
        r["compute_s_per_audio_hour"] = round(3600 * r["wall_s"] / audio_s, 1)
        r["db_mb_per_audio_hour"] = round(3600 * r["db_mb"] / audio_s, 2)
    if "ray" in by and "local" in by:
        summary["ray_overhead_pct"] = round(100 * (by["ray"]["wall_s"] / by["local"]["wall_s"] - 1), 1)
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(
        f"{args.clips} clips ({audio_s:.0f} s of audio), {seconds:.2f} s network time each, "
        f"{listen:.2f} s to transcribe one; workers={args.workers}"
    )
    print(
        f"{'engine':<8} {'wall s':>8} {'1st arg s':>10} {'share':>6} {'media MB':>9} {'RSS MB':>8} "
        f"{'args':>5} {'DB MB/audio h':>14}"
    )
    for r in results:
        print(
            f"{r['engine']:<8} {r['wall_s']:>8.2f} {r['first_argument_s'] or float('nan'):>10.2f} "
            f"{r.get('first_argument_share', float('nan')):>6.2f} {r['peak_media_mb']:>9.2f} "
            f"{r['peak_rss_mb']:>8.1f} {r['arguments']:>5} {r['db_mb_per_audio_hour']:>14.2f}"
        )
    if "streaming_vs_stages_wall" in summary:
        ratio = summary["streaming_vs_stages_wall"]
        print(f"streaming / stage-at-a-time wall time: {ratio:.3f} (target <= 0.75)")
    if "ray_overhead_pct" in summary:
        print(f"ray overhead over local streaming: {summary['ray_overhead_pct']:+.1f}%")


if __name__ == "__main__":
    main()
