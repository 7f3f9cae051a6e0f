"""``argmap speakers``: the people who speak across videos, and the user's corrections to them."""

from __future__ import annotations

from typing import Any

import click

from argmap.pipeline.present.cli_helpers import db_option, echo_json, friendly_errors, open_store

# --db after a subcommand; unlike the group's, it does not read $ARGMAP_DB, which would otherwise
# win over a --db given before the subcommand.
sub_db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), help="SQLite file (as for `argmap speakers`)."
)


def _listing_dict(store: Any, item: Any) -> dict[str, Any]:
    from argmap.pipeline.speakers.people import guess_host

    return {
        "id": item.person.id,
        "name": item.person.name,
        "named": item.person.named,
        "seconds": item.seconds,
        "guess": None if item.person.named else guess_host(store, item),
        "speakers": [
            {
                "id": s.id,
                "video_id": s.video_id,
                "label": s.label,
                "source": s.source,
                "seconds": s.seconds,
                "link_score": s.link_score,
            }
            for s in item.speakers
        ],  # fmt: skip
        "videos": [{"id": vid, "title": title} for vid, title in item.videos],
    }


@click.group(invoke_without_command=True)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@friendly_errors
def speakers(ctx: click.Context, db_path: str | None, as_json: bool) -> None:
    """List the people who speak, with their videos and speaking time.

    A person is one voice across videos: each video's speakers (from diarization, caption
    labels or a recording's channels) are linked by voice print. Names stay honest ("Speaker 2
    of <video>") until you give one; a likely channel host is shown as a guess.

    \b
    Example:
        argmap speakers
        argmap speakers name p-3f2a9c1d0e7b "Dana Reyes"
        argmap speakers merge p-3f2a9c1d0e7b p-77aa01c2d3e4
        argmap speakers split s-0c1d2e3f4a5b"""
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    if ctx.invoked_subcommand is not None:
        return
    from argmap.pipeline.text import clean_line
    from argmap.store import speakers as sp

    store = open_store(db_path, readonly=True)
    try:
        rows = [_listing_dict(store, item) for item in sp.listing(store)]
    finally:
        store.close()
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no speakers yet (they come from diarization when speech is transcribed from media)")
        return
    for row in rows:
        guess = f"  (maybe {clean_line(row['guess'])}?)" if row["guess"] else ""
        where = f"{row['seconds']:.0f} s in {len(row['videos'])} video(s)"
        click.echo(f"{row['id']}  {clean_line(row['name'])}  {where}{guess}")
        for s in row["speakers"]:
            title = next((v["title"] for v in row["videos"] if v["id"] == s["video_id"]), s["video_id"])
            score = f", voice match {s['link_score']:.2f}" if s["link_score"] is not None else ""
            said = f"{s['seconds']:.0f} s{score}"
            click.echo(f"    {s['id']}  {clean_line(s['label'])} in {clean_line(title)} ({said})")


def _store(ctx: click.Context, db_path: str | None) -> Any:
    # --db may stand before the subcommand (on the group) or after it.
    return open_store(db_path or ctx.obj.get("db_path"))


@speakers.command(name="name")
@click.argument("person")
@click.argument("name")
@sub_db_option
@click.pass_context
@friendly_errors
def name_command(ctx: click.Context, person: str, name: str, db_path: str | None) -> None:
    """Name PERSON (id, id prefix, current name, or one of its speaker ids) NAME, in every video."""
    from argmap.pipeline.text import clean_line
    from argmap.store import speakers as sp

    clean = clean_line(name, 120)
    if not clean:
        raise click.ClickException("a name needs at least one visible character")
    store = _store(ctx, db_path)
    try:
        found = sp.resolve_person(store, person)
        sp.rename(store, found.id, clean)
    finally:
        store.close()
    click.echo(f"{found.id} is now {clean}")


@speakers.command()
@click.argument("keep")
@click.argument("other")
@sub_db_option
@click.pass_context
@friendly_errors
def merge(ctx: click.Context, keep: str, other: str, db_path: str | None) -> None:
    """Make OTHER the same person as KEEP (every speaker of OTHER moves to KEEP)."""
    from argmap.pipeline.speakers import people
    from argmap.store import speakers as sp

    store = _store(ctx, db_path)
    try:
        a, b = sp.resolve_person(store, keep), sp.resolve_person(store, other)
        if a.id == b.id:
            raise click.ClickException(f"{keep!r} and {other!r} are already one person ({a.id})")
        people.merge(store, a.id, b.id)
    finally:
        store.close()
    click.echo(f"merged {b.id} into {a.id}")


@speakers.command()
@click.argument("speaker")
@sub_db_option
@click.pass_context
@friendly_errors
def split(ctx: click.Context, speaker: str, db_path: str | None) -> None:
    """Take SPEAKER (a speaker id from `argmap speakers`) out of its person into a new one."""
    from argmap.pipeline.speakers import people

    store = _store(ctx, db_path)
    try:
        new = people.split(store, speaker)
    finally:
        store.close()
    click.echo(f"{speaker} is now {new.id} ({new.name})")


__all__ = ["speakers"]
