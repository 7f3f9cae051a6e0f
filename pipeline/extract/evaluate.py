"""``argmap eval``: how well does an extractor find and type arguments on labelled data?

A dataset is JSONL, one transcript per line: ``{"id", "commentator", "topic", "split",
"segments": [{"start", "end", "text", "label"}]}`` with one sentence per segment and labels
``claim``, ``critique``, ``call_to_action`` or ``other``. Gold arguments are runs of
consecutive segments with the same non-``other`` label. A predicted argument counts as correct
when its segment range overlaps a gold argument's (of the same type, for the typed scores);
a gold argument counts as found when some prediction overlaps it. Overlap rather than exact
boundaries, because whether two adjacent sentences are one argument or two is a judgement call
that should not decide the score.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argmap.pipeline.document import TranscriptDoc
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract.base import Extractor
from argmap.pipeline.extract.registry import get_extractor
from argmap.store import ARGUMENT_TYPES, Segment

LABELS = (*ARGUMENT_TYPES, "other")


@dataclass(frozen=True)
class Span:
    type: str
    first: int  # segment indices, inclusive
    last: int

    def overlaps(self, other: Span) -> bool:
        return self.first <= other.last and other.first <= self.last


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
        )
        for i, s in enumerate(doc["segments"])
    ]
    return TranscriptDoc(vid, tid, segments, commentator=doc.get("commentator"), title=doc.get("topic"))


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float | int]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "predicted": n_pred,
            "gold": n_gold, "correct_predicted": tp_pred, "found_gold": tp_gold}  # fmt: skip


def score(pairs: list[tuple[list[Span], list[Span]]]) -> dict[str, Any]:
    """Scores over (gold, predicted) span lists, one pair per transcript."""

    def count(type_: str | None, typed: bool) -> dict[str, float | int]:
        tp_pred = n_pred = tp_gold = n_gold = 0
        for gold, pred in pairs:
            g = [s for s in gold if type_ is None or s.type == type_]
            p = [s for s in pred if type_ is None or s.type == type_]
            n_pred += len(p)
            n_gold += len(g)
            tp_pred += sum(any(x.overlaps(y) and (not typed or x.type == y.type) for y in gold) for x in p)
            tp_gold += sum(any(x.overlaps(y) and (not typed or x.type == y.type) for y in pred) for x in g)
        return _prf(tp_pred, n_pred, tp_gold, n_gold)

    return {
        "detection": count(None, typed=False),
        "typed": count(None, typed=True),
        "per_type": {t: count(t, typed=True) for t in ARGUMENT_TYPES},
    }


def evaluate(docs: list[dict[str, Any]], extractor: Extractor) -> dict[str, Any]:
    pairs = []
    confusion: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    sentences = 0
    for doc in docs:
        segs = doc["segments"]
        sentences += len(segs)
        result = extractor.extract(_input(doc))
        pred = [Span(a.type, a.seg_first, a.seg_last) for a in result.arguments]
        pairs.append((gold_spans(segs), pred))
        predicted_label = ["other"] * len(segs)
        for span in pred:
            for i in range(span.first, min(span.last, len(segs) - 1) + 1):
                predicted_label[i] = span.type
        for seg, label in zip(segs, predicted_label, strict=True):
            confusion[(seg["label"], label)] += 1
    elapsed = time.perf_counter() - started
    report = score(pairs)
    correct = sum(n for (g, p), n in confusion.items() if g == p)
    report.update(
        {
            "extractor": f"{extractor.name} v{extractor.version}",
            "transcripts": len(docs),
            "sentences": sentences,
            "sentence_accuracy": round(correct / sentences, 3) if sentences else 0.0,
            "confusion": {g: {p: confusion[(g, p)] for p in LABELS} for g in LABELS},
            "seconds": round(elapsed, 3),
        }
    )
    return report


def evaluate_file(path: str | Path, extractor: str = "default", **options: Any) -> dict[str, Any]:
    report = evaluate(load_dataset(path), get_extractor(extractor, **options))
    return {"dataset": str(path), **report}


# The shared seed texts may not be copied into the repository, so their gold labels live in
# the package's data/seeds_labels.json as (segment index, text hash, label) only, and the
# documents are rebuilt here from the seed files through the same .txt import a user gets.
SEED_LABELS = Path(__file__).resolve().parent.parent / "data" / "seeds_labels.json"


def seed_dataset(seeds_dir: str | Path, labels_path: str | Path = SEED_LABELS) -> list[dict[str, Any]]:
    """Eval documents for the labelled seed texts in ``seeds_dir``.

    Labels file: ``{file name: {"commentator", "segments": [{"idx", "sha1", "label"}]}}`` where
    ``sha1`` is the first 12 hex digits of the SHA-1 of the segment text. A seed whose segments no
    longer match (edited text, changed sentence splitting) is a ConfigError naming the segment,
    because scoring against labels of different sentences would be silently wrong.
    """
    import hashlib

    from argmap.pipeline.ingest.captions import cues_to_segments, read_caption_file

    try:
        labels = json.loads(Path(labels_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read seed labels {labels_path}: {err}") from err
    docs = []
    for name, entry in labels.items():
        path = Path(seeds_dir) / name
        if not path.is_file():
            raise ConfigError(f"seed text {path} not found")
        segments = cues_to_segments(read_caption_file(path), transcript_id="seed", video_id="seed")
        gold = entry["segments"]
        if len(segments) != len(gold):
            raise ConfigError(f"{name}: {len(segments)} segments, {len(gold)} labelled (text changed?)")
        rows = []
        for seg, g in zip(segments, gold, strict=True):
            digest = hashlib.sha1(seg.text.encode("utf-8")).hexdigest()[:12]
            if g["idx"] != seg.idx or g["sha1"] != digest or g["label"] not in LABELS:
                raise ConfigError(f"{name}: segment {seg.idx} does not match its label entry (text changed?)")
            rows.append({"start": seg.start, "end": seg.end, "text": seg.text, "label": g["label"]})
        doc_id = f"seed-{Path(name).stem}"
        docs.append({"id": doc_id, "commentator": entry.get("commentator"), "segments": rows})
    if not docs:
        raise ConfigError(f"{labels_path}: no labelled seed texts")
    return docs


def evaluate_seeds(seeds_dir: str | Path, extractor: str = "default", **options: Any) -> dict[str, Any]:
    """Scores on the labelled seed texts, one report per text plus one over both."""
    docs = seed_dataset(seeds_dir)
    ext = get_extractor(extractor, **options)
    report = {"dataset": f"{seeds_dir} (all seeds)", **evaluate(docs, ext)}
    report["per_text"] = {doc["id"]: {"dataset": doc["id"], **evaluate([doc], ext)} for doc in docs}
    return report


def format_table(report: dict[str, Any]) -> str:
    rows = [("detection (any type)", report["detection"]), ("typed (all)", report["typed"])]
    rows += [(t, report["per_type"][t]) for t in ARGUMENT_TYPES]
    lines = [
        f"{report.get('dataset', '')}  extractor: {report['extractor']}  transcripts: {report['transcripts']}"
        f"  sentences: {report['sentences']}",
        f"{'':22}{'precision':>10}{'recall':>10}{'f1':>8}{'gold':>7}{'pred':>7}",
    ]
    for name, m in rows:
        lines.append(
            f"{name:<22}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>8.3f}{m['gold']:>7}{m['predicted']:>7}"
        )
    lines.append(f"sentence accuracy: {report['sentence_accuracy']:.3f}   ({report['seconds']:.2f} s)")
    lines.append("confusion (rows gold, columns predicted): " + "  ".join(LABELS))
    for g in LABELS:
        lines.append(f"  {g:<16}" + "".join(f"{report['confusion'][g][p]:>8}" for p in LABELS))
    return "\n".join(lines)
