"""Read queries that join tables: the store's answers to "what is stored, and in what context".

Every multi-table SELECT the commands and pages need lives here, so the schema is known in
one package. Each function takes a :class:`~.database.Store` and returns records from
:mod:`.records` (never raw rows), with :class:`~.records.ArgumentInContext` as the shape for
arguments and passages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .database import Store
from .records import (
    STAGES,
    ArgumentInContext,
    ArgumentRelation,
    Commentator,
    KeyPoint,
    KeyPointMember,
    KeyPointView,
    Video,
    VideoOverview,
)
from .speakers import named_speakers

_ARGUMENT_COLUMNS = (
    'a.id, a.video_id, a.transcript_id, a.type, a.text, a.quote, a.start, a."end", a.seg_first, a.seg_last,'
    " a.target, a.confidence, a.extractor, a.extractor_version, a.prompt_hash, a.origin,"
    " (select e.sentence_ends from extractions e where e.video_id = a.video_id and e.extractor = a.extractor"
    " and e.extractor_version = a.extractor_version) as sentence_ends"
)
_CHUNK = 500


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


class _Context:
    """Videos and commentators looked up once per query, not once per argument."""

    def __init__(self, store: Store):
        self.store = store
        self.videos: dict[str, Video] = {}
        self.commentators: dict[str, Commentator | None] = {}
        self.segment_speakers: dict[str, dict[int, str]] = {}
        self.video_speakers: dict[str, dict[str, tuple[str, str | None, str | None]]] = {}

    def video(self, video_id: str) -> Video:
        if video_id not in self.videos:
            self.videos[video_id] = self.store.video(video_id)
        return self.videos[video_id]

    def commentator(self, commentator_id: str | None) -> Commentator | None:
        if not commentator_id:
            return None
        if commentator_id not in self.commentators:
            rows = self.store.rows("select * from commentators where id = ?", [commentator_id])
            self.commentators[commentator_id] = Commentator(**rows[0]) if rows else None
        return self.commentators[commentator_id]

    def speaker(
        self, video_id: str, transcript_id: str | None, idx: int | None
    ) -> tuple[str | None, str | None, str | None, str | None]:
        """(speaker id, name to show, person id, person's name) of a transcript's segment ``idx``."""
        if transcript_id is None or idx is None:
            return None, None, None, None
        if transcript_id not in self.segment_speakers:
            self.segment_speakers[transcript_id] = {
                r["idx"]: r["speaker_id"]
                for r in self.store.rows(
                    "select idx, speaker_id from segments where transcript_id = ? and speaker_id is not null",
                    [transcript_id],
                )
            }
        speaker_id = self.segment_speakers[transcript_id].get(idx)
        if speaker_id is None:
            return None, None, None, None
        name, person_id, person = self.named(video_id).get(speaker_id, (None, None, None))
        return speaker_id, name, person_id, person

    def named(self, video_id: str) -> dict[str, tuple[str, str | None, str | None]]:
        if video_id not in self.video_speakers:
            self.video_speakers[video_id] = named_speakers(self.store, video_id)
        return self.video_speakers[video_id]

    def argument(self, row: dict[str, Any], kind: str = "argument") -> ArgumentInContext:
        video = self.video(row["video_id"])
        # A title's argument is the channel's, whoever speaks first in the video.
        speaker_id, speaker, person_id, person = (
            (None, None, None, None)
            if row.get("origin") == "title"
            else self.speaker(video.id, row.get("transcript_id"), row.get("seg_first"))
        )
        return ArgumentInContext(
            kind=kind,
            id=row["id"],
            video=video,
            commentator=self.commentator(video.commentator_id),
            type=row["type"],
            text=row["text"],
            quote=row["quote"],
            start=float(row["start"]),
            end=float(row["end"]),
            seg_first=row.get("seg_first"),
            seg_last=row.get("seg_last"),
            target=row.get("target"),
            confidence=row.get("confidence"),
            extractor=row.get("extractor"),
            extractor_version=row.get("extractor_version"),
            prompt_hash=row.get("prompt_hash"),
            origin=row.get("origin"),
            sentence_ends=row.get("sentence_ends"),
            speaker_id=speaker_id,
            speaker=speaker,
            person_id=person_id,
            person=person,
            video_speakers=len(self.named(video.id)) if speaker_id else 0,
        )


#: which of a video's extractions ran last (m010): the latest finish; runs recorded before m010 have
#: an empty time, and among those the highest version counts
LAST_RUN_FIRST = "finished_at desc, extractor_version desc, extractor"
#: the version of a video's arguments that reads show: its last extraction; a video with no record
#: (rows written before extractions were recorded, or by hand) shows all
CURRENT_VERSION = (
    "(not exists (select 1 from extractions e0 where e0.video_id = a.video_id)"
    " or (a.extractor, a.extractor_version) = (select extractor, extractor_version"
    f" from extractions e where e.video_id = a.video_id order by {LAST_RUN_FIRST} limit 1))"
)
#: the same within one extractor (``--extractor NAME``): that extractor's last version
CURRENT_OF_EXTRACTOR = (
    "(not exists (select 1 from extractions e0 where e0.video_id = a.video_id and e0.extractor = a.extractor)"
    " or a.extractor_version = (select extractor_version from extractions e"
    f" where e.video_id = a.video_id and e.extractor = a.extractor order by {LAST_RUN_FIRST} limit 1))"
)


def _argument_where(
    video_ids: Sequence[str] | None,
    type: str | None,
    commentator: str | None,
    extractor: str | None,
    current: bool = True,
) -> tuple[str, list[Any]]:
    """The ``where`` of an arguments query (``a`` joined to ``videos v`` and ``commentators c``);
    ``current`` keeps each video's last extraction only (see :data:`CURRENT_VERSION`)."""
    where: list[str] = []
    params: list[Any] = []
    if current:
        where.append(CURRENT_OF_EXTRACTOR if extractor else CURRENT_VERSION)
    if video_ids is not None:
        where.append(f"a.video_id in ({', '.join('?' for _ in video_ids)})" if video_ids else "0")
        params.extend(video_ids)
    if type:
        where.append("a.type = ?")
        params.append(type)
    if commentator:
        # the channel, or the person who said it: a guest named by the user or by a caption label
        where.append(
            "(lower(c.name) = lower(?) or c.id = ? or coalesce(a.origin, '') != 'title' and exists ("
            "select 1 from segments g"
            " join speakers s on s.id = g.speaker_id left join persons p on p.id = s.person_id"
            " where g.transcript_id = a.transcript_id and g.idx = a.seg_first and ("
            "(p.named = 1 and lower(p.name) = lower(?))"
            " or (s.source = 'captions' and lower(s.label) = lower(?)) or p.id = ?)))"
        )
        params.extend([commentator] * 5)
    if extractor:
        where.append("a.extractor = ?")
        params.append(extractor)
    return (" where " + " and ".join(where) if where else ""), params


_ARGUMENT_JOIN = (
    "from arguments a join videos v on v.id = a.video_id left join commentators c on c.id = v.commentator_id"
)


def arguments_in_context(
    store: Store,
    *,
    video_ids: Sequence[str] | None = None,
    type: str | None = None,
    commentator: str | None = None,
    extractor: str | None = None,
    current: bool = True,
) -> list[ArgumentInContext]:
    """Arguments by commentator, video and time, filtered by video ids, type, commentator (name or id;
    also a person who speaks in a video: a named voice or a caption label) and extractor name;
    of each video only its last extraction's unless ``current`` is false (every version)."""
    if video_ids is not None and not video_ids:
        return []
    where, params = _argument_where(video_ids, type, commentator, extractor, current)
    # grouped as people read a listing: by commentator, then each one's videos oldest first (titles
    # for undated ones), not by the hash in a video id
    order = "c.name is null, c.name, v.published, v.title, a.video_id, a.start, a.id"
    sql = f"select {_ARGUMENT_COLUMNS} {_ARGUMENT_JOIN}{where} order by {order}"
    ctx = _Context(store)
    return [ctx.argument(row) for row in store.rows(sql, params)]


def last_extractions(store: Store, video_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """video id -> (extractor, version) of its last extraction (see :data:`CURRENT_VERSION`);
    videos with no record are left out."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(sorted(set(video_ids))):
        rows = store.rows(
            "select video_id, extractor, extractor_version from extractions"
            f" where video_id in ({','.join('?' * len(chunk))})"
            f" order by video_id, {LAST_RUN_FIRST}",
            chunk,
        )
        for r in rows:
            out.setdefault(r["video_id"], (r["extractor"], r["extractor_version"]))
    return out


def count_arguments(
    store: Store,
    *,
    video_ids: Sequence[str] | None = None,
    type: str | None = None,
    commentator: str | None = None,
    extractor: str | None = None,
) -> int:
    """How many arguments :func:`arguments_in_context` would return for the same filters."""
    where, params = _argument_where(video_ids, type, commentator, extractor)
    return int(store.rows(f"select count(*) n {_ARGUMENT_JOIN}{where}", params)[0]["n"])


def extraction_state(store: Store, video_ids: Sequence[str] | None = None) -> dict[str, int]:
    """Of the given videos (all when None): how many there are, how many have a transcript,
    how many extraction has finished for, and how many arguments they hold. What an empty
    listing of arguments means depends on which of these is zero."""
    where, params = "", list(video_ids or ())
    if video_ids is not None:
        where = f" where v.id in ({', '.join('?' for _ in video_ids)})" if video_ids else " where 0"
    row = store.rows(
        f"""select count(*) as videos,
                   sum(exists (select 1 from transcripts t where t.video_id = v.id)) as transcribed,
                   sum(exists (select 1 from stage_status s where s.video_id = v.id
                               and s.stage = 'extract' and s.status = 'done')) as extracted,
                   sum((select count(*) from arguments a where a.video_id = v.id)) as arguments
            from videos v{where}""",
        params,
    )[0]
    return {key: int(value or 0) for key, value in row.items()}


def items_in_context(
    store: Store, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], ArgumentInContext]:
    """``(kind, id)`` pairs (kind ``argument`` or ``passage``) to records; unknown ids are left out."""
    ctx = _Context(store)
    out: dict[tuple[str, str], ArgumentInContext] = {}
    arg_ids = [i for k, i in keys if k == "argument"]
    passage_ids = [i for k, i in keys if k == "passage"]
    for chunk in _chunks(arg_ids):
        marks = ",".join("?" * len(chunk))
        for row in store.rows(f"select {_ARGUMENT_COLUMNS} from arguments a where a.id in ({marks})", chunk):
            out[("argument", row["id"])] = ctx.argument(row)
    for chunk in _chunks(passage_ids):
        marks = ",".join("?" * len(chunk))
        sql = (
            "select id, video_id, transcript_id, 'passage' as type, text, text as quote, start, \"end\","
            f" seg_first, seg_last from passages where id in ({marks})"
        )
        for row in store.rows(sql, chunk):
            out[("passage", row["id"])] = ctx.argument(row, kind="passage")
    return out


def preferred_arguments(store: Store, video_id: str) -> list[ArgumentInContext]:
    """One extractor version per video: the one key points refer to, else the last run.

    Re-extraction keeps older versions side by side; showing all of them would repeat each
    argument once per version.
    """
    groups = store.rows(
        """select a.extractor, a.extractor_version,
                  (select count(*) from key_point_members m join arguments b on b.id = m.argument_id
                   where b.video_id = a.video_id and b.extractor = a.extractor
                     and b.extractor_version = a.extractor_version) as used,
                  (select max(e.finished_at) from extractions e where e.video_id = a.video_id
                     and e.extractor = a.extractor and e.extractor_version = a.extractor_version) as finished
           from arguments a where a.video_id = ?
           group by a.extractor, a.extractor_version
           order by used desc, finished desc, a.extractor_version desc, a.extractor""",
        [video_id],
    )
    if not groups:
        return []
    g = groups[0]
    ctx = _Context(store)
    rows = store.rows(
        f"select {_ARGUMENT_COLUMNS} from arguments a"
        " where a.video_id = ? and a.extractor = ? and a.extractor_version = ? order by a.start, a.id",
        [video_id, g["extractor"], g["extractor_version"]],
    )
    return [ctx.argument(row) for row in rows]


def argument_count(store: Store, video_id: str, extractor: str, version: str) -> int:
    """How many arguments one extractor version stored for a video."""
    rows = store.rows(
        "select count(*) n from arguments where video_id = ? and extractor = ? and extractor_version = ?",
        [video_id, extractor, version],
    )
    return int(rows[0]["n"])


def transcribed_videos(store: Store) -> list[Video]:
    """Every video that has at least one transcript, by id."""
    rows = store.rows(
        "select v.* from videos v where exists (select 1 from transcripts t where t.video_id = v.id)"
        " order by v.id"
    )
    return [Video(**r) for r in rows]


# -- listings, key points and relations (export and serve) ----------------------------------


def commentators(store: Store) -> list[Commentator]:
    """Every commentator, by name, then id."""
    return [Commentator(**r) for r in store.rows("select * from commentators order by name, id")]


def filter_names(store: Store) -> list[str]:
    """Every name a --commentator filter takes: commentators, people the user named, and caption
    labels (what a "did you mean" is chosen from)."""
    rows = store.rows(
        "select name from commentators union select name from persons where named = 1"
        " union select label from speakers where source = 'captions' order by 1"
    )
    return [r["name"] for r in rows if r["name"]]


#: how many of the latest arguments' texts :func:`name_sources` reads names from
NAME_SOURCE_ARGUMENTS = 5000


def name_sources(store: Store) -> list[str]:
    """Text in which the store has seen names written with their capitals: the targets of arguments,
    commentators, the people the user named, and the latest arguments' texts ("Council leader Marcus
    Byrne said ..."). :mod:`argmap.pipeline.name_casing` restores those names in captions."""
    rows = store.rows(
        "select distinct target as name from arguments where target is not null"
        " union select name from commentators union select name from persons where named = 1"
    )
    latest = store.rows(
        "select text as name from arguments order by rowid desc limit ?", [NAME_SOURCE_ARGUMENTS]
    )
    return [r["name"] for r in [*rows, *latest] if r["name"]]


def videos_by_commentator(store: Store) -> list[Video]:
    """Every video, grouped by commentator, each commentator's in publication order (then id)."""
    rows = store.rows("select * from videos order by commentator_id, published, id")
    return [Video(**r) for r in rows]


def video_overviews(store: Store) -> list[VideoOverview]:
    """Every video with its argument count, newest first (then by title)."""
    rows = store.rows(
        """select v.*, (select count(*) from arguments a where a.video_id = v.id) as _arguments
           from videos v order by v.published desc, v.title"""
    )
    out = []
    for r in rows:
        count = int(r.pop("_arguments"))
        out.append(VideoOverview(video=Video(**r), arguments=count))
    return out


def run_key_points(store: Store, run_id: str | None) -> list[KeyPointView]:
    """One compare run's key points in the order `argmap compare` prints them (most commentators,
    then largest, then by id), each with its members by similarity (then argument id); none for
    ``run_id`` None."""
    if run_id is None:
        return []
    kp_rows = store.rows(
        "select id, run_id, label, label_argument_id, size, commentators, topic, prevalence"
        " from key_points where run_id = ? order by commentators desc, size desc, id",
        [run_id],
    )
    members: dict[str, list[KeyPointMember]] = {}
    for m in store.rows(
        "select m.key_point_id, m.argument_id, m.similarity, m.stance, m.confidence from key_point_members m"
        " join key_points k on k.id = m.key_point_id where k.run_id = ?"
        " order by m.similarity desc, m.argument_id",
        [run_id],
    ):
        members.setdefault(m["key_point_id"], []).append(KeyPointMember(**m))
    return [
        KeyPointView(
            key_point=KeyPoint(**{**r, "prevalence": json.loads(r["prevalence"] or "{}")}),
            members=tuple(members.get(r["id"], ())),
        )
        for r in kp_rows
    ]


def argument_relations(store: Store) -> list[ArgumentRelation]:
    """Every relation between two arguments, by id."""
    rows = store.rows(
        "select id, source_argument_id, target_argument_id, relation, method, key_point_id, score"
        " from argument_relations order by id"
    )
    return [ArgumentRelation(**r) for r in rows]


def video_listing(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    """Videos with their commentator and per-stage status (the ``argmap videos`` shape);
    ``status`` keeps only videos that are done, failed or pending overall.

    ``duration`` is what the source reported, else the length of the decoded media (or of the
    imported captions) from the transcript, so local files and databases written before
    ingest stored it still show one; ``None`` when neither is known. ``language`` is that of
    the preferred transcript (speech recognition, then captions, then import), ``speakers`` the
    voices diarization found, ``arguments`` every stored argument (all extractor versions, as
    ``argmap arguments`` lists them).
    """
    rows = store.rows(
        """select v.id, v.title, v.source_url, v.published,
                  coalesce(v.duration, (select max(t.duration) from transcripts t where t.video_id = v.id))
                    as duration,
                  v.media_path, c.name as commentator,
                  (select t.language from transcripts t where t.video_id = v.id
                    order by case t.source when 'asr' then 0 when 'captions' then 1 else 2 end
                    limit 1) as language,
                  (select count(*) from speakers s where s.video_id = v.id) as speakers,
                  (select count(*) from arguments a where a.video_id = v.id) as arguments
           from videos v left join commentators c on c.id = v.commentator_id
           order by c.name, v.published, v.id"""
    )
    out = []
    order = {name: i for i, name in enumerate(STAGES)}
    for row in rows:
        statuses = store.statuses(row["id"])
        row["stages"] = {
            name: {"status": s.status, "reason": s.reason, "permanent": s.permanent, "attempts": s.attempts}
            for name, s in sorted(statuses.items(), key=lambda kv: order.get(kv[0], len(order)))
        }
        states = {s.status for s in statuses.values()}
        row["status"] = "failed" if "failed" in states else ("done" if states == {"done"} else "pending")
        if status is None or row["status"] == status:
            out.append(row)
    return out
