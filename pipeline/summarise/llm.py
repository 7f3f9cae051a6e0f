"""An abstractive summary by an LLM, map-reduce over chunks.

Every key point must name a real transcript line, or it is dropped; when the endpoint fails
the video gets the default summary and the notes say why.
"""

from __future__ import annotations

from typing import Any

from argmap import prompts as prompt_files
from argmap.pipeline.document import TranscriptDoc
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
from argmap.pipeline.summarise.default import default_summary
from argmap.pipeline.text import clean_speech
from argmap.store import Prompt, Summary

SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "gist": {"type": "string"},
        "paragraph": {"type": "string"},
        "key_points": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "line": {"type": "integer"}},
                "required": ["text", "line"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["gist", "paragraph", "key_points"],
    "additionalProperties": False,
}


class LLMSummariser(LLMStageBase):
    """Abstractive summary, map-reduce over chunks; key points must point at real transcript lines."""

    name = "llm"

    def __init__(self, config: LLMConfig | None = None, client: ChatClient | None = None, **options: Any):
        super().__init__(config, client, **options)
        self.map_template = prompt_files.load("summarise")
        self.reduce_template = prompt_files.load("summarise_reduce")
        self.notes: list[str] = []
        self.prompts: list[Prompt] = []

    def summarise(self, doc: TranscriptDoc) -> Summary:
        self.notes = []
        try:
            summary = self._summarise(doc)
        except LLMError as err:
            self.notes.append(f"LLM summary failed ({err}); used the default summary instead")
            self.prompts = []
            return default_summary(doc)
        self.prompts = [prompt_record(self.map_template), prompt_record(self.reduce_template)]
        return summary

    def _summarise(self, doc: TranscriptDoc) -> Summary:
        sentences = doc.sentences
        if not sentences:
            raise LLMError("the transcript is empty")  # the default summary says so
        by_idx = {s.idx: s for s in sentences}
        budget = Budget(self.config)
        who = doc.commentator or "the speaker"
        parts: list[dict[str, Any]] = []
        chunks = chunk_sentences(sentences, self.config.chunk_words, 0)
        for n, chunk in enumerate(chunks):
            lines = render_lines(chunk)
            messages = chat_messages(
                self.map_template, boundary=boundary(lines), commentator=who, title=doc.title or "unknown",
                transcript=lines,
            )  # fmt: skip
            try:
                reply = self._ask(messages, SUMMARY_SCHEMA, budget)
            except CapReached as cap:
                self.notes.append(f"{cap}: {len(chunks) - n} of {len(chunks)} parts not summarised")
                break
            parts.append(self._checked(reply, {s.idx for s in chunk}))
        if not parts:
            raise LLMError("no part of the transcript could be summarised")
        final = parts[0]
        if len(parts) > 1:
            text = "\n\n".join(
                f"Part {i + 1}: {p['paragraph']}\n"
                + "\n".join(f"- [{kp['line']}] {kp['text']}" for kp in p["key_points"])
                for i, p in enumerate(parts)
            )
            messages = chat_messages(
                self.reduce_template, boundary=boundary(text), commentator=who, title=doc.title or "unknown",
                parts=text,
            )  # fmt: skip
            allowed = {kp["line"] for p in parts for kp in p["key_points"]}
            final = self._checked(self._ask(messages, SUMMARY_SCHEMA, budget), allowed)
        gist = final["gist"]
        if doc.commentator and doc.commentator.split()[0].lower() not in gist.lower():
            gist = f"{doc.commentator}: {gist}"
        key_points = sorted(
            (
                {"text": kp["text"], "start": by_idx[kp["line"]].start, "end": by_idx[kp["line"]].end}
                for kp in final["key_points"]
            ),
            key=lambda kp: kp["start"],
        )
        return Summary(
            id=Summary.make_id(doc.video_id, self.name, self.version),
            video_id=doc.video_id,
            transcript_id=doc.transcript_id,
            extractor=self.name,
            extractor_version=self.version,
            gist=gist,
            paragraph=final["paragraph"],
            key_points=key_points,
            prompt_hash=self.map_template.hash,
        )

    def _checked(self, reply: dict[str, Any], lines: set[int]) -> dict[str, Any]:
        gist, paragraph, points = reply.get("gist"), reply.get("paragraph"), reply.get("key_points")
        if not isinstance(gist, str) or not isinstance(paragraph, str) or not isinstance(points, list):
            raise InvalidOutput("the model's summary lacks gist, paragraph or key_points")
        kept = []
        for kp in points:
            if isinstance(kp, dict) and isinstance(kp.get("text"), str) and kp.get("line") in lines:
                kept.append({"text": clean_speech(kp["text"]), "line": int(kp["line"])})
        if len(kept) < len(points):
            self.notes.append(
                f"dropped {len(points) - len(kept)} key point(s) pointing at no transcript line"
            )
        return {"gist": clean_speech(gist), "paragraph": clean_speech(paragraph), "key_points": kept}
