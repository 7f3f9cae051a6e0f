"""What every extractor shares: the :class:`Extractor` interface, its result, and the one way
an argument record is made from a run of sentences (ids, times and segment range)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from argmap.pipeline.document import Sentence, TranscriptDoc
from argmap.pipeline.errors import ExtractionError
from argmap.pipeline.text import clean_speech
from argmap.store import ARGUMENT_TYPES, Argument, Prompt


@dataclass
class ExtractionResult:
    arguments: list[Argument]
    extractor: str  # the name and version on the rows (the fallback's, when one was used)
    version: str
    notes: list[str] = field(default_factory=list)  # caps hit, fallbacks taken: shown to the user
    prompts: list[Prompt] = field(default_factory=list)  # provenance to store with the rows
    # the model that restored the sentence ends the text lacked (auto-captions), if one did
    sentence_ends: str | None = None


@runtime_checkable
class Extractor(Protocol):
    name: str
    version: str

    def extract(self, doc: TranscriptDoc) -> ExtractionResult:
        """Arguments of one transcript. Raise :class:`ExtractionError` when it cannot be done."""


def make_argument(
    doc: TranscriptDoc,
    sents: Sequence[Sentence],
    *,
    type: str,
    text: str,
    quote: str,
    extractor: str,
    version: str,
    target: str | None = None,
    confidence: float | None = None,
    prompt_hash: str | None = None,
) -> Argument:
    """An :class:`Argument` spanning ``sents`` (consecutive sentences of ``doc``)."""
    if type not in ARGUMENT_TYPES:
        raise ExtractionError(f"unknown argument type {type!r}")
    first, last = sents[0], sents[-1]
    return Argument(
        id=Argument.make_id(doc.video_id, extractor, version, first.seg_first, quote),
        video_id=doc.video_id,
        transcript_id=doc.transcript_id,
        type=type,
        # Model-written text (the LLM path) is as untrusted as the transcript it came from.
        text=clean_speech(text),
        quote=clean_speech(quote),
        start=first.start,
        end=max(last.end, first.start),
        seg_first=first.seg_first,
        seg_last=max(last.seg_last, first.seg_first),
        extractor=extractor,
        extractor_version=version,
        target=target,
        confidence=None if confidence is None else round(float(confidence), 3),
        prompt_hash=prompt_hash,
    )


def dedupe(args: Iterable[Argument]) -> list[Argument]:
    seen: dict[str, Argument] = {}
    for a in args:
        if a.id not in seen or (a.confidence or 0) > (seen[a.id].confidence or 0):
            seen[a.id] = a
    return sorted(seen.values(), key=lambda a: (a.start, a.seg_first, a.id))
