"""Arguments by an LLM: chunk by chunk, every quote found in the transcript or dropped.

Quotes that read like instructions to a model are dropped too (:data:`INJECTION`). When the
endpoint fails or keeps answering badly, the video falls back to the default extractor (the
rows then carry that extractor's name) and the result says so.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from argmap import prompts as prompt_files
from argmap.pipeline.document import Sentence, TranscriptDoc
from argmap.pipeline.extract.base import ExtractionResult, make_argument
from argmap.pipeline.extract.offline import ClassifierExtractor
from argmap.pipeline.llm_client import (
    Budget,
    CapReached,
    ChatClient,
    InvalidOutput,
    LLMConfig,
    LLMError,
    LLMStageBase,
    boundary,
    chat_messages,
    chunk_sentences,
    prompt_record,
    render_lines,
)
from argmap.store import ARGUMENT_TYPES, Argument

_NORM_DROP = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(_NORM_DROP.sub(" ", text).split())


class QuoteIndex:
    """Finds a (normalised) quote in the transcript and says which sentences it spans."""

    def __init__(self, sentences: Sequence[Sentence]):
        self.sentences = list(sentences)
        parts, self.offsets, pos = [], [], 0
        for s in self.sentences:
            norm = normalise(s.text)
            self.offsets.append(pos)
            parts.append(norm)
            pos += len(norm) + 1
        self.text = " ".join(parts)

    def find(self, quote: str, min_words: int = 3) -> tuple[int, int] | None:
        norm = normalise(quote)
        if len(norm.split()) < min(min_words, len(self.text.split())):
            return None
        at = self.text.find(norm)
        if at < 0 or not norm:
            return None
        first = bisect_right(self.offsets, at) - 1
        last = bisect_right(self.offsets, at + len(norm) - 1) - 1
        return first, last


INJECTION = re.compile(
    r"\b(?:ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts?|rules)|"
    r"disregard (?:all |the )?(?:previous|prior|above)|system prompt|you are now|new instructions|"
    r"developer mode|jailbreak|output (?:the following|exactly))\b",
    re.I,
)


ARGUMENTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "arguments": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": list(ARGUMENT_TYPES)},
                    "text": {"type": "string"},
                    "quote": {"type": "string"},
                    "target": {"type": ["string", "null"]},
                    "confidence": {"type": "number"},
                },
                "required": ["type", "text", "quote", "target", "confidence"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["arguments"],
    "additionalProperties": False,
}


class LLMExtractor(LLMStageBase):
    """Arguments by an LLM, chunk by chunk, every quote checked against the transcript."""

    name = "llm"

    def __init__(self, config: LLMConfig | None = None, client: ChatClient | None = None, **options: Any):
        super().__init__(config, client, **options)
        self.template = prompt_files.load("extract")

    def extract(self, doc: TranscriptDoc) -> ExtractionResult:
        notes: list[str] = []
        try:
            args = self._extract(doc, notes)
        except LLMError as err:
            fallback = ClassifierExtractor().extract(doc)
            fallback.notes = [*notes, f"LLM extraction failed ({err}); used the default extractor instead"]
            return fallback
        return ExtractionResult(args, self.name, self.version, notes, [prompt_record(self.template)])

    def _extract(self, doc: TranscriptDoc, notes: list[str]) -> list[Argument]:
        sentences = doc.sentences
        index = QuoteIndex(sentences)
        chunks = chunk_sentences(sentences, self.config.chunk_words, self.config.overlap_sentences)
        budget = Budget(self.config)
        found: list[Argument] = []
        dropped = {"quote not in transcript": 0, "instruction-like quote": 0, "malformed item": 0}
        for n, chunk in enumerate(chunks):
            lines = render_lines(chunk)
            messages = chat_messages(
                self.template,
                boundary=boundary(lines),
                commentator=doc.commentator or "unknown",
                title=doc.title or "unknown",
                transcript=lines,
            )
            try:
                reply = self._ask(messages, ARGUMENTS_SCHEMA, budget)
            except CapReached as cap:
                notes.append(f"{cap}: {len(chunks) - n} of {len(chunks)} transcript parts not extracted")
                break
            items = reply.get("arguments")
            if not isinstance(items, list):
                raise InvalidOutput("the model's reply has no 'arguments' list")
            for item in items:
                arg = self._argument(doc, index, item, dropped)
                if arg is not None:
                    found.append(arg)
        for reason, count in dropped.items():
            if count:
                notes.append(f"dropped {count} LLM argument(s): {reason}")
        return _merge(found)

    def _argument(
        self, doc: TranscriptDoc, index: QuoteIndex, item: Any, dropped: dict[str, int]
    ) -> Argument | None:
        if not isinstance(item, dict) or item.get("type") not in ARGUMENT_TYPES:
            dropped["malformed item"] += 1
            return None
        quote, text = item.get("quote"), item.get("text")
        if not isinstance(quote, str) or not isinstance(text, str) or not text.strip():
            dropped["malformed item"] += 1
            return None
        if INJECTION.search(quote) or INJECTION.search(text):
            dropped["instruction-like quote"] += 1
            return None
        span = index.find(quote)
        if span is None:
            dropped["quote not in transcript"] += 1
            return None
        sents = index.sentences[span[0] : span[1] + 1]
        target = item.get("target")
        confidence = item.get("confidence")
        return make_argument(
            doc,
            sents,
            type=item["type"],
            text=" ".join(text.split())[:600],
            quote=" ".join(s.text for s in sents),
            extractor=self.name,
            version=self.version,
            target=target.strip()[:120] if isinstance(target, str) and target.strip() else None,
            confidence=min(max(float(confidence), 0.0), 1.0)
            if isinstance(confidence, (int, float))
            else None,
            prompt_hash=self.template.hash,
        )


def _merge(args: list[Argument]) -> list[Argument]:
    """Drop duplicates from overlapping chunks: same type over overlapping segments keeps one."""
    kept: list[Argument] = []
    for a in sorted(args, key=lambda a: (-(a.confidence or 0), a.start, a.id)):
        clash = any(
            k.type == a.type and k.seg_first <= a.seg_last and a.seg_first <= k.seg_last and k.start <= a.end
            and a.start <= k.end
            for k in kept
        )  # fmt: skip
        if not clash:
            kept.append(a)
    return sorted(kept, key=lambda a: (a.start, a.seg_first, a.id))
