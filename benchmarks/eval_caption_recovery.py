"""Sentence ends and argument recovery in caption form, on any punctuated transcripts (no labels).

How much of a punctuated transcript's arguments come back from its auto-caption form.

    .venv/bin/python benchmarks/eval_caption_recovery.py FILE.jsonl [FILE ...] [--weights PATH]
                                                         [--ends FILE.json] [--no-baseline] [--json]

Each line of a FILE is a transcript in the corpus format of ``benchmarks/data``
(``{"id": ..., "sentences": [...]}``), the labelled eval format of ``tests/data/argeval``
(``segments``; labels are not needed) or a compare story (``transcripts``, each of ``segments``).
Each sentence or segment must be exactly one sentence, since its end is taken as a true sentence
end (Whisper segments or caption cues would be scored wrongly). Every transcript is reduced to
caption form (lower case, no punctuation, 7-word cues: :mod:`argmap.pipeline.extract.caption_eval`)
and read twice by the default extractor, punctuated and as captions, as ``argmap eval --captions``
does on its labelled sets. Printed: the sentence ends the splitter finds in the caption form
(precision / recall / F1 against the punctuated sentences, its cuts by length included) and the
recovery figures (of the argument sentences of the punctuated run, how many come back with the same
words and type; of its arguments, how many with the same span and type), for the shipped restorer
(or ``--weights``) and, in the same run, for the splitter without any restorer (cuts by length
alone) as the baseline. ``--ends`` reads sentence ends placed by someone else (``{"ends":
{transcript id: [caption word indices]}}``, as ``benchmarks/data/reader_ends.json`` holds a careful
reader's) and measures only the transcripts it lists, with those ends as a third row.

``argmap eval`` scores only the project's labelled transcripts, story commentary written to the
guidelines of the restorer's development text; this script is how the README measures it on other
transcripts (``benchmarks/data/pending_*.jsonl`` and ``probe_*.jsonl``, which the shipped restorer
never read).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract.caption_eval import caption_run, read_transcripts, to_captions
from argmap.pipeline.extract.registry import get_extractor
from argmap.pipeline.sentence_ends import (
    SentenceEndModel,
    load_model,
    model_in_use,
    open_model,
    restorer_name,
)

KINDS = ("all", "claim", "critique", "call_to_action")


class GivenEnds(SentenceEndModel):
    """Sentence ends read from a file, for the caption words of the transcripts it lists; any other
    text the splitter asks about (a long punctuated run) goes to the shipped restorer."""

    def __init__(self, table: dict[tuple[str, ...], list[int]]):
        self.table = table
        self.fallback = load_model()

    def ends(self, words: Sequence[str]) -> list[int]:
        given = self.table.get(tuple(w.lower() for w in words))
        if given is not None:
            return given
        return self.fallback.ends(words) if self.fallback else [len(words) - 1]


def given_ends(path: Path, docs: list[dict[str, Any]]) -> tuple[GivenEnds, list[dict[str, Any]]]:
    """The ends in ``path`` as a restorer, and the transcripts of ``docs`` they are given for."""
    ends = json.loads(path.read_text(encoding="utf-8"))["ends"]
    listed = [d for d in docs if d.get("id") in ends]
    table = {tuple(to_captions(d).words): [int(i) for i in ends[d["id"]]] for d in listed}
    return GivenEnds(table), listed


def measure(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Sentence ends and recovery of ``docs`` with the restorer the splitter uses now."""
    _, recovered, ends = caption_run(docs, get_extractor("default"))
    return {"sentence_ends": ends, "recovery": {k: recovered[k] for k in KINDS}}


def describe(name: str, row: dict[str, Any]) -> list[str]:
    ends = row["sentence_ends"]
    prf = " / ".join(f"{ends[k]:.3f}" for k in ("precision", "recall", "f1"))
    lines = [f"== {name}", f"sentence ends P/R/F1 {prf}"]
    for kind in KINDS:
        r = row["recovery"][kind]
        a = r["arguments"]
        lines.append(
            f"{kind:15s} sentences {r['sentences']:5d}: same words {r['exact_rate']:.3f}, within 2 words "
            f"{r['near_rate']:.3f}, half covered {r['overlap_rate']:.3f} | arguments {a['arguments']:5d}: "
            f"same span {a['exact_rate']:.3f}, within 2 words {a['near_rate']:.3f}"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--weights", type=Path, help="another restorer's weights (default: the shipped one)")
    parser.add_argument("--ends", type=Path, help="ends placed by someone else, by transcript id")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run without a restorer")
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args(argv)
    try:
        docs = read_transcripts(opts.files)
        given, docs = given_ends(opts.ends, docs) if opts.ends else (None, docs)
    except (OSError, ValueError, KeyError, ConfigError) as err:  # a mistyped path, a wrong file
        sys.exit(f"eval_caption_recovery: {err}")
    if not docs:
        sys.exit("no transcripts")
    words = sum(len(str(s["text"]).split()) for d in docs for s in d["segments"])
    rows: dict[str, Any] = {"transcripts": len(docs), "words": words}
    restorer = (
        f"restorer ({opts.weights})" if opts.weights else f"restorer (default: {restorer_name(load_model())})"
    )
    with model_in_use(open_model(opts.weights)) if opts.weights else nullcontext():
        rows[restorer] = measure(docs)
    if given is not None:
        with model_in_use(given):
            rows[f"ends from {opts.ends.name}"] = measure(docs)
    if not opts.no_baseline:
        with model_in_use(None):
            rows["no restorer (cuts by length alone)"] = measure(docs)
    if opts.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{len(docs)} transcripts, {words} words, caption form read by the default extractor")
    for name, row in rows.items():
        if isinstance(row, dict):
            print("\n".join(describe(name, row)))


if __name__ == "__main__":
    main()
