"""``/media/<video id>``: the video's own media file, with HTTP range requests.

A browser's ``<audio>``/``<video>`` element seeks by asking for byte ranges (``Range:
bytes=1000-``); a server that answers every request with the whole file makes seeking to an
unbuffered moment fail, so the player could not jump to 40:00 of a podcast. This module answers
ranges as RFC 9110 says: one range gives ``206 Partial Content`` with ``Content-Range``; a range
past the end gives ``416`` with ``Content-Range: bytes */<size>``; a malformed or multi-range
header is ignored (the whole file, ``200``), which the RFC allows. ``If-Range`` is honoured
against the ETag and Last-Modified it sends, so a file replaced between two requests is never
stitched from two versions.

The route never takes a path from the URL: the video id is looked up in the store, and only the
file the store names for that video is served (see :func:`.moments.media_file`). An id that is
unknown, or whose file is gone, is a 404.
"""

from __future__ import annotations

import os
import re
from email.utils import formatdate
from pathlib import Path
from typing import Any

CHUNK = 256 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.I)


class Unsatisfiable(Exception):
    """The requested range lies wholly past the end of the file."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one byte range (first, last; inclusive) ``header`` asks for, or None for the whole file.

    Raises :class:`Unsatisfiable` for a range that starts at or past ``size`` (or a zero-length
    suffix); malformed headers and multiple ranges give None.
    """
    if not header:
        return None
    m = _RANGE.match(header)
    if not m or (not m.group(1) and not m.group(2)):
        return None  # "bytes=a-b,c-d", "items=0-1", "bytes=-": not a single byte range
    first_s, last_s = m.group(1), m.group(2)
    if not first_s:  # suffix: the last N bytes
        n = int(last_s)
        if n == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - n), size - 1
    first = int(first_s)
    if last_s and int(last_s) < first:
        return None  # invalid range-spec: ignored
    if first >= size:
        raise Unsatisfiable
    return first, min(int(last_s), size - 1) if last_s else size - 1


def send_file(handler: Any, path: Path, content_type: str, headers: dict[str, str]) -> None:
    """Answer ``handler``'s request (GET or HEAD) with ``path``, honouring its Range header.

    ``headers`` are sent with every answer (the page's security headers). A client that goes
    away mid-file (the player seeked elsewhere) ends the answer quietly.
    """
    try:
        f = path.open("rb")
    except OSError:
        handler.send_error(404, "media file not readable")
        return
    with f:
        st = os.fstat(f.fileno())
        size = st.st_size
        etag = f'"{st.st_size:x}-{st.st_mtime_ns:x}"'
        modified = formatdate(st.st_mtime, usegmt=True)
        wanted = handler.headers.get("Range")
        if_range = handler.headers.get("If-Range")
        if if_range and if_range.strip() not in (etag, modified):
            wanted = None  # the file changed since the client's first part: send all of it
        try:
            span = parse_range(wanted, size)
        except Unsatisfiable:
            handler.send_response(416)
            handler.send_header("Content-Range", f"bytes */{size}")
            handler.send_header("Content-Length", "0")
            _common(handler, headers, etag, modified)
            handler.end_headers()
            return
        if span is None:
            first, last = 0, size - 1
            handler.send_response(200)
        else:
            first, last = span
            handler.send_response(206)
            handler.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        length = max(0, last - first + 1)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(length))
        _common(handler, headers, etag, modified)
        handler.end_headers()
        if handler.command == "HEAD" or length == 0:
            return
        f.seek(first)
        left = length
        try:
            while left > 0:
                block = f.read(min(CHUNK, left))
                if not block:
                    break  # the file shrank under us: the client sees a short body
                handler.wfile.write(block)
                left -= len(block)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True


def _common(handler: Any, headers: dict[str, str], etag: str, modified: str) -> None:
    handler.send_header("Accept-Ranges", "bytes")
    handler.send_header("ETag", etag)
    handler.send_header("Last-Modified", modified)
    handler.send_header("Cache-Control", "no-cache")
    for name, value in headers.items():
        handler.send_header(name, value)
