"""The ``argmap`` command line: a thin click shell over the library.

Commands parse options, call one library function, and print. Library code raises
:class:`ArgmapError` subclasses; the CLI turns them into one red line and an exit code.
Nothing heavy is imported at module level so that ``argmap --help`` stays instant.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from argmap.pipeline import __version__
from argmap.pipeline.errors import ArgmapError
from argmap.store import Store, StoreError

F = TypeVar("F", bound=Callable[..., Any])


def db_option(fn: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        envvar="ARGMAP_DB",
        help="SQLite file (default: $ARGMAP_DB, else argmap.db in the user data directory).",
    )(fn)


def open_store(db_path: str | None, *, readonly: bool = False) -> Store:
    try:
        return Store.open(db_path, readonly=readonly)
    except StoreError as err:
        raise click.ClickException(str(err)) from err


def friendly_errors(fn: F) -> F:
    """Turn library errors into one clear line and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ArgmapError, StoreError) as err:
            raise click.ClickException(str(err)) from err

    return wrapper  # type: ignore[return-value]


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def _llm_options(name: str, base_url: str | None, model: str | None, api_key: str | None) -> dict[str, Any]:
    """The --llm-* flags given, as options for extractor or summariser ``name``; the default takes none."""
    if name == "default":
        return {}
    return {k: v for k, v in {"base_url": base_url, "model": model, "api_key": api_key}.items() if v}


_llm_flags = [
    click.option("--llm-base-url", help="OpenAI-compatible endpoint (default: $ARGMAP_LLM_BASE_URL)."),
    click.option("--llm-model", help="Model name (default: $ARGMAP_LLM_MODEL)."),
    click.option("--llm-api-key", help="API key (default: $ARGMAP_LLM_API_KEY)."),
]


def llm_flags(fn: F) -> F:
    for flag in reversed(_llm_flags):
        fn = flag(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="argmap")
def cli() -> None:
    """argmap: turn video commentary into searchable, comparable argument maps."""


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(db_path: str | None, as_json: bool) -> None:
    """Show which database is in use and how many rows each table holds."""
    from argmap.pipeline.search.query import vector_backend

    store = open_store(db_path)
    data: dict[str, Any] = {"database": str(store.path), "counts": store.counts()}
    data["vector_search"] = vector_backend(store)
    if as_json:
        echo_json(data)
        return
    click.echo(f"database: {data['database']}")
    click.echo(f"vector search: {data['vector_search']}")
    for table, n in data["counts"].items():
        click.echo(f"  {table:<20} {n:>8}")


