"""The questions of ``benchmarks/eval_search.py``: every answer names a sentence that exists.

A wrong index would score search against a sentence that does not answer the question, and the
published figures would measure the file, not search. Reads only the data files.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "benchmarks" / "data" / "search_questions.jsonl"
KINDS = {"names_subject", "commentator_view", "fact", "call", "free"}


def test_every_answer_is_a_sentence_of_its_story() -> None:
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    assert len(questions) >= 300
    stories: dict[tuple[str, str], dict[str, list[dict]]] = {}
    for q in questions:
        assert (
            q["split"] in ("dev", "heldout", "heldout2", "heldout3", "heldout4")
            and q["kind"] in KINDS
            and q["question"].strip()
        )
        key = (q["file"], q["story"])
        if key not in stories:
            rows = [json.loads(line) for line in (ROOT / q["file"]).read_text(encoding="utf-8").splitlines()]
            story = next(r for r in rows if r["story"] == q["story"])
            stories[key] = {t["id"]: t["segments"] for t in story["transcripts"]}
        assert q["answers"], q["question"]
        for transcript, index in q["answers"]:
            assert 0 <= index < len(stories[key][transcript]), (q["question"], transcript, index)
    # each story asked about as the README says: six questions, each split its own stories
    per_story = Counter(key for key in ((q["file"], q["story"]) for q in questions))
    assert set(per_story.values()) == {6}
    split_of = {(q["file"], q["story"]): q["split"] for q in questions}
    assert all(split_of[(q["file"], q["story"])] == q["split"] for q in questions)
