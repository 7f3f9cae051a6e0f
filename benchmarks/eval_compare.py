"""How right compare is on commentary: planted agreements and clashes (see
:mod:`argmap.pipeline.compare.evaluate`).

    .venv/bin/python benchmarks/eval_compare.py [FILE ...] [--split dev|heldout] [--matcher PATH]
                                                [--threshold T] [--per-story] [--json]

Defaults to every file under ``tests/data/compare_eval``. Prints, per relation, how many links
compare shows and how many are on a labelled point with the right relation (precision), and how
many of the labelled pairs it links (recall): once from the default extractor's arguments (what a
user gets), once from the labelled arguments (compare alone), with the negation-parity rule as the
judge beside the relation model in the same run. ``--matcher`` swaps in another matcher adapter
(one written by ``train_commentary_matcher.py``, say) for the whole run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from argmap.pipeline.compare import matcher
from argmap.pipeline.compare.evaluate import describe, evaluate_stories, load_stories
from argmap.pipeline.compare.sides import rule_judge

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "compare_eval"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--split", default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--per-story", action="store_true")
    parser.add_argument("--matcher", type=Path, help="another matcher adapter file")
    parser.add_argument("--threshold", type=float, help="match threshold (default: the matcher's own)")
    opts = parser.parse_args(argv)
    if opts.matcher:
        other = matcher.Matcher(opts.matcher)
        other.name = f"{other.name}:{opts.matcher.name}"
        matcher.load_matcher = lambda weights=None: other  # type: ignore[assignment]  # what compare loads
    files = opts.files or sorted(DATA.glob("*.jsonl"))
    stories = [s for f in files for s in load_stories(f, opts.split)]
    if not stories:
        sys.exit("no stories")
    rows = {}
    rule = rule_judge()
    for name, options in (
        ("extracted, relation model", {}),
        ("labelled arguments, relation model", {"gold_arguments": True}),
        ("labelled arguments, negation rule", {"gold_arguments": True, "judge": rule}),
    ):
        total, each = evaluate_stories(stories, threshold=opts.threshold, **options)
        rows[name] = {"total": total.as_dict(), "stories": {k: v.as_dict() for k, v in each}}
        if not opts.json:
            print(f"== {name} ({len(stories)} stories)")
            print("\n".join(describe(total)))
            if opts.per_story:
                for story, score in each:
                    print(f"  -- {story}")
                    print("\n".join("  " + line for line in describe(score)))
    if opts.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
