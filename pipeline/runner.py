"""The batch runner: sources expanded, videos registered, then the stages driven by an engine.

The engine (``IngestOptions.engine``) decides the rhythm: ``local`` streams videos through
the stages on this machine (:mod:`argmap.pipeline.engines.streaming`), ``ray`` does the same
with the heavy work on a Ray cluster (:mod:`argmap.pipeline.engines.ray_engine`), ``stages``
runs one stage at a time over the whole batch in whisperX's rhythm, loading each model once
and freeing it before the next stage loads its own (download -> transcribe -> diarize ->
extract -> summarise -> embed). Whatever the engine, the database is the archive and the
to-do list at once:

* an entry whose wanted stages are all done (or that failed permanently) is skipped before
  anything is downloaded, unless the run was asked to ``force`` them;
* a failure is written to ``stage_status`` with a one-line reason and the batch goes on;
  the next run retries transient failures only (``argmap retry`` clears the rest);
* every stage writes its rows and its ``done`` mark in one transaction, from this process
  only, so a run killed at any moment leaves either all of a stage's work for a video or
  none of it, and re-running ends in the same database as a run that was never interrupted;
* media argmap downloaded is deleted once every stage that listens to it is done, unless
  the run keeps media (``--keep-media``).

Stages are found through :data:`argmap.pipeline.stages.STAGE_CLASSES` and driven only through
the :class:`~argmap.pipeline.stages.Stage` contract; this module knows no stage by name. It
talks to the user only through a :class:`Reporter`, so the library never depends on click.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.engines.steps import (
    NullReporter,
    Reporter,
    needs,
    record_failure,
    release_media,
    run_in_writer,
)
from argmap.pipeline.engines.streaming import Executor, LocalExecutor, media_window, stream
from argmap.pipeline.errors import ArgmapError, ConfigError
from argmap.pipeline.ingest.download import from_automatic_captions, media_dir_for, register
from argmap.pipeline.ingest.sources import Entry, SourceOptions, entry_for_stored, expand
from argmap.pipeline.plugins import load_attribute
from argmap.pipeline.stages import STAGE_CLASSES, Stage, StageContext
from argmap.pipeline.text import clean_line
from argmap.store import STAGES, NotFound, Store, Video

__all__ = [
    "IngestOptions",
    "IngestReport",
    "NullReporter",
    "Outcome",
    "Reporter",
    "build_stages",
    "ingest",
    "ingest_stored",
    "retry",
]


@dataclass
class Outcome:
    video_id: str
    title: str
    state: str  # done | skipped | failed | pending
    stage: str | None = None  # the failed stage
    reason: str | None = None
    permanent: bool = False
    #: its transcript is the source's automatic captions, whose sentence ends were restored by a
    #: model (a user may prefer ``--captions manual``, which transcribes such videos instead)
    automatic_captions: bool = False
    url: str | None = None  # where it was fetched from, to name it again


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    source_errors: list[tuple[str, str]] = field(default_factory=list)
    downloads: int = 0
    stages: list[str] = field(default_factory=list)

    def by_state(self, state: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == state]

    @property
    def ok(self) -> bool:
        # A video still pending after its run is one whose failure could not even be recorded
        # (a full disk): not a success either.
        return not self.source_errors and not self.by_state("failed") and not self.by_state("pending")

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "stages": self.stages,
            "downloads": self.downloads,
            "source_errors": [{"source": s, "reason": r} for s, r in self.source_errors],
            "videos": [vars(o) for o in self.outcomes],
        }


def build_stages(options: IngestOptions, store: Store) -> list[Stage]:
    """Every registered stage the options ask for, in pipeline order.

    A stage module that cannot be imported stops the run with its own error: quietly leaving
    videos without arguments or embeddings would be worse than failing.
    """
    stages: list[Stage] = []
    names: set[str] = set()
    for spec in STAGE_CLASSES.values():
        stage = load_attribute(spec).from_options(options, store)
        # A stage whose prerequisites are not part of this run could never start; leave it out.
        if stage is not None and all(r in names for r in stage.requires):
            stages.append(stage)
            names.add(stage.name)
    return stages


def expand_sources(
    sources: Iterable[str], options: IngestOptions, report: IngestReport, reporter: Reporter
) -> list[Entry]:
    sopts = SourceOptions(
        commentator=options.commentator,
        title=options.title,
        limit=options.limit,
        since=options.since,
        cookies=options.cookies,
    )
    entries: dict[str, Entry] = {}
    for source in sources:
        try:
            found = expand(source, sopts)
        except ArgmapError as err:
            reason = clean_line(str(err), 500)
            report.source_errors.append((source, reason))
            reporter.warn(
                reason if reason.startswith(clean_line(source, 500)) else f"{clean_line(source)}: {reason}"
            )
            continue
        if not found:
            reporter.info(f"{source}: no entries")
        for entry in found:
            entries.setdefault(entry.id, entry)
    return list(entries.values())


def _finished(store: Store, video_id: str, stage_names: Sequence[str]) -> bool:
    """True when nothing is left to try: every stage done, or one failed for good."""
    statuses = store.statuses(video_id)
    for name in stage_names:
        s = statuses.get(name)
        if s and s.status == "failed" and s.permanent:
            return True
        if not s or s.status != "done":
            return False
    return True


def _failed_for_good(store: Store, video_id: str, stage_names: Sequence[str]) -> bool:
    statuses = store.statuses(video_id)
    return any((s := statuses.get(n)) and s.status == "failed" and s.permanent for n in stage_names)


def run_stage(ctx: StageContext, stage: Stage, video_ids: list[str], reporter: Reporter) -> None:
    """Run one stage over the videos that need it; failures are recorded, never raised."""
    store = ctx.store
    todo = [v for v in (store.video(i) for i in video_ids) if needs(ctx, v, stage)]
    if not todo:
        return
    reporter.info(f"{stage.name}: {len(todo)} video(s)")
    try:
        try:
            stage.open(ctx)
        except ArgmapError as err:
            for video in todo:
                record_failure(store, video, stage.name, err)
            reporter.warn(f"{stage.name}: {err}")
            return
        for video in todo:
            run_in_writer(ctx, stage, video, reporter)
    finally:
        stage.close()


def _outcome(store: Store, video: Video, stage_names: Sequence[str], skipped: bool) -> Outcome:
    statuses = store.statuses(video.id)
    known = {
        "automatic_captions": from_automatic_captions(store.transcript(video.id)),
        "url": video.webpage_url or video.source_url,
    }
    for name in stage_names:
        s = statuses.get(name)
        if s and s.status == "failed":
            return Outcome(video.id, video.title, "failed", name, s.reason, s.permanent, **known)
    if all(statuses.get(n) and statuses[n].status == "done" for n in stage_names):
        return Outcome(video.id, video.title, "skipped" if skipped else "done", **known)
    return Outcome(video.id, video.title, "pending", **known)


def _prepare(
    store: Store, options: IngestOptions, reporter: Reporter, stages: list[Stage] | None
) -> tuple[list[Stage], IngestReport]:
    # Stages first: a bad option fails the run before any source is fetched or stored.
    stages = stages if stages is not None else build_stages(options, store)
    for stage in stages:
        if stage.name not in STAGES:
            raise ConfigError(f"unknown stage {stage.name!r}")
    return stages, IngestReport(stages=[s.name for s in stages])


def _run(
    store: Store,
    entries: list[Entry],
    options: IngestOptions,
    reporter: Reporter,
    stages: list[Stage],
    report: IngestReport,
) -> IngestReport:
    for entry in entries:
        register(store, entry)
    stage_names = tuple(s.name for s in stages)
    if options.force:
        # Redo what this run does; download stays done while its media is still there.
        for entry in entries:
            store.reset_stages(entry.id, [n for n in stage_names if n != "download"])
    already = {e.id for e in entries if _finished(store, e.id, stage_names)}
    active = [e.id for e in entries if e.id not in already]
    for video_id in active:
        store.mark_pending(video_id, stage_names)
    if already:
        gave_up = sum(1 for v in already if _failed_for_good(store, v, stage_names))
        done = len(already) - gave_up
        parts = [f"{done} video(s) already processed"] if done else []
        if gave_up:
            parts.append(f"{gave_up} failed for good before (argmap retry runs them again)")
        # --force already redoes what it can; a download that failed for good is only retried
        hint = "" if options.force else " (--force redoes them)"
        reporter.info(f"{', '.join(parts)}: skipped{hint}")
    ctx = StageContext(
        store=store,
        options=options,
        entries={e.id: e for e in entries},
        stage_names=stage_names,
        progress=reporter.progress,
        media_stages=tuple(s.name for s in stages if s.uses_media),
    )
    media_dir = _media_dir(store, options)
    if options.engine == "stages":
        last_media = media_window(stages)
        for i, stage in enumerate(stages):
            run_stage(ctx, stage, active, reporter)
            if i == last_media:
                for video_id in active:
                    release_media(ctx, video_id, media_dir)
    else:
        stream(
            ctx,
            stages,
            active,
            _executor(options),
            reporter,
            on_passed_media=lambda video_id: release_media(ctx, video_id, media_dir),
        )
    for stage in stages:
        report.downloads += int(getattr(stage, "fetched", 0))
    for entry in entries:
        # Also videos a killed run left finished with their media: the same end either way.
        release_media(ctx, entry.id, media_dir, skipped=entry.id in already)
        report.outcomes.append(_outcome(store, store.video(entry.id), stage_names, entry.id in already))
    return report


def _executor(options: IngestOptions) -> Executor:
    if options.engine == "ray":
        from argmap.pipeline.engines.ray_engine import RayExecutor

        return RayExecutor(options)
    return LocalExecutor(options.workers)


def _media_dir(store: Store, options: IngestOptions) -> Path | None:
    try:
        return media_dir_for(store, options.media_dir)
    except ConfigError:
        return None


def ingest(
    store: Store,
    sources: Iterable[str],
    options: IngestOptions | None = None,
    reporter: Reporter | None = None,
    *,
    stages: list[Stage] | None = None,
) -> IngestReport:
    """Expand the sources, register their videos, run every stage; never raises per video."""
    options = options or IngestOptions()
    reporter = reporter or NullReporter()
    stages, report = _prepare(store, options, reporter, stages)
    entries = expand_sources(sources, options, report, reporter)
    return _run(store, entries, options, reporter, stages, report)


def ingest_stored(
    store: Store,
    video_refs: Sequence[str],
    options: IngestOptions | None = None,
    reporter: Reporter | None = None,
    *,
    stages: list[Stage] | None = None,
) -> IngestReport:
    """Run the stages again over videos already in the store (id, prefix or source URL),
    fetching each from the source it was stored with; unknown references are reported."""
    options = options or IngestOptions()
    reporter = reporter or NullReporter()
    stages, report = _prepare(store, options, reporter, stages)
    entries = []
    for ref in video_refs:
        try:
            entries.append(entry_for_stored(store.resolve_video(ref)))
        except NotFound as err:
            report.source_errors.append((ref, str(err)))
            reporter.warn(str(err))
    return _run(store, entries, options, reporter, stages, report)


def retry(
    store: Store,
    video_refs: Sequence[str] = (),
    options: IngestOptions | None = None,
    reporter: Reporter | None = None,
) -> IngestReport:
    """Clear the failures (permanent ones too) of the given videos, or of every failed video,
    and run their stages again."""
    ids = [store.resolve_video(ref).id for ref in video_refs] or store.failed_video_ids()
    for video_id in ids:
        store.clear_failures(video_id)
    return ingest_stored(store, ids, options, reporter)