# -- ingest commands (ingest, videos, transcript, demo) ------------------------------


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
    for o in failed:
        kind = "permanent" if o.permanent else "will retry"
        title = _safe(o.title)
        title = title if len(title) <= 40 else title[:39] + "\u2026"
        click.secho(f"  failed  {o.video_id}  {title!r}  {o.stage}: {_safe(o.reason)} ({kind})", fg="red")
    for _source, reason in report.source_errors:
        click.secho(f"  source  {_safe(reason)}", fg="red")


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--commentator", help="Name the commentator (default: channel, uploader, feed title or host).")
@click.option("--title", help="Title for a single local file or transcript (default: file name).")
@click.option("--limit", type=click.IntRange(min=1), help="At most N entries per source.")
@click.option("--since", help="Skip entries published before this date (YYYY-MM-DD).")
@click.option(
    "--captions",
    type=click.Choice(["prefer", "only", "never"]),
    default="prefer",
    show_default=True,
    help="Use the source's subtitles/automatic captions instead of speech recognition.",
)
@click.option("--model", help="Speech model: tiny.en (default, offline), base, any whisper name or folder.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--language", help="Spoken language code (default: detect).")
@click.option("--cookies", type=click.Path(dir_okay=False), help="Netscape cookie file for yt-dlp.")
@click.option("--sleep", type=click.FloatRange(min=0), default=0.0, help="Seconds to wait between downloads.")
@click.option(
    "--max-filesize",
    default="4G",
    show_default=True,
    help="Fail entries whose media is larger (500M, 2G; 0 = no limit).",
)
@click.option(
    "--max-duration",
    default="6:00:00",
    show_default=True,
    help="Fail entries that are longer (SECONDS or HH:MM:SS; 0 = no limit).",
)
@click.option("--no-extract", is_flag=True, help="Skip argument extraction and summaries.")
@click.option(
    "--extractor",
    default="default",
    show_default=True,
    help="Extractor (and summariser) for the extract stage: default, llm, or a plugin.",
)
@llm_flags
@click.option("--no-embed", is_flag=True, help="Skip embeddings.")
@click.option("--media-dir", type=click.Path(file_okay=False), help="Media folder (default: <db>-media/).")
@click.option("--json", "as_json", is_flag=True, help="Print the closing report as JSON.")
@friendly_errors
def ingest(sources: tuple[str, ...], db_path: str | None, **opts: Any) -> None:
    """Download, transcribe and store SOURCES: video, playlist, channel or feed URLs, web
    pages with media, local media files or folders, and .vtt/.srt/.txt transcripts.

    Finished videos are skipped without downloading; failures are recorded and the batch
    goes on. Exit code 1 when anything failed."""
    from pathlib import Path

    from argmap.pipeline.ingest.download import parse_duration_limit, parse_size
    from argmap.pipeline.ingest.sources import parse_since
    from argmap.pipeline.runner import IngestOptions
    from argmap.pipeline.runner import ingest as run_ingest

    as_json = opts.pop("as_json")
    options = IngestOptions(
        commentator=opts["commentator"],
        title=opts["title"],
        limit=opts["limit"],
        since=parse_since(opts["since"]),
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
        extractor=opts["extractor"],
        extractor_options=_llm_options(
            opts["extractor"], opts["llm_base_url"], opts["llm_model"], opts["llm_api_key"]
        ),
        media_dir=Path(opts["media_dir"]) if opts["media_dir"] else None,
    )
    store = open_store(db_path)
    try:
        report = run_ingest(store, sources, options, _ClickReporter())
    finally:
        store.close()
    if as_json:
        echo_json(report.to_dict())
    else:
        _print_report(report)
    if not report.ok:
        sys.exit(1)


@cli.command()
@db_option
@click.option("--status", type=click.Choice(["done", "failed", "pending"]), help="Only videos in this state.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def videos(db_path: str | None, status: str | None, as_json: bool) -> None:
    """List stored videos with their per-stage status."""
    from argmap.pipeline.runner import video_rows

    store = open_store(db_path)
    rows = video_rows(store, status)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no videos" + (f" with status {status}" if status else ""))
        return
    for row in rows:
        color = {"failed": "red", "done": "green"}.get(row["status"])
        who, title = _safe(row["commentator"] or "-"), _safe(row["title"])
        click.secho(f"{row['status']:<8} {row['id']}  [{who}] {title}", fg=color)
        for stage, s in row["stages"].items():
            if s["status"] == "failed":
                kind = "permanent" if s["permanent"] else f"transient, {s['attempts']} attempt(s)"
                click.echo(f"         {stage}: {_safe(s['reason'])} ({kind})")


@cli.command()
@click.argument("video")
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["txt", "vtt", "srt", "json"]), default="txt", show_default=True
)
@friendly_errors
def transcript(video: str, db_path: str | None, fmt: str) -> None:
    """Print VIDEO's transcript with timestamps (VIDEO: id, unique id prefix or URL)."""
    from argmap.pipeline.runner import render_transcript

    store = open_store(db_path)
    click.echo(render_transcript(store, store.resolve_video(video), fmt), nl=False)


@cli.command()
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
    """Generate sample commentary recordings (espeak-ng), ingest them, show what was stored."""
    from pathlib import Path

    from argmap.pipeline.present.demo import run_demo

    db = Path(db_path) if db_path else None
    ok = run_demo(Path(workdir), db, echo=click.echo, reporter=_ClickReporter())
    if not ok:
        sys.exit(1)


