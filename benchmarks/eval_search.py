"""How often search puts the answer to a natural question first, or in the top 3.

    .venv/bin/python benchmarks/eval_search.py [QUESTIONS.jsonl] [--split SPLIT] [--library] [--json]

Each question (``benchmarks/data/search_questions.jsonl``, written for this eval) names its story
file, the story and the sentences that answer it (transcript id, sentence index). Each story's
transcripts are stored as a user would have them after ingesting its videos, extracted with the
default extractor and embedded; then each question goes through what ``argmap search`` shows
(:func:`argmap.pipeline.search.relevance.answers`, top 10, the default scope). A question is
answered at rank r when the r-th hit shown covers one of its sentences. With ``--library`` all
stories share one database (a library of stories) instead of one each (a user following one
story). Printed: answered first, in the top 3, in the top 10, and the mean reciprocal rank, per
question kind, for the shipped search and, in the same run, without one of the steps that read the
question (:mod:`argmap.pipeline.search.question`): calls first for a question about what to do
(``calls_first``), titles last for a question (``titles_last``), a person's own words first for a
question about what they said (``sayer_first``), figures first for a question that asks for a figure
or a time (``figures_first``); and with none of the four.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import argmap.pipeline.search.query as query_module
from argmap.pipeline.compare.evaluate import load_stories, store_story
from argmap.pipeline.config import DEFAULT_SEARCH_SCOPE
from argmap.pipeline.extract.registry import get_extractor
from argmap.pipeline.extract.run import extract_video
from argmap.pipeline.search.embed import embed_all
from argmap.pipeline.search.relevance import answers
from argmap.store import Store

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "benchmarks" / "data" / "search_questions.jsonl"
SHOWN = 10


def build(stories: list[dict[str, Any]]) -> Store:
    store = Store.memory()
    extractor = get_extractor("default")
    for story in stories:
        for video in store_story(store, story):
            extract_video(store, video, extractor)
    embed_all(store)
    return store


def rank_of(store: Store, question: dict[str, Any]) -> int | None:
    """The rank (1-based) of the first hit shown that covers an answer sentence, or None."""
    gold = {(f"eval:{tid}", int(i)) for tid, i in question["answers"]}
    shown = answers(store, question["question"], limit=SHOWN, scope=DEFAULT_SEARCH_SCOPE, mode="hybrid")
    for rank, judged in enumerate(shown.shown, start=1):
        item = judged.hit.item
        last = item.seg_last if item.seg_last is not None else item.seg_first
        if any(v == judged.hit.video_id and item.seg_first <= i <= last for v, i in gold):
            return rank
    return None


#: the runs compared: what ships, and search with one of its question-reading steps left out
VARIANTS: dict[str, dict[str, Any]] = {
    "shipped": {},
    "no calls first": {"calls_first": lambda query, hits: hits},
    "no titles last": {"titles_last": lambda query, hits: hits},
    "no sayer first": {"sayer_first": lambda query, hits: hits},
    "no figures first": {"figures_first": lambda query, hits: hits},
    "none of the four": {
        step: lambda query, hits: hits
        for step in ("calls_first", "titles_last", "sayer_first", "figures_first")
    },
}


@contextmanager
def variant(name: str) -> Iterator[None]:
    patches = VARIANTS[name]
    kept = {attr: getattr(query_module, attr) for attr in patches}
    for attr, value in patches.items():
        setattr(query_module, attr, value)
    try:
        yield
    finally:
        for attr, value in kept.items():
            setattr(query_module, attr, value)


def summary(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "questions": len(ranks),
        "first": sum(r == 1 for r in ranks) / n,
        "top3": sum(r is not None and r <= 3 for r in ranks) / n,
        "top10": sum(r is not None for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=QUESTIONS)
    parser.add_argument(
        "--split",
        choices=("dev", "heldout", "heldout2", "heldout3", "heldout4"),
        help="only this split's questions",
    )
    parser.add_argument("--library", action="store_true", help="all stories in one database")
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args(argv)
    questions = [json.loads(line) for line in opts.questions.read_text(encoding="utf-8").splitlines() if line]
    questions = [q for q in questions if opts.split in (None, q.get("split"))]
    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    stories: dict[str, dict[str, Any]] = {}
    for q in questions:
        by_story[q["story"]].append(q)
        if q["story"] not in stories:
            found = [s for s in load_stories(ROOT / q["file"]) if s["story"] == q["story"]]
            stories[q["story"]] = found[0]
    ranks: dict[str, dict[str, list[int | None]]] = {name: defaultdict(list) for name in VARIANTS}
    groups = [list(stories)] if opts.library else [[s] for s in stories]
    detail = []
    for group in groups:
        store = build([stories[s] for s in group])
        try:
            for story in group:
                for q in by_story[story]:
                    row: dict[str, Any] = {"question": q["question"], "kind": q.get("kind", "")}
                    for name in VARIANTS:
                        with variant(name):
                            row[name] = rank_of(store, q)
                        ranks[name][row["kind"]].append(row[name])
                    detail.append(row)
        finally:
            store.close()
    report = {}
    for name, kinds in ranks.items():
        per_kind = {k: summary(rows) for k, rows in kinds.items()}
        report[name] = {"all": summary([r for rows in kinds.values() for r in rows]), **per_kind}
    if opts.json:
        print(json.dumps({"report": report, "questions": detail}, indent=1))
        return
    where = "one library" if opts.library else "a database each"
    print(f"{len(questions)} questions, {len(stories)} stories, {where}")
    print(f"{'kind':<18} {'run':<15} {'n':>4} {'first':>6} {'top 3':>6} {'top 10':>6} {'MRR':>6}")
    for kind in report["shipped"]:
        for name in VARIANTS:
            s = report[name][kind]
            print(f"{kind:<18} {name:<15} {s['questions']:>4} {s['first']:>6.3f} {s['top3']:>6.3f} "
                  f"{s['top10']:>6.3f} {s['mrr']:>6.3f}")  # fmt: skip
    for other in list(VARIANTS)[1:]:
        print(f"questions ranked differently by the shipped search and by {other!r} ({other} -> shipped):")
        for d in detail:
            if d["shipped"] != d[other]:
                print(f"  {d[other]} -> {d['shipped']}  {d['question']}")


if __name__ == "__main__":
    main()
