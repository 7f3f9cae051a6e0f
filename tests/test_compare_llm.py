"""Compare with an LLM on a loopback endpoint: labels and sides taken only when they check out.

The endpoint is tests/llm_server.py's OpenAI-compatible stand-in; the matcher is the shipped one.
The offline fallback is a stand-in judge that says ``agrees`` to everything, so every
``contrasts`` in a result can only have come from the (checked) LLM answers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llm_server import LoopbackLLM, http_error, reply
from test_compare import load_transcript

from argmap.pipeline.compare.kpa import kpa_compare
from argmap.pipeline.compare.llm_compare import llm_judge
from argmap.pipeline.compare.sides import Judge
from argmap.store import Store

NEGATION = Path(__file__).parent / "data" / "compare_negation"
AGREE_ALL = Judge("stand-in:agrees", lambda pairs: [("agrees", 0.6)] * len(pairs))


@pytest.fixture
def server():
    s = LoopbackLLM().start()
    yield s
    s.stop()


def _options(server: LoopbackLLM) -> dict[str, Any]:
    return {"base_url": server.base_url, "model": "test-model", "api_key": "sk-test", "timeout": 5.0}


def _store(store: Store) -> Store:
    for path in sorted(NEGATION.glob("*.txt")):
        load_transcript(store, path)
    return store


def _relations_by_rule(request: dict[str, Any]) -> tuple[int, Any]:
    """Answers every pair it was sent: Cora's arguments contrast, others agree; one bogus extra."""
    text = request["messages"][-1]["content"]
    answers = []
    for line in text.splitlines():
        if line.startswith("[") and "ARGUMENT:" in line:
            n = int(line[1 : line.index("]")])
            against = any(w in line for w in ("cut sales", "much worse", "remove the bike lanes"))
            answers.append({"pair": n, "relation": "contrasts" if against else "agrees"})
    answers.append({"pair": 999, "relation": "contrasts"})  # never asked: must be ignored
    return reply({"relations": answers})(request)


def _label_or_relations(label: str):
    def behave(request: dict[str, Any]) -> tuple[int, Any]:
        if "ARGUMENTS" in request["messages"][-1]["content"]:
            return reply({"label": label})(request)
        return _relations_by_rule(request)

    return behave


@pytest.mark.slow
def test_llm_sides_and_labels_are_used_when_they_check_out(store: Store, server: LoopbackLLM) -> None:
    server.queue(_label_or_relations("Bike lanes are good for the shops along them."))
    judge, llm = llm_judge(AGREE_ALL, **_options(server))
    result = kpa_compare(_store(store), judge=judge, labeller=llm.label)
    shops = [kp for kp in result.key_points if any("sales" in m.argument.text for m in kp.members)]
    assert shops and shops[0].key_point.label == "Bike lanes are good for the shops along them."
    relations = {r.relation for kp in result.key_points for r in kp.relations}
    assert "contrasts" in relations  # only the LLM said contrasts
    assert llm.judged_by_llm > 0
    assert result.model.startswith("kpa:") and "llm:" in result.model


@pytest.mark.slow
def test_llm_labels_that_match_nothing_and_unknown_answers_are_rejected(
    store: Store, server: LoopbackLLM
) -> None:
    def behave(request: dict[str, Any]) -> tuple[int, Any]:
        if "ARGUMENTS" in request["messages"][-1]["content"]:
            return reply({"label": "Bananas are the best fruit for a picnic."})(request)
        return reply({"relations": [{"pair": 0, "relation": "maybe"}]})(request)

    server.queue(behave)
    judge, llm = llm_judge(AGREE_ALL, **_options(server))
    result = kpa_compare(_store(store), judge=judge, labeller=llm.label)
    assert result.key_points
    assert all("Bananas" not in kp.key_point.label for kp in result.key_points + result.unique)
    assert {r.relation for kp in result.key_points for r in kp.relations} == {"agrees"}  # all fallback
    assert llm.judged_by_llm == 0


@pytest.mark.slow
def test_a_failing_endpoint_falls_back_to_the_offline_models(store: Store, server: LoopbackLLM) -> None:
    server.queue(http_error(500))
    judge, llm = llm_judge(AGREE_ALL, **_options(server))
    result = kpa_compare(_store(store), judge=judge, labeller=llm.label)
    assert result.key_points and llm.judged_by_llm == 0
    assert any("failed" in note for note in llm.notes)
    assert len(server.requests) >= 1
    assert json.dumps(result.as_dict())  # a whole, storable result
    # the relations say who judged them: the offline fallback, not the LLM that never answered
    methods = {r.method for kp in result.key_points for r in kp.relations}
    assert methods == {f"stance-towards-key-point:{AGREE_ALL.name}"}, methods
