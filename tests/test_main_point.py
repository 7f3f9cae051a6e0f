"""Which argument the gist states: the main-position ranker and the readers' labels it is fitted on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argmap.pipeline.summarise.default import Point, cover, default_summary
from argmap.pipeline.summarise.main_point import FEATURES, WEIGHTS, features, scores

ROOT = Path(__file__).resolve().parent.parent
LABELS = {
    ROOT / "tests" / "data" / "argeval" / "main_points.json": [
        ROOT / "tests" / "data" / "argeval" / f"{split}.jsonl" for split in ("dev", "newtopics", "heldout")
    ],
    ROOT / "benchmarks" / "data" / "main_points.json": sorted(
        (ROOT / "benchmarks" / "data").glob("p*_commentary_*.jsonl")
    ),
}


def test_features_read_place_voice_and_whose_words():
    texts = [
        "Critics said the levy would shut out families.",
        "Mendes argues that the tariff will cost factories more than it saves.",
        "Overall, I think the levy is the right call.",
    ]
    rows = features(texts, "Rosa Mendes")
    assert len(WEIGHTS) == len(FEATURES) == len(rows[0])
    at = {name: [row[i] for row in rows] for i, name in enumerate(FEATURES)}
    assert at["position"] == [0.0, 0.5, 1.0]
    assert at["hearsay"] == [1.0, 0.0, 0.0]
    assert at["reports_speaker"] == [0.0, 1.0, 0.0]
    assert at["own_view"] == [0.0, 0.0, 1.0] and at["concludes"] == [0.0, 0.0, 1.0]
    assert at["judges"] == [0.0, 0.0, 1.0]


def test_an_article_in_a_channel_name_is_not_its_name():
    rows = features(
        ["The company says the update ships in May.", "Guy says the update is late."], "The Tech Guy"
    )
    assert [row[FEATURES.index("reports_speaker")] for row in rows] == [0.0, 1.0]


def test_a_summarised_persons_reported_view_outranks_the_facts_around_it():
    texts = [
        "The tariff starts in March at twenty five percent.",
        "Mendes argues that the tariff will cost factories more than it saves.",
        "Steel imports rose by a tenth last year.",
        "Two mills in the north closed in the spring.",
    ]
    ranked = scores(texts, "Rosa Mendes")
    assert max(range(len(texts)), key=ranked.__getitem__) == 1


def test_the_gist_is_the_verdict_not_the_side_point_that_shares_the_most_words():
    # The camera complaints share their words with each other, so centrality alone picks one of
    # them; the verdict closes the review in the speaker's own voice.
    points = [
        Point("critique", "The camera app crashes when the camera switches to night mode.", 0, 1, None),
        Point(
            "critique", "Night mode on the camera smears every photo of a moving camera subject.", 2, 3, None
        ),
        Point("claim", "The battery lasts a day and a half of heavy use.", 4, 5, None),
        Point(
            "critique",
            "The camera's zoom is soft beyond three times, the camera software too eager.",
            6,
            7,
            None,
        ),
        Point(
            "claim", "So overall, I think it's worth it if your phone is three or four years old.", 8, 9, None
        ),
    ]
    assert cover(points, 3)[1] == 4


def test_a_video_summary_states_the_verdict():
    from test_extract import doc_of

    lines = [
        "Hey everyone, welcome back to the channel.",
        "The Nimbus tablet costs four hundred pounds and ships next week.",
        "The keyboard cover flexes when you type on your lap, which is a real shame.",
        "The keyboard cover also lacks a backlight, so typing at night is guesswork.",
        "The screen is sharp and bright enough for a sunny train.",
        "Overall, I think the Nimbus tablet is the best value tablet you can buy this year.",
        "Thanks for watching and see you next time.",
    ]
    gist = default_summary(doc_of(lines)).gist
    assert "best value tablet" in gist, gist


@pytest.mark.parametrize("labels_path", sorted(LABELS), ids=lambda p: p.parent.name)
def test_main_point_labels_name_real_sentences(labels_path: Path):
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    sizes = {}
    for path in LABELS[labels_path]:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            sizes[row["id"]] = len(row.get("segments", row.get("sentences", [])))
    assert set(labels) == set(sizes)  # every transcript labelled, no label without its transcript
    for tid, label in labels.items():
        assert label["kind"] in ("position", "none")
        assert (label["kind"] == "none") == (not label["main"]), tid
        marked = label["main"] + label["second"]
        assert all(0 <= i < sizes[tid] for i in marked) and not set(label["main"]) & set(label["second"]), tid
