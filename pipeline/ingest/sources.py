"""Sources in, entries out: what one ``argmap ingest SOURCE`` argument stands for.

A source may be a single video, a playlist or channel, a podcast feed, a web page with
embedded media, a local media file or folder, or a transcript file. Every one of them is
expanded here into :class:`Entry` objects, one per video, *without downloading media*: the
runner must be able to see that an entry is already done before it spends a byte on it.

Each entry gets its canonical id here, and the id must not depend on when or how the entry
was found:

* ``<extractor>:<id>`` for sites yt-dlp knows (``youtube:dQw4w9WgXcQ``);
* ``generic:<hash of the media URL>`` for feeds and pages, because the generic extractor
  derives ids from file names, which collide across hosts (every podcast has an
  ``episode1.mp3``);
* ``file:<sha1 of the content>`` for local files, so moving or renaming a file does not
  make it a new video.

Remote sources are expanded through the yt-dlp Python API (``process=False``, playlists
flat), so the same code serves YouTube channels, RSS enclosures and HTML5 ``<video>`` tags.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from argmap.pipeline.errors import ConfigError, SourceError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS
from argmap.pipeline.ingest.atom import atom_feed, first_claimant
from argmap.pipeline.ingest.ytdlp import (
    MAX_PAGE_BYTES,
    StreamLimit,
    base_params,
    classify,
    guarded_ydl,
    number,
    plain_url,
    published_date,
)
from argmap.pipeline.text import MAX_NAME, MEDIA_EXTENSIONS, clean_line, clean_text, decode_file_text
from argmap.store import Commentator, Video, make_id
from argmap.store.lookup import file_video_id

log = logging.getLogger(__name__)

#: plain text and Markdown: an article or a transcript written down (structure read by
#: :mod:`argmap.pipeline.ingest.structure`)
TEXT_EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
TRANSCRIPT_EXTENSIONS = frozenset({".vtt", ".srt"}) | TEXT_EXTENSIONS
WEB_SCHEMES = frozenset({"http", "https"})
#: address schemes a source may have (yt-dlp's streaming protocols too); anything else is a typo
URL_SCHEMES = WEB_SCHEMES | {"ftp", "ftps", "rtmp", "rtmps", "rtmpe", "rtmpt", "rtmpte", "rtsp", "mms"}

# Extractors whose ids come from file or page names rather than from a site's own catalogue.
_URL_DERIVED_IDS = frozenset({"generic", "html5mediaembed", "html5"})
# How deep to follow playlists of playlists (a channel's tabs, a feed of feeds).
_MAX_NESTING = 3
# Extractor keys that name collections rather than videos (YoutubeTab, SoundcloudPlaylist...).
_PLAYLIST_LIKE = re.compile(r"Tab|Playlist|Channel|Feed|Series|Show|Album|User")


@dataclass
class SourceOptions:
    commentator: str | None = None  # overrides whatever the source says
    title: str | None = None  # for a single local file or transcript
    limit: int | None = None  # at most this many entries per source
    since: _dt.date | None = None  # skip entries published before this day
    cookies: str | None = None  # Netscape cookie file for yt-dlp


@dataclass
class Entry:
    """One video-to-be: its row for the store and what it takes to fetch it."""

    video: Video
    commentator: Commentator | None
    kind: str  # remote | file | import
    info: dict[str, Any] | None = None  # the yt-dlp entry (unresolved for feeds and playlists)
    path: Path | None = None  # the local file, for kinds file and import
    extra: dict[str, Any] = field(default_factory=dict)
    #: video fields guessed from the file (its name, its folder): they fill a new row but never
    #: replace what an earlier run stored, which may be what the user typed (--title, --commentator)
    guessed: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return self.video.id


def parse_since(value: str | None) -> _dt.date | None:
    """``--since`` accepts YYYY-MM-DD or YYYYMMDD."""
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return _dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ConfigError(f"--since {value!r}: expected a date like 2025-03-01")


def is_url(source: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source))


def safe_name(video_id: str) -> str:
    """A file-system-safe stem for a canonical id (``youtube:abc`` -> ``youtube_abc``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", video_id).strip("._") or "video"


def file_id(path: Path) -> str:
    # One definition, in the store: looking a video up by its file must hash it the same way.
    return file_video_id(path)


def url_id(url: str) -> str:
    return "generic:" + make_id(url)


def local_path(source: str) -> Path | None:
    """The file or folder a source names (a path, or a ``file://`` URL); None for a web URL."""
    if is_url(source) and not source.startswith("file://"):
        return None
    return Path(source.removeprefix("file://")).expanduser()


def mistyped(source: str) -> str | None:
    """The line for a source that is wrong before anything is asked of it: a path that does not
    exist, or an address scheme nothing reads ("htp://"); None for any other."""
    path = local_path(source)
    if path is not None:
        return None if path.exists() else f"{source}: no such file or folder, and not a URL"
    scheme = urlsplit(source).scheme.lower() if "://" in source else ""
    if scheme and scheme not in URL_SCHEMES:
        return f"{source}: unknown address scheme {scheme!r} (http or https?)"
    return None


def expand(source: str, options: SourceOptions | None = None) -> list[Entry]:
    """All entries a source stands for. Raises :class:`SourceError` with one line on failure."""
    options = options or SourceOptions()
    problem = mistyped(source)
    if problem:
        raise SourceError(problem, permanent=True)
    path = local_path(source)
    entries: Iterable[Entry] = _expand_url(source, options) if path is None else _expand_path(path, options)
    out = []
    for entry in entries:
        if options.since and entry.video.published and entry.video.published < options.since.isoformat():
            continue
        out.append(entry)
        if options.limit is not None and len(out) >= options.limit:
            break
    return out


# -- local files ----------------------------------------------------------------------


def _expand_path(path: Path, options: SourceOptions) -> Iterator[Entry]:
    if path.is_dir():
        named = sorted(
            p
            for p in path.rglob("*")
            if not any(part.startswith(".") for part in p.relative_to(path).parts)
            and p.suffix.lower() in MEDIA_EXTENSIONS | TRANSCRIPT_EXTENSIONS
            and not p.is_dir()
        )
        files = [p for p in named if p.is_file()]
        odd = [p for p in named if not p.is_file()]
        if odd:  # a broken link or a pipe under a media name: said, not silently passed over
            log.warning(
                "%s: skipped %d that are not files (broken links, pipes), e.g. %s", path, len(odd), odd[0]
            )
        if not files:
            raise SourceError(f"{path}: folder holds no media or transcript files", permanent=True)
        # Empty files all hash alike (file:da39a3ee...), so they would be one video under the
        # first one's name; they hold nothing to ingest anyway.
        empty = [f for f in files if f.stat().st_size == 0]
        if empty:
            log.warning("%s: skipped %d empty file(s), e.g. %s", path, len(empty), empty[0].name)
        for f in files:
            if f not in empty:
                try:
                    entry = _file_entry(f, options, title=None)
                except OSError as err:  # one unreadable file must not stop the folder
                    log.warning("%s: skipped, cannot read it (%s)", f, err.strerror or err)
                    continue
                yield entry
        return
    if not path.is_file():  # a pipe or a device: reading it for its hash would wait forever
        raise SourceError(f"{path}: not a regular file or folder", permanent=True)
    if path.stat().st_size == 0:
        raise SourceError(f"{path}: the file is empty (0 bytes)", permanent=True)
    # A single file with an unlisted extension is still tried as media: ffmpeg knows more
    # containers than we list.
    try:
        entry = _file_entry(path, options, title=options.title)
    except OSError as err:
        raise SourceError(f"{path}: cannot read it ({err.strerror or err})", permanent=False) from err
    yield entry


def _file_entry(path: Path, options: SourceOptions, title: str | None) -> Entry:
    resolved = path.resolve()
    name = clean_line(options.commentator or resolved.parent.name, MAX_NAME) or "local files"
    commentator = Commentator(id=Commentator.make_id(name), name=name, kind="person")
    kind = "import" if path.suffix.lower() in TRANSCRIPT_EXTENSIONS else "file"
    if title is None and path.suffix.lower() in TEXT_EXTENSIONS:
        title = _text_title(resolved)
    video = Video(
        id=file_id(resolved),
        source_url=resolved.as_uri(),
        title=clean_line(title) or clean_line(path.stem) or path.name,
        commentator_id=commentator.id,
        extractor="file",
        media_path=str(resolved) if kind == "file" else None,
    )
    guessed = {"title"} if not (title and title == options.title) else set()
    if not options.commentator:
        guessed.add("commentator_id")
    return Entry(video=video, commentator=commentator, kind=kind, path=resolved, guessed=frozenset(guessed))


def _text_title(path: Path) -> str | None:
    """A pasted article's own title (its first line, when that is one), else None: it names the
    video better than the file's name does. --title, when given, wins."""
    from argmap.pipeline.ingest.captions import without_times
    from argmap.pipeline.ingest.structure import title_line

    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        return None  # the import says what is wrong with the file
    text = decode_file_text(head, head=len(head) == 8192)  # a shorter read is the whole file
    # A time-stamped transcript ("[00:00] Ana: Hello ...", as `argmap transcript` writes it)
    # under its title: the stamps are not words the title is judged by.
    unstamped = without_times(text[: text.rfind("\n") + 1] or text)  # never a line cut in two
    return title_line(unstamped) if unstamped is not None else None


def entry_for_stored(video: Video) -> Entry:
    """An entry for a video already in the store, to run its stages again without expanding
    its source: a local file or transcript by its path, anything else by its page URL, which
    yt-dlp resolves as it would a playlist entry."""
    if video.source_url.startswith("file:"):
        path = Path(unquote(urlsplit(video.source_url).path))
        kind = "import" if path.suffix.lower() in TRANSCRIPT_EXTENSIONS else "file"
        return Entry(video=video, commentator=None, kind=kind, path=path)
    url = video.webpage_url or video.source_url
    return Entry(video=video, commentator=None, kind="remote", info={"_type": "url", "url": url})


# -- remote sources via yt-dlp -----------------------------------------------------------


def _expand_url(url: str, options: SourceOptions) -> Iterator[Entry]:
    with HEAVY_IMPORTS:
        import yt_dlp

    params = base_params(options.cookies)
    params["extract_flat"] = "in_playlist"
    with guarded_ydl(params, max_bytes=MAX_PAGE_BYTES) as ydl:
        try:
            info = ydl.extract_info(url, download=False, process=False)
        except StreamLimit as err:
            raise SourceError(f"{url}: {err}", permanent=err.permanent) from err
        except (yt_dlp.utils.YoutubeDLError, yt_dlp.networking.exceptions.RequestError) as err:
            # yt-dlp's generic extractor reads RSS but not Atom, and calls an Atom feed an
            # unsupported URL: only then is a second look worth a request.
            info = atom_feed(ydl, url) if "Unsupported URL" in str(err) else None
            if info is None:
                reason, permanent = classify(str(err))
                raise SourceError(f"{url}: {reason}", permanent=permanent) from err
        if info and info.get("_type") == "playlist" and not info.get("entries"):
            info = atom_feed(ydl, url) or info
        if not info:
            raise SourceError(f"{url}: nothing found", permanent=True)
        yield from _walk(ydl, info, url, options, parent=None, depth=0)


def _walk(
    ydl: Any,
    info: dict[str, Any],
    url: str,
    options: SourceOptions,
    parent: dict[str, Any] | None,
    depth: int,
) -> Iterator[Entry]:
    kind = info.get("_type", "video")
    if kind in ("playlist", "multi_video"):
        for entry in info.get("entries") or ():
            if entry:
                yield from _walk(ydl, entry, url, options, parent=info, depth=depth + 1)
        return
    if kind in ("url", "url_transparent"):
        resolved = _maybe_nested_playlist(ydl, info, depth)
        if resolved is not None:
            yield from _walk(ydl, resolved, url, options, parent=resolved, depth=depth + 1)
            return
    entry = _remote_entry(ydl, info, url, options, parent)
    # A feed may point anywhere: only web addresses are fetched (never javascript:, data:, file:).
    if urlsplit(entry.video.source_url).scheme in WEB_SCHEMES:
        yield entry


def _maybe_nested_playlist(ydl: Any, info: dict[str, Any], depth: int) -> dict[str, Any] | None:
    """Resolve a flat entry only when it is itself a playlist (e.g. a channel's tabs)."""
    if depth >= _MAX_NESTING:
        return None
    key = str(info.get("ie_key") or "")
    if not _PLAYLIST_LIKE.search(key):
        return None  # a single video, resolved only when it is downloaded
    try:
        nested = ydl.extract_info(_entry_url(info), download=False, process=False, ie_key=key)
    except Exception:  # noqa: BLE001 - the entry is then treated as a video and fails on download
        return None
    if nested and nested.get("_type") in ("playlist", "multi_video"):
        return dict(nested)
    return None


def _entry_url(info: dict[str, Any]) -> str:
    url = info.get("url") or info.get("webpage_url") or ""
    if not url and info.get("formats"):
        url = info["formats"][0].get("url") or ""
    return plain_url(url) or ""


def _extractor_for(ydl: Any, info: dict[str, Any]) -> Any:
    key = info.get("ie_key") or info.get("extractor_key")
    if key:
        try:
            return ydl.get_info_extractor(key)
        except Exception:  # noqa: BLE001 - unknown key: fall back to URL matching
            pass
    url = _entry_url(info)
    key = first_claimant(url) if url else None
    return ydl.get_info_extractor(key) if key is not None else None


def _temp_id(ie: Any, url: str) -> str | None:
    try:
        return str(ie.get_temp_id(url)) if url else None
    except Exception:  # noqa: BLE001
        return None


def canonical_id(ydl: Any, info: dict[str, Any]) -> tuple[str, str]:
    """``(extractor name, canonical id)`` for an entry, without network access."""
    ie = _extractor_for(ydl, info)
    name = (ie.ie_key() if ie is not None else str(info.get("extractor_key") or "generic")).lower()
    if name in _URL_DERIVED_IDS:
        media_url = _media_url(info)
        if not media_url:
            raise SourceError("entry has no URL", permanent=True)
        return "generic", url_id(media_url)
    vid = info.get("id") or (_temp_id(ie, _entry_url(info)) if ie is not None else None)
    if not vid:
        return "generic", url_id(_entry_url(info))
    return name, f"{name}:{vid}"


def _media_url(info: dict[str, Any]) -> str:
    formats = info.get("formats") or []
    if formats and formats[0].get("url"):
        return str(formats[0]["url"])
    return _entry_url(info)


def commentator_for(
    info: dict[str, Any], parent: dict[str, Any] | None, source_url: str, options: SourceOptions
) -> Commentator:
    """--commentator, else channel/uploader, else the feed's or playlist's title, else the host."""
    if options.commentator and clean_line(options.commentator, MAX_NAME):
        name = clean_line(options.commentator, MAX_NAME)
        return Commentator(id=Commentator.make_id(name), name=name, kind="person")
    for holder in (info, parent or {}):
        for key, url_key in (("channel", "channel_url"), ("uploader", "uploader_url")):
            name = clean_line(holder.get(key), MAX_NAME)
            if name:
                url = holder.get(url_key)
                return Commentator(id=Commentator.make_id(name), name=name, url=url, kind="channel")
    # yt-dlp names an RSS feed's playlist by the feed URL; an HTML page's title is no author.
    is_feed = parent is not None and parent.get("id") in (parent.get("webpage_url"), source_url)
    if parent and clean_line(parent.get("title"), MAX_NAME) and is_feed:
        name = clean_line(parent["title"], MAX_NAME)
        return Commentator(
            id=Commentator.make_id(name), name=name, url=parent.get("webpage_url") or source_url, kind="feed"
        )
    parts = urlsplit(source_url)
    host = parts.hostname or "unknown"
    return Commentator(
        id=Commentator.make_id(host),
        name=host,
        url=f"{parts.scheme}://{parts.netloc.rpartition('@')[2] or host}/",  # the port kept, no password
        kind="channel",
    )


def _remote_entry(
    ydl: Any, info: dict[str, Any], source_url: str, options: SourceOptions, parent: dict[str, Any] | None
) -> Entry:
    info = dict(info)
    extractor, vid = canonical_id(ydl, info)
    commentator = commentator_for(info, parent, source_url, options)
    # Resolved entries (an HTML page's <video> tags) need what yt-dlp adds to top-level results.
    if info.get("_type", "video") == "video":
        parent_page = (parent or {}).get("webpage_url") or source_url
        info.setdefault("webpage_url", parent_page)
        info.setdefault("original_url", parent_page)
        info.setdefault("extractor", info.get("extractor_key", "generic"))
        info.setdefault("extractor_key", "Generic")
        info.setdefault("webpage_url_basename", Path(urlsplit(parent_page).path).name or "index")
        info.setdefault("webpage_url_domain", urlsplit(parent_page).netloc)
    webpage = info.get("webpage_url")
    if not webpage and extractor != "generic":
        webpage = _entry_url(info)
    if webpage and urlsplit(webpage).scheme not in WEB_SCHEMES:
        webpage = None
    title = clean_line(info.get("title")) or clean_line(options.title)
    video = Video(
        id=vid,
        source_url=_media_url(info) if extractor == "generic" else (_entry_url(info) or source_url),
        title=title,
        commentator_id=commentator.id,
        webpage_url=webpage,
        extractor=extractor,
        published=published_date(info),
        duration=number(info.get("duration")),
        description=clean_text(info.get("description")),
    )
    return Entry(video=video, commentator=commentator, kind="remote", info=info)
