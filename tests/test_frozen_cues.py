"""The default extractor's classifier was trained on features from a frozen copy of the rules
(pipeline/extract/frozen_cues.py). Editing that copy would change the features under the
shipped weights without retraining, silently. This pins its output on the whole development
set: a change here must come with retrained weights (benchmarks/train_extractor.py) and a new
digest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from argmap.pipeline.extract import frozen_cues
from argmap.pipeline.extract.classifier import rule_features
from argmap.pipeline.extract.evaluate import load_dataset

DEV = Path(__file__).parent / "data" / "argeval" / "dev.jsonl"
# sha256 of every verdict and feature row below, as of the weights in pipeline/data/extractor_v2.npz
DIGEST = "9f6fdd1cd5f7db94c33245b6db20bae6b763718ff5da43e9c07adaa5f168e79b"


@pytest.mark.skipif(not DEV.exists(), reason="labelled dataset not present")
def test_frozen_cues_and_their_features_are_unchanged() -> None:
    digest = hashlib.sha256()
    for doc in load_dataset(DEV):
        texts = [s["text"] for s in doc["segments"]]
        for text in texts:
            v = frozen_cues.classify(text, doc.get("commentator"))
            digest.update(
                json.dumps([v.type, round(v.confidence, 6), v.target, v.rule, v.attributed]).encode()
            )
        for row in rule_features(texts, doc.get("commentator")):
            digest.update(json.dumps([round(x, 6) for x in row]).encode())
    assert digest.hexdigest() == DIGEST
