"""The engines that drive a batch: streaming on this machine, stage at a time, and Ray.

The fast tests drive the streaming loop with small stand-in stages to pin what it promises
(bounded media, results while the batch runs, one writer, failures per video); the slow ones
run the real stages over the loopback feeds with each engine and compare the databases,
including a Ray cluster started on 127.0.0.1 whose worker is killed mid-download.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from media_server import GOOD_IN_BAD_FEED, MediaServer, Site
from test_ingest import dump

from argmap.pipeline.engines.streaming import LocalExecutor, stream
from argmap.pipeline.errors import MediaError
from argmap.pipeline.runner import IngestOptions, IngestReport, ingest
from argmap.pipeline.stages import BaseStage, StageContext
from argmap.store import Store, Video
from argmap.store.queries import video_listing

# -- the streaming loop, with stand-in stages -----------------------------------------------


@dataclass
class Log:
    events: list[str]
    lock: threading.Lock
    on_disk: int = 0
    most_on_disk: int = 0

    def add(self, event: str) -> None:
        with self.lock:
            self.events.append(event)

    def index(self, event: str) -> int:
        return self.events.index(event)


class FakeStage(BaseStage):
    def __init__(self, name: str, log: Log, requires: tuple[str, ...] = (), *, fail: str | None = None):
        self.name = name
        self.requires = requires
        self.log = log
        self.fail = fail

    def prepare(self, ctx: StageContext, video: Video) -> str:
        assert threading.current_thread() is threading.main_thread(), "prepare must run in the writer"
        return video.id

    def compute(self, work: str) -> str:
        self.log.add(f"{self.name} start {work}")
        if work == self.fail:
            raise MediaError("stand-in failure", permanent=True)
        if self.name == "download":
            with self.log.lock:
                self.log.on_disk += 1
                self.log.most_on_disk = max(self.log.most_on_disk, self.log.on_disk)
        return work

    def commit(self, ctx: StageContext, video: Video, result: str) -> None:
        assert threading.current_thread() is threading.main_thread(), "commit must run in the writer"
        ctx.store.mark(video.id, self.name, "done")
        self.log.add(f"{self.name} done {result}")


class ListenStage(FakeStage):
    uses_media = True


class WriterOnlyStage(BaseStage):
    """A stage that knows only ``run``: the engines must run it in the writer."""

    name = "summarise"
    requires = ("transcribe",)

    def __init__(self, log: Log):
        self.log = log

    def run(self, ctx: StageContext, video: Video) -> None:
        assert threading.current_thread() is threading.main_thread()
        ctx.store.mark(video.id, self.name, "done")
        self.log.add(f"summarise done {video.id}")


def _videos(store: Store, n: int) -> list[str]:
    ids = [f"v{i}" for i in range(1, n + 1)]
    with store.transaction():
        for video_id in ids:
            store.upsert_video(
                Video(id=video_id, source_url=f"https://example.org/{video_id}", title=video_id)
            )
    return ids


def _run(store: Store, log: Log, ids: list[str], *, fail: str | None = None, media_ahead: int = 2) -> None:
    stages = [
        FakeStage("download", log),
        ListenStage("transcribe", log, ("download",), fail=fail),
        FakeStage("extract", log, ("transcribe",)),
        WriterOnlyStage(log),
    ]
    stages[0].kind = "io"
    ctx = StageContext(store=store, stage_names=tuple(s.name for s in stages), media_stages=("transcribe",))

    def passed_media(video_id: str) -> None:
        with log.lock:
            log.on_disk -= 1
        log.add(f"released {video_id}")

    stream(
        ctx,
        stages,
        ids,
        LocalExecutor(2),
        _NoReporter(),
        media_ahead=media_ahead,
        on_passed_media=passed_media,
    )


class _NoReporter:
    def info(self, message: str) -> None: ...
    def warn(self, message: str) -> None: ...
    def progress(self, task: str, done: float, total: float | None, unit: str) -> None: ...
    def finish(self, task: str) -> None: ...


def test_streaming_bounds_media_and_finishes_early_videos_first(store: Store) -> None:
    log = Log([], threading.Lock())
    ids = _videos(store, 6)
    _run(store, log, ids, media_ahead=2)
    assert log.most_on_disk <= 2, "more media on disk than the bound allows"
    # The first video is transcribed before the last one is even fetched: results while the batch runs.
    assert log.index("transcribe done v1") < log.index("download start v6")
    for video_id in ids:
        assert all(store.is_done(video_id, s) for s in ("download", "transcribe", "extract", "summarise"))
        assert log.index(f"transcribe done {video_id}") < log.index(f"extract start {video_id}")
        assert log.index(f"extract done {video_id}") < log.index(f"summarise done {video_id}")
        assert log.index(f"released {video_id}") > log.index(f"transcribe done {video_id}")


def test_streaming_records_a_failure_and_goes_on(store: Store) -> None:
    log = Log([], threading.Lock())
    ids = _videos(store, 4)
    _run(store, log, ids, fail="v2")
    status = store.status("v2", "transcribe")
    assert status is not None and status.status == "failed" and status.permanent
    assert not store.is_done("v2", "extract") and "extract start v2" not in log.events
    for video_id in ("v1", "v3", "v4"):
        assert store.is_done(video_id, "summarise")
    assert log.on_disk == 0, "a failed video's media must be released too"


def test_compute_cannot_reach_the_store() -> None:
    from argmap.pipeline.stages import worker_context

    ctx = worker_context(StageContext(store=None))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="only prepare/commit"):
        ctx.store.video("x")


# -- the real stages, engine against engine ---------------------------------------------------

FULL: dict[str, Any] = {"extractor": "rules"}


def _ingest(db: Path, sources: list[str], **opts: Any) -> IngestReport:
    store = Store.open(db)
    try:
        return ingest(store, sources, IngestOptions(**{**FULL, **opts}))
    finally:
        store.close()


def _media_files(db: Path) -> list[str]:
    folder = db.with_name(f"{db.stem}-media")
    return sorted(p.name for p in folder.glob("*") if p.suffix in (".m4a", ".mp4")) if folder.is_dir() else []


@pytest.fixture(scope="module")
def local_run(media_site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The loopback feeds (a broken one included) through the streaming engine, once."""
    db = tmp_path_factory.mktemp("local") / "argmap.db"
    media_site.server.flaky = True
    sources = [media_site.feed_a, media_site.feed_b, media_site.bad_feed]
    return {"db": db, "report": _ingest(db, sources, engine="local"), "sources": sources}


