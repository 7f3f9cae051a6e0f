"""Read models for the pages of ``argmap serve``: a commentator's or person's page, a video's
speakers, who a set of arguments is related to, which compare runs hold them.

The web view asks questions no command asks ("how many videos does each commentator have, leaving
out those left empty by a rename", "which stored relations touch these arguments"). They are
SELECTs over several tables, so they live in the store like every other query
(:mod:`.queries` holds the ones commands and exports share); each returns records from
:mod:`.records`, and arguments always come as :class:`~.records.ArgumentInContext` through
:mod:`.queries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .database import Store
from .queries import _chunks
from .records import (
    ArgumentRelation,
    Commentator,
    CommentatorOverview,
    Person,
    PersonOverview,
    Speaker,
    SpeakerView,
    Video,
    VideoOverview,
)
from .speakers import named_speakers


def preferred_versions(
    store: Store, video_ids: Sequence[str] | None = None
) -> dict[str, tuple[str, str, int]]:
    """video id -> (extractor, version, argument count) of the version pages show for it.

    The same choice as :func:`.queries.preferred_arguments` (the version key points refer to,
    else the last run), made for many videos in one query.
    """
    where, params = "", list(video_ids or ())
    if video_ids is not None:
        if not video_ids:
            return {}
        where = f" where video_id in ({','.join('?' * len(video_ids))})"
    rows = store.rows(
        f"""select g.video_id, g.extractor, g.extractor_version, g.n,
                  (select count(*) from key_point_members m join arguments b on b.id = m.argument_id
                    where b.video_id = g.video_id and b.extractor = g.extractor
                      and b.extractor_version = g.extractor_version) as used,
                  (select max(e.finished_at) from extractions e where e.video_id = g.video_id
                     and e.extractor = g.extractor and e.extractor_version = g.extractor_version) as finished
             from (select video_id, extractor, extractor_version, count(*) as n from arguments{where}
                   group by video_id, extractor, extractor_version) g
            order by g.video_id, used desc, finished desc, g.extractor_version desc, g.extractor""",
        params,
    )
    out: dict[str, tuple[str, str, int]] = {}
    for r in rows:
        out.setdefault(r["video_id"], (r["extractor"], r["extractor_version"], int(r["n"])))
    return out


def video_overviews(
    store: Store, *, commentator_id: str | None = None, video_ids: Sequence[str] | None = None
) -> list[VideoOverview]:
    """Videos (all, one commentator's, or the given ids), newest first, then by title, each with
    its argument count in the preferred extractor version. A video whose source reported no
    length (a local file) gets its transcript's decoded length."""
    where: list[str] = []
    params: list[Any] = []
    if commentator_id is not None:
        where.append("v.commentator_id = ?")
        params.append(commentator_id)
    if video_ids is not None:
        if not video_ids:
            return []
        where.append(f"v.id in ({','.join('?' * len(video_ids))})")
        params.extend(video_ids)
    rows = store.rows(
        "select v.*, (select max(t.duration) from transcripts t where t.video_id = v.id) as _decoded"
        " from videos v"
        + (" where " + " and ".join(where) if where else "")
        + " order by v.published desc, v.title, v.id",
        params,
    )
    videos = []
    for r in rows:
        decoded = r.pop("_decoded")
        videos.append(Video(**{**r, "duration": r["duration"] or decoded}))
    counts = preferred_versions(store, [v.id for v in videos]) if videos else {}
    failed: dict[str, str] = {}
    for r in store.rows(
        "select video_id, stage from stage_status where status = 'failed' order by updated_at"
    ):
        failed.setdefault(r["video_id"], r["stage"])
    return [
        VideoOverview(video=v, arguments=counts.get(v.id, ("", "", 0))[2], failed=failed.get(v.id))
        for v in videos
    ]


def commentator_overviews(store: Store) -> list[CommentatorOverview]:
    """Commentators that have at least one video, by name: one left without videos (after a
    rename, or a removed video) is not shown anywhere."""
    rows = store.rows(
        """select c.*, count(v.id) as _videos from commentators c join videos v on v.commentator_id = c.id
            group by c.id order by c.name, c.id"""
    )
    counts = preferred_versions(store)
    per: dict[str, int] = {}
    for r in store.rows("select id, commentator_id from videos where commentator_id is not null"):
        per[r["commentator_id"]] = per.get(r["commentator_id"], 0) + counts.get(r["id"], ("", "", 0))[2]
    out = []
    for r in rows:
        n = int(r.pop("_videos"))
        out.append(CommentatorOverview(Commentator(**r), videos=n, arguments=per.get(r["id"], 0)))
    return out


def person_overviews(store: Store) -> list[PersonOverview]:
    """Persons linked to a speaker in at least one video, named ones first, then by speaking time;
    a person left without speakers (after a merge or a re-diarization) is not shown."""
    rows = store.rows(
        """select p.id, p.name, p.named, p.created_at, count(distinct s.video_id) as _videos,
                  coalesce(sum(s.seconds), 0) as _seconds
             from persons p join speakers s on s.person_id = p.id
            group by p.id order by p.named desc, _seconds desc, p.name, p.id"""
    )
    return [
        PersonOverview(
            Person(id=r["id"], name=r["name"], named=bool(r["named"]), created_at=r["created_at"]),
            videos=int(r["_videos"]),
            seconds=round(float(r["_seconds"]), 1),
        )
        for r in rows
    ]


def person_video_ids(store: Store, person_id: str) -> list[str]:
    """The videos a person speaks in, by id."""
    rows = store.rows(
        "select distinct video_id from speakers where person_id = ? order by video_id", [person_id]
    )
    return [r["video_id"] for r in rows]


def video_speakers(store: Store, video_id: str) -> list[SpeakerView]:
    """A video's speakers, who speaks longest first, each with the name pages show."""
    names = named_speakers(store, video_id)
    rows = store.rows(
        "select id, video_id, label, source, person_id, link_score, seconds from speakers"
        " where video_id = ? order by seconds desc, label, id",
        [video_id],
    )
    return [SpeakerView(Speaker(**r), names.get(r["id"], (r["label"], None))[0]) for r in rows]


def relations_touching(store: Store, argument_ids: Sequence[str]) -> list[ArgumentRelation]:
    """Stored relations with one of ``argument_ids`` on either side, by id (every run's)."""
    found: dict[str, ArgumentRelation] = {}
    for chunk in _chunks(list(argument_ids)):
        marks = ",".join("?" * len(chunk))
        for r in store.rows(
            "select id, source_argument_id, target_argument_id, relation, method, key_point_id, score"
            f" from argument_relations where source_argument_id in ({marks})"
            f" or target_argument_id in ({marks})",
            [*chunk, *chunk],
        ):
            found[r["id"]] = ArgumentRelation(**r)
    return [found[k] for k in sorted(found)]


def runs_holding(store: Store, argument_ids: Sequence[str]) -> dict[str, int]:
    """run id -> how many of ``argument_ids`` its key points hold, for runs holding any."""
    out: dict[str, int] = {}
    for chunk in _chunks(list(argument_ids)):
        marks = ",".join("?" * len(chunk))
        for r in store.rows(
            "select k.run_id, count(distinct m.argument_id) as n from key_point_members m"
            f" join key_points k on k.id = m.key_point_id where m.argument_id in ({marks}) group by k.run_id",
            chunk,
        ):
            out[r["run_id"]] = out.get(r["run_id"], 0) + int(r["n"])
    return out


def run_relations(store: Store, run_id: str) -> list[ArgumentRelation]:
    """The relations one compare run made (those tied to its key points), by id."""
    rows = store.rows(
        "select r.id, r.source_argument_id, r.target_argument_id, r.relation, r.method, r.key_point_id,"
        " r.score from argument_relations r join key_points k on k.id = r.key_point_id"
        " where k.run_id = ? order by r.id",
        [run_id],
    )
    return [ArgumentRelation(**r) for r in rows]
