"""The yt-dlp vocabulary that expansion and download share.

Options every YoutubeDL is built with, a logger that keeps yt-dlp quiet but remembers its
errors, readers for the loosely typed fields of its info dicts, and :func:`classify`, which
turns a yt-dlp error message into a one-line reason and whether retrying can ever help.

:func:`guarded_ydl` is the YoutubeDL every request goes through. It caps what one response may
hold in memory (a feed or page that never ends) and gives up on a response that trickles (one
byte every twenty seconds never trips a socket timeout): both are measured as the bytes arrive,
by reading what the socket has instead of waiting for a full block.
Kept apart so that :mod:`.sources` and :mod:`.download` both depend on it and not on each
other.
"""

from __future__ import annotations

import datetime as _dt
import re
import time
from pathlib import Path
from typing import Any

from argmap.pipeline.errors import ConfigError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS
from argmap.pipeline.text import clean_line

#: the most one feed or web page may hold (expansion reads them into memory)
MAX_PAGE_BYTES = 32 << 20
#: a response slower than this on average, after the grace period, is abandoned (bytes/s)
MIN_RATE = 1024
#: seconds a response may take to get going before its rate counts
RATE_GRACE = 60.0


def base_params(cookies: str | None = None) -> dict[str, Any]:
    """yt-dlp options shared by expansion and download: quiet, bounded, no surprises."""
    params: dict[str, Any] = {
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "socket_timeout": 30,
        "retries": 3,
        "extractor_retries": 2,
        "ignoreerrors": False,
        "logger": YdlLogger(),
        "noplaylist": False,
    }
    if cookies:
        if not Path(cookies).is_file():
            raise ConfigError(f"--cookies {cookies}: no such file")
        params["cookiefile"] = cookies
    return params


class YdlLogger:
    """Keeps yt-dlp quiet on the terminal while remembering its last error line."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        pass

    def error(self, msg: str) -> None:
        self.errors.append(msg)


def plain_url(url: str | None) -> str | None:
    """A URL without the state yt-dlp smuggles into its fragment."""
    if not url:
        return None
    with HEAVY_IMPORTS:
        from yt_dlp.utils import unsmuggle_url

    return str(unsmuggle_url(url, {})[0])


def number(value: Any) -> float | None:
    """A numeric yt-dlp field (duration, filesize) as a float, else None."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def published_date(info: dict[str, Any]) -> str | None:
    """ISO day from yt-dlp's ``upload_date``/``release_date`` (YYYYMMDD) or a timestamp."""
    for key in ("upload_date", "release_date"):
        value = info.get(key)
        if value and re.fullmatch(r"\d{8}", str(value)):
            v = str(value)
            return f"{v[:4]}-{v[4:6]}-{v[6:]}"
    for key in ("timestamp", "release_timestamp"):
        ts = info.get(key)
        if isinstance(ts, (int, float)):
            return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).date().isoformat()
    return None


# Matched case-insensitively, permanent ones first: "Private video. Sign in if you've been
# granted access" is private (permanent), not a sign-in wall (transient).
_PERMANENT_PATTERNS = [
    (r"larger than the \d+ MB limit[^\n]*?(?=$|;|\n)", None),
    (
        r"file:// URLs are disabled|No connection adapters were found for '?file:",
        "links to local files (file://) are not followed",
    ),
    # A redirect left unfollowed: its target is not a web address (file:, javascript:...).
    (r"HTTP Error 30[0-8]\b", "redirects to an address that is not followed (not http or https)"),
    (r"HTTP Error (?:400|401|403|404|410|451)\b[^\n(]*", None),
    (r"Unsupported URL", "not a media page or file (no audio or video found)"),
    (r"private video|video is private|this video has been made private", "private video"),
    (
        r"confirm your age|age[- ]restricted|inappropriate for some users",
        "age-restricted video (try --cookies)",
    ),
    (r"members[- ]only|join this channel", "members-only video"),
    (
        r"video (?:is |has been )?removed|has been removed|been terminated|violating .{0,40}terms",
        "video removed",
    ),
    (
        r"video (?:is )?unavailable|no longer available|content isn.t available|does not exist",
        "video unavailable",
    ),
    (r"not (?:made this video )?available in your country|geo[- ]?restrict", "blocked in this country"),
    (r"is not a valid URL|looks truncated", "not a valid URL"),
    (r"No video formats found|Requested format is not available", "no downloadable audio or video"),
    (r"not a media file|Invalid data found", "not a media file"),
]
_TRANSIENT_PATTERNS = [
    (r"download stalled[^\n]*?(?=$|;|\n)", None),
    (r"HTTP Error (?:408|425|429|5\d\d)\b[^\n(]*", None),
    (r"timed out|timeout", "network timeout"),
    (r"connection (?:refused|reset|aborted)|Remote end closed|Connection error", "connection failed"),
    (r"temporary failure in name resolution|Name or service not known|getaddrinfo", "host not reachable"),
    (r"not a bot|sign in to confirm", "the site asks to sign in (try --cookies, or later)"),
    (r"premieres in|live event will begin|is upcoming", "not out yet (premiere or upcoming live stream)"),
    (r"incomplete|ContentTooShort|fewer bytes|did not get any data", "download incomplete"),
]