@pytest.mark.slow
def test_streaming_and_stage_at_a_time_end_in_the_same_database(
    local_run: dict[str, Any], media_site: Site, tmp_path: Path
) -> None:
    media_site.server.flaky = True
    db = tmp_path / "argmap.db"
    report = _ingest(db, local_run["sources"], engine="stages")
    assert [(o.video_id, o.state) for o in report.outcomes] == [
        (o.video_id, o.state) for o in local_run["report"].outcomes
    ]
    assert dump(db) == dump(local_run["db"])
    assert _media_files(db) == _media_files(local_run["db"]) == _kept_for_retry(db)


def _kept_for_retry(db: Path) -> list[str]:
    """Media the run must keep: a listening stage failed for a reason a retry may fix."""
    store = Store.open(db)
    try:
        kept = []
        for video in (store.video(row["id"]) for row in video_listing(store)):
            failed = [store.status(video.id, s) for s in ("transcribe", "diarize")]
            if video.media_path and any(f and f.status == "failed" and not f.permanent for f in failed):
                kept.append(Path(video.media_path).name)
        return sorted(kept)
    finally:
        store.close()


@pytest.mark.slow
def test_keep_media_keeps_what_was_downloaded(media_site: Site, tmp_path: Path) -> None:
    db = tmp_path / "argmap.db"
    report = _ingest(db, [media_site.feed_a], keep_media=True, extract=False, embed=False)
    assert report.ok, report.to_dict()
    assert len(_media_files(db)) == 2
    store = Store.open(db)
    assert all(Path(store.video(o.video_id).media_path or "").is_file() for o in report.outcomes)
    store.close()
    # a later run without the flag skips the finished videos and leaves what was kept alone...
    again = _ingest(db, [media_site.feed_a], extract=False, embed=False)
    assert again.ok and {o.state for o in again.outcomes} == {"skipped"}, again.to_dict()
    assert len(_media_files(db)) == 2
    # ...while one that redoes them without it releases their media as any run does
    redone = _ingest(db, [media_site.feed_a], extract=False, embed=False, force=True)
    assert redone.ok and _media_files(db) == [], redone.to_dict()


