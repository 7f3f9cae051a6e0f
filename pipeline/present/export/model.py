"""The map every export writes: what it holds, and how it is selected from the store.

Every writer starts from the same :class:`ArgMap`, so the formats never disagree about what is
in the map. Selecting it (which videos, which of their arguments, which compare run's key
points and relations) is one decision made here, through :mod:`argmap.store.queries`: the
store owns the SQL, this module owns the choice.

An argument on the map is the store's :class:`~argmap.store.records.ArgumentInContext`
wrapped with the one thing a map adds, the link to its moment in the video.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from argmap.pipeline.errors import ArgmapError, ConfigError
from argmap.pipeline.text import timecode, timestamp_url, video_url
from argmap.store import NotFound, Store, Video
from argmap.store import queries as q
from argmap.store.records import ArgumentInContext

FORMAT_VERSION = 1

TYPE_COLOURS = {"claim": "#2f6fdf", "critique": "#d2452f", "call_to_action": "#2e9b4f"}
TYPE_LABELS = {"claim": "claim", "critique": "critique", "call_to_action": "call to action"}
# How a key-point member stance or a relation reads as support/attack in formats that know only those.
ATTACKING = {"attacks", "contrasts", "criticises"}


class ExportError(ArgmapError):
    """The export could not be produced (missing JS library, unwritable output...)."""

    permanent = True


@dataclass
class MapArgument:
    """An argument on a map: the store's record in context, plus its timestamped link.

    The flat fields the formats write (``commentator`` is the name, ``"unknown"`` when there
    is none) are read through from ``argument``, so every format and page sees one record.
    """

    argument: ArgumentInContext
    url: str

    @classmethod
    def of(cls, argument: ArgumentInContext) -> MapArgument:
        return cls(argument, timestamp_url(argument.video, argument.start))

    @property
    def id(self) -> str:
        return self.argument.id

    @property
    def video_id(self) -> str:
        return self.argument.video_id

    @property
    def commentator_id(self) -> str | None:
        return self.argument.commentator_id

    @property
    def commentator(self) -> str:
        return self.argument.commentator_name or "unknown"

    @property
    def said_by(self) -> str:
        """Who said it: the speaker where the video has several, else the commentator."""
        return self.argument.said_by or "unknown"

    @property
    def labelled(self) -> str:
        """The text with its speaker in front where that is not the commentator (a guest, one of
        several voices): how a graph's node says who argued it."""
        return self.text if self.said_by == self.commentator else f"{self.said_by}: {self.text}"

    @property
    def type(self) -> str:
        return self.argument.type

    @property
    def text(self) -> str:
        return self.argument.text

    @text.setter
    def text(self, value: str) -> None:
        # The record is frozen; a map edited before writing (tests plant hostile text this way)
        # gets a new record rather than a changed shared one.
        self.argument = dataclasses.replace(self.argument, text=value)

    @property
    def quote(self) -> str:
        return self.argument.quote

    @property
    def start(self) -> float:
        return self.argument.start

    @property
    def end(self) -> float:
        return self.argument.end

    @property
    def video_title(self) -> str:
        return self.argument.video.title

    def as_dict(self) -> dict[str, Any]:
        """The argument as the JSON formats and the HTML page write it (keys in this order)."""
        return {
            "id": self.id,
            "video_id": self.video_id,
            "commentator_id": self.commentator_id,
            "commentator": self.commentator,
            "speaker": self.argument.speaker,
            "person_id": self.argument.person_id,
            "said_by": self.said_by,
            "type": self.type,
            "text": self.text,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "url": self.url,
            "video_title": self.video_title,
        }


@dataclass
class MapKeyPoint:
    id: str
    label: str
    topic: str | None
    #: {argument_id, stance, similarity, confidence}: confidence is the judge's, None before m014
    members: list[dict[str, Any]] = field(default_factory=list)
    # voices the run found on this key point whose arguments the map leaves out (by its filters):
    # a map of one commentator must not call a point they share "theirs alone"
    elsewhere: list[str] = field(default_factory=list)


