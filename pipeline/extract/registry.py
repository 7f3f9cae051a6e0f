"""Extractors by name: the built-ins, and packages registered under ``argmap.extractors``."""

from __future__ import annotations

from typing import Any

from argmap.pipeline.extract.base import Extractor
from argmap.pipeline.plugins import Registry

ENTRY_POINT_GROUP = "argmap.extractors"

# "rules" is the model-free v1, kept for comparison and for rows made before v2.
EXTRACTORS: Registry[Extractor] = Registry(
    "extractor",
    ENTRY_POINT_GROUP,
    {
        "default": "argmap.pipeline.extract.offline:ClassifierExtractor",
        "rules": "argmap.pipeline.extract.offline:RuleExtractor",
        "llm": "argmap.pipeline.extract.llm:LLMExtractor",
    },
    accepts=lambda made: isinstance(made, Extractor),
)


def available_extractors() -> list[str]:
    return EXTRACTORS.names()


def get_extractor(name: str = "default", **options: Any) -> Extractor:
    """An extractor by name: a built-in, or one a package registered under ``argmap.extractors``."""
    return EXTRACTORS.create(name, **options)
