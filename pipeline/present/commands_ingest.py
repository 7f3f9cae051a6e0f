"""Commands that bring videos in and show what is stored: ingest, transcript, demo, retry, remove.

`argmap videos` lives in :mod:`.commands_videos`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from argmap.pipeline.config import CAPTION_MODES, DEVICES, ENGINES, TRANSCRIPT_FORMATS
from argmap.pipeline.present.cli_helpers import (
    F,
    db_option,
    echo_json,
    friendly_errors,
    llm_flags,
    llm_options,
    open_store,
)

# -- ingest commands (ingest, transcript, demo, retry, remove) ------------------------------


def _safe(text: Any) -> str:
    """One printable line: stored titles and reasons came from strangers (escapes, bidi)."""
    from argmap.pipeline.text import clean_line

    return clean_line(text, None)


class _ClickReporter:
    """Progress bars and notes on stderr for the runner (the library never imports click)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self._drawn: dict[str, float] = {}  # task -> when its bar was last drawn
        self._open: str | None = None

    def _end_line(self) -> None:
        if self._open is not None:
            click.echo("", err=True)
            self._open = None

    def info(self, message: str) -> None:
        self._end_line()
        click.echo(_safe(message), err=True)

    def warn(self, message: str) -> None:
        self._end_line()
        click.secho(_safe(message), err=True, fg="yellow")

    def progress(self, task: str, done: float, total: float | None, unit: str) -> None:
        import time

        now = time.monotonic()
        finished = bool(total) and done >= (total or 0)
        if not self.tty:
            if task not in self._drawn:  # logs get one line per task, not a bar
                self._drawn[task] = now
                click.echo(f"{task} ...", err=True)
            return
        if not finished and now - self._drawn.get(task, 0.0) < 0.1:
            return
        self._drawn[task] = now
        if self._open not in (None, task):
            self._end_line()
        width = 24
        share = min(1.0, done / total) if total else 0.0
        bar = "#" * int(share * width)
        amount = _amount(done, unit) + (f"/{_amount(total, unit)}" if total else "")
        click.echo(f"\r{task[:48]:<48} [{bar:<{width}}] {share:4.0%} {amount}   ", err=True, nl=False)
        self._open = task

    def finish(self, task: str) -> None:
        if self._open == task:
            self._end_line()


def _amount(value: float | None, unit: str) -> str:
    value = value or 0.0
    if unit == "B":
        for suffix in ("B", "KB", "MB", "GB"):
            if value < 1024 or suffix == "GB":
                return f"{value:.0f}{suffix}" if suffix == "B" else f"{value:.1f}{suffix}"
            value /= 1024
    return f"{value:.0f}{unit}"


def _print_report(report: Any) -> None:
    done, skipped = report.by_state("done"), report.by_state("skipped")
    failed, pending = report.by_state("failed"), report.by_state("pending")
    click.echo(
        f"done: {len(done)}, skipped (already processed): {len(skipped)}, failed: {len(failed)}"
        + (f", incomplete: {len(pending)}" if pending else "")
        + f", media downloads: {report.downloads}"
    )
    _print_automatic([o for o in done + skipped if o.automatic_captions])
    for o in failed:
        kind = "permanent" if o.permanent else "will retry"
        title = _safe(o.title)
        title = title if len(title) <= 40 else title[:39] + "\u2026"
        click.secho(f"  failed  {o.video_id}  {title!r}  {o.stage}: {_safe(o.reason)} ({kind})", fg="red")
    for _source, reason in report.source_errors:
        click.secho(f"  source  {_safe(reason)}", fg="red")


#: URLs the closing report writes out for automatic-caption videos; the rest are in --json
AUTOMATIC_SHOWN = 20


