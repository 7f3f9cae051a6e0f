"""Labelled transcripts for ``argmap eval``: reading them, their gold spans, the document an
extractor sees, and the precision / recall / F1 every score uses. Kept apart from :mod:`.evaluate`
(the scoring and reports) so that the caption-form variant (:mod:`.caption_eval`) can build on it
without the two importing each other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argmap.pipeline.document import TranscriptDoc
from argmap.pipeline.errors import ConfigError
from argmap.store import ARGUMENT_TYPES, Segment

LABELS = (*ARGUMENT_TYPES, "other")


@dataclass(frozen=True)
class Span:
    type: str
    first: int  # segment indices, inclusive
    last: int

    def overlaps(self, other: Span) -> bool:
        return self.first <= other.last and other.first <= self.last


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float | int]:
    """Precision over ``n_pred`` predictions of which ``tp_pred`` are right, recall over ``n_gold``
    gold items of which ``tp_gold`` were found, their F1, and the counts."""
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "predicted": n_pred,
            "gold": n_gold, "correct_predicted": tp_pred, "found_gold": tp_gold}  # fmt: skip


def load_dataset(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a JSONL dataset; a malformed line is reported with its number."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                segments = doc["segments"]
                for seg in segments:
                    if seg["label"] not in LABELS:
                        raise ValueError(f"unknown label {seg['label']!r}")
                    float(seg["start"]), float(seg["end"]), str(seg["text"])
            except (ValueError, KeyError, TypeError) as err:
                raise ConfigError(f"{path}:{n}: not a valid dataset line ({err})") from err
            docs.append(doc)
    if not docs:
        raise ConfigError(f"{path}: no transcripts in the dataset")
    return docs


def gold_spans(segments: list[dict[str, Any]]) -> list[Span]:
    spans: list[Span] = []
    for i, seg in enumerate(segments):
        label = seg["label"]
        if label == "other":
            continue
        if spans and spans[-1].type == label and spans[-1].last == i - 1:
            spans[-1] = Span(label, spans[-1].first, i)
        else:
            spans.append(Span(label, i, i))
    return spans


def _input(doc: dict[str, Any]) -> TranscriptDoc:
    vid = f"eval:{doc.get('id', 'doc')}"
    tid = f"{vid}/import"
    segments = [
        Segment(
            id=Segment.make_id(tid, i),
            transcript_id=tid,
            video_id=vid,
            idx=i,
            start=float(s["start"]),
            end=float(s["end"]),
            text=str(s["text"]),
            kind=s.get("kind"),
        )
        for i, s in enumerate(doc["segments"])
    ]
    return TranscriptDoc(vid, tid, segments, commentator=doc.get("commentator"), title=doc.get("topic"))
