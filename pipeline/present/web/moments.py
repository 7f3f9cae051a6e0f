"""Where a moment link goes: argmap's own player, the video's site, or the transcript line.

A moment ("Dana said this at 1:05") is only useful if clicking it plays 1:05. What that takes
depends on what the store has for the video, decided once per video here:

- ``media``: a media file the store knows is on disk. The video page plays it from
  ``/media/<video id>`` and its moment links seek that player; links elsewhere open the video page
  at that time (``#t=65``). A ``file://`` link would not do: browsers refuse them from a page.
- ``remote``: no file here, but the video lives on a web page (YouTube, a podcast's site); links
  open that page at the moment (YouTube ``&t=65s``, a ``#t=65`` media fragment elsewhere).
- ``missing``: a local video whose media file is not on disk (deleted after ingest, moved, or
  never kept); the page says so, and times point into the transcript.
- ``text``: an imported transcript (``.txt``, ``.vtt``, ``.srt``), which never had media: the
  page shows the quotes and times point at transcript lines, never "open the video".

Only files whose suffix is a known audio or video type are played: ``media_path`` is a column a
stranger's file name never writes, but the check keeps the route from serving anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from argmap.pipeline.ingest.sources import TRANSCRIPT_EXTENSIONS
from argmap.pipeline.text import clock, timestamp_url, video_url
from argmap.store import Video

from .layout import esc, external_link, href

#: suffix -> Content-Type for the media the player is given
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".mka": "audio/x-matroska",
    ".wma": "audio/x-ms-wma",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
    ".wmv": "video/x-ms-wmv",
}
#: transcript segments per video page; longer transcripts are split into parts
SEGMENTS_PER_PAGE = 2000


def media_file(video: Video) -> Path | None:
    """The video's media file, when the store names one that is on disk and is audio or video."""
    if not video.media_path:
        return None
    path = Path(video.media_path)
    if path.suffix.lower() not in MEDIA_TYPES:
        return None
    try:
        return path if path.is_file() else None
    except OSError:  # a path the OS refuses to look at (too long, permissions) is not media
        return None


def media_url(video_id: str) -> str:
    return "/media/" + quote(video_id, safe="")


def part_of(seg: int | None) -> int | None:
    """The transcript part (1-based) of the video page that shows segment ``seg``."""
    return None if seg is None else seg // SEGMENTS_PER_PAGE + 1


@dataclass(frozen=True)
class Playback:
    """How one video's moments are played; see the module docstring for the four kinds."""

    video: Video
    kind: str  # media | remote | missing | text
    media: Path | None = None

    @property
    def element(self) -> str:
        """``audio`` or ``video``: the element the video page plays the file in."""
        suffix = self.media.suffix.lower() if self.media else ""
        return "video" if MEDIA_TYPES.get(suffix, "").startswith("video/") else "audio"

    @property
    def content_type(self) -> str:
        return MEDIA_TYPES[self.media.suffix.lower()] if self.media else "application/octet-stream"

    def note(self) -> str | None:
        """What the video page says about playing this video, when there is something to say."""
        if self.kind == "remote" and self.video.media_path:
            return "The downloaded media is no longer on disk; moment links open the video on its site."
        if self.kind == "remote":
            return "No media file is stored for this video; moment links open it on its site."
        if self.kind == "missing":
            return (
                "The media file is no longer on disk (ingest with --keep-media to keep it); "
                "times point into the transcript."
            )
        if self.kind == "text":
            return "An imported transcript with no media: the quotes are what was said; times point into it."
        return None

    def link(self, seconds: float | None, seg: int | None = None, *, here: bool = False) -> str:
        """A moment link as HTML: on the video page itself (``here``) it seeks the player or
        jumps to the transcript line; elsewhere it leads to the video page or the site."""
        t = max(0.0, float(seconds or 0.0))
        text = clock(t)
        if self.kind == "remote":
            return external_link(timestamp_url(self.video, t), text, cls="moment ext")
        if self.kind == "media":
            # Always the video page at that time, where the player seeks on load: the media file's own
            # address opened in a new tab meets its download-only CSP and plays nothing.
            target = self.page_href(f"t={t:g}", seg)
            return f'<a class="moment" href="{esc(target)}" data-t="{t:g}">{esc(text)}</a>'
        if seg is None:
            return f'<span class="t">{esc(text)}</span>'
        target = f"#seg-{seg}" if here else self.page_href(f"seg-{seg}", seg)
        return f'<a class="moment line" href="{esc(target)}">{esc(text)}</a>'

    def page_href(self, fragment: str, seg: int | None) -> str:
        return href(
            "/video", id=self.video.id, part=part_of(seg) if (seg or 0) >= SEGMENTS_PER_PAGE else None
        ) + (f"#{fragment}")

    def source_link(self) -> str | None:
        """The video on its own site, for the page's header; None when it has no web page."""
        url = video_url(self.video)
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return None
        host = urlsplit(url).hostname or "its site"
        return external_link(timestamp_url(self.video, None), f"on {host.removeprefix('www.')}")


def playback_for(video: Video) -> Playback:
    """How ``video``'s moments are played (see the module docstring)."""
    media = media_file(video)
    if media is not None:
        return Playback(video, "media", media)
    if urlsplit(video_url(video)).scheme.lower() in ("http", "https"):
        return Playback(video, "remote")
    source = Path(unquote(urlsplit(video.source_url).path))
    if source.suffix.lower() in TRANSCRIPT_EXTENSIONS and not video.media_path:
        return Playback(video, "text")
    return Playback(video, "missing")


class Playbacks:
    """Playback per video id, looked up once per request (a page links many moments of few videos)."""

    def __init__(self) -> None:
        self._seen: dict[str, Playback] = {}

    def __call__(self, video: Video) -> Playback:
        if video.id not in self._seen:
            self._seen[video.id] = playback_for(video)
        return self._seen[video.id]
