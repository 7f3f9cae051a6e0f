"""One search result, as every command and page shows it: the argument or passage in its
context and the score that ranked it.

Its own module so that the steps that read the question (:mod:`argmap.pipeline.search.question`)
and the search that fuses the ranked lists (:mod:`argmap.pipeline.search.query`) share it without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from argmap.pipeline.text import clock, timestamp_url
from argmap.store import ArgumentInContext

#: the usual reciprocal-rank-fusion constant: damps the weight of the very top ranks
RRF_K = 60


@dataclass(frozen=True)
class Hit:
    """One search result: the argument or passage in its context, and its score."""

    item: ArgumentInContext
    score: float

    @property
    def kind(self) -> str:  # argument | passage
        return self.item.kind

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def type(self) -> str:  # claim | critique | call_to_action | passage
        return self.item.type

    @property
    def text(self) -> str:
        return self.item.text

    @property
    def quote(self) -> str:
        return self.item.quote

    @property
    def start(self) -> float:
        return self.item.start

    @property
    def end(self) -> float:
        return self.item.end

    @property
    def commentator(self) -> str | None:
        return self.item.commentator_name

    @property
    def commentator_id(self) -> str | None:
        return self.item.commentator_id

    @property
    def video_id(self) -> str:
        return self.item.video.id

    @property
    def video_title(self) -> str:
        return self.item.video.title

    @property
    def published(self) -> str | None:
        return self.item.video.published

    @property
    def timestamp(self) -> str:
        return clock(self.item.start)

    @property
    def url(self) -> str:
        return timestamp_url(self.item.video, self.item.start)

    def as_dict(self) -> dict[str, Any]:
        """The ``argmap search --json`` shape: flat, one key per field, in this order."""
        return {
            "kind": self.kind,
            "id": self.id,
            "score": self.score,
            "commentator": self.commentator,
            "commentator_id": self.commentator_id,
            "speaker": self.item.speaker,
            "person_id": self.item.person_id,
            "video_id": self.video_id,
            "video_title": self.video_title,
            "type": self.type,
            "text": self.text,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "timestamp": self.timestamp,
            "url": self.url,
            "published": self.published,
        }