def classify(message: str) -> tuple[str, bool]:
    """``(one-line reason, permanent)`` for a yt-dlp error message."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", message)
    for patterns, permanent in ((_PERMANENT_PATTERNS, True), (_TRANSIENT_PATTERNS, False)):
        for pattern, reason in patterns:
            m = re.search(pattern, text, re.IGNORECASE)
            if m:
                return clean_line(reason or m.group(0).strip().rstrip(":;,"), 200), permanent
    # Unknown failures are retried: a later run costs little, losing a video costs more.
    line = text.strip().splitlines()[0] if text.strip() else "download failed"
    line = re.sub(r"^ERROR:\s*", "", line)
    line = re.sub(r"^\[[^\]]+\]\s*(?:[^:]{1,80}:\s*)?", "", line)
    line = line.split("; please report")[0].split(" (caused by")[0]
    return clean_line(line, 200) or "download failed", False


# -- bounded responses --------------------------------------------------------------------------


class StreamLimit(OSError):
    """A response went past a limit: too large to hold (permanent) or too slow (transient).

    An ``OSError`` so that yt-dlp reports it like a network failure, with this message.
    """

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class _GuardedBody:
    """A response body read in the pieces the socket delivers, with a size cap and a rate floor."""

    def __init__(self, fp: Any, max_bytes: int | None, min_rate: float, grace: float):
        self._fp = fp
        self._max = max_bytes
        self._min_rate = min_rate
        self._grace = grace
        self._started = time.monotonic()
        self._bytes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fp, name)

    def _check_rate(self) -> None:
        elapsed = time.monotonic() - self._started
        if self._min_rate and elapsed > self._grace and self._bytes / elapsed < self._min_rate:
            raise StreamLimit(
                f"download stalled: {self._bytes} bytes in {elapsed:.0f} s,"
                f" under the {self._min_rate:g} bytes/s minimum",
                permanent=False,
            )

    def _read_some(self, n: int, kwargs: dict[str, Any]) -> bytes:
        self._check_rate()
        # read1 returns what one socket read brings instead of waiting for n bytes; yt-dlp's
        # requests adapter passes decode_content, which both kinds of body accept.
        read1 = getattr(self._fp, "read1", None)
        data: bytes = read1(n, **kwargs) if read1 is not None else self._fp.read(n, **kwargs)
        self._bytes += len(data)
        if self._max is not None and self._bytes > self._max:
            raise StreamLimit(
                f"larger than the {self._max >> 20} MB limit for a feed or page", permanent=True
            )
        if data:
            self._check_rate()
        return data

    def read(self, amt: int | None = None, **kwargs: Any) -> bytes:
        if amt is not None and amt >= 0:
            return self._read_some(amt, kwargs)
        chunks = []
        while chunk := self._read_some(1 << 20, kwargs):
            chunks.append(chunk)
        return b"".join(chunks)


def guarded_ydl(
    params: dict[str, Any],
    *,
    max_bytes: int | None = None,
    min_rate: float = MIN_RATE,
    grace: float = RATE_GRACE,
) -> Any:
    """A ``yt_dlp.YoutubeDL`` whose every response is bounded as :class:`_GuardedBody` says."""
    with HEAVY_IMPORTS:
        import yt_dlp

    class GuardedYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]
        def urlopen(self, req: Any) -> Any:
            response = super().urlopen(req)
            response.fp = _GuardedBody(response.fp, max_bytes, min_rate, grace)
            return response

    return GuardedYoutubeDL(params)
