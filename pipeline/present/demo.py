"""``argmap demo``: the whole pipeline on recordings it makes itself, offline.

A fresh clone has no commentary to ingest and, on a locked-down machine, no way to fetch
any. So the demo synthesises some: three commentators taking different sides of one local
story (``data/demo_scripts.json``, written for this project), spoken with espeak-ng and
packed as m4a with ffmpeg. It then ingests them on the default settings (offline tiny.en,
and whichever later stages are installed) and prints what the database now holds.

Recordings are named ``<commentator>/<title>.m4a`` so the ordinary local-folder rules give
each video its commentator and title. Re-running reuses the recordings, and since ids
come from file content, the second run finds everything done.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from argmap.pipeline.errors import ConfigError, MediaError
from argmap.pipeline.runner import IngestOptions, Reporter, ingest
from argmap.pipeline.text import timecode
from argmap.store import Store

Echo = Callable[[str], Any]


def load_scripts() -> dict[str, Any]:
    text = resources.files("argmap.pipeline").joinpath("data/demo_scripts.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ConfigError(f"{name} is not installed; run `bash .ci/setup` (or apt-get install {name})")
    return path


def synthesise(text: str, voice: str, out: Path) -> Path:
    """Speak ``text`` with espeak-ng and pack it as AAC in m4a."""
    wav = out.with_suffix(".wav")
    try:
        subprocess.run(
            [_tool("espeak-ng"), "-v", voice, "-s", "150", "-w", str(wav), text],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [_tool("ffmpeg"), "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav)]
            + ["-c:a", "aac", "-b:a", "64k", "-map_metadata", "-1", "-fflags", "+bitexact", str(out)],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as err:
        detail = (err.stderr or b"").decode(errors="replace").strip().splitlines()
        raise MediaError(f"could not make {out.name}: {detail[-1] if detail else err}") from err
    finally:
        wav.unlink(missing_ok=True)
    return out


def make_recordings(folder: Path) -> list[Path]:
    """One m4a per scripted episode under ``folder/<commentator>/``; existing ones are kept."""
    made = []
    for person in load_scripts()["commentators"]:
        for episode in person["episodes"]:
            out = folder / person["name"] / f"{episode['title']}.m4a"
            if not out.is_file():
                out.parent.mkdir(parents=True, exist_ok=True)
                synthesise(episode["text"], person["voice"], out)
            made.append(out)
    return made


def show(store: Store, echo: Echo, video_ids: list[str]) -> None:
    """Print what was stored for these videos: who, what, and where in the recording."""
    for vid in video_ids:
        video = store.video(vid)
        who = store.commentator(video.commentator_id).name if video.commentator_id else "?"
        echo("")
        echo(f"== {who}: {video.title}  ({video.id})")
        transcript = store.transcript(vid)
        if transcript is None:
            echo("   (no transcript)")
            continue
        segments = store.segments(transcript.id)
        how = f"{transcript.source} {transcript.model or ''}".rstrip()
        echo(f"   transcript: {len(segments)} segments, {how}")
        for seg in segments[:3]:
            echo(f"   [{timecode(seg.start, always_hours=False)}] {seg.text}")
        summary = store.summary(vid)
        if summary is not None:
            echo(f"   gist: {summary.gist}")
        for arg in store.arguments(vid)[:6]:
            echo(f"   {arg.type:<15} [{timecode(arg.start, always_hours=False)}] {arg.text}")


def show_comparison(store: Store, echo: Echo) -> None:
    """Where the demo's commentators meet, as `argmap compare` shows it at its default settings:
    shared key points with stances, and clashes."""
    from argmap.pipeline.compare.clustering import STANCE_LABELS, alone_line
    from argmap.pipeline.compare.kpa import kpa_compare

    if not store.counts()["arguments"]:
        return
    result = kpa_compare(store, min_commentators=2)
    echo("")
    echo(f"== Where commentators meet ({len(result.key_points)} shared key point(s))")
    for kp in result.key_points:
        echo(f"   * {kp.key_point.label}")
        for name, stance in sorted(kp.stances.items()):
            echo(f"       {name}: {STANCE_LABELS.get(stance, stance)}")
        for rel in kp.relations:
            if rel.relation == "contrasts":
                echo(f"       clash ({rel.method})")
    for kp in result.unique[:5]:
        echo(f"   {alone_line(kp)}")


def run_demo(
    workdir: Path,
    db_path: Path | None = None,
    *,
    echo: Echo = print,
    reporter: Reporter | None = None,
) -> bool:
    """Make the recordings, ingest them, show the result. True when nothing failed."""
    workdir.mkdir(parents=True, exist_ok=True)
    recordings = workdir / "recordings"
    scripts = load_scripts()
    echo(f"Making sample commentary on: {scripts['story']}")
    files = make_recordings(recordings)
    echo(f"{len(files)} recordings in {recordings}")
    store = Store.open(db_path or workdir / "demo.db")
    try:
        echo(f"Ingesting into {store.path} ...")
        report = ingest(store, [str(recordings)], IngestOptions(), reporter)
        for outcome in report.by_state("failed"):
            echo(f"failed: {outcome.title}: {outcome.stage}: {outcome.reason}")
        echo(
            f"done: {len(report.by_state('done'))}, already there: {len(report.by_state('skipped'))}, "
            f"failed: {len(report.by_state('failed'))} (stages: {', '.join(report.stages)})"
        )
        show(store, echo, [o.video_id for o in report.outcomes])
        show_comparison(store, echo)
        counts = store.counts()
        echo("")
        echo("Stored: " + ", ".join(f"{n} {table}" for table, n in counts.items() if n))
        echo(f"Try: argmap videos --db {store.path}   |   argmap transcript --db {store.path} <video id>")
        return report.ok
    finally:
        store.close()
