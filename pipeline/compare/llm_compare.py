"""Compare with an LLM: key point labels written, sides judged, both checked, offline behind.

With an LLM configured (``argmap compare --llm`` and the ``--llm-*`` flags or ``ARGMAP_LLM_*``),
a key point's label can be a sentence the model writes from its members instead of the most
central argument, and each member's side towards its key point can be the model's judgement.
Nothing the model says is taken on trust:

* a label is kept only when most of the key point's own arguments still match it with the
  trained matcher (:func:`argmap.pipeline.compare.kpa._relabel`); otherwise the argument label
  stays;
* a judgement must name a pair that was asked about and one of ``agrees`` / ``contrasts``;
  pairs with a missing or unknown answer, and every pair when the endpoint fails, are judged by
  the offline relation model instead, and the run records both methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from argmap import prompts as prompt_files
from argmap.pipeline.compare.clustering import KeyPointResult
from argmap.pipeline.compare.sides import Judge
from argmap.pipeline.llm_client import Budget, LLMError, LLMStageBase, boundary, chat_messages
from argmap.pipeline.search.embed import argument_text
from argmap.pipeline.text import clean_line

LABEL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"label": {"type": "string"}},
    "required": ["label"],
    "additionalProperties": False,
}
RELATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "relations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"pair": {"type": "integer"}, "relation": {"enum": ["agrees", "contrasts"]}},
                "required": ["pair", "relation"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["relations"],
    "additionalProperties": False,
}
#: pairs sent in one request
PAIRS_PER_REQUEST = 20
#: members shown to the model when it writes a label
LABEL_MEMBERS = 8


class LLMCompare(LLMStageBase):
    """Labels and judgements from the configured endpoint (see the module docstring)."""

    def __init__(self, fallback: Judge, **options: Any):
        super().__init__(**options)
        self.fallback = fallback
        self.label_template = prompt_files.load("compare_label")
        self.relation_template = prompt_files.load("compare_relation")
        self.notes: list[str] = []
        self.judged_by_llm = 0

    @property
    def method(self) -> str:
        return f"llm:{self.version}:{self.relation_template.hash}+{self.fallback.name}"

    def label(self, result: KeyPointResult) -> str | None:
        texts = [argument_text(m.argument) for m in result.members[:LABEL_MEMBERS]]
        body = "\n".join(f"- {clean_line(t, 400)}" for t in texts)
        messages = chat_messages(self.label_template, arguments=body, boundary=boundary(body))
        try:
            reply = self._ask(messages, LABEL_SCHEMA, Budget(self.config))
        except LLMError as err:
            self.notes.append(f"LLM label failed ({err}); kept the argument label")
            return None
        label = reply.get("label")
        if not isinstance(label, str) or not 3 <= len(label.split()) <= 25:
            self.notes.append("LLM label rejected (not a short sentence); kept the argument label")
            return None
        return clean_line(label, 300)

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, float]]:
        """(relation, confidence) per (argument, key point); the offline model fills any gap."""
        answers: dict[int, str] = {}
        budget = Budget(self.config)
        for start in range(0, len(pairs), PAIRS_PER_REQUEST):
            batch = pairs[start : start + PAIRS_PER_REQUEST]
            body = "\n".join(
                f"[{start + n}] ARGUMENT: {clean_line(a, 400)}\n     KEY POINT: {clean_line(b, 300)}"
                for n, (a, b) in enumerate(batch)
            )
            messages = chat_messages(self.relation_template, pairs=body, boundary=boundary(body))
            try:
                reply = self._ask(messages, RELATION_SCHEMA, budget)
            except LLMError as err:
                self.notes.append(f"LLM relations failed ({err}); the relation model judged them")
                break
            wanted = range(start, start + len(batch))
            for item in reply.get("relations") or []:
                if not isinstance(item, dict):
                    continue
                pair, relation = item.get("pair"), item.get("relation")
                # Only pairs that were asked about, only the two known answers.
                if isinstance(pair, int) and pair in wanted and relation in ("agrees", "contrasts"):
                    answers[pair] = relation
        missing = [i for i in range(len(pairs)) if i not in answers]
        if missing:
            offline = self.fallback.judge([pairs[i] for i in missing])
            filled = dict(zip(missing, offline, strict=True))
        else:
            filled = {}
        self.judged_by_llm += len(answers)
        return [(answers[i], 1.0) if i in answers else filled[i] for i in range(len(pairs))]


def llm_judge(fallback: Judge, **options: Any) -> tuple[Judge, LLMCompare]:
    """A :class:`Judge` backed by the LLM, and the object that also writes labels."""
    llm = LLMCompare(fallback, **options)
    return Judge(llm.method, llm.judge, lambda: llm.method if llm.judged_by_llm else fallback.name), llm
