"""The contract between the runner and each per-video stage, and the list of stages.

A stage follows whisperX's rhythm: ``open()`` loads its model once, ``run()`` is called for
every video that needs it, ``close()`` frees the model before the next stage loads its own.
``run()`` writes its output rows and the stage's ``done`` mark in one store transaction
(``Store.save_transcript``, ``Store.save_arguments`` ... do both) and raises an
:class:`~argmap.pipeline.errors.ArgmapError` with a one-line reason when the video cannot be
processed. The runner is the only place that records a failure: it marks the stage failed
(permanent or not, as the error says) and also the stages named in ``err.redo``.

Adding a stage is one module with a class that follows :class:`Stage` and one line in
:data:`STAGE_CLASSES` (plus its name in ``argmap.store.STAGES``, the vocabulary the database
stores). The runner builds every registered stage from the run's
:class:`~argmap.pipeline.config.IngestOptions`; a stage that the options leave out returns
``None`` from ``from_options``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

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

    @property
    def force(self) -> bool:
        return self.options.force


@runtime_checkable
class Stage(Protocol):
    #: one of argmap.store.STAGES; also the key in the stage_status table
    name: str
    #: stages that must be ``done`` for a video before this one runs on it
    requires: tuple[str, ...]

    def open(self, ctx: StageContext) -> None:
        """Load models or clients. Called once, before the first ``run``."""

    def run(self, ctx: StageContext, video: Video) -> None:
        """Process one video; persist output and the done mark atomically."""

    def rerun(self, ctx: StageContext, video: Video, statuses: Mapping[str, StageStatus]) -> bool:
        """Whether a stage already ``done`` for this video must run again (its output is gone)."""

    def close(self) -> None:
        """Release models. Safe to call when ``open`` never ran."""


class BaseStage:
    """Defaults for the optional parts of :class:`Stage`: nothing to load, never rerun."""

    name: str = ""
    requires: tuple[str, ...] = ()

    def open(self, ctx: StageContext) -> None:
        pass

    def rerun(self, ctx: StageContext, video: Video, statuses: Mapping[str, StageStatus]) -> bool:
        return False

    def close(self) -> None:
        pass


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
