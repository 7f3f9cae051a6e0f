"""Checks on the hand-labelled argument-extraction dataset in tests/data/argeval/.

`argmap eval` scores extractors against these files, so a malformed line, a label typo, a
sentence that leaked from dev into held-out, or a README table that no longer matches the
data would silently corrupt every number we publish. These tests pin the file format and the
dataset's promises (size, variety, balance, independence of the held-out split) and read only
two small files, so they run in well under a second.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent / "data" / "argeval"
SPLITS = ("dev", "heldout", "newtopics")
LABELS = ("other", "claim", "critique", "call_to_action")
TRANSCRIPT_KEYS = {"id", "commentator", "topic", "split", "segments"}
SEGMENT_KEYS = {"start", "end", "text", "label"}
MIN_SENTENCES = {"dev": 300, "heldout": 120, "newtopics": 300}

# A sentence boundary inside one segment: terminal punctuation (maybe closing a quote), a
# space, then a capital letter. Whisper-style text has no "Mr."/"Dr." abbreviations here.
INNER_BOUNDARY = re.compile(r"[.!?][\"”]?\s+[A-Z]")
SENTENCE_END = re.compile(r"[.!?][\"”]?$")


@cache
def load(split: str) -> tuple[dict[str, Any], ...]:
    path = DATA / f"{split}.jsonl"
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number} is blank"
        rows.append(json.loads(line))
    return tuple(rows)


def segments(split: str) -> list[dict[str, Any]]:
    return [seg for t in load(split) for seg in t["segments"]]


def normalise(text: str) -> str:
    """Case, punctuation and filler-spacing blind, so near-copies count as duplicates."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@pytest.mark.parametrize("split", SPLITS)
def test_schema_and_labels(split: str) -> None:
    rows = load(split)
    assert rows, f"{split}.jsonl is empty"
    for t in rows:
        assert set(t) == TRANSCRIPT_KEYS, t.get("id")
        assert t["split"] == split, t["id"]
        for key in ("id", "commentator", "topic"):
            assert isinstance(t[key], str) and t[key].strip() == t[key] and t[key], (t["id"], key)
        assert isinstance(t["segments"], list) and len(t["segments"]) >= 10, t["id"]
        for seg in t["segments"]:
            assert set(seg) == SEGMENT_KEYS, (t["id"], seg)
            assert seg["label"] in LABELS, (t["id"], seg)
            assert is_number(seg["start"]) and is_number(seg["end"]), (t["id"], seg)
            assert isinstance(seg["text"], str) and seg["text"] == seg["text"].strip(), seg


@pytest.mark.parametrize("split", SPLITS)
def test_times_are_monotonic_and_speech_paced(split: str) -> None:
    rates = []
    for t in load(split):
        previous_end = 0.0
        for seg in t["segments"]:
            assert 0 <= previous_end <= seg["start"] < seg["end"], (t["id"], seg)
            previous_end = seg["end"]
            words = len(seg["text"].split())
            rate = words / (seg["end"] - seg["start"])
            # Conversational speech sits around 2.5 words a second; far outside that the
            # span would not be one spoken sentence.
            assert 1.5 <= rate <= 4.0, (t["id"], round(rate, 2), seg["text"])
            rates.append(rate)
    assert 2.0 <= statistics.median(rates) <= 3.0


@pytest.mark.parametrize("split", SPLITS)
def test_one_sentence_per_segment(split: str) -> None:
    for seg in segments(split):
        assert SENTENCE_END.search(seg["text"]), seg["text"]
        assert not INNER_BOUNDARY.search(seg["text"]), seg["text"]


@pytest.mark.parametrize("split", SPLITS)
def test_size_variety_and_balance(split: str) -> None:
    rows = load(split)
    labels = Counter(seg["label"] for seg in segments(split))
    total = sum(labels.values())
    assert total >= MIN_SENTENCES[split]
    wanted_variety = 8 if split == "dev" else 6
    assert len({t["commentator"] for t in rows}) >= wanted_variety
    assert len({t["topic"] for t in rows}) >= wanted_variety
    # Roughly 25/40/20/15 since the story's reported facts count as claims and channel
    # housekeeping does not count as a call to action (README, "Label guidelines"); loose bands
    # so a few relabels do not break the build, tight enough that a skewed split (all "other",
    # no calls to action) does.
    share = {label: labels[label] / total for label in LABELS}
    assert 0.18 <= share["other"] <= 0.35, share
    assert 0.30 <= share["claim"] <= 0.48, share
    assert 0.15 <= share["critique"] <= 0.30, share
    assert 0.10 <= share["call_to_action"] <= 0.22, share


@pytest.mark.parametrize("split", SPLITS)
def test_third_person_summaries_present(split: str) -> None:
    """Attribution ("He criticizes X") is a named hard case, so each split must carry it."""
    summaries = [t for t in load(split) if "-summary-" in t["id"]]
    assert summaries, split
    for t in summaries:
        surname = t["commentator"].split()[-1]
        texts = [seg["text"] for seg in t["segments"]]
        assert any(surname in text for text in texts), t["id"]
        third_person = [x for x in texts if re.match(r"(He|She|\w+ (argues|says|urges))\b", x)]
        assert len(third_person) >= 5, t["id"]
        assert {"claim", "critique", "call_to_action"} <= {s["label"] for s in t["segments"]}


def test_no_duplicate_sentences_anywhere() -> None:
    seen: dict[str, str] = {}
    for split in SPLITS:
        for t in load(split):
            for seg in t["segments"]:
                key = normalise(seg["text"])
                assert key not in seen, f"{t['id']} repeats a sentence from {seen[key]}: {key}"
                seen[key] = t["id"]


@pytest.mark.parametrize(
    ("first", "second"), [("dev", "heldout"), ("dev", "newtopics"), ("heldout", "newtopics")]
)
def test_splits_are_independent(first: str, second: str) -> None:
    one, other = load(first), load(second)
    assert not {t["id"] for t in one} & {t["id"] for t in other}
    assert len({t["id"] for t in one}) == len(one)
    assert len({t["id"] for t in other}) == len(other)
    # No commentator is in two splits, so a speaker's habits cannot be learned from dev and then
    # rewarded on held-out or on the new topics.
    assert not {t["commentator"] for t in one} & {t["commentator"] for t in other}
    sentences = {normalise(seg["text"]) for seg in segments(first)}
    assert not sentences & {normalise(seg["text"]) for seg in segments(second)}


def test_readme_counts_match_the_data() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for split in SPLITS:
        row = re.search(rf"^\|\s*{split}\s*\|(.+)\|\s*$", readme, re.MULTILINE)
        assert row, f"README.md has no counts row for {split}"
        cells = [int(c) for c in row.group(1).split("|")]
        rows = load(split)
        labels = Counter(seg["label"] for seg in segments(split))
        expected = [
            len(rows),
            len({t["commentator"] for t in rows}),
            len({t["topic"] for t in rows}),
            *(labels[label] for label in LABELS),
            sum(labels.values()),
        ]
        assert cells == expected, (split, cells, expected)
