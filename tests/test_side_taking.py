"""The side-taking model: relayed facts from the speaker's own positions (compare's sides)."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.pipeline.compare.side_taking import WEIGHTS, load_side_taking
from argmap.pipeline.errors import ModelError

# Written for this test: reports of a story (attributed or plain figures) and opinions on it.
REPORTS = [
    "According to the Evening Post, the council voted nine to four on Monday to close the Riverside "
    "pool in May.",
    "The operator says the new timetable starts on the second of June and cuts the evening trains "
    "from six to four.",
    "Ministers announced on Thursday that the scheme will cost around forty million pounds over three years.",
    "The club confirmed in a statement that adult season tickets will rise from three hundred and ten to "
    "three hundred and sixty pounds.",
    "The pool has been open since nineteen seventy-two and gets about eleven thousand visits a month.",
]
OPINIONS = [
    "Closing the pool is a short-sighted mistake that will cost the town far more than it saves.",
    "Cutting the evening trains is going to leave shift workers stranded.",
    "Forty million is a fair price if it actually gets people off waiting lists.",
    "Honestly, the price rise will push out exactly the fans who have been coming for decades.",
    "The savings figure is basically made up; they've counted the staff twice.",
]


def test_without_its_weights_there_is_no_model(tmp_path: Path) -> None:
    assert load_side_taking(tmp_path / "missing.npz") is None
    assert WEIGHTS.is_file()  # the shipped weights are in the package


def test_a_damaged_weights_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "side_taking.npz"
    bad.write_bytes(b"not a numpy archive")
    with pytest.raises(ModelError, match="side-taking weights"):
        load_side_taking(bad)


@pytest.mark.slow
def test_reports_read_as_taking_no_side_and_opinions_as_taking_one() -> None:
    model = load_side_taking()
    assert model is not None
    reports = model.probabilities(REPORTS).tolist()
    opinions = model.probabilities(OPINIONS).tolist()
    # Ranked: how often an opinion scores above a report (AUC); chance is 0.5. Measured 0.92 when
    # written (one report, a club's confirmed price rise, sits above two opinions).
    above = sum(o > r for o in opinions for r in reports) / (len(opinions) * len(reports))
    assert above >= 0.8, (reports, opinions)
    assert sum(p < 0.5 for p in reports) >= 4, reports