def voice_of(a: ArgumentInContext) -> tuple[str, str]:
    """Whose an argument is, as compare counts voices (``ArgumentInContext.by_person``), as (key,
    name): the speaker's person when the video has several speakers, else the video's commentator."""
    if a.by_person:
        return f"person:{a.person_id}", a.person or a.speaker or "unknown speaker"
    return f"commentator:{a.commentator_id or ''}", a.commentator_name or "unknown"


@dataclass
class MapRelation:
    id: str
    source: str
    target: str
    relation: str
    method: str
    key_point_id: str | None = None
    score: float | None = None


@dataclass
class ArgMap:
    """Everything one export shows; ``filters`` records how it was selected."""

    commentators: list[dict[str, Any]]
    videos: list[dict[str, Any]]
    arguments: list[MapArgument]
    key_points: list[MapKeyPoint]
    relations: list[MapRelation]
    filters: dict[str, Any] = field(default_factory=dict)

    def argument(self, argument_id: str) -> MapArgument:
        for a in self.arguments:
            if a.id == argument_id:
                return a
        raise KeyError(argument_id)


# -- reading the map from the store ---------------------------------------------------


def load_map(
    store: Store,
    *,
    topic: str | None = None,
    commentators: Sequence[str] = (),
    videos: Sequence[str] = (),
    topic_limit: int = 50,
    run: str | None = None,
) -> ArgMap:
    """Select videos by commentator and id, their arguments (optionally about ``topic``), and
    the key points and relations among the selected arguments, from one compare run
    (see :func:`pick_run`)."""
    selected_videos = _select_videos(store, commentators, videos)
    arguments = [MapArgument.of(a) for v in selected_videos for a in q.preferred_arguments(store, v.id)]
    if topic:
        keep = set(topic_argument_ids(store, topic, [a.id for a in arguments], limit=topic_limit))
        arguments = [a for a in arguments if a.id in keep]
    selected = {a.id for a in arguments}

    chosen = pick_run(store, run=run, topic=topic)
    run_id = chosen["run_id"] if chosen else None
    run_key_points = q.run_key_points(store, run_id)
    unshown = [m.argument_id for v in run_key_points for m in v.members if m.argument_id not in selected]
    left_out = q.items_in_context(store, [("argument", i) for i in unshown])
    by_id = {a.id: a.argument for a in arguments}
    key_points: list[MapKeyPoint] = []
    for view in run_key_points:
        members = [
            {
                "argument_id": m.argument_id,
                "stance": m.stance,
                "similarity": m.similarity,
                "confidence": m.confidence,
            }
            for m in view.members
            if m.argument_id in selected
        ]
        if members:
            kp = view.key_point
            shown = {voice_of(by_id[m["argument_id"]]) for m in members}
            others = {voice_of(a) for m in view.members if (a := left_out.get(("argument", m.argument_id)))}
            elsewhere = sorted({name for key, name in others - shown}, key=str.casefold)
            key_points.append(
                MapKeyPoint(id=kp.id, label=kp.label, topic=kp.topic, members=members, elsewhere=elsewhere)
            )

    # Relations a comparison made belong to its run; the others (supports/attacks between
    # arguments) hold whatever run is shown.
    run_key_point_ids = {view.key_point.id for view in run_key_points}
    shown_key_points = {k.id for k in key_points}
    relations = [
        MapRelation(
            id=r.id,
            source=r.source_argument_id,
            target=r.target_argument_id,
            relation=r.relation,
            method=r.method,
            key_point_id=r.key_point_id if r.key_point_id in shown_key_points else None,
            score=r.score,
        )
        for r in q.argument_relations(store)
        if r.source_argument_id in selected
        and r.target_argument_id in selected
        and (r.key_point_id is None or r.key_point_id in run_key_point_ids)
    ]

    used_videos = {a.video_id for a in arguments}
    video_list = [
        {
            "id": v.id,
            "title": v.title,
            "commentator_id": v.commentator_id,
            "url": video_url(v),
            "published": v.published,
            "duration": v.duration,
        }
        for v in selected_videos
        if v.id in used_videos or not topic
    ]
    used_commentators = {v["commentator_id"] for v in video_list}
    commentator_list = [asdict(c) for c in q.commentators(store) if c.id in used_commentators]
    return ArgMap(
        commentators=commentator_list,
        videos=video_list,
        arguments=arguments,
        key_points=key_points,
        relations=relations,
        filters={"topic": topic, "commentators": list(commentators), "videos": list(videos), "run": run_id},
    )


