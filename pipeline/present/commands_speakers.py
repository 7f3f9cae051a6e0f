"""``argmap speakers``: the people who speak across videos, and the user's corrections to them."""

from __future__ import annotations

from typing import Any

import click

from argmap.pipeline.present.cli_helpers import (
    WholeHelpGroup,
    db_option,
    echo_json,
    friendly_errors,
    open_store,
)

# --db after a subcommand; unlike the group's, it does not read $ARGMAP_DB, which would otherwise
# win over a --db given before the subcommand.
sub_db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    help="SQLite file (default: the --db given to `argmap speakers`, else as for it).",
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


@click.group(cls=WholeHelpGroup, invoke_without_command=True)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@friendly_errors
def speakers(ctx: click.Context, db_path: str | None, as_json: bool) -> None:
    """List the people who speak, with videos and speaking time.

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
    # A named person whose speakers are all gone (split off, videos removed) is kept so their
    # voice is recognised again, but is not an entry of "who speaks": one closing line says so.
    kept = [row for row in rows if not row["videos"]]
    rows = [row for row in rows if row["videos"]]
    if not rows and not kept:
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
    if kept:
        names = ", ".join(f"{clean_line(row['name'])} ({row['id']})" for row in kept)
        click.echo(f"kept for voice matching, no speech in stored videos: {names}")


def _store(ctx: click.Context, db_path: str | None) -> Any:
    # --db may stand before the subcommand (on the group) or after it.
    return open_store(db_path or ctx.obj.get("db_path"))


def _refresh_gists(store: Any, video_ids: set[str]) -> None:
    """Summaries name who argues, so a new name makes them stale. The default summariser is
    offline and takes milliseconds: its summaries are made again now. Others (an LLM) cost
    money and need an endpoint: they are named, with the command that remakes them."""
    from argmap.pipeline.summarise.run import summarise_video

    stale = []
    for video_id in sorted(video_ids):
        summary = store.summary(video_id)
        if summary is None:
            continue
        if summary.extractor == "default":
            summarise_video(store, store.video(video_id), "default")
        else:
            stale.append(f"argmap summary {video_id} --summariser {summary.extractor}")
    if stale:
        click.secho(f"note: {len(stale)} summary(ies) still name the old speaker; remake with:", fg="yellow")
        for line in stale:
            click.echo(f"  {line}")


def _videos_of(store: Any, *person_ids: str) -> set[str]:
    from argmap.store import speakers as sp

    return {s.video_id for pid in person_ids for s in sp.speakers_of_person(store, pid)}


@speakers.command(name="name")
@click.argument("person")
@click.argument("name")
@sub_db_option
@click.pass_context
@friendly_errors
def name_command(ctx: click.Context, person: str, name: str, db_path: str | None) -> None:
    """Give a person a name, in every video.

    PERSON is an id, id prefix, current name, or one of its speaker ids. Summaries that
    name the person are made again (default summariser) or listed (others)."""
    from argmap.pipeline.text import clean_line
    from argmap.store import speakers as sp

    clean = clean_line(name, 120)
    if not clean:
        raise click.ClickException("a name needs at least one visible character")
    store = _store(ctx, db_path)
    try:
        found = sp.resolve_person(store, person)
        sp.rename(store, found.id, clean)
        click.echo(f"{found.id} is now {clean}")
        twins = [p for p in sp.persons(store) if p.id != found.id and p.name.casefold() == clean.casefold()]
        for twin in twins:
            click.secho(
                f"note: {twin.id} is also called {clean}; if they are one person:"
                f" argmap speakers merge {found.id} {twin.id}",
                fg="yellow",
            )
        _refresh_gists(store, _videos_of(store, found.id))
    finally:
        store.close()


@speakers.command()
@click.argument("keep")
@click.argument("other")
@click.option(
    "--force",
    is_flag=True,
    help="Merge even when both speak in one video (the diarizer cut one voice in two there).",
)
@sub_db_option
@click.pass_context
@friendly_errors
def merge(ctx: click.Context, keep: str, other: str, force: bool, db_path: str | None) -> None:
    """Make two people one: OTHER's speakers move to KEEP.

    OTHER is deleted, so no empty entry stays behind; KEEP's summaries are refreshed. Two people
    who speak in the same video are refused (two voices there) unless --force says the diarizer
    cut one voice in two."""
    from argmap.pipeline.speakers import people
    from argmap.store import speakers as sp

    store = _store(ctx, db_path)
    try:
        a, b = sp.resolve_person(store, keep), sp.resolve_person(store, other)
        if a.id == b.id:
            raise click.ClickException(f"{keep!r} and {other!r} are already one person ({a.id})")
        both = sp.shared_videos(store, a.id, b.id)
        if both and not force:
            title = store.video(both[0]).title
            raise click.ClickException(
                f"{a.id} and {b.id} both speak in {len(both)} video(s) ({both[0]} {title!r}), so they"
                " are two voices there; --force merges them anyway (one voice the diarizer cut in two)"
            )
        people.merge(store, a.id, b.id)
        click.echo(f"merged {b.id} into {a.id}")
        _refresh_gists(store, _videos_of(store, a.id))
    finally:
        store.close()


@speakers.command()
@click.argument("speaker")
@sub_db_option
@click.pass_context
@friendly_errors
def split(ctx: click.Context, speaker: str, db_path: str | None) -> None:
    """Take a wrongly linked speaker out into a new person.

    SPEAKER is a speaker id (s-...) from `argmap speakers`."""
    from argmap.pipeline.speakers import people

    store = _store(ctx, db_path)
    try:
        new = people.split(store, speaker)
        click.echo(f"{speaker} is now {new.id} ({new.name})")
        _refresh_gists(store, _videos_of(store, new.id))
    finally:
        store.close()


__all__ = ["speakers"]
