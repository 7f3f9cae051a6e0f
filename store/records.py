"""Record dataclasses: the shapes that stages pass around and the store persists.

Every record has a deterministic ``id`` derived from what it is (its source, its position,
its content) rather than when it was made, so that re-running a stage upserts the same rows
instead of adding new ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

STAGES = ("download", "transcribe", "diarize", "extract", "summarise", "embed")
ARGUMENT_TYPES = ("claim", "critique", "call_to_action")
RELATIONS = ("supports", "attacks", "agrees", "contrasts", "same_key_point")
# Lines of an imported text that are not running prose. A title, heading, byline or credit line
# is kept in the transcript (it is what the text says) but never starts or joins a sentence of an
# argument; an ``item`` (a list item, or a paragraph's last line left unpunctuated) is prose that
# ends its own sentence.
SEGMENT_KINDS = ("title", "heading", "byline", "credit", "item")
STRUCTURE_KINDS = ("title", "heading", "byline", "credit")
# Where an argument comes from: the transcript's sentences (None) or the video's title.
ARGUMENT_ORIGINS = ("title",)


def make_id(*parts: object, length: int = 16) -> str:
    """A short stable id from the given parts (joined unambiguously, then hashed)."""
    joined = json.dumps([str(p) for p in parts], ensure_ascii=False)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:length]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_row(record: Any) -> dict[str, Any]:
    """Dataclass to a flat dict ready for sqlite-utils; lists and dicts become JSON text."""
    row = dataclasses.asdict(record)
    for key, value in row.items():
        if isinstance(value, (list, dict)):
            row[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return row


@dataclass
class Commentator:
    id: str
    name: str
    url: str | None = None
    kind: str = "person"  # channel | feed | person

    @staticmethod
    def make_id(name: str) -> str:
        return "c-" + make_id(name.strip().casefold(), length=12)


@dataclass
class Video:
    id: str  # canonical, e.g. "youtube:dQw4w9WgXcQ", "generic:<hash>", "file:<hash>"
    source_url: str
    title: str
    commentator_id: str | None = None
    webpage_url: str | None = None
    extractor: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    duration: float | None = None  # seconds, as the source reported it
    media_path: str | None = None
    description: str | None = None


@dataclass
class Transcript:
    id: str
    video_id: str
    source: str  # asr | captions | import
    model: str | None = None
    language: str | None = None
    language_probability: float | None = None
    duration: float | None = None  # decoded media length in seconds

    @staticmethod
    def make_id(video_id: str, source: str) -> str:
        # One transcript per video and source: a re-transcription replaces the old one.
        return f"{video_id}/{source}"


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float | None = None


@dataclass
class Segment:
    id: str
    transcript_id: str
    video_id: str
    idx: int
    start: float
    end: float
    text: str
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    words: list[dict[str, Any]] | None = None
    speaker_id: str | None = None
    channel: int | None = None  # 0 left, 1 right: transcribed from that track alone
    # what the line is in an imported text: None for speech, else one of SEGMENT_KINDS
    kind: str | None = None
    language: str | None = None  # ISO 639-1 code of this segment's speech, where known

    @staticmethod
    def make_id(transcript_id: str, idx: int) -> str:
        return f"{transcript_id}/{idx:05d}"


@dataclass
class Person:
    """One voice across videos. ``named`` is true once a person's name came from the user."""

    id: str
    name: str
    named: bool = False
    voice: bytes | None = None  # float32 voice print (see store.vectors)
    created_at: str | None = None


@dataclass
class Speaker:
    """One voice in one video; ``label`` is how the video knows it ("Speaker 1", "Dana")."""

    id: str
    video_id: str
    label: str
    source: str  # voice | channel | captions
    person_id: str | None = None
    link_score: float | None = None  # voice-print similarity to the person it was linked to
    seconds: float = 0.0
    voice: bytes | None = None

    @staticmethod
    def make_id(video_id: str, label: str) -> str:
        return "s-" + make_id(video_id, label, length=12)


@dataclass
class SpeakerTurn:
    video_id: str
    speaker_id: str
    start: float
    end: float


@dataclass
class StageStatus:
    video_id: str
    stage: str
    status: str
    reason: str | None = None
    attempts: int = 0
    permanent: bool = False
    updated_at: str | None = None


@dataclass
class Argument:
    id: str
    video_id: str
    transcript_id: str
    type: str  # one of ARGUMENT_TYPES
    text: str  # the argument as a self-contained sentence
    quote: str  # exact transcript words it rests on
    start: float
    end: float
    seg_first: int
    seg_last: int
    extractor: str
    extractor_version: str
    target: str | None = None
    confidence: float | None = None
    prompt_hash: str | None = None
    origin: str | None = None  # None: the transcript; "title": the video's title states it

    @staticmethod
    def make_id(video_id: str, extractor: str, version: str, seg_first: int, quote: str) -> str:
        return "a-" + make_id(video_id, extractor, version, seg_first, quote)


@dataclass
class Summary:
    id: str
    video_id: str
    transcript_id: str
    extractor: str
    extractor_version: str
    gist: str
    paragraph: str
    key_points: list[dict[str, Any]] = field(default_factory=list)  # [{text, start, end, speaker?}]
    prompt_hash: str | None = None
    sentence_ends: str | None = None  # the model that restored the text's missing sentence ends (m012)

    @staticmethod
    def make_id(video_id: str, extractor: str, version: str) -> str:
        return "s-" + make_id(video_id, extractor, version)