def _print_automatic(automatic: list[Any]) -> None:
    """Which videos were read from automatic captions, and the command that transcribes them."""
    if not automatic:
        return
    import shlex

    click.secho(
        f"  note    {len(automatic)} of the done and skipped videos have the source's automatic captions as "
        "transcript: no punctuation, so their sentence ends were restored by a model and many quotes "
        "are cut a few words off. To transcribe them instead:",
        fg="yellow",
    )
    urls = [shlex.quote(_safe(o.url or o.video_id)) for o in automatic[:AUTOMATIC_SHOWN]]
    more = len(automatic) - len(urls)
    click.echo(
        "          argmap ingest --captions manual --force "
        + " ".join(urls)
        + (f"  # and {more} more" if more else "")
    )


_RUN_FLAGS: list[Callable[[Any], Any]] = [
    click.option(
        "--captions",
        type=click.Choice(CAPTION_MODES),
        default="prefer",
        show_default=True,
        help="prefer: the source's subtitles, else its automatic captions, else speech recognition; "
        "manual: subtitles a person made only (videos with automatic captions alone are transcribed: "
        "punctuated sentences, slower); only: captions or fail; never: always transcribe.",
    ),
    click.option(
        "--model",
        help="Speech model: a whisper name (base, small...) or folder (default: tiny.en, bundled, offline).",
    ),
    click.option(
        "--device",
        type=click.Choice(DEVICES),
        default="auto",
        show_default=True,
        help="Where speech recognition runs (auto: the GPU when CUDA works, else the CPU).",
    ),
    click.option("--language", help="Spoken language code (default: detect)."),
    click.option(
        "--cookies", type=click.Path(dir_okay=False), help="Netscape cookie file for yt-dlp (default: none)."
    ),
    click.option(
        "--sleep",
        type=click.FloatRange(min=0),
        default=0.0,
        show_default=True,
        help="Seconds to wait between downloads.",
    ),
    click.option(
        "--max-filesize",
        default="4G",
        show_default=True,
        help="Fail entries whose media is larger (500M, 2G; 0 = no limit).",
    ),
    click.option(
        "--max-duration",
        default="6:00:00",
        show_default=True,
        help="Fail entries that are longer (SECONDS or HH:MM:SS; 0 = no limit).",
    ),
    click.option(
        "--no-diarize",
        is_flag=True,
        help="Skip speaker turns (diarization) for speech recognised from media.",
    ),
    click.option("--no-extract", is_flag=True, help="Skip argument extraction and summaries."),
    click.option(
        "--extractor",
        default="default",
        show_default=True,
        help="Extractor (and summariser) for the extract stage: default (offline), rules, llm,"
        " or a plugin's name.",
    ),
    llm_flags,
    click.option("--no-embed", is_flag=True, help="Skip embeddings."),
    click.option(
        "--media-dir", type=click.Path(file_okay=False), help="Media folder (default: <db stem>-media/)."
    ),
    click.option(
        "--keep-media",
        is_flag=True,
        help="Keep downloaded media after transcription and diarization (default: delete it then).",
    ),
    click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="local",
        show_default=True,
        help="local: videos stream through the stages on this machine; stages: one stage at a time "
        "over the batch; ray: the work runs on a Ray cluster (pip install 'argmap[ray]').",
    ),
    click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Parallel workers for each CPU-bound stage (local and ray engines; downloads use at least 2).",
    ),
    click.option(
        "--ray-address",
        help="Ray cluster to join with --engine ray, e.g. 10.0.0.5:6379 or auto (default: start one here).",
    ),
]


def run_options(fn: F) -> F:
    """The options of one run over videos (how to fetch, transcribe, extract), shared by ingest
    and retry so a retry can be given what its failure asked for (--cookies, --max-filesize...)."""
    for flag in reversed(_RUN_FLAGS):
        fn = flag(fn)
    return fn


