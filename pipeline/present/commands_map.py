"""Commands that show maps outside the terminal: export, serve."""

from __future__ import annotations

from typing import Any

import click

from argmap.pipeline.present.cli_helpers import (
    db_option,
    echo_json,
    friendly_errors,
    open_store,
)

# -- export and browse commands (export, serve) -------------------------------------

EXPORT_FORMATS = ("json", "aif", "argdown", "graphml", "dot", "mermaid", "csv", "html")


@click.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="json",
    show_default=True,
    help="Output format (see README: Export formats).",
)
@click.option(
    "--topic",
    help="Only arguments about this topic, as `argmap search` shows them: hits judged too loosely"
    " related are left out (default: all arguments).",
)
@click.option(
    "--commentator",
    "commentators",
    multiple=True,
    help="Only this commentator, name or id (repeatable; default: all).",
)
@click.option(
    "--video",
    "videos",
    multiple=True,
    help="Only this video: id, prefix, URL, file path or title words (repeatable; default: all).",
)
@click.option(
    "--run",
    "run_id",
    help="Key points of this compare run (default: the newest run for --topic if any, else the newest;"
    " its id, topic and date are printed on stderr).",
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
    """Write the map as JSON, AIF, Argdown, graphs, CSV or HTML.

    The map's key points come from one stored compare run; unless --run names one, the
    run used (id, topic, date) is said on stderr, so the choice is never silent.

    \b
    Example:
        argmap export --format argdown -o map.argdown
        argmap export --topic "export controls" --format html -o map.html
        argmap export --run run-3f2a9c1d --video multilingual"""
    from argmap.pipeline.present.export import export as run_export
    from argmap.pipeline.present.export import pick_run

    store = open_store(db_path, readonly=True)
    try:
        text = run_export(store, fmt, topic=topic, commentators=commentators, videos=videos, run=run_id)
        if run_id is None:
            click.echo(_run_note(pick_run(store, topic=topic), topic), err=True)
    finally:
        store.close()
    if output and output != "-":
        from pathlib import Path

        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {fmt} to {output}", err=True)
    else:
        click.echo(text, nl=False)


def _run_note(run: dict[str, Any] | None, topic: str | None) -> str:
    """Which compare run the map's key points came from, in one line for stderr."""
    if run is None:
        return "key points: none (no compare run stored yet; `argmap compare` makes one)"
    made = (run["created_at"] or "unknown date")[:16].replace("T", " ")
    about = f"topic {run['topic']!r}" if run["topic"] else "no topic"
    # compare prints the shared ones first; say both so the two counts never seem to disagree
    points = f"{run['key_points']} key points, {run['shared'] or 0} shared"
    line = f"key points: compare run {run['run_id']} ({about}, {made}, {points})"
    wanted = " ".join((topic or "").split()).casefold()
    if topic and " ".join((run["topic"] or "").split()).casefold() != wanted:
        line += f"; no run was made for topic {topic!r}, so this is the newest"
    return line + "; --run ID picks another"


@click.command()
@db_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback: this machine only)."
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one)."
)
@click.option(
    "--datasette",
    "with_datasette",
    is_flag=True,
    help="Also run Datasette on the same database, with argmap's table descriptions and facets"
    " (needs argmap[datasette]).",
)
@click.option(
    "--datasette-port",
    type=click.IntRange(1, 65535),
    help="Datasette's port (default: the web view's port + 1).",
)
@friendly_errors
def serve(
    db_path: str | None, host: str, port: int, with_datasette: bool, datasette_port: int | None
) -> None:
    """Browse the store in a web browser.

    Pages for commentators, videos, search, compare and the map, on loopback by default.

    \b
    Example:
        argmap serve --port 8080"""
    from argmap.pipeline.present.serve import make_server
    from argmap.store import resolve_db_path

    click.echo("argmap: building the search index…", err=True)
    try:
        server = make_server(resolve_db_path(db_path), host=host, port=port)
    except OSError as err:  # port taken, address not on this machine, no permission
        reason = err.strerror or str(err)
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason} (try another --port)") from err
    companion = None
    if with_datasette:
        from argmap.pipeline.present.web.datasette import start_datasette

        try:
            companion = start_datasette(
                server.db_path, host=host, port=datasette_port or server.server_address[1] + 1
            )
        except BaseException:
            server.server_close()
            raise
        server.datasette_url = companion.url
        import signal
        import sys

        # A plain `kill` must not leave Datasette running: end through the finally below.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        click.echo(f"datasette serving the same database at {companion.url}", err=True)
    click.echo(f"argmap serving {server.db_path} at {server.url}  (Ctrl+C to stop)", err=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if companion is not None:
            companion.stop()


@click.command("datasette-metadata")
@db_option
@friendly_errors
def datasette_metadata(db_path: str | None) -> None:
    """Print Datasette metadata: table descriptions and facets.

    Also label columns and canned queries, for a Datasette you run yourself (`argmap serve
    --datasette` runs one with it).

    \b
    Example:
        argmap datasette-metadata > metadata.json
        datasette argmap.db --metadata metadata.json"""
    from argmap.store import resolve_db_path
    from argmap.store.catalog import datasette_metadata as build

    echo_json(build(resolve_db_path(db_path)))


__all__ = ["datasette_metadata", "export", "serve"]
