"""The optional LLM path: any OpenAI-compatible chat endpoint extracts arguments and summarises.

Ollama, llama.cpp's server, vLLM, LM Studio and OpenAI all speak ``POST /chat/completions``,
so one small urllib client covers them without a new dependency. The model's output is never
trusted: replies must parse as JSON against a schema (asked for with ``response_format``, then
parsed tolerantly because many local servers ignore it), every quote must be found in the
transcript, and instruction-like quotes are dropped. The transcript itself is untrusted too: it
is fenced between boundary markers, the prompt says never to obey it, and no tools are offered.
Invalid output is retried a bounded number of times, then the video falls back to the default
extractor (the rows then carry the default extractor's name) and the result says so. Tokens and
wall time per video are capped and reported when hit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from argmap import prompts as prompt_files
from argmap.store import ARGUMENT_TYPES, Argument, Prompt, Summary

from .errors import ConfigError, ExtractionError
from .extract import ClassifierExtractor, ExtractionInput, ExtractionResult, make_argument
from .sentences import Sentence

ENV_BASE_URL = "ARGMAP_LLM_BASE_URL"
ENV_MODEL = "ARGMAP_LLM_MODEL"
ENV_API_KEY = "ARGMAP_LLM_API_KEY"
USER_SPLIT = "==== user ===="


class LLMError(ExtractionError):
    """The endpoint failed or kept answering with unusable output."""


class LLMTimeout(LLMError):
    """One request ran past its time limit."""


class InvalidOutput(LLMError):
    """A reply that is not JSON of the expected shape."""


class CapReached(LLMError):
    """The per-video token or time cap ran out: keep what was found, report the rest as skipped."""


@dataclass
class LLMConfig:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 120.0  # seconds per request
    max_retries: int = 2  # extra attempts per request after invalid output or a timeout
    max_tokens: int = 2048  # per reply
    max_tokens_per_video: int = 200_000  # prompt + reply tokens, all requests of one video
    max_seconds_per_video: float = 900.0
    chunk_words: int = 1200
    overlap_sentences: int = 2
    temperature: float = 0.0

    @classmethod
    def from_env(cls, **overrides: Any) -> LLMConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ConfigError(f"unknown LLM option(s): {', '.join(sorted(unknown))}")
        values = {k: v for k, v in overrides.items() if v is not None}
        values.setdefault("base_url", os.environ.get(ENV_BASE_URL))
        values.setdefault("model", os.environ.get(ENV_MODEL))
        values.setdefault("api_key", os.environ.get(ENV_API_KEY))
        if not values.get("base_url") or not values.get("model"):
            raise ConfigError(
                f"the LLM extractor needs a base URL and a model: pass --llm-base-url/--llm-model "
                f"or set {ENV_BASE_URL} and {ENV_MODEL}"
            )
        return cls(**values)


# -- the client --------------------------------------------------------------------------------


class ChatClient:
    """Minimal OpenAI-compatible chat client: one JSON reply per call, no tools, no streaming."""

    def __init__(self, config: LLMConfig):
        self.config = config
        self.url = config.base_url.rstrip("/") + "/chat/completions"
        self._response_format = True  # dropped after a server rejects it

    def complete(
        self, messages: list[dict[str, str]], schema: dict[str, Any], *, timeout: float
    ) -> tuple[str, int]:
        """The reply text and the tokens it cost (as reported, else estimated)."""
        body: dict[str, Any] = {
            "model": self.config.model,
            "messages": messages,
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
            "stream": False,
        }
        if self._response_format:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "argmap_output", "strict": True, "schema": schema},
            }
        try:
            reply = self._post(body, timeout)
        except urllib.error.HTTPError as err:
            if "response_format" not in body:
                raise LLMError(f"LLM endpoint {self.url} answered HTTP {err.code}") from err
            # Older servers reject json_schema; the prompt and the parser still hold the line.
            self._response_format = False
            body.pop("response_format")
            try:
                reply = self._post(body, timeout)
            except urllib.error.HTTPError as err2:
                raise LLMError(f"LLM endpoint {self.url} answered HTTP {err2.code}") from err2
        try:
            content = reply["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as err:
            raise InvalidOutput("the endpoint's reply has no choices[0].message.content") from err
        usage = reply.get("usage") or {}
        tokens = usage.get("total_tokens")
        if not isinstance(tokens, int):
            tokens = (sum(len(m["content"]) for m in messages) + len(content)) // 4
        return str(content), tokens

    def _post(self, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        request = urllib.request.Request(self.url, json.dumps(body).encode("utf-8"), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=max(timeout, 0.1)) as response:
                raw = response.read()
        except urllib.error.HTTPError as err:
            if err.code == 400:
                raise
            raise LLMError(f"LLM endpoint {self.url} answered HTTP {err.code}") from err
        except TimeoutError as err:
            raise LLMTimeout(f"LLM request timed out after {timeout:.0f} s") from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise LLMTimeout(f"LLM request timed out after {timeout:.0f} s") from err
            raise LLMError(f"LLM endpoint {self.url} unreachable: {err.reason}") from err
        try:
            data = json.loads(raw)
        except ValueError as err:
            raise InvalidOutput("the endpoint's reply is not JSON") from err
        if not isinstance(data, dict):
            raise InvalidOutput("the endpoint's reply is not a JSON object")
        return data


def parse_json_object(text: str) -> dict[str, Any]:
    """The JSON object in a reply, tolerating code fences and chatter around it."""
    cleaned = re.sub(r"^\s*```(?:json)?\s*|\s*```\s*$", "", text.strip(), flags=re.I)
    candidates = [cleaned]
    first, last = cleaned.find("{"), cleaned.rfind("}")
    if 0 <= first < last:
        candidates.append(cleaned[first : last + 1])
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise InvalidOutput("the model's reply is not a JSON object")


# -- transcript helpers ------------------------------------------------------------------------

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


def chunk_sentences(sentences: Sequence[Sentence], words: int, overlap: int) -> list[list[Sentence]]:
    """Consecutive runs of about ``words`` words; each repeats the previous run's last sentences."""
    chunks: list[list[Sentence]] = []
    current: list[Sentence] = []
    count = 0
    for s in sentences:
        n = len(s.text.split())
        if current and count + n > words:
            chunks.append(current)
            current = current[-overlap:] if overlap else []
            count = sum(len(x.text.split()) for x in current)
        current.append(s)
        count += n
    if current and (not chunks or current[-1] is not chunks[-1][-1]):
        chunks.append(current)
    return chunks


