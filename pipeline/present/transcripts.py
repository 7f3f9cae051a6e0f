"""A stored transcript written out: timestamped text, WebVTT, SRT, JSON, or speaker turns as RTTM.

Text formats carry who speaks where the video has speakers: ``[mm:ss] Name: text`` lines (which
``argmap ingest file.txt`` reads back, times and speakers both), WebVTT voice spans
(``<v Name>``), ``Name:`` prefixes in SRT, and speaker fields in JSON. A speaker's name is its
person's (as ``argmap speakers name`` set it), else its label in the video.
"""

from __future__ import annotations

import json

from argmap.pipeline.config import TRANSCRIPT_FORMATS
from argmap.pipeline.document import no_transcript_reason
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.speakers.metrics import write_rttm
from argmap.pipeline.text import timecode
from argmap.store import Segment, Store, Video
from argmap.store import speakers as sp


def render_transcript(store: Store, video: Video, fmt: str = "txt") -> str:
    """A video's preferred transcript as text with timestamps, WebVTT, SRT, JSON or RTTM."""
    if fmt not in TRANSCRIPT_FORMATS:
        raise ConfigError(f"--format {fmt!r}: expected one of {', '.join(TRANSCRIPT_FORMATS)}")
    names = sp.display_names(store, video.id)
    if fmt == "rttm":
        turns = sp.turns_of(store, video.id)
        if not turns:
            raise ConfigError(f"{video.id} has no speaker turns (diarization runs on speech from media)")
        return write_rttm(video.id, [(t.start, t.end, names.get(t.speaker_id, t.speaker_id)) for t in turns])
    transcript = store.transcript(video.id)
    if transcript is None:
        raise ConfigError(no_transcript_reason(store, video))
    segments = store.segments(transcript.id)

    def who(s: Segment) -> str | None:
        return names.get(s.speaker_id) if s.speaker_id else None

    if fmt == "json":
        data = {
            "video": vars(video),
            "transcript": vars(transcript),
            "speakers": [  # fmt: skip
                {
                    "id": s.id,
                    "label": s.label,
                    "name": names[s.id],
                    "person_id": s.person_id,
                    "seconds": s.seconds,
                }
                for s in sp.speakers_of(store, video.id)
            ],
            "segments": [
                {
                    "idx": s.idx,
                    "start": s.start,
                    "end": s.end,
                    "speaker": who(s),
                    "speaker_id": s.speaker_id,
                    "text": s.text,
                    "language": s.language,
                    "kind": s.kind,
                    "words": s.words,
                }
                for s in segments
            ],  # fmt: skip
        }
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "txt":
        # "[mm:ss] Name: text" lines: readable, and the caption importer reads them back.
        long = any(s.start >= 3600 for s in segments)
        return "".join(
            f"[{timecode(s.start, always_hours=long)}] {_prefix(who(s))}{s.text}\n" for s in segments
        )
    if fmt == "vtt":
        blocks = ["WEBVTT\n"]
        for s in segments:
            name = who(s)
            text = f"<v {name.replace('>', '')}>{s.text}" if name else s.text
            blocks.append(f"{timecode(s.start, '.')} --> {timecode(s.end, '.')}\n{text}\n")
        return "\n".join(blocks)
    blocks = [
        f"{n}\n{timecode(s.start, ',')} --> {timecode(s.end, ',')}\n{_prefix(who(s))}{s.text}\n"
        for n, s in enumerate(segments, start=1)
    ]
    return "\n".join(blocks)


def _prefix(name: str | None) -> str:
    return f"{name}: " if name else ""
