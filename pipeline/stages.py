"""The contract between the runner and each per-video stage, and the list of stages.

A stage follows whisperX's rhythm: ``open()`` loads its model once, ``run()`` is called for
every video that needs it, ``close()`` frees the model before the next stage loads its own.
``run()`` writes its output rows and the stage's ``done`` mark in one store transaction
(``Store.save_transcript``, ``Store.save_arguments`` ... do both) and raises an
:class:`~argmap.pipeline.errors.ArgmapError` with a one-line reason when the video cannot be
processed. The runner is the only place that records a failure: it marks the stage failed
(permanent or not, as the error says) and also the stages named in ``err.redo``.

To run on other threads, processes or machines (``argmap ingest --engine local|ray``), a stage
splits ``run`` into three steps, and :class:`BaseStage` composes them into ``run``:

* ``prepare(ctx, video)`` reads what the work needs from the store (in the writer) and returns a
  picklable work record, or ``None`` when it settled the video itself (nothing to compute);
* ``compute(work)`` does the heavy part (download, model inference) and touches no database,
  so it can run in a worker thread or a Ray actor that holds the model;
* ``commit(ctx, video, result)`` writes the rows and the done mark in one transaction, back in
  the writer: the database keeps exactly one writer whichever engine runs.

A stage that only defines ``run`` still works: the engines run it in the writer.

Adding a stage is one module with a class that follows :class:`Stage` and one line in
:data:`STAGE_CLASSES` (plus its name in ``argmap.store.STAGES``, the vocabulary the database
stores). The runner builds every registered stage from the run's
:class:`~argmap.pipeline.config.IngestOptions`; a stage that the options leave out returns
``None`` from ``from_options``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from argmap.pipeline.config import IngestOptions
from argmap.store import StageStatus, Store, Video

if TYPE_CHECKING:  # type names only: the contract must not import the stages it describes
    from argmap.pipeline.ingest.sources import Entry


class Progress(Protocol):
    """Where a stage reports progress (the runner forwards it to the user's reporter)."""

    def __call__(self, task: str, done: float, total: float | None, unit: str) -> None: ...


def no_progress(task: str, done: float, total: float | None, unit: str) -> None:
    """The progress sink for library callers that want none."""


@dataclass
class StageContext:
    """What a stage may use besides the video: the store, how the run was asked for, the
    expanded entries (what it takes to fetch each video), the stages of this run, and where
    to report progress."""

    store: Store
    options: IngestOptions = field(default_factory=IngestOptions)
    entries: Mapping[str, Entry] = field(default_factory=dict)
    stage_names: tuple[str, ...] = ()
    progress: Progress = no_progress
    #: the stages of this run that read the media (``Stage.uses_media``)
    media_stages: tuple[str, ...] = ()

    @property
    def force(self) -> bool:
        return self.options.force


@runtime_checkable
class Stage(Protocol):
    #: one of argmap.store.STAGES; also the key in the stage_status table
    name: str
    #: stages that must be ``done`` for a video before this one runs on it
    requires: tuple[str, ...]
    #: reads the downloaded media: media is kept until every such stage of the run is done
    uses_media: bool

    def open(self, ctx: StageContext) -> None:
        """Load models or clients. Called once, before the first ``run``."""

    def run(self, ctx: StageContext, video: Video) -> None:
        """Process one video; persist output and the done mark atomically."""

    def rerun(self, ctx: StageContext, video: Video, statuses: Mapping[str, StageStatus]) -> bool:
        """Whether a stage already ``done`` for this video must run again (its output is gone)."""

    def close(self) -> None:
        """Release models. Safe to call when ``open`` never ran."""


class BaseStage:
    """Defaults for the optional parts of :class:`Stage`: nothing to load, never rerun, and
    ``run`` made of ``prepare``, ``compute`` and ``commit``."""

    name: str = ""
    requires: tuple[str, ...] = ()
    uses_media: bool = False
    #: how the engines size this stage's pool: "io" (network-bound, overlaps freely), "cpu"
    #: (``--workers`` of them) or "gpu" (one per GPU when there is one, else as "cpu")
    kind: str = "cpu"

    def open(self, ctx: StageContext) -> None:
        pass

    def run(self, ctx: StageContext, video: Video) -> None:
        work = self.prepare(ctx, video)
        if work is not None:
            self.commit(ctx, video, self.compute(work))

    def prepare(self, ctx: StageContext, video: Video) -> Any:
        raise NotImplementedError(f"{type(self).__name__} defines neither run nor prepare")

    def compute(self, work: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} defines neither run nor compute")

    def commit(self, ctx: StageContext, video: Video, result: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} defines neither run nor commit")

    def rerun(self, ctx: StageContext, video: Video, statuses: Mapping[str, StageStatus]) -> bool:
        return False

    def close(self) -> None:
        pass


def wants_media(ctx: StageContext, statuses: Mapping[str, StageStatus]) -> bool:
    """Whether a stage of this run that listens to the media still has to run for the video
    (failures a retry may fix included: the retry should not have to download again).

    A stage that failed for good ends the video's run, as it does for the runner: nothing
    after it will listen."""
    if any((s := statuses.get(n)) and s.status == "failed" and s.permanent for n in ctx.stage_names):
        return False
    for name in ctx.media_stages:
        if name in ctx.stage_names:
            s = statuses.get(name)
            if not (s and s.status == "done"):
                return True
    return False


def splits(stage: Stage) -> bool:
    """Whether the stage's work can leave the writer (it defines ``compute``)."""
    compute = getattr(type(stage), "compute", None)
    return compute is not None and compute is not BaseStage.compute


class _NoStore:
    """The store as a worker sees it: none. Compute must not touch the database."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # pickle and copy probe for hooks: say there are none
            raise AttributeError(name)
        raise RuntimeError(f"a stage's compute step used the store ({name}); only prepare/commit may")


def worker_context(ctx: StageContext, progress: Progress | None = None) -> StageContext:
    """The context a stage is opened with away from the writer: everything but the store."""
    return StageContext(
        store=cast(Store, _NoStore()),
        options=ctx.options,
        stage_names=ctx.stage_names,
        progress=progress or no_progress,
        media_stages=ctx.media_stages,
    )


#: every stage argmap runs, in pipeline order, as "module:class"; each class has
#: ``from_options(options, store) -> Stage | None``
STAGE_CLASSES: dict[str, str] = {
    "download": "argmap.pipeline.ingest.download:Downloader",
    "transcribe": "argmap.pipeline.ingest.transcribe:Transcriber",
    "diarize": "argmap.pipeline.speakers.stage:DiarizeStage",
    "extract": "argmap.pipeline.extract.run:ExtractStage",
    "summarise": "argmap.pipeline.summarise.run:SummariseStage",
    "embed": "argmap.pipeline.search.embed:EmbedStage",
}
