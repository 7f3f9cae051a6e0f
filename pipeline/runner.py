"""The batch runner: sources expanded, then each stage run over every video that needs it.

Stages run in whisperX's rhythm: one stage at a time over the whole batch, loading its
model once and freeing it before the next stage loads its own (download -> transcribe ->
diarize -> extract -> summarise -> embed). The database is the archive and the to-do list at once:

* an entry whose wanted stages are all done (or that failed permanently) is skipped before
  anything is downloaded, unless the run was asked to ``force`` them;
* a failure is written to ``stage_status`` with a one-line reason and the batch goes on;
  the next run retries transient failures only (``argmap retry`` clears the rest);
* every stage writes its rows and its ``done`` mark in one transaction, so a run killed at
  any moment leaves either all of a stage's work for a video or none of it, and re-running
  ends in the same database as a run that was never interrupted.

Stages are found through :data:`argmap.pipeline.stages.STAGE_CLASSES` and driven only through
the :class:`~argmap.pipeline.stages.Stage` contract; this module knows no stage by name. It
talks to the user only through a :class:`Reporter`, so the library never depends on click.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.errors import ArgmapError, ConfigError
from argmap.pipeline.ingest.download import register
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


class Reporter(Protocol):
    """Where the runner's progress goes (a terminal, a log, nowhere)."""

    def info(self, message: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def progress(self, task: str, done: float, total: float | None, unit: str) -> None: ...

    def finish(self, task: str) -> None: ...


class NullReporter:
    def info(self, message: str) -> None:
        pass

    def warn(self, message: str) -> None:
        pass

    def progress(self, task: str, done: float, total: float | None, unit: str) -> None:
        pass

    def finish(self, task: str) -> None:
        pass


@dataclass
class Outcome:
    video_id: str
    title: str
    state: str  # done | skipped | failed | pending
    stage: str | None = None  # the failed stage
    reason: str | None = None
    permanent: bool = False


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
        return not self.source_errors and not self.by_state("failed")

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


def _needs(ctx: StageContext, video: Video, stage: Stage) -> bool:
    statuses = ctx.store.statuses(video.id)
    if any(statuses.get(r) is None or statuses[r].status != "done" for r in stage.requires):
        return False
    s = statuses.get(stage.name)
    if s is None or s.status == "pending":
        return True
    if s.status == "failed":
        return not s.permanent
    return stage.rerun(ctx, video, statuses)


def run_stage(ctx: StageContext, stage: Stage, video_ids: list[str], reporter: Reporter) -> None:
    """Run one stage over the videos that need it; failures are recorded, never raised."""
    store = ctx.store
    todo = [v for v in (store.video(i) for i in video_ids) if _needs(ctx, v, stage)]
    if not todo:
        return
    reporter.info(f"{stage.name}: {len(todo)} video(s)")
    try:
        try:
            stage.open(ctx)
        except ArgmapError as err:
            for video in todo:
                _record_failure(store, video, stage.name, err)
            reporter.warn(f"{stage.name}: {err}")
            return
        for video in todo:
            _run_one(ctx, stage, video, reporter)
    finally:
        stage.close()


def _record_failure(store: Store, video: Video, stage: str, err: ArgmapError) -> str:
    """The one place a failure is written: the stage, and any earlier stage it says to redo."""
    # Messages may quote file names or site text: one clean line, whatever they hold.
    reason = clean_line(str(err), 500)
    with store.transaction():
        store.mark(video.id, stage, "failed", reason, permanent=err.permanent)
        for earlier in err.redo:
            store.mark(video.id, earlier, "failed", reason, permanent=False)
    return reason


def _run_one(ctx: StageContext, stage: Stage, video: Video, reporter: Reporter) -> None:
    label = video.title or video.id
    try:
        stage.run(ctx, video)
    except ArgmapError as err:
        reason = _record_failure(ctx.store, video, stage.name, err)
        reporter.warn(f"{label}: {stage.name} failed: {reason}")
    except Exception as err:  # noqa: BLE001 - one bad video must not stop the batch
        first = clean_line((str(err).strip().splitlines() or [""])[0], 200)
        unexpected = ArgmapError(f"{type(err).__name__}: {first}", permanent=False)
        _record_failure(ctx.store, video, stage.name, unexpected)
        reporter.warn(f"{label}: {stage.name} failed unexpectedly: {unexpected}")
    finally:
        reporter.finish(f"{stage.name} {label}")


def _outcome(store: Store, video: Video, stage_names: Sequence[str], skipped: bool) -> Outcome:
    statuses = store.statuses(video.id)
    for name in stage_names:
        s = statuses.get(name)
        if s and s.status == "failed":
            return Outcome(video.id, video.title, "failed", name, s.reason, s.permanent)
    if all(statuses.get(n) and statuses[n].status == "done" for n in stage_names):
        return Outcome(video.id, video.title, "skipped" if skipped else "done")
    return Outcome(video.id, video.title, "pending")


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
    if already:
        reporter.info(f"{len(already)} video(s) already processed, skipped (--force redoes them)")
    ctx = StageContext(
        store=store,
        options=options,
        entries={e.id: e for e in entries},
        stage_names=stage_names,
        progress=reporter.progress,
    )
    for stage in stages:
        run_stage(ctx, stage, active, reporter)
        report.downloads += int(getattr(stage, "downloads", 0))
    for entry in entries:
        report.outcomes.append(_outcome(store, store.video(entry.id), stage_names, entry.id in already))
    return report


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
