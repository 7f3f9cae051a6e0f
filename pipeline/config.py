"""What one ``argmap ingest`` run was asked to do, built once and handed to every stage.

Like faster-whisper's ``TranscriptionOptions``, the options are one plain record made at the
edge (the CLI, the demo, a library caller) and passed down; each stage's ``from_options``
takes the part it needs. Kept low in the package so stage modules can read it without
importing the runner.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Vocabularies the CLI offers as choices; the library modules that act on them import them
# from here, so a value added in one place is offered and accepted everywhere.
#: captions: prefer the source's subtitles, else its automatic captions, else speech recognition;
#: manual takes only subtitles a person made (automatic captions lack punctuation, and restoring
#: sentences in them loses quote spans: README "Recovery on other transcripts"); only: captions or
#: nothing; never: always transcribe
CAPTION_MODES = ("prefer", "manual", "only", "never")
DEVICES = ("auto", "cpu", "cuda")
TRANSCRIPT_FORMATS = ("txt", "vtt", "srt", "json", "rttm")
SEARCH_SCOPES = ("arguments", "passages", "all")
# A question about the story is often answered by a passage no argument quotes (a reported fact,
# a date), so search looks at both unless told otherwise; arguments lead when equally relevant.
DEFAULT_SEARCH_SCOPE = "all"
SEARCH_MODES = ("semantic", "keyword", "hybrid")
VIDEO_STATES = ("done", "failed", "pending")
ENGINES = ("local", "stages", "ray")

DEFAULT_MAX_FILESIZE = 4 << 30  # 4 GB: hours of video, far more than hours of audio
DEFAULT_MAX_DURATION = 6 * 3600.0  # a day-long livestream VOD would tie a batch up for hours


@dataclass
class IngestOptions:
    commentator: str | None = None
    title: str | None = None
    limit: int | None = None
    since: _dt.date | None = None
    captions: str = "prefer"  # one of CAPTION_MODES
    model: str | None = None  # None = the transcriber's default (offline tiny.en)
    device: str = "auto"
    language: str | None = None
    cookies: str | None = None
    sleep: float = 0.0
    max_filesize: int | None = DEFAULT_MAX_FILESIZE  # bytes; None = no limit
    max_duration: float | None = DEFAULT_MAX_DURATION  # seconds; None = no limit
    extract: bool = True  # run extract + summarise
    embed: bool = True
    diarize: bool = True  # speaker turns for speech recognised from media
    extractor: str = "default"  # extractor and summariser name (default, llm, a plugin)
    extractor_options: dict[str, Any] = field(default_factory=dict)  # e.g. llm base_url/model/api_key
    media_dir: Path | None = None  # None = "<db stem>-media" beside the database
    force: bool = False  # redo the run's stages for the matched videos, even where done
    # local: videos stream through the stages (bounded queues, one writer); stages: one stage
    # at a time over the whole batch; ray: the stages' work runs as Ray tasks on a cluster
    engine: str = "local"
    workers: int = 1  # parallel workers for each CPU-bound stage (local and ray engines)
    keep_media: bool = False  # keep downloaded media after the stages that listen to it
    ray_address: str | None = None  # None = start (or join) a Ray instance on this machine