def pick_run(store: Store, *, run: str | None = None, topic: str | None = None) -> dict[str, Any] | None:
    """The one compare run whose key points a map shows.

    Each run (a topic, a threshold, a set of commentators) groups the same arguments anew, so
    showing several would repeat every argument once per run. ``run`` picks one by id;
    otherwise the newest run made for exactly ``topic`` (case and spacing aside); otherwise
    the newest run. Runs left without key points are skipped unless asked for by id. None
    when the store has no comparison.
    """
    runs = store.compare_runs()
    if run:
        # as ids are typed: whole, without the "run-" every id starts with, or a unique prefix
        wanted = run.strip().lower()
        wanted = wanted if wanted.startswith("run-") else f"run-{wanted}"
        found = [r for r in runs if r["run_id"].lower() == wanted] or [
            r for r in runs if r["run_id"].lower().startswith(wanted)
        ]
        if len(found) == 1:
            return found[0]
        if found:
            some = ", ".join(r["run_id"] for r in found[:5])
            raise ConfigError(
                f"--run {run!r} matches {len(found)} compare runs; give more of the id ({some})"
            )
        known = ", ".join(r["run_id"] for r in runs[:5]) or "none yet; run `argmap compare`"
        raise ConfigError(f"no compare run {run!r} (recent runs: {known})")
    usable = [r for r in runs if r["key_points"]]
    if topic:
        wanted = " ".join(topic.split()).casefold()
        for r in usable:
            if " ".join((r["topic"] or "").split()).casefold() == wanted:
                return r
    return usable[0] if usable else None


def _select_videos(store: Store, commentators: Sequence[str], videos: Sequence[str]) -> list[Video]:
    selected = q.videos_by_commentator(store)
    if commentators:
        from argmap.pipeline.search.query import resolve_filters

        try:
            ids = resolve_filters(store, commentator=commentators).commentator_ids or ()
        except ConfigError as err:
            raise ConfigError(f"{err} (see `argmap info` / `argmap videos`)") from err
        selected = [v for v in selected if v.commentator_id in ids]
    if videos:
        wanted: set[str] = set()
        for ref in videos:
            try:
                wanted.add(store.resolve_video(ref).id)
            except NotFound as err:
                raise ConfigError(str(err)) from err
        selected = [v for v in selected if v.id in wanted]
    return selected


def topic_argument_ids(store: Store, topic: str, candidates: Iterable[str], *, limit: int = 50) -> list[str]:
    """Arguments about ``topic``, best first, as ``argmap search`` shows them: the same engine
    (hybrid: embeddings when the store has them, plus keywords) and the same judge, so hits too
    loosely related to show are left out (without it, a small library's every argument was
    "about" any topic)."""
    from argmap.pipeline.search.query import search
    from argmap.pipeline.search.relevance import judge

    pool = set(candidates)
    hits = search(store, topic, scope="arguments", limit=max(limit * 4, 50))
    return [j.hit.id for j in judge(store, topic, hits) if j.kept and j.hit.id in pool][:limit]


def hms(seconds: float) -> str:
    """``HH:MM:SS``, the fixed-width time AIF locutions and Argdown link texts carry (people
    read :func:`argmap.pipeline.text.clock` instead)."""
    return timecode(seconds)
