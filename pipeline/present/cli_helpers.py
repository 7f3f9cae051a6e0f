"""What every command shares: the --db option, opening the store, one-line errors, JSON output
and the --llm-* flags. Kept apart from :mod:`.cli` so command modules import it, not the group."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from sqlite_utils.utils import sqlite3

from argmap.pipeline.errors import ArgmapError
from argmap.pipeline.text import decode_file_text
from argmap.store import ARGUMENT_TYPES, Store, StoreError

F = TypeVar("F", bound=Callable[..., Any])


class WholeHelpGroup(click.Group):
    """A command group whose ``--help`` shows each command's first sentence whole, wrapped.

    Click cuts a command's description to fit one line beside the longest command name
    ("Download, transcribe and store videos,..."), so a longer name elsewhere silently cuts
    every other description. Wrapping keeps them readable at any terminal width.
    """

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def db_option(fn: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        envvar="ARGMAP_DB",
        help="SQLite file (default: $ARGMAP_DB, else argmap.db in the user data directory).",
    )(fn)


def open_store(db_path: str | None, *, readonly: bool = False, create: bool = False) -> Store:
    """The store for a command. Only commands that bring data in pass ``create=True``: a read
    command given a mistyped ``--db`` must say so, not make an empty database."""
    try:
        store = Store.open(db_path, readonly=readonly, create=create)
    except StoreError as err:
        raise click.ClickException(str(err)) from err
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(store.close)  # closing twice is harmless; forgetting is not
    return store


def friendly_errors(fn: F) -> F:
    """Turn library errors into one clear line and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ArgmapError, StoreError) as err:
            raise click.ClickException(str(err)) from err
        except sqlite3.DatabaseError as err:  # disk full, read-only file, a lock held too long
            first = (str(err).strip().splitlines() or [type(err).__name__])[0]
            raise click.ClickException(f"database error: {first}") from err
        except OSError as err:
            # A path the user named: an output folder that does not exist, a file we may not
            # write. Errors without a path (a socket, a broken pipe) are not about their input.
            if not err.filename or isinstance(err, BrokenPipeError):
                raise
            raise click.ClickException(f"{err.strerror or err}: {err.filename}") from err

    return wrapper  # type: ignore[return-value]


# Colour (SGR, ESC [ ... m) is the only control sequence argmap itself prints; anything else in
# the output came from stored text and could retitle the window, write the clipboard (OSC 52) or
# clear the screen.
_CONTROL = re.compile(
    r"\x1b\[(?![0-9;]*m)[0-?]*[ -/]*[@-~]"  # CSI other than colour
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, up to BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b(?![\[\]])[ -~]?"  # other escapes
    r"|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]"  # C0 (but tab, newline, CR, ESC) and C1
)


def read_user_text(path: str) -> str:
    """A text file the user names on the command line: UTF-8 (with or without a BOM) or UTF-16
    with its BOM, as Windows editors save it; anything else is one clear error."""
    try:
        return decode_file_text(Path(path).read_bytes(), legacy=False)
    except UnicodeDecodeError as err:
        why = f"{err.reason} at byte {err.start}"
        raise click.ClickException(f"{path}: not UTF-8 or UTF-16 text ({why})") from err


def strip_control(text: str) -> str:
    """``text`` with every terminal control sequence removed except colour."""
    return _CONTROL.sub("", text)


class TerminalGuard:
    """A text stream that passes everything written through :func:`strip_control`: the last
    line of defence behind cleaning at storage time, for databases written by older versions."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(strip_control(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def argument_filters(fn: F) -> F:
    """--type and --commentator, as `arguments` and `search` both filter by them."""
    fn = click.option("--commentator", help="Only this commentator, name or id (default: all).")(fn)
    return click.option(
        "--type",
        "arg_type",
        type=click.Choice(ARGUMENT_TYPES),
        help="Only arguments of this type (default: all).",
    )(fn)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def llm_options(name: str, base_url: str | None, model: str | None, api_key: str | None) -> dict[str, Any]:
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