def _run_options(opts: dict[str, Any], **more: Any) -> Any:
    """IngestOptions from the flags of :func:`run_options` (and the source flags of ingest)."""
    from pathlib import Path

    from argmap.pipeline.ingest.download import parse_duration_limit, parse_size
    from argmap.pipeline.runner import IngestOptions

    if opts["ray_address"] and opts["engine"] != "ray":
        raise click.UsageError("--ray-address is for --engine ray")
    return IngestOptions(
        captions=opts["captions"],
        model=opts["model"],
        device=opts["device"],
        language=opts["language"],
        cookies=opts["cookies"],
        sleep=opts["sleep"],
        max_filesize=parse_size(opts["max_filesize"]),
        max_duration=parse_duration_limit(opts["max_duration"]),
        extract=not opts["no_extract"],
        embed=not opts["no_embed"],
        diarize=not opts["no_diarize"],
        extractor=opts["extractor"],
        extractor_options=llm_options(
            opts["extractor"], opts["llm_base_url"], opts["llm_model"], opts["llm_api_key"]
        ),
        media_dir=Path(opts["media_dir"]) if opts["media_dir"] else None,
        keep_media=opts["keep_media"],
        engine=opts["engine"],
        workers=opts["workers"],
        ray_address=opts["ray_address"],
        **more,
    )


def _close_report(report: Any, as_json: bool) -> None:
    """The closing report of a run, as JSON or as lines; exit code 1 when anything failed."""
    if as_json:
        echo_json(report.to_dict())
    else:
        _print_report(report)
    if not report.ok:
        sys.exit(1)


@click.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--commentator", help="Name the commentator (default: channel, uploader, feed title or host).")
@click.option(
    "--title",
    help="Title for a single local file or transcript (default: a .txt or .md file's own title line, else the"
    " file name).",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most N entries per source (default: all).")
@click.option("--since", help="Skip entries published before this date, YYYY-MM-DD (default: no date limit).")
@run_options
@click.option(
    "--force",
    is_flag=True,
    help="Redo the stages for these sources' videos even where done (a new --model, --extractor...).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the closing report as JSON.")
@friendly_errors
def ingest(sources: tuple[str, ...], db_path: str | None, **opts: Any) -> None:
    """Download, transcribe and store videos, feeds and files.

    SOURCES: video, playlist, channel or feed URLs, web pages with media, local media files
    or folders, and .vtt/.srt/.txt/.md transcripts and articles.

    Finished videos are skipped without downloading (--force redoes them); failures are
    recorded and the batch goes on. Exit code 1 when anything failed.

    \b
    Example:
        argmap ingest https://www.youtube.com/@channel/videos --limit 20
        argmap ingest talk.mp3 --model base --force"""
    from argmap.pipeline.ingest.sources import mistyped, parse_since
    from argmap.pipeline.runner import ingest as run_ingest
    from argmap.store import resolve_db_path

    as_json = opts.pop("as_json")
    if opts["title"] and (len(sources) > 1 or Path(sources[0]).is_dir()):
        raise click.UsageError("--title names one file; give it one file at a time")
    options = _run_options(
        opts,
        commentator=opts["commentator"],
        title=opts["title"],
        limit=opts["limit"],
        since=parse_since(opts["since"]),
        force=opts["force"],
    )
    problems = [p for p in (mistyped(s) for s in sources) if p]
    if problems and len(problems) == len(sources) and not resolve_db_path(db_path).exists():
        # all mistyped, and no database yet: say so before an empty one is made
        raise click.ClickException("; ".join(problems))
    store = open_store(db_path, create=True)
    try:
        report = run_ingest(store, sources, options, _ClickReporter())
    finally:
        store.close()
    _close_report(report, as_json)


@click.command()
@click.argument("video")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(TRANSCRIPT_FORMATS),
    default="txt",
    show_default=True,
    help="Timestamped text, WebVTT, SRT, JSON with words, or speaker turns as RTTM.",
)
@friendly_errors
def transcript(video: str, db_path: str | None, fmt: str) -> None:
    """Print a video's transcript, with times and speakers.

    VIDEO is an id, a unique id prefix, the source URL, the local file ingested (any path to
    it) or words of the title; several matches are listed, not guessed.

    \b
    Example:
        argmap transcript multilingual
        argmap transcript ../shared/audio/multilingual.mp3 --format vtt"""
    from argmap.pipeline.present.transcripts import render_transcript

    store = open_store(db_path, readonly=True)
    found = store.resolve_video(video)
    click.echo(render_transcript(store, found, fmt), nl=False)
    transcript = store.transcript(found.id)
    if fmt != "rttm" and transcript is not None and not store.has_segments(transcript.id):
        # an empty printout would read as a failure; silence or music is a finding
        click.echo(f"note: no speech was transcribed in {found.id} (silence, music or noise)", err=True)


