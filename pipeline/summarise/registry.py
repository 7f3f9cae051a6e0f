"""Summarisers by name: the same plugin scheme as extractors (group ``argmap.summarisers``)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from argmap.pipeline.document import TranscriptDoc
from argmap.pipeline.plugins import Registry
from argmap.store import Summary

ENTRY_POINT_GROUP = "argmap.summarisers"


@runtime_checkable
class Summariser(Protocol):
    """Turns one transcript into a :class:`Summary`.

    A summariser may also expose ``prompts`` (stored with the summary, for provenance) and
    ``notes`` (fallbacks taken, caps hit) after :meth:`summarise`.
    """

    name: str

    def summarise(self, doc: TranscriptDoc) -> Summary: ...


SUMMARISERS: Registry[Summariser] = Registry(
    "summariser",
    ENTRY_POINT_GROUP,
    {
        "default": "argmap.pipeline.summarise.default:DefaultSummariser",
        "llm": "argmap.pipeline.summarise.llm:LLMSummariser",
    },
    accepts=lambda made: isinstance(made, Summariser),
)


def available_summarisers() -> list[str]:
    return SUMMARISERS.names()


def get_summariser(name: str = "default", **options: Any) -> Summariser:
    """A summariser by name: a built-in, or one a package registered under ``argmap.summarisers``."""
    return SUMMARISERS.create(name, **options)
