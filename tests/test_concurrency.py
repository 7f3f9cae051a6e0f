"""Several argmap processes on one database file, as users run them: two terminals, a cron job.

Real processes, real SQLite file. Before the store serialised its writers, two ingests on a new
file crashed one of them in most tries ("table ... already exists", "database is locked"), and
a second writer made a running ingest lose a stage with "no such table" (sqlite-utils' upsert
probe changed the schema under it). Each scenario is repeated, because a race that loses one
time in three passes a single try.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest

from argmap.store import Store

ROUNDS = 3
CLI = "from argmap.pipeline.present.cli import main; main()"

LINES = [
    "Governments should fund open research labs now.",
    "The new export rules are a mistake that hurts small companies.",
    "Open models have caught up with closed ones on most benchmarks.",
    "We must publish the training data so others can check it.",
]


def _texts(folder: Path, prefix: str, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        # Distinct content: a local file's id is the hash of its bytes.
        body = "\n".join(f"{line} ({prefix} {i})" for line in LINES)
        (folder / f"{prefix}{i}.txt").write_text(body + "\n", encoding="utf-8")
    return folder


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out + err


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_ingests_on_a_new_database_both_finish(tmp_path: Path, round_: int) -> None:
    db = tmp_path / "new.db"
    a = _texts(tmp_path / "a", "alpha", 3)
    b = _texts(tmp_path / "b", "beta", 3)
    flags = ["--db", str(db), "--no-embed", "--extractor", "rules"]
    procs = [
        _start("ingest", str(a), "--commentator", "A", *flags),
        _start("ingest", str(b), "--commentator", "B", *flags),
    ]
    results = [_finish(p) for p in procs]
    for code, output in results:
        assert code == 0, output
        assert "Traceback" not in output
    store = Store.open(db)
    try:
        videos = store.rows("select id from videos")
        assert len(videos) == 6
        for v in videos:
            assert store.is_done(v["id"], "download") and store.is_done(v["id"], "extract"), v
        assert store.rows("select count(*) n from arguments")[0]["n"] > 0
    finally:
        store.close()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_second_writer_does_not_break_a_running_ingest(tmp_path: Path, round_: int) -> None:
    db = tmp_path / "busy.db"
    first = _texts(tmp_path / "first", "first", 2)
    code, output = _finish(
        _start("ingest", str(first), "--db", str(db), "--no-embed", "--extractor", "rules")
    )
    assert code == 0, output

    more = _texts(tmp_path / "more", "more", 6)
    ingest = _start("ingest", str(more), "--db", str(db), "--no-embed", "--extractor", "rules")
    # Re-extraction rewrites rows of the same tables the ingest is writing to.
    extract = _start("extract", "--db", str(db), "--extractor", "rules", "--force")
    reader = _start("videos", "--db", str(db), "--json")
    for proc in (ingest, extract, reader):
        code, output = _finish(proc)
        assert code == 0, output
        assert "Traceback" not in output and "no such table" not in output
    store = Store.open(db)
    try:
        videos = store.rows("select id from videos")
        assert len(videos) == 8
        assert all(store.is_done(v["id"], "extract") for v in videos)
    finally:
        store.close()


def test_read_command_refuses_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for args in (["videos"], ["arguments"], ["search", "anything"], ["export"], ["info"]):
        code, output = _finish(_start(*args, "--db", str(missing)))
        assert code == 1, (args, output)
        assert f"no database at {missing}" in output and len(output.strip().splitlines()) == 1, output
    assert not missing.exists()


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(2))
def test_ingest_compare_extract_and_serve_share_one_file(tmp_path: Path, round_: int) -> None:
    """Every kind of writer at once, with a server reading, on real models."""
    import socket
    import time
    import urllib.request

    db = tmp_path / "all.db"
    first = _texts(tmp_path / "first", "first", 2)
    code, output = _finish(_start("ingest", str(first), "--db", str(db), "--commentator", "Ana"))
    assert code == 0, output

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = _start("serve", "--db", str(db), "--port", str(port))
    more = _texts(tmp_path / "more", "more", 3)
    writers = [
        _start("ingest", str(more), "--db", str(db), "--commentator", "Ben"),
        _start("compare", "--db", str(db), "--min-commentators", "1"),
        _start("extract", "--db", str(db), "--extractor", "rules", "--force"),
    ]
    try:
        deadline = time.monotonic() + 240
        while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
            with contextlib.suppress(OSError):  # refused while it still builds its index
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).close()
            time.sleep(0.5)
        for proc in writers:
            code, output = _finish(proc)
            assert code == 0, output
            assert "Traceback" not in output and "locked" not in output
        assert serve.poll() is None, "serve died while others wrote"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as page:
            assert page.status == 200 and "Ben" in page.read().decode()
    finally:
        serve.terminate()
        serve.communicate(timeout=60)
    store = Store.open(db)
    try:
        videos = [r["id"] for r in store.rows("select id from videos")]
        assert len(videos) == 5
        for stage in ("download", "extract", "summarise", "embed"):
            assert all(store.is_done(v, stage) for v in videos), stage
    finally:
        store.close()


def test_media_another_run_released_does_not_undo_its_finished_work(store: Store, tmp_path: Path) -> None:
    """Two ingests of one feed: the first to finish a video deletes its media while the other
    still waits to decode it. The other's 'media file not found' left the finished video failed
    (once for good: a vanished file read as a corrupt one); now the done mark stays, and a file
    gone for other reasons is a failure the next run fetches again."""
    from argmap.pipeline.engines.steps import record_failure
    from argmap.pipeline.errors import MediaGone
    from argmap.pipeline.ingest.transcribe import decode_channels
    from argmap.store import Video

    with pytest.raises(MediaGone) as gone:
        decode_channels(tmp_path / "released.mp3")
    assert not gone.value.permanent
    video = store.upsert_video(Video(id="v1", source_url="https://example.org/a.mp3", title="A"))
    store.mark(video.id, "download", "done")
    store.mark(video.id, "transcribe", "done")
    record_failure(store, video, "transcribe", gone.value)
    assert store.statuses(video.id)["transcribe"].status == "done"
    store.mark(video.id, "diarize", "pending")
    record_failure(store, video, "diarize", gone.value)
    statuses = store.statuses(video.id)
    assert statuses["diarize"].status == "failed" and not statuses["diarize"].permanent
    assert statuses["download"].status == "failed"  # so the next run downloads it again
