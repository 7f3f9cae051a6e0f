"""The contract between the runner and each per-video stage.

A stage follows whisperX's rhythm: ``open()`` loads its model once, ``run()`` is called
for every video that needs it, ``close()`` frees the model before the next stage loads
its own. ``run()`` writes its output rows and the stage's ``done`` mark in one store
transaction (``Store.save_transcript``, ``Store.save_arguments`` ... do both), and raises
an :class:`~argmap.pipeline.errors.ArgmapError` with a one-line reason when the video
cannot be processed; the runner records that as ``failed`` and moves on.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from argmap.store import Store, Video


@runtime_checkable
class Stage(Protocol):
    #: one of argmap.store.STAGES; also the key in the stage_status table
    name: str
    #: stages that must be ``done`` for a video before this one runs on it
    requires: tuple[str, ...]

    def open(self) -> None:
        """Load models or clients. Called once, lazily, before the first ``run``."""

    def run(self, store: Store, video: Video) -> None:
        """Process one video; persist output and the done mark atomically."""

    def close(self) -> None:
        """Release models. Safe to call when ``open`` never ran."""
