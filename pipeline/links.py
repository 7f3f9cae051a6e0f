"""Links that open a video at a moment: the "where was it said" half of every answer.

YouTube understands ``t=<seconds>`` in the query string; for anything else argmap uses a
W3C media fragment (``#t=<seconds>``), which browsers honour for direct media URLs.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from argmap.store import Video

_YOUTUBE_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "music.youtube.com")


def video_url(video: Video) -> str:
    return video.webpage_url or video.source_url


def timestamp_url(video: Video, seconds: float | None) -> str:
    """The video's page URL, opened at ``seconds`` (whole seconds, rounded down)."""
    base = video_url(video)
    if seconds is None:
        return base
    t = max(0, int(seconds))
    parts = urlsplit(base)
    if parts.scheme in ("http", "https") and parts.hostname in _YOUTUBE_HOSTS:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        query.append(("t", f"{t}s"))
        return urlunsplit(parts._replace(query=urlencode(query), fragment=""))
    return urlunsplit(parts._replace(fragment=f"t={t}"))


def clock(seconds: float | None) -> str:
    """A moment as people write it: ``m:ss``, or ``h:mm:ss`` from an hour on."""
    s = max(0, int(seconds or 0))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
