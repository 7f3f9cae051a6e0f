"""Finding a video from what a person types: an id, an id prefix, a URL, a file path or title words.

People do not remember ``file:3f2a9c1d0e7b4a55``; they remember the file they ingested
(``../shared/audio/multilingual.mp3``) or a word of the title (``multilingual``). Every command
that takes a video goes through :func:`resolve_video` (``Store.resolve_video`` delegates here),
so one reference means the same video everywhere: transcript, arguments, summary, extract,
retry, remove, export.

Matching runs in tiers, most exact first, and the first tier that finds anything decides:

1. the id, the source URL, the page URL, or the local file the reference names (its absolute
   path or ``file://`` URI, as ingest stores it, whatever the current folder);
2. an existing local file's content hash: local ids are ``file:<sha1 of the content>``, so a
   file moved or copied since ingest is still found;
3. an id prefix;
4. the title, equal ignoring case; then the title containing the reference; then the title
   containing every word of it.

A tier with one video answers; a tier with several is an :class:`AmbiguousVideo` error that
lists them, since guessing would act on the wrong video (``remove`` deletes). Tiers keep an
exact id from being shadowed by a title that happens to contain it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .connection import NotFound
from .records import Video

if TYPE_CHECKING:
    from .database import Store

#: candidates named in an ambiguity error; more are counted, not listed
MAX_LISTED = 10
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def _shown(video: Video, candidates: list[Video]) -> str:
    """A candidate's title, and where it came from when another candidate has the same title
    (six copies of "late20" in six formats are told apart by their file names)."""
    twins = sum(1 for c in candidates if c.title == video.title)
    if twins < 2:
        return video.title
    where = video.source_url
    if where.startswith("file:"):
        from urllib.parse import unquote, urlsplit

        where = unquote(urlsplit(where).path)
    return f"{video.title}  ({where})"


class AmbiguousVideo(NotFound):
    """A reference that matches several videos; ``candidates`` are they, by title then id."""

    def __init__(self, ref: str, candidates: list[Video], how: str):
        self.ref = ref
        self.candidates = candidates
        listed = "".join(f"\n  {v.id}  {_shown(v, candidates)}" for v in candidates[:MAX_LISTED])
        more = len(candidates) - MAX_LISTED
        if more > 0:
            listed += f"\n  ... and {more} more"
        super().__init__(
            f"{ref!r} matches {len(candidates)} videos by {how}; give one of these ids"
            f" (or enough of one to be unique):{listed}"
        )


def file_video_id(path: Path) -> str:
    """The id ingest gives a local file: ``file:`` and the first 16 hex digits of the SHA-1 of
    its content, so renaming or moving the file keeps its video."""
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "file:" + digest.hexdigest()[:16]


def _videos(store: Store, where: str, params: list[str]) -> list[Video]:
    return [Video(**r) for r in store.rows(f"select * from videos where {where} order by title, id", params)]


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _as_path(ref: str) -> Path | None:
    """The absolute file a reference names when it is not a web address (it need not exist:
    a file deleted after ingest is still its video's name)."""
    if _SCHEME.match(ref) and not ref.startswith("file://"):
        return None
    text = ref[len("file://") :] if ref.startswith("file://") else ref
    try:
        return Path(text).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte
        return None


def video_candidates(store: Store, ref: str) -> tuple[str, list[Video]]:
    """(how they matched, the videos) of the first tier (see the module docstring) that finds
    any; ``("", [])`` when none does."""
    ref = ref.strip()
    if not ref:
        return "", []
    keys = [ref]
    path = _as_path(ref)
    if path is not None:
        keys += [str(path), path.as_uri()]
    marks = ",".join("?" * len(keys))
    found = _videos(
        store,
        f"id in ({marks}) or source_url in ({marks}) or webpage_url in ({marks}) or media_path in ({marks})",
        keys * 4,
    )
    if found:
        return "id, URL or path", found
    if path is not None and path.is_file():
        try:
            found = _videos(store, "id = ?", [file_video_id(path)])
        except OSError:
            found = []
        if found:
            return "file content", found
    found = _videos(store, "id like ? || '%' escape '\\'", [_like_escape(ref)])
    if found:
        return "id prefix", found
    return _by_title(store, ref)


def _by_title(store: Store, ref: str) -> tuple[str, list[Video]]:
    # casefold in Python: SQLite's lower() and LIKE fold ASCII only ("Ökonomie", "İstanbul").
    titles = [(r["id"], (r["title"] or "").casefold()) for r in store.rows("select id, title from videos")]
    wanted = " ".join(ref.split()).casefold()
    words = re.findall(r"\w+", wanted)
    tiers = (
        ("title", lambda t: " ".join(t.split()) == wanted),
        ("title", lambda t: wanted in " ".join(t.split())),
        ("title words", lambda t: bool(words) and all(w in t for w in words)),
    )
    for how, test in tiers:
        ids = [vid for vid, title in titles if test(title)]
        if ids:
            marks = ",".join("?" * len(ids))
            return how, _videos(store, f"id in ({marks})", ids)
    return "", []


def resolve_video(store: Store, ref: str) -> Video:
    """The one video ``ref`` names; :class:`NotFound` (one line) when none does,
    :class:`AmbiguousVideo` (listing the candidates) when several do."""
    how, found = video_candidates(store, ref)
    if not found:
        raise NotFound(
            f"no video matches {ref!r} (give an id, id prefix, URL, file path or title words;"
            " see `argmap videos`)"
        )
    if len(found) > 1:
        raise AmbiguousVideo(ref, found, how)
    return found[0]