@click.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    help="SQLite file for the demo (default: demo.db in the work folder).",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False),
    default="argmap-demo",
    show_default=True,
    help="Where the generated recordings and the demo database go.",
)
@friendly_errors
def demo(db_path: str | None, workdir: str) -> None:
    """Make sample recordings, ingest them, show what was stored.

    Three commentators' takes on one story are synthesised with espeak-ng, ingested on the
    embedded defaults, then compared. A second run reuses everything."""
    from pathlib import Path

    from argmap.pipeline.present.demo import run_demo

    db = Path(db_path) if db_path else None
    ok = run_demo(Path(workdir), db, echo=click.echo, reporter=_ClickReporter())
    if not ok:
        sys.exit(1)


@click.command()
@click.argument("videos", nargs=-1)
@db_option
@run_options
@click.option("--json", "as_json", is_flag=True, help="Print the closing report as JSON.")
@friendly_errors
def retry(videos: tuple[str, ...], db_path: str | None, **opts: Any) -> None:
    """Run failed videos again, permanent failures too.

    Clears the failures of VIDEOS (default: every failed video) and runs their stages again
    from the sources they were stored with, with the options given. VIDEOS are named as for
    `argmap transcript` (id, prefix, URL, file path or title words).

    \b
    Example:
        argmap videos --status failed
        argmap retry youtube:dQw4w9WgXcQ --cookies cookies.txt"""
    from argmap.pipeline.runner import retry as run_retry

    as_json = opts.pop("as_json")
    options = _run_options(opts)
    store = open_store(db_path)
    try:
        if not videos and not store.failed_video_ids():
            click.echo("no failed videos")
            return
        report = run_retry(store, list(videos), options, _ClickReporter())
    finally:
        store.close()
    _close_report(report, as_json)


@click.command()
@click.argument("videos", nargs=-1, required=True)
@db_option
@click.option("--keep-media", is_flag=True, help="Keep media files argmap downloaded for these videos.")
@click.option(
    "--media-dir",
    type=click.Path(file_okay=False),
    help="The media folder ingest used (default: <db stem>-media/).",
)
@friendly_errors
def remove(videos: tuple[str, ...], db_path: str | None, keep_media: bool, media_dir: str | None) -> None:
    """Remove videos and everything made from them.

    Deletes VIDEOS (id, unique prefix, URL, file path or title words) with their transcript,
    arguments, summary, vectors and their part in comparisons. Your own local files are never
    deleted; media argmap downloaded is, unless --keep-media.

    \b
    Example:
        argmap remove youtube:dQw4w9WgXcQ"""
    from pathlib import Path

    from argmap.pipeline.ingest.download import media_dir_for

    store = open_store(db_path)
    try:
        # Resolve every reference first: a typo must not leave half the list removed.
        found = [store.resolve_video(ref) for ref in videos]
        owned = media_dir_for(store, Path(media_dir) if media_dir else None).resolve()
        for video in found:
            store.remove_video(video.id)
            media = Path(video.media_path) if video.media_path else None
            if media and not keep_media and media.resolve().parent == owned:
                media.unlink(missing_ok=True)
            click.echo(f"removed {video.id}  {_safe(video.title)}")
    finally:
        store.close()


__all__ = ["ingest", "transcript", "demo", "retry", "remove"]
