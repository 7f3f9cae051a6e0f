"""Atom feeds, which yt-dlp does not read, as yt-dlp-style playlists; and which yt-dlp extractor
claims an address (also what tells a site's page from a plain file in an Atom entry).

Kept apart from :mod:`.sources` for size: sources asks here for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from argmap.pipeline.errors import SourceError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS


def _claiming_extractors(url: str) -> Iterator[Any]:
    """yt-dlp's working extractor classes that claim ``url``, in its order (generic last)."""
    with HEAVY_IMPORTS:
        from yt_dlp.extractor import gen_extractor_classes

    return (cls for cls in gen_extractor_classes() if cls.suitable(url) and cls.working())


# Asking every yt-dlp extractor whether it claims a URL takes ~3 ms (nearly 2,000 patterns), so a
# 10,000-episode feed spent a minute here on every run. A host and first path segment whose URLs
# only the generic extractor has claimed, several times over, is taken to be generic for the rest
# of the process; one any site extractor claims is always asked in full.
_GENERIC_ONLY: dict[str, int] = {}
_TRUST_GENERIC_AFTER = 3


def first_claimant(url: str) -> str | None:
    """The key of the first extractor that claims ``url`` ("Generic" for plain web addresses)."""
    parts = urlsplit(url)
    # The first path segment too: one host may serve plain files under one path and pages a
    # site extractor knows under another (archive.org/download/... and /details/...).
    folders = parts.path.strip("/").split("/")[:-1]  # the file name itself is not a place
    host = f"{parts.netloc.lower()}/{folders[0] if folders else ''}"
    if _GENERIC_ONLY.get(host, 0) >= _TRUST_GENERIC_AFTER:
        return "Generic"
    cls = next(_claiming_extractors(url), None)
    key = cls.ie_key() if cls is not None else None
    if key == "Generic" and _GENERIC_ONLY.get(host, 0) >= 0:
        _GENERIC_ONLY[host] = _GENERIC_ONLY.get(host, 0) + 1
    elif key is not None:
        _GENERIC_ONLY[host] = -1  # a site yt-dlp knows: never shortcut
    return key


_ATOM = "http://www.w3.org/2005/Atom"
_MEDIA_RSS = "http://search.yahoo.com/mrss/"
_ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
_MAX_FEED_BYTES = 32 << 20  # a feed larger than this is not a feed we want to hold in memory


class _UnsafeXml(Exception):
    pass


def parse_xml(data: bytes) -> Any:
    """An ElementTree root for ``data``; documents with a DTD are refused outright.

    Feeds come from anywhere. Refusing any ``<!DOCTYPE`` (and so any entity declaration)
    shuts out entity expansion bombs and external entities without needing defusedxml.
    Raises ``ValueError`` for malformed or refused input.
    """
    import xml.etree.ElementTree as ET
    from xml.parsers import expat

    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")

    def qname(name: str) -> str:
        uri, _, local = name.rpartition(" ")
        return f"{{{uri}}}{local}" if uri else local

    def refuse(*_: Any) -> None:
        raise _UnsafeXml("document type declarations are not accepted")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.StartElementHandler = lambda name, attrs: builder.start(
        qname(name), {qname(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda name: builder.end(qname(name))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _UnsafeXml) as err:
        raise ValueError(str(err)) from err
    return builder.close()


def atom_feed(ydl: Any, url: str) -> dict[str, Any] | None:
    """An Atom feed at ``url`` as a yt-dlp-style playlist, or None if it is not one.

    Each entry's media comes from ``<link rel="enclosure">``, else a ``media:content``
    (also inside ``media:group``) that is audio or video, else its ``alternate`` link when
    a site extractor (YouTube, Vimeo...) knows that page. Entries are handed on unresolved,
    exactly like the RSS items yt-dlp itself produces, so download and ids work the same.
    """
    try:
        with ydl.urlopen(url) as response:
            data = response.read(_MAX_FEED_BYTES + 1)
    except Exception:  # noqa: BLE001 - unreachable: the caller reports yt-dlp's own error
        return None
    if len(data) > _MAX_FEED_BYTES or _ATOM.encode() not in data[:8192]:
        return None
    try:
        root = parse_xml(data)
    except ValueError as err:
        raise SourceError(f"{url}: unreadable Atom feed ({err})", permanent=True) from err
    if root.tag != f"{{{_ATOM}}}feed":
        return None
    entries = [e for e in (_atom_entry(item) for item in root.findall(f"{{{_ATOM}}}entry")) if e]
    playlist: dict[str, Any] = {
        "_type": "playlist",
        "id": url,
        "webpage_url": url,
        "title": _text(root, "title"),
        "description": _text(root, "subtitle"),
        "entries": entries,
    }
    author = _text(root, f"author/{{{_ATOM}}}name")
    if author:
        playlist["uploader"] = author
    return playlist


def _text(node: Any, path: str) -> str | None:
    found = node.find(f"{{{_ATOM}}}{path}")
    text = "".join(found.itertext()).strip() if found is not None else ""
    return text or None


def _atom_entry(item: Any) -> dict[str, Any] | None:
    with HEAVY_IMPORTS:
        from yt_dlp.utils import parse_duration, unified_timestamp

    media_url, duration = _atom_media(item)
    if not media_url:
        return None
    published = _text(item, "published") or _text(item, "updated")
    itunes_duration = item.findtext(f"{{{_ITUNES}}}duration")
    entry: dict[str, Any] = {
        "_type": "url_transparent",
        "url": media_url,
        "title": _text(item, "title"),
        "description": _text(item, "summary")
        or item.findtext(f".//{{{_MEDIA_RSS}}}description")
        or _text(item, "content"),
        "timestamp": unified_timestamp(published) if published else None,
        "duration": duration or (parse_duration(itunes_duration) if itunes_duration else None),
    }
    author = _text(item, f"author/{{{_ATOM}}}name")
    if author:
        entry["uploader"] = author
    return entry


def _atom_media(item: Any) -> tuple[str | None, float | None]:
    links = item.findall(f"{{{_ATOM}}}link")
    for link in links:
        if link.get("rel") == "enclosure" and link.get("href"):
            return link.get("href"), None
    for content in item.iter(f"{{{_MEDIA_RSS}}}content"):
        mime = content.get("type") or ""
        medium = content.get("medium") or ""
        is_media = mime.startswith(("audio/", "video/")) or medium in ("audio", "video")
        if content.get("url") and (is_media or not (mime or medium)):
            try:
                duration = float(content.get("duration") or "") or None
            except ValueError:
                duration = None
            return content.get("url"), duration
    for link in links:
        href = link.get("href")
        if href and link.get("rel", "alternate") == "alternate" and _site_knows(href):
            return href, None
    return None, None


def _site_knows(url: str) -> bool:
    """True when a site extractor, not the generic fallback, claims ``url``."""
    return first_claimant(url) not in (None, "Generic")
