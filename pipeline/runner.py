"""The batch runner: sources expanded, then each stage run over every video that needs it.

Stages run in whisperX's rhythm: one stage at a time over the whole batch, loading its
model once and freeing it before the next stage loads its own (download -> transcribe ->
extract -> summarise -> embed). The database is the archive and the to-do list at once:

* an entry whose wanted stages are all done (or that failed permanently) is skipped before
  anything is downloaded;
* a failure is written to ``stage_status`` with a one-line reason and the batch goes on;
  the next run retries transient failures only;
* every stage writes its rows and its ``done`` mark in one transaction, so a run killed at
  any moment leaves either all of a stage's work for a video or none of it, and re-running
  ends in the same database as a run that was never interrupted.

The runner talks to the user only through a :class:`Reporter`, so the library never
depends on click; the CLI passes one that draws progress bars on stderr.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from argmap.pipeline.errors import ArgmapError, ConfigError, TruncatedMedia
from argmap.pipeline.extract.registry import get_extractor
from argmap.pipeline.extract.run import ExtractStage

# Every stage module is imported here, unconditionally: a missing or broken one must stop
# ingest with its own error, not quietly leave videos without arguments or embeddings.
from argmap.pipeline.ingest.download import (
    DEFAULT_MAX_DURATION,
    DEFAULT_MAX_FILESIZE,
    Downloader,
    DownloadOptions,
    register,
)
from argmap.pipeline.ingest.sources import Entry, SourceOptions, expand
from argmap.pipeline.ingest.transcribe import TranscribeOptions, Transcriber
from argmap.pipeline.search.embed import EmbedStage
from argmap.pipeline.stages import Stage
from argmap.pipeline.summarise.run import SummariseStage
from argmap.pipeline.text import clean_line
from argmap.store import STAGES, Store, Video


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
class IngestOptions:
    commentator: str | None = None
    title: str | None = None
    limit: int | None = None
    since: _dt.date | None = None
    captions: str = "prefer"  # prefer | only | never
    model: str | None = None  # None = the transcriber's default (offline tiny.en)
    device: str = "auto"
    language: str | None = None
    cookies: str | None = None
    sleep: float = 0.0
    max_filesize: int | None = DEFAULT_MAX_FILESIZE  # bytes; None = no limit
    max_duration: float | None = DEFAULT_MAX_DURATION  # seconds; None = no limit
    extract: bool = True  # run extract + summarise
    embed: bool = True
    extractor: str = "default"  # extractor and summariser name (default, llm, a plugin)
    extractor_options: dict[str, Any] = field(default_factory=dict)  # e.g. llm base_url/model/api_key
    media_dir: Path | None = None  # None = "<db stem>-media" beside the database


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


def media_dir_for(store: Store, explicit: Path | None) -> Path:
    if explicit is not None:
        return Path(explicit)
    if store.path is None:
        raise ConfigError("an in-memory database needs an explicit media folder (--media-dir)")
    return store.path.with_name(f"{store.path.stem}-media")


def later_stages(options: IngestOptions) -> list[Stage]:
    """Extract and summarise (with the chosen extractor), then embed, as asked."""
    stages: list[Stage] = []
    if options.extract:
        # A wrong name or missing LLM setting must stop the run here, before any video is
        # touched: failing at stage start would mark every video's extraction failed.
        get_extractor(options.extractor, **options.extractor_options)
        summariser = _summariser_for(options.extractor)
        stages.append(ExtractStage(options.extractor, **options.extractor_options))
        stages.append(
            SummariseStage(
                summariser, **(options.extractor_options if summariser == options.extractor else {})
            )
        )
    if options.embed:
        stages.append(EmbedStage())
    return stages


def _summariser_for(extractor: str) -> str:
    """The summariser that goes with an extractor: the same name where one exists.

    Summarisers are ``default`` and ``llm``; an extractor plugin has no summariser of its
    own, so its videos get the default summary.
    """
    return extractor if extractor in ("default", "llm") else "default"


def build_stages(options: IngestOptions, store: Store, reporter: Reporter) -> list[Any]:
    topts = TranscribeOptions(device=options.device, language=options.language)
    if options.model:
        topts.model = options.model
    downloader = Downloader(
        DownloadOptions(
            media_dir=media_dir_for(store, options.media_dir),
            captions=options.captions,
            language=options.language,
            cookies=options.cookies,
            sleep=options.sleep,
            max_filesize=options.max_filesize,
            max_duration=options.max_duration,
        ),
        progress=lambda task, done, total: reporter.progress(task, done, total, "B"),
    )
    transcriber = Transcriber(topts)
    stages: list[Any] = [downloader, transcriber, *later_stages(options)]
    # A stage whose prerequisites are not part of this run could never start; leave it out.
    names: set[str] = set()
    kept = []
    for stage in stages:
        if all(r in names for r in stage.requires):
            kept.append(stage)
            names.add(stage.name)
    return kept


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


def _finished(store: Store, video_id: str, stage_names: list[str]) -> bool:
    """True when nothing is left to try: every stage done, or one failed for good."""
    statuses = store.statuses(video_id)
    for name in stage_names:
        s = statuses.get(name)
        if s and s.status == "failed" and s.permanent:
            return True
        if not s or s.status != "done":
            return False
    return True


def _needs(store: Store, video: Video, stage: Any, stage_names: list[str]) -> bool:
    statuses = store.statuses(video.id)
    if any(statuses.get(r) is None or statuses[r].status != "done" for r in stage.requires):
        return False
    s = statuses.get(stage.name)
    if s is None or s.status == "pending":
        return True
    if s.status == "failed":
        return not s.permanent
    if stage.name == "download":
        # Done before, but the media has gone while transcription still needs it.
        t = statuses.get("transcribe")
        wants_media = "transcribe" in stage_names and not (t and (t.status == "done" or t.permanent))
        return wants_media and not (video.media_path and Path(video.media_path).is_file())
    return False


def run_stage(
    store: Store, stage: Any, video_ids: list[str], stage_names: list[str], reporter: Reporter
) -> None:
    """Run one stage over the videos that need it; failures are recorded, never raised."""
    todo = [v for v in (store.video(i) for i in video_ids) if _needs(store, v, stage, stage_names)]
    if not todo:
        return
    reporter.info(f"{stage.name}: {len(todo)} video(s)")
    try:
        try:
            stage.open()
        except ArgmapError as err:
            for video in todo:
                store.mark(video.id, stage.name, "failed", str(err), permanent=err.permanent)
            reporter.warn(f"{stage.name}: {err}")
            return
        for video in todo:
            _run_one(store, stage, video, reporter)
    finally:
        stage.close()


def _run_one(store: Store, stage: Any, video: Video, reporter: Reporter) -> None:
    label = video.title or video.id
    if hasattr(stage, "progress") and stage.name == "transcribe":
        task = f"transcribe {label}"
        stage.progress = lambda done, total: reporter.progress(task, done, total, "s")
    try:
        stage.run(store, video)
    except ArgmapError as err:
        # Messages may quote file names or site text: one clean line, whatever they hold.
        reason = clean_line(str(err), 500)
        store.mark(video.id, stage.name, "failed", reason, permanent=err.permanent)
        if isinstance(err, TruncatedMedia) and video.media_path:
            # A partial download: throw it away so the next run fetches it again.
            Path(video.media_path).unlink(missing_ok=True)
            if not str(video.source_url).startswith("file:"):
                store.mark(video.id, "download", "failed", reason, permanent=False)
        reporter.warn(f"{label}: {stage.name} failed: {reason}")
    except Exception as err:  # noqa: BLE001 - one bad video must not stop the batch
        first = clean_line((str(err).strip().splitlines() or [""])[0], 200)
        store.mark(video.id, stage.name, "failed", f"{type(err).__name__}: {first}", permanent=False)
        reporter.warn(f"{label}: {stage.name} failed unexpectedly: {type(err).__name__}: {first}")
    finally:
        reporter.finish(f"{stage.name} {label}")


def _outcome(store: Store, video: Video, stage_names: list[str], skipped: bool) -> Outcome:
    statuses = store.statuses(video.id)
    for name in stage_names:
        s = statuses.get(name)
        if s and s.status == "failed":
            return Outcome(video.id, video.title, "failed", name, s.reason, s.permanent)
    if all(statuses.get(n) and statuses[n].status == "done" for n in stage_names):
        return Outcome(video.id, video.title, "skipped" if skipped else "done")
    return Outcome(video.id, video.title, "pending")


def ingest(
    store: Store,
    sources: Iterable[str],
    options: IngestOptions | None = None,
    reporter: Reporter | None = None,
    *,
    stages: list[Any] | None = None,
) -> IngestReport:
    """Expand the sources, register their videos, run every stage; never raises per video."""
    options = options or IngestOptions()
    reporter = reporter or NullReporter()
    report = IngestReport()
    # Stages first: a bad option fails the run before any source is fetched or stored.
    stages = stages if stages is not None else build_stages(options, store, reporter)
    for stage in stages:
        if stage.name not in STAGES:
            raise ConfigError(f"unknown stage {stage.name!r}")
    entries = expand_sources(sources, options, report, reporter)
    for entry in entries:
        register(store, entry)
    stage_names = [s.name for s in stages]
    report.stages = stage_names
    for stage in stages:
        if isinstance(stage, Downloader):
            stage.entries = {e.id: e for e in entries}
    already = {e.id for e in entries if _finished(store, e.id, stage_names)}
    active = [e.id for e in entries if e.id not in already]
    if already:
        reporter.info(f"{len(already)} video(s) already processed, skipped")
    for stage in stages:
        run_stage(store, stage, active, stage_names, reporter)
        if isinstance(stage, Downloader):
            report.downloads = stage.downloads
    for entry in entries:
        report.outcomes.append(_outcome(store, store.video(entry.id), stage_names, entry.id in already))
    return report


# -- listing what is stored ---------------------------------------------------------------


def video_rows(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    """Videos with commentator and per-stage status; ``status`` filters done/failed/pending."""
    rows = store.rows(
        """select v.id, v.title, v.source_url, v.published, v.duration, v.media_path,
                  c.name as commentator
           from videos v left join commentators c on c.id = v.commentator_id
           order by c.name, v.published, v.id"""
    )
    out = []
    for row in rows:
        statuses = store.statuses(row["id"])
        row["stages"] = {
            name: {"status": s.status, "reason": s.reason, "permanent": s.permanent, "attempts": s.attempts}
            for name, s in sorted(statuses.items(), key=lambda kv: STAGES.index(kv[0]))
        }
        states = {s.status for s in statuses.values()}
        row["status"] = "failed" if "failed" in states else ("done" if states == {"done"} else "pending")
        if status is None or row["status"] == status:
            out.append(row)
    return out


# -- transcript output ------------------------------------------------------------------

TRANSCRIPT_FORMATS = ("txt", "vtt", "srt", "json")


def _clock(seconds: float, sep: str = ".", always_hours: bool = True) -> str:
    ms = int(round(max(0.0, seconds) * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    if not always_hours and not h:
        return f"{m:02d}:{s:02d}"
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def render_transcript(store: Store, video: Video, fmt: str = "txt") -> str:
    """A video's preferred transcript as text with timestamps, WebVTT, SRT or JSON."""
    import json

    if fmt not in TRANSCRIPT_FORMATS:
        raise ConfigError(f"--format {fmt!r}: expected one of {', '.join(TRANSCRIPT_FORMATS)}")
    transcript = store.transcript(video.id)
    if transcript is None:
        raise ConfigError(f"{video.id} has no transcript yet (see `argmap videos`)")
    segments = store.segments(transcript.id)
    if fmt == "json":
        data = {
            "video": vars(video),
            "transcript": vars(transcript),
            "segments": [
                {"idx": s.idx, "start": s.start, "end": s.end, "text": s.text, "words": s.words}
                for s in segments
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "txt":
        # "[mm:ss] text" lines: readable, and the caption importer reads them back with times.
        long = any(s.start >= 3600 for s in segments)
        return "".join(f"[{_clock(s.start, always_hours=long)[:8]}] {s.text}\n" for s in segments)
    if fmt == "vtt":
        blocks = ["WEBVTT\n"]
        blocks += [f"{_clock(s.start)} --> {_clock(s.end)}\n{s.text}\n" for s in segments]
        return "\n".join(blocks)
    blocks = [
        f"{n}\n{_clock(s.start, ',')} --> {_clock(s.end, ',')}\n{s.text}\n"
        for n, s in enumerate(segments, start=1)
    ]
    return "\n".join(blocks)
