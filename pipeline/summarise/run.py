"""Summaries over the store: one video at a time, and the ``summarise`` stage of ingest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.document import TranscriptDoc, commentator_name, load_document
from argmap.pipeline.errors import ExtractionError
from argmap.pipeline.stages import BaseStage, StageContext
from argmap.pipeline.summarise.default import VERSION as DEFAULT_VERSION
from argmap.pipeline.summarise.registry import Summariser, available_summarisers, get_summariser
from argmap.pipeline.text import timestamp_url
from argmap.store import Store, Summary, Video


def summarise_video(
    store: Store, video: Video, summariser: str | Summariser = "default", **options: Any
) -> Summary:
    """Summarise one video and store it (replacing that summariser version's summary)."""
    chosen = get_summariser(summariser, **options) if isinstance(summariser, str) else summariser
    summary = run_summariser(chosen, load_document(store, video))
    save_summary(store, summary, getattr(chosen, "prompts", None) or [])
    return summary


def summariser_for(extractor: str) -> str:
    """The summariser named like an extractor where one exists (``llm`` with ``llm``), else the default."""
    return extractor if extractor in available_summarisers() else "default"


def refresh_summaries(
    store: Store,
    video_ids: Sequence[str],
    extracted: set[str],
    extractor: str = "default",
    failed: list[str] | None = None,
    **options: Any,
) -> list[str]:
    """Summarise again what its arguments no longer match, and return those videos' ids; a
    video whose summary fails is named in ``failed`` and the rest go on.

    A summary is built on a video's arguments, so one made before they were extracted again is
    stale: the videos in ``extracted`` are summarised again, and of the rest those with no summary
    by this summariser or one from another version of it (an upgrade).
    """
    failed = failed if failed is not None else []
    name = summariser_for(extractor)
    chosen = get_summariser(name, **options) if name != "default" else get_summariser()
    version = getattr(chosen, "version", None)
    done = []
    for video_id in video_ids:
        stored = store.summary(video_id, chosen.name)
        if video_id in extracted or stored is None or (version and stored.extractor_version != version):
            try:
                summarise_video(store, store.video(video_id), chosen)
            except ExtractionError as err:  # one video's summary failing leaves the others to be made
                failed.append(f"{video_id}: summary failed: {err}")
                continue
            done.append(video_id)
    return done


def current_summary(store: Store, video: Video) -> Summary:
    """The video's summary, made now when there is none or the stored one is the offline default's
    from an older version (milliseconds); another summariser's (an LLM's) is shown as it stands."""
    stored = store.summary(video.id)
    if stored is None or (stored.extractor == "default" and stored.extractor_version != DEFAULT_VERSION):
        return summarise_video(store, video, "default")
    return stored


def run_summariser(summariser: Summariser, doc: TranscriptDoc) -> Summary:
    """``summariser`` on ``doc``, the summary saying which model restored sentence ends, if any did."""
    summary = summariser.summarise(doc)
    summary.sentence_ends = doc.sentence_ends_by
    return summary


def save_summary(store: Store, summary: Summary, prompts: list[Any]) -> None:
    """The summary and the prompts that wrote it, in one transaction."""
    with store.transaction():
        for prompt in prompts:
            store.save_prompt(prompt)
        store.save_summary(summary)


class SummariseStage(BaseStage):
    """The ``summarise`` stage of ``argmap ingest``."""

    name = "summarise"
    requires: tuple[str, ...] = ("transcribe",)

    def __init__(self, summariser: str = "default", **options: Any):
        self.summariser = summariser
        self.options = options
        self._chosen: Summariser | None = None

    @classmethod
    def from_options(cls, options: IngestOptions, store: Store) -> SummariseStage | None:
        """The summariser named like the run's extractor where one exists (``llm`` with ``llm``,
        with the same endpoint settings), else the default one."""
        if not options.extract:
            return None
        name = summariser_for(options.extractor)
        return cls(name, **options.extractor_options) if name != "default" else cls()

    def open(self, ctx: StageContext | None = None) -> None:
        if self._chosen is None:
            self._chosen = get_summariser(self.summariser, **self.options)

    def prepare(self, ctx: StageContext, video: Video) -> TranscriptDoc:
        return load_document(ctx.store, video)

    def compute(self, work: TranscriptDoc) -> tuple[Summary, list[Any]]:
        self.open()
        assert self._chosen is not None
        summary = run_summariser(self._chosen, work)
        # An LLM summariser records the prompts it used while summarising: they travel with it.
        return summary, list(getattr(self._chosen, "prompts", None) or [])

    def commit(self, ctx: StageContext, video: Video, result: tuple[Summary, list[Any]]) -> None:
        save_summary(ctx.store, *result)

    def close(self) -> None:
        self._chosen = None


def summary_dict(store: Store, video: Video, summary: Summary) -> dict[str, Any]:
    """The ``argmap summary --json`` shape: the summary plus a link per key point."""
    return {
        "video_id": video.id,
        "title": video.title,
        "commentator": commentator_name(store, video),
        "extractor": summary.extractor,
        "extractor_version": summary.extractor_version,
        "gist": summary.gist,
        "paragraph": summary.paragraph,
        "key_points": [{**kp, "url": timestamp_url(video, kp.get("start"))} for kp in summary.key_points],
        "prompt_hash": summary.prompt_hash,
        "sentence_ends": summary.sentence_ends,
    }
