"""The store: migrations, deterministic upserts, atomic stage outputs, status bookkeeping."""

from __future__ import annotations

import pytest
from sqlite_utils.utils import sqlite3

from argmap.store import Commentator, Segment, Store, Transcript, Video, resolve_db_path


def _video(store: Store, vid: str = "generic:abc") -> Video:
    c = store.upsert_commentator(Commentator(id=Commentator.make_id("Ann"), name="Ann"))
    return store.upsert_video(Video(id=vid, source_url=f"http://x/{vid}", title="T", commentator_id=c.id))


def _segments(tid: str, vid: str, n: int) -> list[Segment]:
    return [
        Segment(
            id=Segment.make_id(tid, i),
            transcript_id=tid,
            video_id=vid,
            idx=i,
            start=i,
            end=i + 1,
            text=f"s{i}",
        )
        for i in range(n)
    ]


def test_migrations_are_recorded_and_idempotent(tmp_path):
    path = tmp_path / "a.db"
    Store.open(path).close()
    again = Store.open(path)
    names = [r["name"] for r in again.rows("select name from _sqlite_migrations order by rowid")]
    assert names == sorted(names) and names[0] == "m001_ingest"
    assert again.db.journal_mode == "wal"


def test_save_transcript_replaces_segments_and_marks_done(store):
    v = _video(store)
    t = Transcript(id=Transcript.make_id(v.id, "asr"), video_id=v.id, source="asr", model="tiny.en")
    store.save_transcript(t, _segments(t.id, v.id, 3))
    store.save_transcript(t, _segments(t.id, v.id, 2))
    assert [s.text for s in store.segments(t.id)] == ["s0", "s1"]
    assert store.is_done(v.id, "transcribe")
    hits = store.rows("select rowid from segments_fts where segments_fts match 's1'")
    assert len(hits) == 1


def test_failed_stage_output_leaves_nothing_behind(store):
    v = _video(store)
    t = Transcript(id=Transcript.make_id(v.id, "asr"), video_id=v.id, source="asr")
    bad = _segments(t.id, v.id, 2)
    bad[1].idx = 0  # violates the unique (transcript, idx) index half way through
    with pytest.raises(sqlite3.IntegrityError):
        store.save_transcript(t, bad)
    assert store.counts()["segments"] == 0 and store.counts()["transcripts"] == 0
    assert not store.is_done(v.id, "transcribe")


def test_status_attempts_and_clearing_failures(store):
    a = _video(store, "generic:a")
    b = _video(store, "generic:b")
    store.mark(a.id, "download", "failed", "HTTP 503", permanent=False)
    store.mark(a.id, "download", "failed", "HTTP 503", permanent=False)
    store.mark(b.id, "download", "failed", "HTTP 404", permanent=True)
    assert store.status(a.id, "download").attempts == 2
    assert store.failed_video_ids() == sorted([a.id, b.id])
    assert store.clear_failures(a.id) == 1 and store.failed_video_ids() == [b.id]


def test_db_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("ARGMAP_DB", str(tmp_path / "env.db"))
    assert resolve_db_path("x.db").name == "x.db"
    assert resolve_db_path(None).name == "env.db"
    monkeypatch.delenv("ARGMAP_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_db_path(None) == tmp_path / "argmap" / "argmap.db"


def test_resolve_video_by_prefix_and_url(store):
    v = _video(store, "youtube:abcdef")
    assert store.resolve_video("youtube:abc").id == v.id
    assert store.resolve_video(v.source_url).id == v.id


def test_candidates_with_one_title_are_told_apart_by_where_they_came_from(store: Store) -> None:
    """Six formats of one recording were listed as six lines of the same title."""
    from argmap.store.lookup import AmbiguousVideo

    for n, ext in enumerate(("mp3", "wav")):
        store.upsert_video(
            Video(id=f"file:{n}", source_url=f"file:///clips/late%2020.{ext}", title="late 20")
        )
    store.upsert_video(Video(id="file:9", source_url="file:///clips/other.mp3", title="late 20 again"))
    with pytest.raises(AmbiguousVideo) as err:
        store.resolve_video("late 20")
    message = str(err.value)
    assert "late 20  (/clips/late 20.mp3)" in message and "late 20  (/clips/late 20.wav)" in message
    with pytest.raises(AmbiguousVideo) as err:
        store.resolve_video("late")
    assert "file:9  late 20 again\n" in str(err.value) + "\n"  # a title of its own needs no more
