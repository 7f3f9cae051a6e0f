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
