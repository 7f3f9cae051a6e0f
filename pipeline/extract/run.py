"""Extraction over the store: which videos, which extractor, and the ``extract`` stage.

Rows are keyed by extractor name and version, so a new version adds rows beside the old ones
and re-running the same version rewrites identical rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.document import TranscriptDoc, load_document
from argmap.pipeline.errors import ConfigError, ExtractionError
from argmap.pipeline.extract.base import ExtractionResult, Extractor
from argmap.pipeline.extract.registry import get_extractor
from argmap.pipeline.stages import BaseStage, StageContext
from argmap.pipeline.text import clean_line, timestamp_url
from argmap.store import ARGUMENT_TYPES, NotFound, Store, Video, queries

# -- running over the store ------------------------------------------------------------------


@dataclass
class ExtractOutcome:
    video_id: str
    status: str  # extracted | unchanged | failed
    count: int = 0
    extractor: str | None = None
    version: str | None = None
    message: str | None = None
    notes: list[str] = field(default_factory=list)


def extract_video(store: Store, video: Video, extractor: Extractor, *, force: bool = False) -> ExtractOutcome:
    """Extract one video and store its rows (replacing only this extractor version's rows)."""
    count = _already_extracted(store, video, extractor, force=force)
    if count:
        return ExtractOutcome(video.id, "unchanged", count, extractor.name, extractor.version)
    result = run_extractor(extractor, load_document(store, video))
    save_extraction(store, video, result)
    return ExtractOutcome(
        video.id, "extracted", len(result.arguments), result.extractor, result.version, notes=result.notes
    )


def run_extractor(extractor: Extractor, doc: TranscriptDoc) -> ExtractionResult:
    """``extractor`` on ``doc``, the result saying which model restored sentence ends, if any did."""
    result = extractor.extract(doc)
    if result.sentence_ends is None:
        result.sentence_ends = doc.sentence_ends_by
    return result


def _already_extracted(store: Store, video: Video, extractor: Extractor, *, force: bool) -> int:
    """How many rows this extractor version already stored for the video (0 when forced)."""
    count = 0 if force else queries.argument_count(store, video.id, extractor.name, extractor.version)
    if count and not store.is_done(video.id, "extract"):
        store.mark(video.id, "extract", "done")  # the rows are there: say so (a retry after a failure)
    return count


def save_extraction(store: Store, video: Video, result: ExtractionResult) -> None:
    with store.transaction():
        for prompt in result.prompts:
            store.save_prompt(prompt)
        store.save_arguments(
            video.id, result.extractor, result.version, result.arguments, sentence_ends=result.sentence_ends
        )


def resolve_videos(store: Store, refs: Sequence[str] | None) -> tuple[list[Video], list[ExtractOutcome]]:
    """Videos for ``refs`` (all transcribed videos when empty); unknown refs become failures."""
    if not refs:
        return queries.transcribed_videos(store), []
    videos, failures = [], []
    for ref in refs:
        try:
            videos.append(store.resolve_video(ref))
        except NotFound as err:
            failures.append(ExtractOutcome(ref, "failed", message=str(err)))
    return videos, failures


def extract_videos(
    store: Store,
    video_ids: Sequence[str] | None = None,
    extractor: str | Extractor = "default",
    force: bool = False,
    **options: Any,
) -> list[ExtractOutcome]:
    """Extract arguments for the given videos (default: every transcribed one).

    One bad video (no transcript, extractor failure) is reported and marked failed; the batch
    goes on and the database keeps the previous rows of that video.
    """
    chosen = get_extractor(extractor, **options) if isinstance(extractor, str) else extractor
    videos, outcomes = resolve_videos(store, video_ids)
    for video in videos:
        try:
            outcomes.append(extract_video(store, video, chosen, force=force))
        except ExtractionError as err:
            reason = clean_line(str(err), 500)
            store.mark(video.id, "extract", "failed", reason, permanent=err.permanent)
            outcomes.append(ExtractOutcome(video.id, "failed", message=reason))
    return outcomes


class ExtractStage(BaseStage):
    """The ``extract`` stage of ``argmap ingest``: default extractor unless told otherwise."""

    name = "extract"
    requires: tuple[str, ...] = ("transcribe",)

    def __init__(self, extractor: str = "default", **options: Any):
        self.extractor_name = extractor
        self.options = options
        self._extractor: Extractor | None = None

    @classmethod
    def from_options(cls, options: IngestOptions, store: Store) -> ExtractStage | None:
        if not options.extract:
            return None
        stage = cls(options.extractor, **options.extractor_options)
        # A wrong name or missing LLM setting must stop the run here, before any video is
        # touched: failing at stage start would mark every video's extraction failed.
        stage.open()
        return stage

    def open(self, ctx: StageContext | None = None) -> None:
        if self._extractor is None:
            self._extractor = get_extractor(self.extractor_name, **self.options)

    def prepare(self, ctx: StageContext, video: Video) -> TranscriptDoc | None:
        self.open(ctx)
        assert self._extractor is not None
        if _already_extracted(ctx.store, video, self._extractor, force=ctx.force):
            return None
        return load_document(ctx.store, video)

    def compute(self, work: TranscriptDoc) -> ExtractionResult:
        self.open()
        assert self._extractor is not None
        return run_extractor(self._extractor, work)

    def commit(self, ctx: StageContext, video: Video, result: ExtractionResult) -> None:
        save_extraction(ctx.store, video, result)

    def close(self) -> None:
        self._extractor = None


# -- listing -----------------------------------------------------------------------------------


def list_arguments(
    store: Store,
    video_refs: Sequence[str] | None = None,
    *,
    type: str | None = None,
    commentator: str | None = None,
    extractor: str | None = None,
) -> list[dict[str, Any]]:
    """Arguments as plain dicts (the ``argmap arguments --json`` shape), in video and time order."""
    if type is not None and type not in ARGUMENT_TYPES:
        raise ConfigError(f"unknown type {type!r}; one of {', '.join(ARGUMENT_TYPES)}")
    ids: list[str] | None = None
    if video_refs:
        ids = []
        for ref in video_refs:
            try:
                ids.append(store.resolve_video(ref).id)
            except NotFound as err:
                raise ConfigError(str(err)) from err
    found = queries.arguments_in_context(
        store, video_ids=ids, type=type, commentator=commentator, extractor=extractor
    )
    return [
        {
            "id": a.id,
            "video_id": a.video_id,
            "commentator": a.commentator_name,
            "speaker": a.speaker,
            "said_by": a.said_by_label,
            "person_id": a.person_id,
            "type": a.type,
            "text": a.text,
            "quote": a.quote,
            "start": a.start,
            "end": a.end,
            "seg_first": a.seg_first,
            "seg_last": a.seg_last,
            "target": a.target,
            "confidence": a.confidence,
            "extractor": a.extractor,
            "extractor_version": a.extractor_version,
            "prompt_hash": a.prompt_hash,
            "origin": a.origin,
            "sentence_ends": a.sentence_ends,
            "url": timestamp_url(a.video, a.start),
        }
        for a in found
    ]
