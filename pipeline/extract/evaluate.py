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
from pathlib import Path
from typing import Any

from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract.base import Extractor
from argmap.pipeline.extract.dataset import LABELS, Span, _input, gold_spans, load_dataset, prf
from argmap.pipeline.extract.registry import get_extractor
from argmap.store import ARGUMENT_TYPES


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
        return prf(tp_pred, n_pred, tp_gold, n_gold)

    return {
        "detection": count(None, typed=False),
        "typed": count(None, typed=True),
        "per_type": {t: count(t, typed=True) for t in ARGUMENT_TYPES},
    }


def evaluate(docs: list[dict[str, Any]], extractor: Extractor, *, captions: bool = False) -> dict[str, Any]:
    """Scores of ``extractor`` on ``docs``; with ``captions``, also on their caption form
    (:mod:`.caption_eval`): per-type precision and recall there, and how many arguments of the
    punctuated run come back from it."""
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
    if captions:
        from argmap.pipeline.extract.caption_eval import caption_run
        from argmap.pipeline.sentence_ends import load_model, restorer_name

        caption_pairs, recovered, ends = caption_run(docs, extractor)
        report["caption_form"] = {
            **score(caption_pairs),
            "recovery": recovered,
            "sentence_ends": ends,
            "restorer": restorer_name(load_model()),
        }
    return report


def evaluate_file(
    path: str | Path, extractor: str = "default", *, captions: bool = False, **options: Any
) -> dict[str, Any]:
    report = evaluate(load_dataset(path), get_extractor(extractor, **options), captions=captions)
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
            row = {"start": seg.start, "end": seg.end, "text": seg.text, "label": g["label"]}
            if seg.kind:
                row["kind"] = seg.kind  # a title or heading line: structure the import found
            rows.append(row)
        doc_id = f"seed-{Path(name).stem}"
        docs.append({"id": doc_id, "commentator": entry.get("commentator"), "segments": rows})
    if not docs:
        raise ConfigError(f"{labels_path}: no labelled seed texts")
    return docs


def evaluate_seeds(
    seeds_dir: str | Path, extractor: str = "default", *, captions: bool = False, **options: Any
) -> dict[str, Any]:
    """Scores on the labelled seed texts, one report per text plus one over both."""
    docs = seed_dataset(seeds_dir)
    ext = get_extractor(extractor, **options)
    report = {"dataset": f"{seeds_dir} (all seeds)", **evaluate(docs, ext, captions=captions)}
    report["per_text"] = {doc["id"]: {"dataset": doc["id"], **evaluate([doc], ext)} for doc in docs}
    return report


def format_table(report: dict[str, Any]) -> str:
    lines = [
        f"{report.get('dataset', '')}  extractor: {report['extractor']}  transcripts: {report['transcripts']}"
        f"  sentences: {report['sentences']}",
        *_rows(report),
    ]
    lines.append(f"sentence accuracy: {report['sentence_accuracy']:.3f}   ({report['seconds']:.2f} s)")
    lines.append("confusion (rows gold, columns predicted): " + "  ".join(LABELS))
    for g in LABELS:
        lines.append(f"  {g:<16}" + "".join(f"{report['confusion'][g][p]:>8}" for p in LABELS))
    caption = report.get("caption_form")
    if caption:
        lines.append("caption form (lower case, no punctuation, 7-word cues):")
        lines += _rows(caption)
        e = caption["sentence_ends"]
        lines.append(f"sentence ends restored: precision {e['precision']:.3f}  recall {e['recall']:.3f}"
                     f"  f1 {e['f1']:.3f}  ({caption.get('restorer', 'restorer')})")  # fmt: skip
        lines.append("argument sentences of the punctuated run recovered from caption form (same type):")
        lines.append(f"{'':22}{'exact':>10}{'near':>10}{'overlap':>10}{'of':>7}")
        for name in (*ARGUMENT_TYPES, "all"):
            r = caption["recovery"][name]
            lines.append(
                f"{name:<22}{r['exact_rate']:>10.3f}{r['near_rate']:>10.3f}{r['overlap_rate']:>10.3f}"
                f"{r['sentences']:>7}"
            )
        lines.append("arguments of the punctuated run recovered from caption form (same type and span):")
        lines.append(f"{'':22}{'exact':>10}{'near':>10}{'of':>7}")
        for name in (*ARGUMENT_TYPES, "all"):
            r = caption["recovery"][name]["arguments"]
            lines.append(f"{name:<22}{r['exact_rate']:>10.3f}{r['near_rate']:>10.3f}{r['arguments']:>7}")
    return "\n".join(lines)


def _rows(report: dict[str, Any]) -> list[str]:
    rows = [("detection (any type)", report["detection"]), ("typed (all)", report["typed"])]
    rows += [(t, report["per_type"][t]) for t in ARGUMENT_TYPES]
    out = [f"{'':22}{'precision':>10}{'recall':>10}{'f1':>8}{'gold':>7}{'pred':>7}"]
    for name, m in rows:
        out.append(
            f"{name:<22}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>8.3f}{m['gold']:>7}{m['predicted']:>7}"
        )
    return out


__all__ = [
    "LABELS",
    "SEED_LABELS",
    "Span",
    "evaluate",
    "evaluate_file",
    "evaluate_seeds",
    "format_table",
    "gold_spans",
    "load_dataset",
    "score",
    "seed_dataset",
]