@dataclass
class Prompt:
    hash: str
    name: str
    version: str
    text: str


@dataclass
class Passage:
    """A ~30 second window of consecutive segments, the unit of passage search."""

    id: str
    video_id: str
    transcript_id: str
    start: float
    end: float
    seg_first: int
    seg_last: int
    text: str


@dataclass
class Embedding:
    id: str
    item_type: str  # argument | passage
    item_id: str
    model: str
    content_hash: str
    dim: int
    vector: bytes  # normalised float32, little-endian

    @staticmethod
    def make_id(model: str, item_type: str, item_id: str) -> str:
        return "e-" + make_id(model, item_type, item_id)


@dataclass
class KeyPoint:
    id: str
    run_id: str
    label: str
    label_argument_id: str
    size: int
    commentators: int
    topic: str | None = None
    prevalence: dict[str, int] = field(default_factory=dict)  # commentator id -> member count


@dataclass
class KeyPointMember:
    key_point_id: str
    argument_id: str
    similarity: float
    stance: str  # asserts | criticises | calls_for_action
    confidence: float | None = None  # the judge's confidence in the stance (m014); None before


@dataclass
class ArgumentRelation:
    id: str
    source_argument_id: str
    target_argument_id: str
    relation: str  # one of RELATIONS
    method: str  # the rule or model that decided it
    key_point_id: str | None = None
    score: float | None = None


# -- read models --------------------------------------------------------------------------------


def default_person_name(label: str, title: str) -> str:
    """The honest name of a person nobody named: its first speaker's label and video."""
    title = title if len(title) <= 60 else title[:59] + "\u2026"
    return f"{label} of {title}"


@dataclass(frozen=True)
class ArgumentInContext:
    """An argument (or a transcript passage) with the video and commentator it belongs to.

    The one read shape for "who argued what, where": ``argmap arguments``, search hits, exports,
    compare and every page of ``argmap serve`` are built from it, so a field added here reaches
    all of them. ``kind`` is ``argument`` or ``passage``; a passage has ``type == "passage"`` and
    its text as its quote.
    """

    kind: str
    id: str
    video: Video
    commentator: Commentator | None
    type: str
    text: str
    quote: str
    start: float
    end: float
    seg_first: int | None = None
    seg_last: int | None = None
    target: str | None = None
    confidence: float | None = None
    extractor: str | None = None
    extractor_version: str | None = None
    prompt_hash: str | None = None
    origin: str | None = None  # "title" for an argument the video's title states
    # the model that restored the sentence ends its text lacked (auto-captions), if one did (m011)
    sentence_ends: str | None = None
    # who said it, where the video has speakers: a name the user gave, else the video's label
    speaker_id: str | None = None
    speaker: str | None = None
    person_id: str | None = None
    person: str | None = None  # the person's name across videos (`argmap speakers`)
    video_speakers: int = 0  # how many speakers the video has (0: not diarized)

    @property
    def video_id(self) -> str:
        return self.video.id

    @property
    def commentator_id(self) -> str | None:
        return self.video.commentator_id

    @property
    def commentator_name(self) -> str | None:
        return self.commentator.name if self.commentator else None

    @property
    def by_person(self) -> bool:
        """Whose it is in a comparison: a video with several speakers is compared voice by voice
        (the speaker's person), not as its channel's."""
        return bool(self.person_id) and self.video_speakers > 1

    @property
    def said_by(self) -> str | None:
        """The name to show as having said it: the speaker where the video has several (a guest
        is not the host), else the commentator, whose title it is."""
        if self.video_speakers > 1 and self.speaker and self.origin != "title":
            return self.speaker
        return self.commentator_name

    @property
    def said_by_label(self) -> str:
        """``said_by`` for one line of text, with the channel after a guest's name."""
        who, channel = self.said_by, self.commentator_name
        if who and channel and who != channel:
            return f"{who} ({channel})"
        return who or "unknown"


@dataclass(frozen=True)
class KeyPointView:
    """A key point of one compare run with its members, closest member first.

    Exports and the compare page show a key point together with the arguments grouped under
    it, so the store hands them over together rather than one members query per key point.
    """

    key_point: KeyPoint
    members: tuple[KeyPointMember, ...] = ()


@dataclass(frozen=True)
class VideoOverview:
    """A video with how many arguments are stored for it (every extractor version counted),
    the line a listing of videos shows."""

    video: Video
    arguments: int
    failed: str | None = None  # the first stage that failed, where one did (its count means nothing)


@dataclass(frozen=True)
class CommentatorOverview:
    """A commentator with how many videos and arguments the store holds for them (arguments
    counted in each video's preferred extractor version, as pages show them)."""

    commentator: Commentator
    videos: int
    arguments: int


@dataclass(frozen=True)
class PersonOverview:
    """A person (one voice across videos) with the videos they speak in and for how long."""

    person: Person
    videos: int
    seconds: float


@dataclass(frozen=True)
class SpeakerView:
    """A speaker of one video with the name pages show (its person's, else its label)."""

    speaker: Speaker
    name: str
