"""The ``argmap`` command line: a thin click shell over the library.

Commands parse options, call one library function, and print. Library code raises
:class:`ArgmapError` subclasses; the CLI turns them into one red line and an exit code.
Nothing heavy is imported at module level so that ``argmap --help`` stays instant.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from argmap.pipeline import __version__
from argmap.pipeline.errors import hidden_interrupt
from argmap.pipeline.present import (
    commands_arguments,
    commands_ingest,
    commands_map,
    commands_search,
    commands_speakers,
    commands_videos,
)
from argmap.pipeline.present.cli_helpers import (
    TerminalGuard,
    WholeHelpGroup,
    db_option,
    echo_json,
    friendly_errors,
    open_store,
)


# show_default: every option with a default says it in --help (subcommands inherit this).
@click.group(
    cls=WholeHelpGroup, context_settings={"help_option_names": ["-h", "--help"], "show_default": True}
)
@click.version_option(__version__, prog_name="argmap")
def cli() -> None:
    """argmap: turn video commentary into searchable, comparable argument maps."""


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def info(db_path: str | None, as_json: bool) -> None:
    """Show the database file in use, its row counts, and which models answer."""
    from argmap.pipeline import mpnet
    from argmap.pipeline.search.query import vector_backend
    from argmap.pipeline.sentence_ends import SentenceEndModel, default_restorer_name

    store = open_store(db_path, readonly=True)
    data: dict[str, Any] = {"database": str(store.path), "counts": store.counts()}
    data["vector_search"] = vector_backend(store)
    restorer = default_restorer_name()
    if restorer == SentenceEndModel.name:
        restorer += f" (for the larger all-mpnet-base-v2: {mpnet.INSTALL_HINT})"
    data["caption_sentence_ends"] = restorer
    if as_json:
        echo_json(data)
        return
    click.echo(f"database: {data['database']}")
    click.echo(f"vector search: {data['vector_search']}")
    click.echo(f"caption sentence ends: {data['caption_sentence_ends']}")
    for table, n in data["counts"].items():
        click.echo(f"  {table:<20} {n:>8}")


for _module in (
    commands_ingest,
    commands_videos,
    commands_arguments,
    commands_search,
    commands_map,
    commands_speakers,
):
    for _name in _module.__all__:
        cli.add_command(getattr(_module, _name))


def _interrupted() -> NoReturn:
    click.echo("interrupted: what was stored stays; run the same command again to finish", err=True)
    sys.exit(130)


def main() -> None:
    sys.stdout = TerminalGuard(sys.stdout)  # type: ignore[assignment]
    sys.stderr = TerminalGuard(sys.stderr)  # type: ignore[assignment]
    # Not click's standalone mode: it turns Ctrl-C into "Aborted!" and exit status 1, which says
    # neither what happened to the work nor that it was the user who stopped it.
    try:
        code = cli.main(standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _interrupted()
    except click.ClickException as err:
        if hidden_interrupt(err) is not None:
            _interrupted()
        err.show()
        sys.exit(err.exit_code)
    except BrokenPipeError:  # `argmap arguments | head`: the reader has all it wanted
        # what Python's docs advise: point stdout at /dev/null, so the flush at exit has nowhere
        # closed to write to and does not complain again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())  # type: ignore[union-attr]
        sys.exit(1)
    except Exception as err:
        if hidden_interrupt(err) is None:
            raise
        _interrupted()
    sys.exit(code if isinstance(code, int) else 0)
