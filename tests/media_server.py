"""Loopback test media: generated speech clips served over HTTP with feeds and a page.

Ingest must be tested against real downloads, real containers and real speech, but never
against the internet. This module synthesises short commentary clips with espeak-ng (two
voices, standing for two commentators), packs them as m4a and mp4 with ffmpeg, and serves
them from a ThreadingHTTPServer on 127.0.0.1 next to two RSS feeds, a feed of broken
entries and an HTML page with ``<video>``/``<audio>`` tags. Every request is logged, so a
test can prove that a re-run downloaded nothing.

The fixtures are session-scoped: generating audio costs seconds, and each test gets a clean
request log instead of a new server.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

# Two commentators reacting to one (invented) story: a city council closing a library branch.
SCRIPTS: dict[str, tuple[str, str]] = {
    # name: (espeak voice, text)
    "ana-1": (
        "en-us",
        "The council plans to close the east side library next spring. "
        "I think this decision will hurt students who need a quiet place to study.",
    ),
    "ana-2": (
        "en-us",
        "The budget report shows the library costs less than the new parking garage. "
        "Please write to your council member before the vote on Monday.",
    ),
    "ben-1": (
        "en-gb",
        "The library closure is a sensible way to save money. "
        "Most people now read books on their phones at home.",
    ),
    "ben-2": (
        "en-gb",
        "Critics of the plan ignore the cost of repairing the old roof. "
        "The council should sell the building and fund online services instead.",
    ),
}

# Metadata written to hurt: line breaks, 8-bit terminal escapes (7-bit ESC is not allowed
# in XML), a right-to-left override, zero-width and bidi marks, markup, a doubly escaped
# entity and 100 KB of padding. (U+009B is the one-byte form of ESC [.)
HOSTILE_TITLE = (
    "Breaking\n\tnews \u009b31mRED\u009b0m \u202eevil\u202c\u200b <b>bold</b> &amp; x < y " + "A" * 100_000
)
HOSTILE_DESCRIPTION = "<p>First\u200f line</p>\r\n\n\n\n\u009b2J\u0085Second\u202e line"
HOSTILE_FEED_TITLE = "Ben\u0085Talks\u200e\n"

# Entries of the broken feed: one good clip among dead, non-media, corrupt and flaky links.
GOOD_IN_BAD_FEED = "ben-1"


@dataclasses.dataclass
class Clip:
    name: str
    voice: str
    text: str
    wav: Path
    duration: float
    files: dict[str, Path]  # extension (m4a, mp4) -> packed file


@dataclasses.dataclass
class Route:
    status: int
    content_type: str
    body: bytes


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed; run `bash .ci/setup`")


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        stdin=subprocess.DEVNULL,
    )


def probe_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


def speak(text: str, voice: str, wav: Path, *, speed: int = 150) -> None:
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text],
        check=True,
        stdin=subprocess.DEVNULL,
    )


def pack_m4a(wav: Path, out: Path) -> Path:
    _ffmpeg("-i", str(wav), "-c:a", "aac", "-b:a", "64k", str(out))
    return out


def pack_mp4(wav: Path, out: Path) -> Path:
    # A tiny black picture keeps the file small while making it a real video container.
    _ffmpeg(
        "-f", "lavfi", "-i", "color=c=black:s=64x48:r=5",
        "-i", str(wav),
        "-shortest", "-c:v", "mpeg4", "-c:a", "aac", "-b:a", "64k",
        str(out),
    )  # fmt: skip
    return out


def make_clip(name: str, voice: str, text: str, folder: Path) -> Clip:
    wav = folder / f"{name}.wav"
    speak(text, voice, wav)
    files = {"m4a": pack_m4a(wav, folder / f"{name}.m4a"), "mp4": pack_mp4(wav, folder / f"{name}.mp4")}
    return Clip(name, voice, text, wav, probe_duration(wav), files)


def make_silence(folder: Path, seconds: float = 6.0) -> Path:
    out = folder / "silence.m4a"
    _ffmpeg("-f", "lavfi", "-i", f"anullsrc=r=16000:cl=mono:d={seconds}", "-c:a", "aac", str(out))
    return out


def make_noise(folder: Path, seconds: float = 6.0) -> Path:
    out = folder / "noise.m4a"
    _ffmpeg(
        "-f", "lavfi", "-i", f"anoisesrc=r=16000:color=pink:amplitude=0.05:seed=7:d={seconds}",
        "-c:a", "aac", str(out),
    )  # fmt: skip
    return out


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    """A podcast-style RSS 2.0 feed; each item has title, url, type and a pubDate."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>',
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>",
        "<description>Loopback test feed</description>",
    ]
    for n, item in enumerate(items):
        date = format_datetime(datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc) + timedelta(days=n))
        parts.append(
            f"<item><title>{escape(item['title'])}</title>"
            f'<guid isPermaLink="false">{escape(item["url"])}</guid>'
            f"<pubDate>{date}</pubDate>"
            + (f"<itunes:duration>{item['duration']}</itunes:duration>" if "duration" in item else "")
            + (f"<description>{escape(item['description'])}</description>" if "description" in item else "")
            + f'<enclosure url="{escape(item["url"])}" type="{item.get("type", "audio/mp4")}" length="0"/>'
            "</item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()


def atom(title: str, author: str | None, entries: list[dict[str, str]]) -> bytes:
    """An Atom 1.0 feed. Each entry has a title and either ``url`` (its media, given as
    ``<link rel="enclosure">``, or as Media RSS ``media:content`` when ``via`` is "media")
    or ``page`` (an alternate link only)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">',
        f"<title>{escape(title)}</title><id>urn:argmap-test:{escape(title)}</id>",
        "<updated>2025-03-09T09:00:00Z</updated>",
        f"<author><name>{escape(author)}</name></author>" if author else "",
    ]
    for n, entry in enumerate(entries):
        when = f"2025-03-{1 + n:02d}T09:00:00Z"
        if "page" in entry:
            media = f'<link rel="alternate" href="{escape(entry["page"])}"/>'
        elif entry.get("via") == "media":
            media = (
                "<media:group><media:title>ignored</media:title>"
                f'<media:content url="{escape(entry["url"])}" type="{entry.get("type", "audio/mp4")}"/>'
                "</media:group>"
            )
        else:
            mime = entry.get("type", "audio/mp4")
            media = (
                '<link rel="alternate" type="text/html" href="http://example.invalid/notes"/>'
                f'<link rel="enclosure" href="{escape(entry["url"])}" type="{mime}"/>'
            )
        parts.append(
            f"<entry><title>{escape(entry['title'])}</title><id>urn:argmap-test:{n}</id>"
            f"<published>{when}</published><updated>{when}</updated>"
            f"<summary>Notes for {escape(entry['title'])}</summary>{media}</entry>"
        )
    parts.append("</feed>")
    return "\n".join(parts).encode()


# A billion-laughs document: an Atom feed behind an entity bomb, which must be refused.
ENTITY_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %c "%s">' % (98 + i, (b"&%c;" % (97 + i)) * 10) for i in range(8))
    + b']>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>&i;</title></feed>'
)


class MediaServer:
    """A loopback HTTP server with fixed routes and a request log."""

    def __init__(self, root: Path):
        self.root = root
        self.routes: dict[str, Route] = {}
        self.log: list[str] = []
        self.flaky = True  # while set, /flaky.m4a answers 503
        # Simulated network time: each media body is sent in pieces over this many seconds.
        self.media_seconds = 0.0
        # Called with the path when a media download starts (tests act mid-download).
        self.on_media: Callable[[str], None] | None = None
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, with_body: bool) -> None:
                path = self.path.split("?")[0]
                with server._lock:
                    server.log.append(path)
                route = server.route(path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if not with_body:
                    return
                media = path.endswith((".m4a", ".mp4"))
                if media and server.on_media is not None:
                    server.on_media(path)
                if not media or server.media_seconds <= 0:
                    self.wfile.write(route.body)
                    return
                pieces = 20
                step = -(-len(route.body) // pieces)
                for at in range(0, len(route.body), step):
                    self.wfile.write(route.body[at : at + step])
                    self.wfile.flush()
                    time.sleep(server.media_seconds / pieces)

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                self._answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(False)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> MediaServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, body: bytes, content_type: str, status: int = 200) -> str:
        self.routes[path] = Route(status, content_type, body)
        return self.url(path)

    def add_file(self, path: str, file: Path, content_type: str) -> str:
        return self.add(path, file.read_bytes(), content_type)

    def route(self, path: str) -> Route | None:
        if path == "/flaky.m4a" and self.flaky:
            return Route(503, "text/plain", b"try again later")
        return self.routes.get(path)

    def requests(self, predicate: Callable[[str], bool] = lambda p: True) -> list[str]:
        with self._lock:
            return [p for p in self.log if predicate(p)]

    def media_requests(self) -> list[str]:
        return self.requests(lambda p: p.endswith((".m4a", ".mp4")))

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()


@dataclasses.dataclass
class Site:
    """What the served site holds, for tests to compare against."""

    server: MediaServer
    clips: dict[str, Clip]
    silence: Path
    noise: Path
    feed_a: str  # Ana's feed: ana-1 (m4a), ana-2 (mp4)
    feed_b: str  # Ben's feed: ben-1 (m4a), ben-2 (m4a)
    bad_feed: str  # ben-1 plus a 404, a non-media page, a corrupt file and a flaky (503) file
    page: str  # HTML page with a <video> (ana-1) and an <audio> (ben-2) with a captions track
    short_feed: str  # ana-1 announced as a minute long: a "partial download"
    vtt: Path  # a caption file for ben-2
    atom_feed: str  # Ana's episodes as Atom: ana-1 (enclosure link), ana-2 (media:content), a text post
    atom_bomb: str  # an entity-expansion bomb dressed as an Atom feed
    hostile_feed: str  # ben-1 (announced as 7 s) under HOSTILE_TITLE, in a feed with a hostile title


def build_site(folder: Path) -> Site:
    for tool in ("espeak-ng", "ffmpeg", "ffprobe"):
        _need(tool)
    folder.mkdir(parents=True, exist_ok=True)
    clips = {name: make_clip(name, voice, text, folder) for name, (voice, text) in SCRIPTS.items()}
    server = MediaServer(folder)
    for clip in clips.values():
        server.add_file(f"/media/{clip.name}.m4a", clip.files["m4a"], "audio/mp4")
        server.add_file(f"/media/{clip.name}.mp4", clip.files["mp4"], "video/mp4")
    silence, noise = make_silence(folder), make_noise(folder)
    server.add_file("/media/silence.m4a", silence, "audio/mp4")
    server.add_file("/media/noise.m4a", noise, "audio/mp4")
    # Bytes that claim to be AAC in MP4 but are not: a "corrupt upload".
    server.add("/media/corrupt.m4a", bytes(range(256)) * 64, "audio/mp4")
    # Served once the flaky flag clears: a transient failure that a re-run must retry.
    server.add_file("/flaky.m4a", clips["ana-2"].files["m4a"], "audio/mp4")
    server.add(
        "/blog/post.html",
        b"<!doctype html><html><head><title>A blog post</title></head>"
        b"<body><p>No media here, only words.</p></body></html>",
        "text/html; charset=utf-8",
    )

    def item(name: str, ext: str = "m4a") -> dict[str, str]:
        mime = "video/mp4" if ext == "mp4" else "audio/mp4"
        return {"title": f"Episode {name}", "url": server.url(f"/media/{name}.{ext}"), "type": mime}

    feed_a = server.add(
        "/feeds/ana.xml", rss("Ana Reports", [item("ana-1"), item("ana-2", "mp4")]), "application/rss+xml"
    )
    feed_b = server.add(
        "/feeds/ben.xml", rss("Ben Talks", [item("ben-1"), item("ben-2")]), "application/rss+xml"
    )
    bad_items = [
        item(GOOD_IN_BAD_FEED),
        {"title": "Deleted episode", "url": server.url("/media/gone.m4a")},
        {"title": "Show notes", "url": server.url("/blog/post.html"), "type": "text/html"},
        {"title": "Corrupt upload", "url": server.url("/media/corrupt.m4a")},
        {"title": "Busy server", "url": server.url("/flaky.m4a")},
    ]
    bad_feed = server.add("/feeds/bad.xml", rss("Ben Talks", bad_items), "application/rss+xml")

    vtt = folder / "ben-2.vtt"
    vtt.write_text(
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:03.500\nCritics of the plan ignore the cost of repairing the old roof.\n\n"
        "00:00:03.500 --> 00:00:08.000\n"
        "The council should sell the building and fund online services instead.\n",
        encoding="utf-8",
    )
    server.add_file("/media/ben-2.vtt", vtt, "text/vtt")
    page = server.add(
        "/watch/library.html",
        (
            "<!doctype html><html><head><title>Library debate</title></head><body>"
            "<h1>Library debate</h1>"
            f'<video controls src="{server.url("/media/ana-1.mp4")}"></video>'
            f'<audio controls><source src="{server.url("/media/ben-2.m4a")}" type="audio/mp4">'
            f'<track kind="subtitles" srclang="en" label="English" src="{server.url("/media/ben-2.vtt")}">'
            "</audio></body></html>"
        ).encode(),
        "text/html; charset=utf-8",
    )
    short = {**item("ana-1"), "duration": "60"}
    short_feed = server.add("/feeds/short.xml", rss("Ana Reports", [short]), "application/rss+xml")
    atom_entries = [
        {"title": "Episode ana-1", "url": server.url("/media/ana-1.m4a")},
        {
            "title": "Episode ana-2",
            "url": server.url("/media/ana-2.mp4"),
            "type": "video/mp4",
            "via": "media",
        },
        {"title": "A post without media", "page": server.url("/blog/post.html")},
    ]
    atom_feed = server.add("/feeds/ana.atom", atom("Ana Reports", None, atom_entries), "application/atom+xml")
    atom_bomb = server.add("/feeds/bomb.atom", ENTITY_BOMB, "application/atom+xml")
    hostile = {**item("ben-1"), "title": HOSTILE_TITLE, "description": HOSTILE_DESCRIPTION, "duration": "7"}
    hostile_feed = server.add("/feeds/hostile.xml", rss(HOSTILE_FEED_TITLE, [hostile]), "application/rss+xml")
    return Site(
        server,
        clips,
        silence,
        noise,
        feed_a,
        feed_b,
        bad_feed,
        page,
        short_feed,
        vtt,
        atom_feed,
        atom_bomb,
        hostile_feed,
    )


@pytest.fixture(scope="session")
def media_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Generated speech clips and feeds on a loopback server (started once per session)."""
    site = build_site(tmp_path_factory.mktemp("media"))
    site.server.start()
    yield site
    site.server.stop()


@pytest.fixture
def media_server(media_site: Site) -> Iterator[MediaServer]:
    """The session's server with an empty request log and the flaky route failing again."""
    media_site.server.reset_log()
    media_site.server.flaky = True
    yield media_site.server
    media_site.server.media_seconds = 0.0
    media_site.server.on_media = None
