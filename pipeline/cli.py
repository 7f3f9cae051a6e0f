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

from argmap.store import Store, StoreError

from . import __version__
from .errors import ArgmapError

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="argmap")
def cli() -> None:
    """argmap: turn video commentary into searchable, comparable argument maps."""


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(db_path: str | None, as_json: bool) -> None:
    """Show which database is in use and how many rows each table holds."""
    store = open_store(db_path)
    data: dict[str, Any] = {"database": str(store.path), "counts": store.counts()}
    data["vector_search"] = _vector_backend(store)
    if as_json:
        echo_json(data)
        return
    click.echo(f"database: {data['database']}")
    click.echo(f"vector search: {data['vector_search']}")
    for table, n in data["counts"].items():
        click.echo(f"  {table:<20} {n:>8}")


def _vector_backend(store: Store) -> str:
    try:
        from .search import vector_backend
    except ImportError:
        return "numpy (exact)"
    return vector_backend(store)


# -- ingest commands (ingest, videos, transcript, demo) ------------------------------

# -- argument commands (extract, arguments, summary, eval) ---------------------------


def _llm_options(base_url: str | None, model: str | None, api_key: str | None) -> dict[str, Any]:
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

    from .extract import extract_videos

    options = _llm_options(llm_base_url, llm_model, llm_api_key) if extractor_name != "default" else {}
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
    from .extract import list_arguments

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
    from .summarise import summarise_video, summary_dict

    store = open_store(db_path)
    try:
        v = store.resolve_video(video)
    except StoreError as err:
        raise click.ClickException(str(err)) from err
    stored = None if summariser else store.summary(v.id)
    if stored is None:
        name = summariser or "default"
        options = _llm_options(llm_base_url, llm_model, llm_api_key) if name != "default" else {}
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
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False))
@click.option("--extractor", "extractor_name", default="default", show_default=True)
@llm_flags
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def eval_command(
    dataset: str,
    extractor_name: str,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Score an extractor on a labelled JSONL DATASET: precision, recall, F1 overall and per type."""
    from .evaluate import evaluate_file, format_table

    options = _llm_options(llm_base_url, llm_model, llm_api_key) if extractor_name != "default" else {}
    report = evaluate_file(dataset, extractor_name, **options)
    if as_json:
        echo_json(report)
    else:
        click.echo(format_table(report))


# -- embedding, search and compare commands (embed, search, compare) ----------------

# -- export and browse commands (export, serve) -------------------------------------

EXPORT_FORMATS = ("json", "aif", "argdown", "graphml", "dot", "mermaid", "csv", "html")


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json", show_default=True)
@click.option("--topic", help="Only arguments about this topic (same engine as `argmap search`).")
@click.option("--commentator", "commentators", multiple=True, help="Only this commentator (repeatable).")
@click.option("--video", "videos", multiple=True, help="Only this video id or URL (repeatable).")
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
    output: str | None,
) -> None:
    """Write the argument map as json, aif, argdown, graphml, dot, mermaid, csv or html."""
    from .export import export as run_export

    store = open_store(db_path, readonly=True)
    try:
        text = run_export(store, fmt, topic=topic, commentators=commentators, videos=videos)
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
    from argmap.store import resolve_db_path

    from .serve import make_server

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