def _boundary(text: str) -> str:
    # Derived from the fenced text itself, so the text cannot contain (forge) its own end marker.
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _render_lines(sentences: Sequence[Sentence]) -> str:
    return "\n".join(f"[{s.idx}] {s.text}" for s in sentences)


def _messages(template: prompt_files.Template, **values: str) -> list[dict[str, str]]:
    text = template.render(**values)
    system, _, user = text.partition(USER_SPLIT)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def _prompt_record(template: prompt_files.Template) -> Prompt:
    return Prompt(hash=template.hash, name=template.name, version=template.version, text=template.text)


def _version(model: str) -> str:
    return "1-" + re.sub(r"[^A-Za-z0-9._:-]+", "-", model)


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


class _Budget:
    """Tokens and seconds left for one video."""

    def __init__(self, config: LLMConfig):
        self.config = config
        self.started = time.monotonic()
        self.tokens = 0

    def exhausted(self) -> str | None:
        if self.tokens >= self.config.max_tokens_per_video:
            return f"token cap of {self.config.max_tokens_per_video} per video reached"
        if time.monotonic() - self.started >= self.config.max_seconds_per_video:
            return f"time cap of {self.config.max_seconds_per_video:g} s per video reached"
        return None

    def request_timeout(self) -> float:
        left = self.config.max_seconds_per_video - (time.monotonic() - self.started)
        return max(0.1, min(self.config.timeout, left))


