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


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("interrupted", err=True)
        sys.exit(130)
