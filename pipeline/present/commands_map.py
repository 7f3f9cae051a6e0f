"""Commands that show maps outside the terminal: export, serve."""

from __future__ import annotations

import click

from argmap.pipeline.present.cli_helpers import (
    db_option,
    friendly_errors,
    open_store,
)

# -- export and browse commands (export, serve) -------------------------------------

EXPORT_FORMATS = ("json", "aif", "argdown", "graphml", "dot", "mermaid", "csv", "html")


@click.command()
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


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (default: loopback).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@friendly_errors
def serve(db_path: str | None, host: str, port: int) -> None:
    """Browse the store in a web browser: commentators, videos, search, compare, map."""
    from argmap.pipeline.present.serve import make_server
    from argmap.store import resolve_db_path

    click.echo("argmap: building the search index…", err=True)
    try:
        server = make_server(resolve_db_path(db_path), host=host, port=port)
    except OSError as err:  # port taken, address not on this machine, no permission
        reason = err.strerror or str(err)
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason} (try another --port)") from err
    click.echo(f"argmap serving {server.db_path} at {server.url}  (Ctrl+C to stop)", err=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


__all__ = ["export", "serve"]
