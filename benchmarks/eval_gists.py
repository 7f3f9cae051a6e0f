"""Does the gist state the commentator's main position? Measured against a reader's labels.

    .venv/bin/python benchmarks/eval_gists.py LABELS.json FILE.jsonl [FILE ...] [--show]

A summary's gist ("Dana Reyes argues that ...") should name the position the whole video argues
(a review's verdict, a rant's target, an opinion piece's thesis), not a side point that shares the
most words with the rest. Each transcript of the FILEs (any format ``argmap eval`` or
``benchmarks/eval_caption_recovery.py`` reads) is stored in an in-memory database, extracted by the
default extractor and summarised by the default summariser, as ``argmap ingest`` does; the point its
gist states is matched by time to the transcript's sentences. LABELS (``tests/data/argeval/
main_points.json``, ``benchmarks/data/main_points.json``) says per transcript id which sentences
state the main position (``main``), which would do as a weaker gist (``second``), or that nothing
is argued (``kind: none``); a reader wrote them from the text alone, before any gist was scored.

Printed per set of FILEs: of the transcripts with a position, how many gists state it (``main``),
how many at least a weaker statement of it (``main or second``), and the same for two baselines
in the same run: the first argument extracted, and the most central one (the summariser's own
centrality, no preference for a stance), so a change can be read against what a simple rule does.
The same for the key points taken together (does any of them state it?), beside as many arguments
from the start and as many of the most central ones. Of the transcripts that argue nothing, how
many gists say so.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from argmap.pipeline.document import TranscriptDoc, load_document
from argmap.pipeline.extract.caption_eval import read_transcripts
from argmap.pipeline.extract.run import extract_videos
from argmap.pipeline.summarise.default import (
    Point,
    default_summary,
    gist_point,
    key_points_of,
    similarity_and_centrality,
    summary_points,
)
from argmap.store import Commentator, Segment, Store, Transcript, Video

Pick = Callable[[TranscriptDoc], "Point | None"]


def stored_doc(store: Store, item: dict[str, Any], n: int) -> TranscriptDoc:
    """``item`` saved as one imported video and extracted, read back as the summariser reads it."""
    who = item.get("commentator") or "The speaker"
    cid = store.upsert_commentator(Commentator(id=Commentator.make_id(who), name=who)).id
    vid = f"eval:{n}"
    video = store.upsert_video(Video(id=vid, source_url=f"file:///eval/{n}", title="", commentator_id=cid))
    transcript = Transcript(id=Transcript.make_id(vid, "import"), video_id=vid, source="import")
    segments = [
        Segment(Segment.make_id(transcript.id, i), transcript.id, vid, i, float(s["start"]), float(s["end"]),
                str(s["text"]))
        for i, s in enumerate(item["segments"])
    ]  # fmt: skip
    store.save_transcript(transcript, segments)
    extract_videos(store, [vid])
    return load_document(store, video)


def first_point(doc: TranscriptDoc) -> Point | None:
    points = summary_points(doc)
    return min(points, key=lambda p: p.start) if points else None


def central_point(doc: TranscriptDoc) -> Point | None:
    """The most central argument with no preference for a stance: the summariser's measure alone."""
    points = summary_points(doc)
    if not points:
        return None
    centrality = similarity_and_centrality(points)[1]
    return points[int(centrality.argmax())]


def sentences_of(point: Point, segments: Sequence[dict[str, Any]]) -> set[int]:
    """The transcript sentences a point's time span covers."""
    return {
        i for i, s in enumerate(segments)
        if float(s["start"]) < point.end - 1e-6 and float(s["end"]) > point.start + 1e-6
    }  # fmt: skip


def first_points(doc: TranscriptDoc) -> list[Point]:
    """As many arguments as the summary keeps, from the start: what a summary of the opening says."""
    points = summary_points(doc)
    return points[: len(key_points_of(doc))]


def central_points(doc: TranscriptDoc) -> list[Point]:
    points = summary_points(doc)
    if not points:
        return []
    order = similarity_and_centrality(points)[1].argsort()[::-1]
    return [points[int(i)] for i in order[: len(key_points_of(doc))]]


KEY_POINTS: dict[str, Callable[[TranscriptDoc], list[Point]]] = {
    "key points (default summariser)": key_points_of, "first arguments": first_points,
    "most central arguments": central_points,
}  # fmt: skip
PICKS: dict[str, Pick] = {"gist (default summariser)": gist_point, "first argument": first_point,
                          "most central argument": central_point}  # fmt: skip


def _count(row: dict[str, int], covered: set[int], main: set[int], second: set[int]) -> None:
    row["main"] += bool(covered & main)
    row["main_or_second"] += bool(covered & (main | second))


def evaluate(labels: dict[str, Any], items: list[dict[str, Any]], show: bool = False) -> dict[str, Any]:
    rows: dict[str, dict[str, int]] = {
        name: {"main": 0, "main_or_second": 0} for name in [*PICKS, *KEY_POINTS]
    }
    positions = nothing = nothing_said = 0
    store = Store.memory()
    try:
        for n, item in enumerate(items):
            label = labels.get(item["id"])
            if label is None:
                continue
            doc = stored_doc(store, item, n)
            if label.get("kind") == "none" or not label.get("main"):
                nothing += 1
                nothing_said += default_summary(doc).gist.startswith("No argument found")
                continue
            positions += 1
            main, second = set(label["main"]), set(label.get("second", []))
            for name, pick in PICKS.items():
                point = pick(doc)
                covered = sentences_of(point, item["segments"]) if point else set()
                _count(rows[name], covered, main, second)
                if show and name.startswith("gist") and not covered & main:
                    print(
                        f"  miss {item['id']}: gist on {sorted(covered)}, main {sorted(main)}",
                        file=sys.stderr,
                    )
            for name, several in KEY_POINTS.items():
                covered = set().union(*(sentences_of(p, item["segments"]) for p in several(doc)))
                _count(rows[name], covered, main, second)
    finally:
        store.close()
    share = {name: {k: round(v / positions, 3) if positions else 0.0 for k, v in row.items()}
             for name, row in rows.items()}  # fmt: skip
    return {
        "positions": positions,
        "states_it": share,
        "argue_nothing": nothing,
        "nothing_said": nothing_said,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--show", action="store_true", help="name each transcript whose gist misses")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    report = evaluate(labels, read_transcripts(args.files), args.show)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"transcripts with a position: {report['positions']}")
    print("| pick | states the main position | main or a weaker statement |\n|---|---|---|")
    for name, row in report["states_it"].items():
        print(f"| {name} | {row['main']:.3f} | {row['main_or_second']:.3f} |")
    print(f"arguing nothing: {report['argue_nothing']}, gist says so: {report['nothing_said']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
