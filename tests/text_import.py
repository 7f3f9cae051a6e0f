"""Test helper: a plain-text file (a shared seed, say) stored as one commentator's
imported transcript, the way `argmap ingest file.txt` would store it."""

from __future__ import annotations

from pathlib import Path

from argmap.pipeline.ingest.captions import cues_to_segments, parse_captions
from argmap.store import Commentator, Segment, Store, Transcript, Video


def import_text(store: Store, path: Path, commentator: str) -> tuple[Video, list[Segment]]:
    text = path.read_text(encoding="utf-8")
    who = store.upsert_commentator(Commentator(id=Commentator.make_id(commentator), name=commentator))
    video = store.upsert_video(
        Video(
            id="file:" + path.stem,
            source_url=path.resolve().as_uri(),
            title=text.splitlines()[0].strip(),
            commentator_id=who.id,
        )
    )
    transcript = Transcript(id=Transcript.make_id(video.id, "import"), video_id=video.id, source="import")
    segments = cues_to_segments(parse_captions(text, "txt"), transcript_id=transcript.id, video_id=video.id)
    store.save_transcript(transcript, segments)
    return video, segments
