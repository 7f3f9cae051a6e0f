"""The compare evaluation: its labelled stories and its scorer (argmap.pipeline.compare.evaluate)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from argmap.pipeline.compare.evaluate import gold_pairs, load_stories, score_comparison, store_story
from argmap.store import Store

DATA = Path(__file__).parent / "data" / "compare_eval"


def _story() -> dict:
    def seg(
        i: int, text: str, label: str = "claim", point: str | None = None, side: str | None = None
    ) -> dict:
        return {
            "start": i * 5.0,
            "end": i * 5.0 + 4,
            "text": text,
            "label": label,
            "point": point,
            "side": side,
        }

    return {
        "story": "s",
        "points": [{"id": "p1", "statement": "Rents will rise."}, {"id": "p2", "statement": "Build more."}],
        "transcripts": [
            {
                "id": "a",
                "commentator": "Ann",
                "segments": [
                    seg(0, "Hi all.", "other"),
                    seg(1, "Rents go up.", "claim", "p1", "for"),
                    seg(2, "The vote was 9 to 4."),
                ],
            },
            {
                "id": "b",
                "commentator": "Ben",
                "segments": [
                    seg(0, "Rents won't move.", "claim", "p1", "against"),
                    seg(1, "Build, build, build.", "call_to_action", "p2", "for"),
                ],
            },
            {
                "id": "c",
                "commentator": "Cy",
                "segments": [
                    seg(0, "Expect higher rents.", "claim", "p1", "for"),
                    seg(1, "Council voted 9-4."),
                ],
            },
        ],
    }


def _link(relation: str, a: tuple[str, int], b: tuple[str, int], names: dict[str, str]) -> SimpleNamespace:
    members = [
        SimpleNamespace(
            argument=SimpleNamespace(id=f"{v}{i}", video_id=f"eval:{v}", seg_first=i, seg_last=i),
            commentator=names[v],
        )
        for v, i in (a, b)
    ]
    rel = SimpleNamespace(
        relation=relation, source_argument_id=f"{a[0]}{a[1]}", target_argument_id=f"{b[0]}{b[1]}"
    )
    return SimpleNamespace(members=members, relations=[rel])


def test_gold_pairs_come_from_each_commentators_side() -> None:
    assert gold_pairs(_story()) == {
        ("p1", frozenset({"Ann", "Ben"})): "contrasts",
        ("p1", frozenset({"Ann", "Cy"})): "agrees",
        ("p1", frozenset({"Ben", "Cy"})): "contrasts",
    }


def test_links_are_scored_by_point_and_side() -> None:
    names = {"a": "Ann", "b": "Ben", "c": "Cy"}
    comparison = SimpleNamespace(
        arguments=6,
        unique=[],
        key_points=[
            _link("contrasts", ("a", 1), ("b", 0), names),  # right clash
            _link("contrasts", ("a", 1), ("c", 0), names),  # they agree: a false clash
            _link("agrees", ("a", 2), ("c", 1), names),  # a shared fact: not scored
            _link("contrasts", ("a", 2), ("c", 1), names),  # a clash between facts: wrong
            _link("agrees", ("b", 1), ("c", 0), names),  # different points: wrong
        ],
    )
    d = score_comparison(_story(), comparison).as_dict()
    assert d["contrasts"]["links"] == 3 and d["contrasts"]["scored"] == 3 and d["contrasts"]["correct"] == 1
    assert d["agrees"]["links"] == 2 and d["agrees"]["scored"] == 1 and d["agrees"]["correct"] == 0
    assert d["contrasts"]["gold"] == 2 and d["contrasts"]["right"] == 1  # Ann-Ben found, Ben-Cy not
    assert d["agrees"]["gold"] == 1 and d["agrees"]["found"] == 1 and d["agrees"]["right"] == 0
    assert d["all"]["precision"] == pytest.approx(1 / 4)


@pytest.mark.parametrize("name", ["dev.jsonl", "heldout.jsonl"])
def test_labelled_stories_plant_agreements_and_clashes(name: str) -> None:
    stories = load_stories(DATA / name)
    assert len(stories) >= 4
    for story in stories:
        ids = {p["id"] for p in story["points"]}
        assert len(story["transcripts"]) == 3
        for doc in story["transcripts"]:
            for s in doc["segments"]:
                assert s["label"] in ("claim", "critique", "call_to_action", "other")
                assert (s["point"] is None) == (s["side"] is None) and (
                    s["point"] is None or s["point"] in ids
                )
        relations = list(gold_pairs(story).values())
        assert relations.count("agrees") >= 2 and relations.count("contrasts") >= 2, story["story"]


def test_a_story_is_stored_as_videos_with_labelled_arguments() -> None:
    store = Store.memory()
    videos = store_story(store, _story(), gold_arguments=True)
    assert [v.id for v in videos] == ["eval:a", "eval:b", "eval:c"]
    from argmap.store.queries import arguments_in_context

    args = arguments_in_context(store)
    assert len(args) == 6 and {a.type for a in args} == {"claim", "call_to_action"}


@pytest.mark.slow
def test_a_labelled_story_is_compared_and_scored_end_to_end() -> None:
    from argmap.pipeline.compare.evaluate import evaluate_stories

    story = load_stories(DATA / "dev.jsonl")[0]
    for gold in (True, False):
        total, each = evaluate_stories([story], gold_arguments=gold)
        d = total.as_dict()
        assert [name for name, _ in each] == [story["story"]]
        assert d["all"]["gold"] == len(gold_pairs(story))
        assert d["arguments"] > 10 and 0 <= d["unmatched"] < d["arguments"]
        assert d["all"]["links"] > 0  # three commentators on one story share some key point
        for r in ("agrees", "contrasts"):
            x = d[r]
            assert x["correct"] <= x["on_point"] <= x["scored"] <= x["links"]
            assert x["right"] <= x["found"] <= x["gold"]
