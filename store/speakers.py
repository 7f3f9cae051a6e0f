"""Speakers (voices in one video), persons (a voice across videos) and speaker turns.

A video's diarization is replaced whole, in one transaction with its ``diarize`` done mark, so a
re-run never leaves half of an old speaker set behind. Persons outlive the speakers linked to
them only when the user named them: their voice print is how a later video finds them again.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .connection import NotFound
from .database import Store
from .records import Person, Segment, Speaker, SpeakerTurn, make_id, to_row


def save_diarization(
    store: Store,
    video_id: str,
    transcript_id: str,
    speakers: Sequence[Speaker],
    turns: Sequence[SpeakerTurn],
    segments: Sequence[Segment],
    *,
    stage: str = "diarize",
) -> None:
    """Replace a video's speakers and turns, and its transcript's segments with ``segments``
    (cut where the speaker changes, each pointing at its speaker); mark the stage done.

    Arguments, summaries and passages point at segments by number. When the cut changes the
    numbering (diarization ran after them, on a retry), they are dropped with their vectors and
    their stages are due again, rather than left pointing at the wrong lines.
    """
    with store.transaction():
        before = [
            (r[0], r[1], r[2], r[3])
            for r in store.db.execute(
                'select idx, start, "end", speaker_id from segments where transcript_id = ? order by idx',
                [transcript_id],
            )
        ]
        if [b[:3] for b in before] != [(s.idx, s.start, s.end) for s in segments]:
            _drop_derived(store, video_id)
        elif [b[3] for b in before] != [s.speaker_id for s in segments]:
            # Same lines, other voices (diarization after a --no-diarize run): passages are cut
            # where the speaker changes, so they are made again; arguments read speakers live.
            _drop_passages(store, video_id)
        store.db.execute("delete from segments where transcript_id = ?", [transcript_id])
        _clear(store, video_id)
        if speakers:
            store.db["speakers"].insert_all([to_row(s) for s in speakers])  # type: ignore[union-attr]
        if turns:
            store.db["speaker_turns"].insert_all([to_row(t) for t in turns])  # type: ignore[union-attr]
        if segments:
            store.db["segments"].insert_all([to_row(s) for s in segments])  # type: ignore[union-attr]
        store.drop_orphan_persons()
        store.mark(video_id, stage, "done")


def _drop_derived(store: Store, video_id: str) -> None:
    store.drop_derived(video_id)
    store.db.execute(
        "delete from stage_status where video_id = ? and stage in ('extract', 'summarise', 'embed')",
        [video_id],
    )


def _drop_passages(store: Store, video_id: str) -> None:
    store.db.execute(
        "delete from embeddings where item_type = 'passage'"
        " and item_id in (select id from passages where video_id = ?)",
        [video_id],
    )
    store.db.execute("delete from passages where video_id = ?", [video_id])
    store.db.execute("delete from stage_status where video_id = ? and stage = 'embed'", [video_id])


def _clear(store: Store, video_id: str) -> None:
    store.db.execute("update segments set speaker_id = null where video_id = ?", [video_id])
    store.db.execute("delete from speaker_turns where video_id = ?", [video_id])
    store.db.execute("delete from speakers where video_id = ?", [video_id])


def named_speakers(store: Store, video_id: str) -> dict[str, tuple[str, str | None, str | None]]:
    """speaker id -> (the name to show in the video: its person's once the user named it, else
    its label in the video; person id; the person's name). An unnamed person's name ("Speaker 1
    of <another video>") says which voice it is across videos, for views across videos (compare,
    people); inside one video it would only mislead."""
    rows = store.rows(
        "select s.id, s.label, s.person_id, p.name, p.named from speakers s"
        " left join persons p on p.id = s.person_id where s.video_id = ?",
        [video_id],
    )
    return {r["id"]: (r["name"] if r["named"] else r["label"], r["person_id"], r["name"]) for r in rows}


def display_names(store: Store, video_id: str) -> dict[str, str]:
    """speaker id -> the name to show for each speaker of a video."""
    return {sid: name for sid, (name, _, _) in named_speakers(store, video_id).items()}


def speakers_of(store: Store, video_id: str) -> list[Speaker]:
    rows = store.rows("select * from speakers where video_id = ? order by label, id", [video_id])
    return [Speaker(**r) for r in rows]


def speakers_of_person(store: Store, person_id: str) -> list[Speaker]:
    rows = store.rows("select * from speakers where person_id = ? order by video_id, id", [person_id])
    return [Speaker(**r) for r in rows]


def speaker(store: Store, speaker_id: str) -> Speaker:
    rows = store.rows("select * from speakers where id = ?", [speaker_id])
    if not rows:
        raise NotFound(f"no speaker {speaker_id!r}")
    return Speaker(**rows[0])


def turns_of(store: Store, video_id: str) -> list[SpeakerTurn]:
    rows = store.rows(
        'select video_id, speaker_id, start, "end" from speaker_turns where video_id = ? order by start',
        [video_id],
    )
    return [SpeakerTurn(**r) for r in rows]


def persons(store: Store) -> list[Person]:
    rows = store.rows("select * from persons order by name, id")
    return [_person(r) for r in rows]


def person(store: Store, person_id: str) -> Person:
    rows = store.rows("select * from persons where id = ?", [person_id])
    if not rows:
        raise NotFound(f"no person {person_id!r}")
    return _person(rows[0])


def _person(row: dict[str, Any]) -> Person:
    return Person(**{**row, "named": bool(row["named"])})


def new_person_id(seed: str) -> str:
    return "p-" + make_id(seed, length=12)


def save_person(store: Store, new: Person) -> Person:
    """Store a new person; one that already has this id (a speaker seen before) is kept as it is,
    so a name the user gave survives a re-run."""
    existing = store.rows("select id from persons where id = ?", [new.id])
    if existing:
        return person(store, new.id)
    row = to_row(new)
    row["created_at"] = row["created_at"] or _dt.datetime.now(_dt.timezone.utc).isoformat()
    with store.transaction():
        store.db["persons"].upsert(row, pk="id")  # type: ignore[union-attr]
    return person(store, new.id)


def link(store: Store, speaker_id: str, person_id: str, score: float | None) -> None:
    with store.transaction():
        store.db.execute(
            "update speakers set person_id = ?, link_score = ? where id = ?", [person_id, score, speaker_id]
        )
        store.drop_orphan_persons()


def set_person_voice(store: Store, person_id: str, voice: bytes | None) -> None:
    with store.transaction():
        store.db.execute("update persons set voice = ? where id = ?", [voice, person_id])


def voices_of_person(store: Store, person_id: str) -> list[tuple[bytes, float]]:
    """(voice print, seconds) of every speaker linked to a person."""
    rows = store.db.execute(
        "select voice, seconds from speakers where person_id = ? and voice is not null", [person_id]
    )
    return [(r[0], float(r[1])) for r in rows]


def rename(store: Store, person_id: str, name: str) -> None:
    with store.transaction():
        person(store, person_id)
        store.db.execute("update persons set name = ?, named = 1 where id = ?", [name, person_id])


def merge(store: Store, keep: str, gone: str) -> None:
    """Every speaker of ``gone`` becomes ``keep``'s; ``gone`` is deleted."""
    with store.transaction():
        person(store, keep)
        person(store, gone)
        store.db.execute("update speakers set person_id = ? where person_id = ?", [keep, gone])
        store.db.execute("delete from persons where id = ?", [gone])


def shared_videos(store: Store, a: str, b: str) -> list[str]:
    """The videos in which both people speak (as two speakers of the video)."""
    rows = store.db.execute(
        "select video_id from speakers where person_id = ?"
        " intersect select video_id from speakers where person_id = ? order by video_id",
        [a, b],
    ).fetchall()
    return [r[0] for r in rows]


def resolve_person(store: Store, ref: str) -> Person:
    """A person by id, unique id prefix or exact name (any case), or the person of a speaker id."""
    rows = store.rows("select * from persons where id = ? or lower(name) = lower(?)", [ref, ref])
    if not rows:
        rows = store.rows("select * from persons where id like ? || '%'", [ref.replace("%", "")])
    if not rows:
        found = store.rows(
            "select p.* from persons p join speakers s on s.person_id = p.id where s.id = ?", [ref]
        )
        rows = found
    if len(rows) != 1:
        if not rows:
            raise NotFound(f"no person or speaker {ref!r} (see `argmap speakers`)")
        names = ", ".join(f"{r['id']} ({r['name']})" for r in rows[:10])
        raise NotFound(f"{ref!r} matches {len(rows)} people: {names}")
    return _person(rows[0])


@dataclass(frozen=True)
class PersonListing:
    """A person with where and how long they speak (the ``argmap speakers`` shape)."""

    person: Person
    speakers: tuple[Speaker, ...]
    videos: tuple[tuple[str, str], ...]  # (video id, title)
    seconds: float


def listing(store: Store) -> list[PersonListing]:
    out = []
    for p in persons(store):
        rows = store.rows(
            "select s.*, v.title as _title from speakers s join videos v on v.id = s.video_id"
            " where s.person_id = ? order by v.id, s.label",
            [p.id],
        )
        titles = {r["video_id"]: r.pop("_title") for r in rows}
        linked = tuple(Speaker(**r) for r in rows)
        out.append(PersonListing(p, linked, tuple(titles.items()), round(sum(s.seconds for s in linked), 1)))
    out.sort(key=lambda x: (-x.seconds, x.person.name))
    return out
