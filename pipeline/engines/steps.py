"""What every engine does around one stage and one video: decide, run, record, clean up.

Kept apart from the engines so that stage-at-a-time, streaming and Ray take the same
decisions (does this video need this stage? what does a failure write? when may the media
go?) and a database ends the same whichever engine filled it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from argmap.pipeline.errors import ArgmapError, MediaError, MediaGone, TruncatedMedia, hidden_interrupt
from argmap.pipeline.stages import Stage, StageContext, wants_media
from argmap.pipeline.text import clean_line
from argmap.store import Store, Video


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


def needs(ctx: StageContext, video: Video, stage: Stage) -> bool:
    """Whether the stage has to run for the video now: its prerequisites are done and it is
    not (or must be redone, or failed for a reason a retry may fix)."""
    statuses = ctx.store.statuses(video.id)
    if any(statuses.get(r) is None or statuses[r].status != "done" for r in stage.requires):
        return False
    s = statuses.get(stage.name)
    if s is None or s.status == "pending":
        return True
    if s.status == "failed":
        return not s.permanent
    return stage.rerun(ctx, video, statuses)


def as_argmap_error(err: BaseException) -> ArgmapError:
    """Any exception as the one-line, retryable failure a stage records."""
    if isinstance(err, ArgmapError):
        return err
    first = clean_line((str(err).strip().splitlines() or [""])[0], 200)
    return ArgmapError(f"{type(err).__name__}: {first}", permanent=False)


def failure_reason(err: BaseException) -> str:
    """The line a failure is recorded and reported with: messages may quote file names or site
    text, so one clean line, whatever they hold."""
    return clean_line(str(as_argmap_error(err)), 500)


#: the note a failure gets that was not recorded, as another run on the database finished the stage
LEFT_DONE = "(another run had finished it; left done)"


def record_failure(store: Store, video: Video, stage: str, err: BaseException) -> str:
    """The one place a failure is written: the stage, and any earlier stage it says to redo."""
    error = as_argmap_error(err)
    reason = failure_reason(err)
    with store.transaction():
        before = store.statuses(video.id).get(stage)
        if isinstance(error, MediaGone) and before is not None and before.status == "done":
            # Another run on the same database finished this video and released its media
            # while this one waited: the work is stored, so the failure is not recorded.
            return f"{reason} {LEFT_DONE}"
        if isinstance(error, TruncatedMedia) and before is not None and before.status == "failed":
            size = reason.rpartition("; ")[2]
            if size.endswith(" bytes") and (before.reason or "").endswith(f"; {size}"):
                # Downloaded again, the same bytes, still short: the file is, not the transfer.
                reason += " twice: the file itself is short"
                error = MediaError(reason, permanent=True)
        store.mark(video.id, stage, "failed", reason, permanent=error.permanent)
        for earlier in error.redo:
            store.mark(video.id, earlier, "failed", reason, permanent=False)
    return reason


def report_failure(reporter: Reporter, store: Store, video: Video, stage: str, err: BaseException) -> None:
    """Record and say why a stage failed for one video; a hidden Ctrl-C stops the batch instead."""
    interrupt = hidden_interrupt(err)
    if interrupt is not None:
        raise interrupt
    how = "failed" if isinstance(err, ArgmapError) else "failed unexpectedly"
    try:
        reason = record_failure(store, video, stage, err)
    except Exception as unrecorded:  # noqa: BLE001 - a full disk refuses the failure row too
        # The stage's own writes were rolled back, so the video is still pending and the next
        # run does it again: say so, rather than lose the reason in a traceback.
        reason = failure_reason(err)
        note = clean_line(str(unrecorded), 200)
        who = video.title or video.id
        reporter.warn(f"{who}: {stage} {how}: {reason} (not recorded: {note}; left pending)")
        return
    if reason.endswith(LEFT_DONE):  # not a failure of this video: a note
        reporter.info(f"{video.title or video.id}: {stage}: {reason}")
        return
    reporter.warn(f"{video.title or video.id}: {stage} {how}: {reason}")


def run_in_writer(ctx: StageContext, stage: Stage, video: Video, reporter: Reporter) -> None:
    """The whole stage for one video in this process; failures are recorded, never raised."""
    try:
        stage.run(ctx, video)
    except Exception as err:  # noqa: BLE001 - one bad video must not stop the batch
        report_failure(reporter, ctx.store, video, stage.name, err)
    finally:
        reporter.finish(f"{stage.name} {video.title or video.id}")


def release_media(ctx: StageContext, video_id: str, media_dir: Path | None, *, skipped: bool = False) -> bool:
    """Delete the media argmap downloaded for a video once no stage needs it, unless this run
    keeps media, or the video was ``skipped`` as finished and the run that made it kept its
    media. Media a killed run left behind goes, so a re-run ends as an uninterrupted run would.
    The user's own files and anything outside the media folder stay."""
    if media_dir is None or not ctx.media_stages:
        return False  # a run with no stage that listens (a download-only run)
    store = ctx.store
    video = store.video(video_id)
    if not video.media_path or str(video.source_url).startswith("file:"):
        return False
    if ctx.options.keep_media:
        store.set_media_kept(video_id, True)  # so that a later run without the flag leaves it
        return False
    if (skipped and store.media_kept(video_id)) or wants_media(ctx, store.statuses(video_id)):
        return False
    path = Path(video.media_path)
    try:
        owned = path.resolve().parent == media_dir.resolve()
    except OSError:
        return False
    if not owned:
        return False
    # The row first: killed in between, a stray file is harmless; a row pointing at a
    # deleted file would only cost a download.
    store.update_video(video_id, {"media_path": None})
    store.set_media_kept(video_id, False)
    path.unlink(missing_ok=True)
    return True