# -- Ray on a loopback cluster -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Ray head node on 127.0.0.1 (``ray start --head``), stopped afterwards."""
    pytest.importorskip("ray")
    ray_bin = Path(sys.executable).with_name("ray")
    if not ray_bin.exists():
        ray_bin = Path(shutil.which("ray") or "ray")
    port = _free_port()
    temp = tmp_path_factory.mktemp("ray")
    start = [
        str(ray_bin), "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port),
        "--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats",
        "--temp-dir", str(temp),
    ]  # fmt: skip
    with pytest.MonkeyPatch.context() as env:
        # A cluster on loopback for this test only: no token to share between head and driver.
        env.setenv("RAY_AUTH_MODE", "disabled")
        subprocess.run(start, check=True, capture_output=True, timeout=180)
        try:
            yield f"127.0.0.1:{port}"
        finally:
            subprocess.run([str(ray_bin), "stop", "--force"], capture_output=True, timeout=120)


@pytest.mark.slow
def test_ray_engine_ends_in_the_same_database_as_the_local_one(
    local_run: dict[str, Any], ray_cluster: str, media_site: Site, tmp_path: Path
) -> None:
    media_site.server.flaky = True
    db = tmp_path / "argmap.db"
    report = _ingest(db, local_run["sources"], engine="ray", ray_address=ray_cluster, workers=2)
    # Per-video failures are recorded as the local engine records them: the batch went on.
    assert [(o.video_id, o.state, o.stage, o.reason) for o in report.outcomes] == [
        (o.video_id, o.state, o.stage, o.reason) for o in local_run["report"].outcomes
    ]
    assert any(o.state == "failed" for o in report.outcomes)
    assert GOOD_IN_BAD_FEED in " ".join(o.title for o in report.outcomes if o.state == "done")
    assert dump(db) == dump(local_run["db"])
    assert _media_files(db) == _kept_for_retry(db)


@pytest.mark.slow
def test_a_ray_worker_killed_mid_download_is_retried(
    ray_cluster: str, media_server: MediaServer, media_site: Site, tmp_path: Path
) -> None:
    import ray

    killed: list[str] = []

    def kill_the_downloader(path: str) -> None:
        if killed:
            return
        for actor in ray.util.list_named_actors(all_namespaces=True):
            if "-download-" in actor["name"]:
                ray.kill(ray.get_actor(actor["name"], namespace=actor["namespace"]), no_restart=False)
                killed.append(path)

    media_server.media_seconds = 2.0  # long enough to be killed in the middle
    media_server.on_media = kill_the_downloader
    db = tmp_path / "argmap.db"
    report = _ingest(
        db, [media_site.feed_a], engine="ray", ray_address=ray_cluster, extract=False, embed=False
    )
    assert killed, "no download started"
    assert report.ok and [o.state for o in report.outcomes] == ["done", "done"], report.to_dict()
    assert media_server.media_requests().count(killed[0]) >= 2, "the killed download was not retried"
    store = Store.open(db)
    for outcome in report.outcomes:
        transcript = store.transcript(outcome.video_id)
        assert transcript is not None and store.segments(transcript.id)
    store.close()


class InterruptedStage(WriterOnlyStage):
    """Ctrl-C while a library cleans up a transaction: what reaches the runner is the
    cleanup's own error (sqlite-utils rolling back a savepoint it had just released),
    with the interrupt only as its context."""

    requires = ()

    def run(self, ctx: StageContext, video: Video) -> None:
        with ctx.store.transaction():
            ctx.store.mark(video.id, self.name, "done")
            try:
                raise KeyboardInterrupt
            finally:
                ctx.store.db.execute('ROLLBACK TO "sqlite_utils_query"')


def test_a_ctrl_c_hidden_in_a_cleanup_error_stops_the_batch(store: Store) -> None:
    log = Log([], threading.Lock())
    ids = _videos(store, 3)
    stage = InterruptedStage(log)
    ctx = StageContext(store=store, stage_names=(stage.name,))
    with pytest.raises(KeyboardInterrupt):
        stream(ctx, [stage], ids, LocalExecutor(1), _NoReporter(), on_passed_media=lambda _: None)
    # the user's stop, not v1's failure: nothing recorded, so a re-run does v1 again
    assert store.status("v1", stage.name) is None
    assert all(store.status(v, stage.name) is None for v in ids)
