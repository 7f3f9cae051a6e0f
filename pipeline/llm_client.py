"""The client every LLM-backed stage shares: one OpenAI-compatible chat endpoint, used carefully.

Ollama, llama.cpp's server, vLLM, LM Studio and OpenAI all speak ``POST /chat/completions``,
so one small urllib client covers them without a new dependency. The model's output is never
trusted: replies must parse as JSON against a schema (asked for with ``response_format``, then
parsed tolerantly because many local servers ignore it). The transcript is untrusted too: it is
fenced between boundary markers derived from its own text, the prompt says never to obey it,
and no tools are offered. Invalid output is retried a bounded number of times; tokens and wall
time per video are capped (:class:`Budget`). The extractor (:mod:`.extract.llm`) and the
summariser (:mod:`.summarise.llm`) build on :class:`LLMStageBase`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from argmap import prompts as prompt_files
from argmap.pipeline.document import Sentence
from argmap.pipeline.errors import ConfigError, ExtractionError
from argmap.store import Prompt

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


def boundary(text: str) -> str:
    # Derived from the fenced text itself, so the text cannot contain (forge) its own end marker.
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def render_lines(sentences: Sequence[Sentence]) -> str:
    return "\n".join(f"[{s.idx}] {s.text}" for s in sentences)


def chat_messages(template: prompt_files.Template, **values: str) -> list[dict[str, str]]:
    text = template.render(**values)
    system, _, user = text.partition(USER_SPLIT)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def prompt_record(template: prompt_files.Template) -> Prompt:
    return Prompt(hash=template.hash, name=template.name, version=template.version, text=template.text)


def model_version(model: str) -> str:
    return "1-" + re.sub(r"[^A-Za-z0-9._:-]+", "-", model)


class Budget:
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


class LLMStageBase:
    def __init__(self, config: LLMConfig | None = None, client: ChatClient | None = None, **options: Any):
        self.config = config or LLMConfig.from_env(**options)
        self.client = client or ChatClient(self.config)
        self.version = model_version(self.config.model)

    def _ask(self, messages: list[dict[str, str]], schema: dict[str, Any], budget: Budget) -> dict[str, Any]:
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
