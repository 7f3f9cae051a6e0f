"""``argmap videos``: what is stored, one line per video, with what a researcher checks first.

Kept out of :mod:`.commands_ingest` (which brings videos in) so the listing can grow columns
without touching the ingest command. Unknown values print as ``-``, never as ``0`` or ``None``:
a count of 0 means the stage ran and found nothing, ``-`` that it has not run.
"""

from __future__ import annotations

from typing import Any

import click

from argmap.pipeline.config import VIDEO_STATES
from argmap.pipeline.present.cli_helpers import db_option, echo_json, friendly_errors, open_store


def _safe(text: Any) -> str:
    """One printable line: stored titles and reasons came from strangers (escapes, bidi)."""
    from argmap.pipeline.text import clean_line

    return clean_line(text, None)


def _known(row: dict[str, Any], count: str, stage: str) -> int | None:
    """A count, or None while nothing has looked (speakers come from diarization or caption
    labels, arguments from extraction)."""
    ran = row["stages"].get(stage, {}).get("status") == "done"
    return row[count] if row[count] or ran else None


def listing_rows(store: Any, status: str | None) -> list[dict[str, Any]]:
    """The ``argmap videos --json`` shape: the store's listing, counts None where unknown."""
    from argmap.store.queries import video_listing

    rows = video_listing(store, status)
    for row in rows:
        row["speakers"] = _known(row, "speakers", "diarize")
        row["arguments"] = _known(row, "arguments", "extract")
    return rows


@click.command()
@db_option
@click.option("--status", type=click.Choice(VIDEO_STATES), help="Only videos in this state (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def videos(db_path: str | None, status: str | None, as_json: bool) -> None:
    """List videos: status, length, language, speakers, arguments.

    One line per video, then the reason for each failed stage. "-" is not known yet (a
    stage that has not run, a length nobody reported).

    \b
    Example:
        argmap videos
        argmap videos --status failed
        argmap videos --json"""
    from argmap.pipeline.text import clock

    store = open_store(db_path, readonly=True)
    rows = listing_rows(store, status)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no videos" + (f" with status {status}" if status else ""))
        return
    click.echo(f"{'STATUS':<8} {'LENGTH':>8} {'LANG':<4} {'SPEAKERS':>8} {'ARGUMENTS':>9}  VIDEO")
    for row in rows:
        color = {"failed": "red", "done": "green"}.get(row["status"])
        who, title = _safe(row["commentator"] or "-"), _safe(row["title"])
        length = clock(row["duration"]) if row["duration"] else "-"
        speakers = "-" if row["speakers"] is None else str(row["speakers"])
        found = "-" if row["arguments"] is None else str(row["arguments"])
        lang = _safe(row["language"] or "-")[:4]
        columns = f"{row['status']:<8} {length:>8} {lang:<4} {speakers:>8} {found:>9}"
        click.secho(f"{columns}  {row['id']}  [{who}] {title}", fg=color)
        for stage, s in row["stages"].items():
            if s["status"] == "failed":
                kind = "permanent" if s["permanent"] else f"transient, {s['attempts']} attempt(s)"
                click.echo(f"         {stage}: {_safe(s['reason'])} ({kind})")


__all__ = ["videos"]