# -- argument commands (extract, arguments, summary, eval) ---------------------------


@cli.command()
@db_option
@click.argument("videos", nargs=-1)
@click.option("--extractor", "extractor_name", default="default", show_default=True, help="Extractor name.")
@click.option("--force", is_flag=True, help="Re-extract even when this extractor version already ran.")
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def extract(
    db_path: str | None,
    videos: tuple[str, ...],
    extractor_name: str,
    force: bool,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Extract arguments from transcribed VIDEOS (default: all transcribed videos)."""
    from dataclasses import asdict

    from argmap.pipeline.extract.run import extract_videos

    options = _llm_options(extractor_name, llm_base_url, llm_model, llm_api_key)
    store = open_store(db_path)
    outcomes = extract_videos(store, list(videos) or None, extractor_name, force=force, **options)
    if as_json:
        echo_json([asdict(o) for o in outcomes])
    else:
        for o in outcomes:
            if o.status == "failed":
                click.secho(f"{o.video_id}: failed: {o.message}", fg="red", err=True)
                continue
            click.echo(f"{o.video_id}: {o.status}, {o.count} arguments ({o.extractor} v{o.version})")
            for note in o.notes:
                click.secho(f"  note: {note}", fg="yellow")
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)


@cli.command()
@db_option
@click.argument("videos", nargs=-1)
@click.option("--type", "arg_type", type=click.Choice(["claim", "critique", "call_to_action"]))
@click.option("--commentator", help="Only this commentator (name or id).")
@click.option("--extractor", "extractor_name", help="Only rows made by this extractor.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def arguments(
    db_path: str | None,
    videos: tuple[str, ...],
    arg_type: str | None,
    commentator: str | None,
    extractor_name: str | None,
    as_json: bool,
) -> None:
    """List stored arguments with type, quote, time and a link to the moment."""
    from argmap.pipeline.extract.run import list_arguments

    store = open_store(db_path)
    rows = list_arguments(
        store, list(videos) or None, type=arg_type, commentator=commentator, extractor=extractor_name
    )
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no arguments (run `argmap extract` after ingesting)")
    for r in rows:
        minutes, seconds = divmod(int(r["start"]), 60)
        who = r["commentator"] or r["video_id"]
        click.echo(f"[{minutes:02d}:{seconds:02d}] {r['type']:<14} {who}: {r['text']}")
        click.echo(f"{'':22}{r['url']}")


@cli.command()
@db_option
@click.argument("video")
@click.option("--summariser", default=None, help="Summarise now with this summariser (default, llm).")
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def summary(
    db_path: str | None,
    video: str,
    summariser: str | None,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Show a video's summary: gist, paragraph and timed key points (made on demand if missing)."""
    from argmap.pipeline.summarise.run import summarise_video, summary_dict

    store = open_store(db_path)
    v = store.resolve_video(video)  # an unknown video is a StoreError: friendly_errors says so
    stored = None if summariser else store.summary(v.id)
    if stored is None:
        name = summariser or "default"
        options = _llm_options(name, llm_base_url, llm_model, llm_api_key)
        stored = summarise_video(store, v, name, **options)
    data = summary_dict(store, v, stored)
    if as_json:
        echo_json(data)
        return
    click.secho(data["gist"], bold=True)
    click.echo()
    click.echo(data["paragraph"])
    click.echo()
    for kp in data["key_points"]:
        minutes, seconds = divmod(int(kp["start"] or 0), 60)
        click.echo(f"  [{minutes:02d}:{seconds:02d}] {kp['text']}")
        click.echo(f"          {kp['url']}")


@cli.command(name="eval")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Score on the labelled shared seed texts in this folder (../shared/seeds) instead of a DATASET.",
)
@click.option("--extractor", "extractor_name", default="default", show_default=True)
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def eval_command(
    dataset: str | None,
    seeds_dir: str | None,
    extractor_name: str,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Score an extractor on a labelled JSONL DATASET (or the labelled seed texts with --seeds DIR).

    Prints precision, recall and F1 for detection, typed, and per type; --seeds adds one table per text.
    """
    from argmap.pipeline.extract.evaluate import evaluate_file, evaluate_seeds, format_table

    if (dataset is None) == (seeds_dir is None):
        raise click.UsageError("give either a DATASET file or --seeds DIR")
    options = _llm_options(extractor_name, llm_base_url, llm_model, llm_api_key)
    if seeds_dir is not None:
        report = evaluate_seeds(seeds_dir, extractor_name, **options)
        if as_json:
            echo_json(report)
            return
        for part in report["per_text"].values():
            click.echo(format_table(part) + "\n")
        click.echo(format_table(report))
        return
    assert dataset is not None
    report = evaluate_file(dataset, extractor_name, **options)
    if as_json:
        echo_json(report)
    else:
        click.echo(format_table(report))


# -- embedding, search and compare commands (embed, search, compare) ----------------


@cli.command()
@db_option
@click.option(
    "--model",
    default=None,
    help="sentence-transformers name or path (default: all-MiniLM-L6-v2, bundled for offline use).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def embed(db_path: str | None, model: str | None, as_json: bool) -> None:
    """Embed arguments and transcript passages; unchanged text is never embedded twice."""
    from argmap.pipeline.search.embed import embed_all

    store = open_store(db_path)
    report = embed_all(store, model)
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(
        f"{report.model}: {report.embedded} embedded, {report.unchanged} unchanged, {report.videos} videos"
    )
    for video_id, reason in report.failed.items():
        click.secho(f"  failed {video_id}: {reason}", fg="red", err=True)


@cli.command()
@db_option
@click.argument("query")
@click.option("--scope", type=click.Choice(["arguments", "passages", "all"]), default="arguments")
@click.option("--mode", type=click.Choice(["hybrid", "semantic", "keyword"]), default="hybrid")
@click.option("--type", "arg_type", type=click.Choice(["claim", "critique", "call_to_action"]))
@click.option("--commentator", help="Only this commentator (name or id).")
@click.option("--since", help="Only videos published on or after this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--model", default=None, help="Embedding model whose vectors to search.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list of hits).")
@friendly_errors
def search(
    db_path: str | None,
    query: str,
    scope: str,
    mode: str,
    arg_type: str | None,
    commentator: str | None,
    since: str | None,
    limit: int,
    model: str | None,
    as_json: bool,
) -> None:
    """Find who said what about QUERY: vector and keyword search, fused."""
    from argmap.pipeline.search.query import search as run_search

    store = open_store(db_path)
    hits = run_search(
        store,
        query,
        scope=scope,
        mode=mode,
        type=arg_type,
        commentator=commentator,
        since=since,
        limit=limit,
        model=model,
    )
    if as_json:
        echo_json([h.as_dict() for h in hits])
        return
    if not hits:
        hint = "" if store.embedding_models() else " (no embeddings yet: run `argmap embed`)"
        click.echo(f"no results{hint}")
        return
    for n, hit in enumerate(hits, start=1):
        who = hit.commentator or "unknown"
        click.echo(f"{n:>2}. [{hit.score:.3f}] {who} · {hit.video_title} · {hit.type} @ {hit.timestamp}")
        click.echo(f"    {hit.text}")
        if hit.kind == "argument" and hit.quote and hit.quote != hit.text:
            click.echo(f'    "{hit.quote}"')
        click.echo(f"    {hit.url}")


@cli.command()
@db_option
@click.option("--topic", help="Only arguments near this query.")
@click.option("--commentator", "commentators", multiple=True, help="Restrict to these (repeatable).")
@click.option("--min-commentators", type=click.IntRange(1), default=2, show_default=True)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=None,
    help="Cosine similarity that makes two arguments one key point (default 0.65).",
)
@click.option("--model", default=None, help="Embedding model to compare with.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (key points, members, stances, relations).")
@friendly_errors
def compare(
    db_path: str | None,
    topic: str | None,
    commentators: tuple[str, ...],
    min_commentators: int,
    threshold: float | None,
    model: str | None,
    as_json: bool,
) -> None:
    """Where commentators agree or clash: shared key points, stances, and what only one argued."""
    from argmap.pipeline.compare.clustering import DEFAULT_THRESHOLD
    from argmap.pipeline.compare.clustering import compare as run_compare
    from argmap.pipeline.text import timestamp_url

    store = open_store(db_path)
    result = run_compare(
        store,
        topic=topic,
        commentators=list(commentators) or None,
        min_commentators=min_commentators,
        threshold=threshold if threshold is not None else DEFAULT_THRESHOLD,
        model=model,
    )
    if as_json:
        echo_json(result.as_dict())
        return
    if not result.key_points and not result.unique:
        click.echo("no arguments to compare (run `argmap extract` first?)")
        return
    click.echo(f"{len(result.key_points)} shared key points from {result.arguments} arguments")
    for n, kp in enumerate(result.key_points, start=1):
        click.echo("")
        click.secho(f"{n}. {kp.key_point.label}", bold=True)
        stances = ", ".join(f"{who}: {stance}" for who, stance in kp.stances.items())
        click.echo(f"   stances: {stances}")
        for m in kp.members:
            click.echo(f"   - {m.commentator:<20} {m.argument.type:<15} {m.argument.text}")
            click.echo(f"     {timestamp_url(m.video, m.argument.start)}")
        clashes = [r for r in kp.relations if r.relation == "contrasts"]
        if clashes:
            rules = ", ".join(sorted({r.method for r in clashes}))
            click.secho(f"   clashes: {len(clashes)} ({rules})", fg="red")
    if result.unique:
        click.echo("")
        for kp in result.unique:
            click.echo(f"only {kp.members[0].commentator} argued: {kp.key_point.label}")


# -- export and browse commands (export, serve) -------------------------------------

EXPORT_FORMATS = ("json", "aif", "argdown", "graphml", "dot", "mermaid", "csv", "html")


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json", show_default=True)
@click.option("--topic", help="Only arguments about this topic (same engine as `argmap search`).")
@click.option("--commentator", "commentators", multiple=True, help="Only this commentator (repeatable).")
@click.option("--video", "videos", multiple=True, help="Only this video id or URL (repeatable).")
@click.option(
    "--run",
    "run_id",
    help="Key points of this compare run (default: the run for --topic if any, else the newest).",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), help="File (default: stdout)."
)
@friendly_errors
def export(
    db_path: str | None,
    fmt: str,
    topic: str | None,
    commentators: tuple[str, ...],
    videos: tuple[str, ...],
    run_id: str | None,
    output: str | None,
) -> None:
    """Write the argument map as json, aif, argdown, graphml, dot, mermaid, csv or html."""
    from argmap.pipeline.present.export import export as run_export

    store = open_store(db_path, readonly=True)
    try:
        text = run_export(store, fmt, topic=topic, commentators=commentators, videos=videos, run=run_id)
    finally:
        store.close()
    if output and output != "-":
        from pathlib import Path

        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {fmt} to {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (default: loopback).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@friendly_errors
def serve(db_path: str | None, host: str, port: int) -> None:
    """Browse the store in a web browser: commentators, videos, search, compare, map."""
    from argmap.pipeline.present.serve import make_server
    from argmap.store import resolve_db_path

    click.echo("argmap: building the search index…", err=True)
    server = make_server(resolve_db_path(db_path), host=host, port=port)
    click.echo(f"argmap serving {server.db_path} at {server.url}  (Ctrl+C to stop)", err=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("interrupted", err=True)
        sys.exit(130)
