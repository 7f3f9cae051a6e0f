"""Embeddings: model resolution, passage windows, change detection, models kept apart."""

from __future__ import annotations

import numpy as np
import pytest
from test_compare import DATA, load_transcript

from argmap.pipeline.errors import ModelError
from argmap.pipeline.search.embed import (
    DEFAULT_MODEL,
    Embedder,
    EmbedStage,
    build_passages,
    embed_all,
    embed_video,
    model_name,
)
from argmap.pipeline.stages import Stage
from argmap.store import Argument, Segment, Store


def _segments(n: int, length: float = 7.0) -> list[Segment]:
    return [
        Segment(
            id=Segment.make_id("v/import", i),
            transcript_id="v/import",
            video_id="v",
            idx=i,
            start=i * length,
            end=i * length + length - 0.5,
            text=f"segment {i}",
        )
        for i in range(n)
    ]


def test_model_names() -> None:
    assert model_name(None) == DEFAULT_MODEL
    assert model_name("all-MiniLM-L6-v2") == DEFAULT_MODEL
    assert model_name("sentence-transformers/all-MiniLM-L6-v2") == DEFAULT_MODEL
    assert model_name("BAAI/bge-small-en-v1.5") == "BAAI/bge-small-en-v1.5"


def test_passages_are_about_thirty_seconds_and_cover_everything() -> None:
    segs = _segments(20)
    passages = build_passages(segs)
    assert [p.seg_first for p in passages] == [0, 4, 8, 12, 16]
    assert all(p.end - p.start <= 30.0 for p in passages)
    assert sum(p.seg_last - p.seg_first + 1 for p in passages) == 20
    assert passages[1].text == "segment 4 segment 5 segment 6 segment 7"
    assert passages == build_passages(segs)  # ids and windows are deterministic
    long = _segments(2, length=45.0)
    assert [(p.seg_first, p.seg_last) for p in build_passages(long)] == [(0, 0), (1, 1)]
    assert build_passages([]) == []


def test_passages_leave_out_bylines_and_start_at_headings() -> None:
    from dataclasses import replace

    kinds = ["title", "byline", "byline", None, None, "heading", None, "credit"]
    segs = [replace(s, kind=k) for s, k in zip(_segments(8, length=2.0), kinds, strict=True)]
    passages = build_passages(segs)
    # a title or heading reads as the label it is, closed with a full stop
    assert [p.text for p in passages] == ["segment 0. segment 3 segment 4", "segment 5. segment 6"]


def test_a_passage_never_spans_two_speakers() -> None:
    from dataclasses import replace

    who = ["alex", "alex", "jordan", None, None]
    segs = [replace(s, speaker_id=w) for s, w in zip(_segments(5, length=2.0), who, strict=True)]
    assert [(p.seg_first, p.seg_last) for p in build_passages(segs)] == [(0, 1), (2, 2), (3, 4)]


class _FakeEmbedder(Embedder):
    """Stands in for a second model: deterministic vectors, counts what it encodes."""

    def __init__(self, name: str):
        super().__init__(name)
        self.encoded: list[str] = []

    def load(self) -> object:
        return self

    @property
    def dim(self) -> int:
        return 8

    def encode(self, texts, *, batch_size: int = 64) -> np.ndarray:  # type: ignore[no-untyped-def]
        self.encoded.extend(texts)
        rng = np.random.default_rng(len(self.encoded))
        v = rng.standard_normal((len(texts), 8)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.slow
def test_embed_all_stores_normalised_vectors_once(store: Store) -> None:
    for path in sorted(DATA.glob("*.txt")):
        load_transcript(store, path)
    n_args = len(store.arguments())
    report = embed_all(store)
    n_passages = store.counts()["passages"]
    assert report.model == DEFAULT_MODEL and not report.failed and report.videos == 3
    assert report.embedded == n_args + n_passages and n_passages == 11  # gaps split windows
    rows = store.rows("select * from embeddings")
    assert {r["model"] for r in rows} == {DEFAULT_MODEL} and {r["dim"] for r in rows} == {384}
    for r in rows:
        v = np.frombuffer(r["vector"], dtype="<f4")
        assert v.shape == (384,) and abs(float(np.linalg.norm(v)) - 1.0) < 1e-4
    assert all(store.is_done(v, "embed") for v in ("test:dana_reyes", "test:priya_nair"))

    again = embed_all(store)
    assert again.embedded == 0 and again.unchanged == n_args + n_passages

    # One argument re-extracted with new wording: only it is embedded again, the old vector goes.
    old = store.arguments("test:priya_nair")
    changed = [
        Argument(**{**a.__dict__, "id": a.id + "x", "text": a.text + " Really."}) if i == 0 else a
        for i, a in enumerate(old)
    ]
    store.save_arguments("test:priya_nair", "test", "1", changed)
    third = embed_all(store)
    assert third.embedded == 1
    ids = {r["item_id"] for r in store.rows("select item_id from embeddings where item_type = 'argument'")}
    assert old[0].id not in ids and old[0].id + "x" in ids
    assert store.counts()["embeddings"] == n_args + n_passages


def test_other_models_vectors_are_kept_apart(store: Store) -> None:
    load_transcript(store, DATA / "priya_nair.txt")
    video = store.video("test:priya_nair")
    first, second = _FakeEmbedder("model-one"), _FakeEmbedder("model-two")
    embed_video(store, video, first)
    embed_video(store, video, second)
    embed_video(store, video, first)  # unchanged: nothing new for model-one
    per_model = store.embedding_models()
    assert per_model == {"model-one": 6, "model-two": 6}  # 3 arguments + 3 passages each
    assert len(first.encoded) == 6 and len(second.encoded) == 6


def test_embed_stage_contract(store: Store) -> None:
    stage = EmbedStage()
    assert isinstance(stage, Stage)
    assert stage.name == "embed" and stage.requires == ("transcribe",)
    stage.close()  # safe before open


def test_unknown_model_is_one_clear_error() -> None:
    with pytest.raises(ModelError, match="cannot load embedding model '/nonexistent/model-dir'"):
        Embedder("/nonexistent/model-dir").load()