class _LLMBase:
    def __init__(self, config: LLMConfig | None = None, client: ChatClient | None = None, **options: Any):
        self.config = config or LLMConfig.from_env(**options)
        self.client = client or ChatClient(self.config)
        self.version = _version(self.config.model)

    def _ask(self, messages: list[dict[str, str]], schema: dict[str, Any], budget: _Budget) -> dict[str, Any]:
        """One JSON reply, retried on invalid output or timeout up to ``max_retries`` times."""
        last: LLMError | None = None
        for _attempt in range(self.config.max_retries + 1):
            cap = budget.exhausted()
            if cap:
                raise CapReached(cap)
            try:
                content, tokens = self.client.complete(messages, schema, timeout=budget.request_timeout())
            except (InvalidOutput, LLMTimeout) as err:
                last = err
                continue
            budget.tokens += tokens
            try:
                return parse_json_object(content)
            except InvalidOutput as err:
                last = err
        cap = budget.exhausted()
        if cap:
            raise CapReached(cap)
        raise last or LLMError("no reply")


class LLMExtractor(_LLMBase):
    """Arguments by an LLM, chunk by chunk, every quote checked against the transcript."""

    name = "llm"

    def __init__(self, config: LLMConfig | None = None, client: ChatClient | None = None, **options: Any):
        super().__init__(config, client, **options)
        self.template = prompt_files.load("extract")

    def extract(self, doc: ExtractionInput) -> ExtractionResult:
        notes: list[str] = []
        try:
            args = self._extract(doc, notes)
        except LLMError as err:
            fallback = ClassifierExtractor().extract(doc)
            fallback.notes = [*notes, f"LLM extraction failed ({err}); used the default extractor instead"]
            return fallback
        return ExtractionResult(args, self.name, self.version, notes, [_prompt_record(self.template)])

    def _extract(self, doc: ExtractionInput, notes: list[str]) -> list[Argument]:
        sentences = doc.sentences
        index = QuoteIndex(sentences)
        chunks = chunk_sentences(sentences, self.config.chunk_words, self.config.overlap_sentences)
        budget = _Budget(self.config)
        found: list[Argument] = []
        dropped = {"quote not in transcript": 0, "instruction-like quote": 0, "malformed item": 0}
        for n, chunk in enumerate(chunks):
            lines = _render_lines(chunk)
            messages = _messages(
                self.template,
                boundary=_boundary(lines),
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
        self, doc: ExtractionInput, index: QuoteIndex, item: Any, dropped: dict[str, int]
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


class LLMSummariser(_LLMBase):
    """Abstractive summary, map-reduce over chunks; key points must point at real transcript lines."""

    name = "llm"

    def __init__(self, config: LLMConfig | None = None, client: ChatClient | None = None, **options: Any):
        super().__init__(config, client, **options)
        self.map_template = prompt_files.load("summarise")
        self.reduce_template = prompt_files.load("summarise_reduce")
        self.notes: list[str] = []
        self.prompts: list[Prompt] = []

    def summarise(self, doc: ExtractionInput) -> Summary:
        from .summarise import default_summary

        self.notes = []
        try:
            summary = self._summarise(doc)
        except LLMError as err:
            self.notes.append(f"LLM summary failed ({err}); used the default summary instead")
            self.prompts = []
            return default_summary(doc)
        self.prompts = [_prompt_record(self.map_template), _prompt_record(self.reduce_template)]
        return summary

    def _summarise(self, doc: ExtractionInput) -> Summary:
        sentences = doc.sentences
        if not sentences:
            raise LLMError("the transcript is empty")  # the default summary says so
        by_idx = {s.idx: s for s in sentences}
        budget = _Budget(self.config)
        who = doc.commentator or "the speaker"
        parts: list[dict[str, Any]] = []
        chunks = chunk_sentences(sentences, self.config.chunk_words, 0)
        for n, chunk in enumerate(chunks):
            lines = _render_lines(chunk)
            messages = _messages(
                self.map_template, boundary=_boundary(lines), commentator=who, title=doc.title or "unknown",
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
            messages = _messages(
                self.reduce_template, boundary=_boundary(text), commentator=who, title=doc.title or "unknown",
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
                kept.append({"text": " ".join(kp["text"].split()), "line": int(kp["line"])})
        if len(kept) < len(points):
            self.notes.append(
                f"dropped {len(points) - len(kept)} key point(s) pointing at no transcript line"
            )
        return {"gist": " ".join(gist.split()), "paragraph": " ".join(paragraph.split()), "key_points": kept}
