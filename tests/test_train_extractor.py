"""The extractor's training script: which labelled texts it reads and how much each one weighs
(benchmarks/train_extractor.py). The vectors are stand-ins here; the real run embeds with MiniLM."""

from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
train_extractor = pytest.importorskip("train_extractor")
pytest.importorskip("sklearn")


def _story(path: Path, labels: list[str]) -> None:
    segments = [
        {
            "start": i,
            "end": i + 1,
            "text": f"Sentence number {i} of the story.",
            "label": label,
            "point": None,
        }
        for i, label in enumerate(labels)
    ]
    transcript = {"id": "s-1", "commentator": "Ann", "title": "t", "segments": segments}
    path.write_text(json.dumps({"story": "s", "points": [], "transcripts": [transcript]}) + "\n")


class _Vectors:
    """One fixed pseudo-random vector per text, so the classifier has something to read."""

    def __call__(self, texts: list[str]) -> np.ndarray:
        return np.stack([np.random.default_rng(zlib.crc32(t.encode())).normal(size=384) for t in texts])


def test_story_docs_keep_each_sentences_label(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(train_extractor, "ROOT", tmp_path)
    _story(tmp_path / "compare_train_x.jsonl", ["claim", "other", "critique"])
    docs = train_extractor.story_docs("compare_train_*.jsonl")
    assert [s["label"] for s in docs[0]["segments"]] == ["claim", "other", "critique"]
    assert docs[0]["commentator"] == "Ann" and [s["text"] for s in docs[0]["segments"]][0].startswith(
        "Sentence"
    )
    assert train_extractor.story_docs("") == []


def test_a_heavier_transcript_pulls_the_fit_towards_its_labels() -> None:
    """The same sentence labelled two ways in two transcripts: the one weighed more wins."""
    seg = {"start": 0.0, "end": 1.0, "text": "The plan will cost the town dearly.", "label": "claim"}
    filler = [
        {"start": float(i), "end": i + 1.0, "text": f"Hello number {i}.", "label": "other"}
        for i in range(1, 4)
    ]
    a = {"id": "a", "commentator": "A", "segments": [seg, *filler]}
    b = {"id": "b", "commentator": "B", "segments": [{**seg, "label": "critique"}, *filler]}
    cache = _Vectors()
    for heavier, expected in ((frozenset({"a"}), "claim"), (frozenset({"b"}), "critique")):
        model = train_extractor.fit([a, b], cache, 1.0, None, "both", heavier=heavier, factor=5.0)
        x = train_extractor._rows(a, cache, "both")[0][:1]
        probs = model.probabilities(x)[0]
        assert model_label(probs) == expected


def model_label(probs: np.ndarray) -> str:
    from argmap.pipeline.extract import classifier

    return classifier.LABELS[int(np.argmax(probs))]
