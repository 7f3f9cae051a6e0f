"""The README's first command: `argmap demo` on the embedded defaults, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.pipeline.present.demo import run_demo
from argmap.store import Store


@pytest.mark.slow
def test_demo_ingests_extracts_compares_and_reruns_as_a_no_op(tmp_path: Path):
    lines: list[str] = []
    assert run_demo(tmp_path, echo=lines.append)
    out = "\n".join(lines)
    assert "failed: 0" in out and "Where commentators meet" in out

    store = Store.open(tmp_path / "demo.db")
    counts = store.counts()
    assert counts["videos"] == 3 and counts["commentators"] == 3
    # three voices, one each: diarized and kept apart as three people
    assert counts["speakers"] == 3 and counts["persons"] == 3
    for video_id in [r["id"] for r in store.rows("select id from videos")]:
        transcript = store.transcript(video_id)
        assert transcript is not None and transcript.model == "tiny.en"
        assert store.segments(transcript.id), video_id
        assert store.summary(video_id) is not None
    types = {a.type for a in store.arguments()}
    assert {"claim", "call_to_action"} <= types
    assert counts["embeddings"] >= counts["arguments"] > 0 and counts["key_points"] > 0
    # compared as `argmap compare` compares by default (it ran the older cluster method), and
    # stances read as they do there
    assert [r["model"].startswith("kpa:") for r in store.compare_runs()] == [True], store.compare_runs()
    assert not any(raw in out for raw in (": criticises", ": calls_for_action")), out
    snapshot = store.rows("select id, text from arguments order by id")
    store.close()

    again: list[str] = []
    assert run_demo(tmp_path, echo=again.append)
    assert "done: 0, already there: 3" in "\n".join(again)
    store = Store.open(tmp_path / "demo.db")
    assert store.rows("select id, text from arguments order by id") == snapshot
