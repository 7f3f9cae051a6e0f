"""Servers that misbehave on purpose, all on loopback: a feed that never ends, a download that
trickles a byte at a time, feeds whose links point at javascript:, data: or file: addresses, and a
media link that redirects to a local file. Real yt-dlp against a real HTTP server each time."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from media_server import rss

from argmap.pipeline.errors import SourceError
from argmap.pipeline.ingest import atom, sources
from argmap.pipeline.ingest.download import Downloader, DownloadOptions
from argmap.pipeline.ingest.sources import expand
from argmap.pipeline.runner import IngestOptions, ingest
from argmap.store import Store

Answer = Callable[[BaseHTTPRequestHandler], None]


class Hostile:
    """A loopback server whose routes are functions that write whatever they like."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                answer = routes.get(self.path.split("?")[0])
                if answer is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    answer(self)  # a client that gives up early is what some tests want

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    server = Hostile()
    yield server
    server.close()


def _static(body: bytes, content_type: str) -> Answer:
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return answer


def test_a_feed_that_never_ends_is_cut_off_in_one_line(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_PAGE_BYTES", 2 << 20)

    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()  # no length: the body ends when the connection does, which is never
        h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>')
        chunk = b"<item><title>again</title></item>" * 2000
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            h.wfile.write(chunk)

    hostile.routes["/endless.rss"] = endless
    with pytest.raises(SourceError) as caught:
        expand(hostile.url("/endless.rss"))
    message = str(caught.value)
    assert "larger than the 2 MB limit" in message and "\n" not in message
    assert caught.value.permanent


def test_a_trickling_download_is_abandoned_and_retried_later(hostile: Hostile, tmp_path: Path) -> None:
    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "audio/mpeg")
        h.send_header("Content-Length", "500000")
        h.end_headers()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            h.wfile.write(b"\0")
            h.wfile.flush()
            time.sleep(0.5)

    hostile.routes["/slow.mp3"] = trickle
    hostile.routes["/feed.rss"] = _static(
        rss("Slow", [{"title": "Slow episode", "url": hostile.url("/slow.mp3"), "type": "audio/mpeg"}]),
        "application/rss+xml",
    )
    store = Store.open(tmp_path / "t.db")
    try:
        stage = Downloader(DownloadOptions(media_dir=tmp_path / "media", min_rate=1000, rate_grace=1.0))
        report = ingest(store, [hostile.url("/feed.rss")], IngestOptions(), stages=[stage])
        (outcome,) = report.outcomes
        assert outcome.state == "failed" and not outcome.permanent, outcome
        # The guard's own reason: had it waited, the server's hang-up at 60 s would read "incomplete".
        assert "download stalled" in (outcome.reason or "")
        assert not list((tmp_path / "media").glob("*.mp3*"))  # no partial file left behind
    finally:
        store.close()


def test_feed_links_that_are_not_web_addresses_are_not_stored(hostile: Hostile, tmp_path: Path) -> None:
    good = hostile.url("/good.mp3")
    hostile.routes["/mixed.rss"] = _static(
        rss(
            "Mixed",
            [
                {"title": "Script", "url": "javascript:alert(document.cookie)", "type": "audio/mpeg"},
                {"title": "Inline", "url": "data:audio/mpeg;base64,AAAA", "type": "audio/mpeg"},
                {"title": "Local", "url": "file:///etc/passwd", "type": "audio/mpeg"},
                {"title": "Good", "url": good, "type": "audio/mpeg"},
            ],
        ),
        "application/rss+xml",
    )
    entries = expand(hostile.url("/mixed.rss"))
    assert [e.video.title for e in entries] == ["Good"]
    assert all(e.video.source_url.startswith("http://") for e in entries)


def test_a_redirect_to_a_local_file_fails_for_good(hostile: Hostile, tmp_path: Path) -> None:
    def to_file(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", "file:///etc/passwd")
        h.send_header("Content-Length", "0")
        h.end_headers()

    hostile.routes["/moved.mp3"] = to_file
    hostile.routes["/feed.rss"] = _static(
        rss("Moved", [{"title": "Moved", "url": hostile.url("/moved.mp3"), "type": "audio/mpeg"}]),
        "application/rss+xml",
    )
    store = Store.open(tmp_path / "r.db")
    try:
        stage = Downloader(DownloadOptions(media_dir=tmp_path / "media"))
        (outcome,) = ingest(store, [hostile.url("/feed.rss")], IngestOptions(), stages=[stage]).outcomes
        assert outcome.state == "failed" and outcome.permanent, outcome
        assert "not followed" in (outcome.reason or "") and "root:" not in (outcome.reason or "")
    finally:
        store.close()


def test_a_long_feed_asks_the_extractor_list_only_a_few_times(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each full pass over yt-dlp's ~2,000 extractors costs milliseconds; a 10,000-episode feed
    used to make two per episode on every run."""
    items = [
        {"title": f"Episode {i}", "url": hostile.url(f"/ep{i}.mp3"), "type": "audio/mpeg"} for i in range(400)
    ]
    hostile.routes["/long.rss"] = _static(rss("Long", items), "application/rss+xml")
    calls = []
    original = atom._claiming_extractors
    monkeypatch.setattr(atom, "_GENERIC_ONLY", {})
    monkeypatch.setattr(atom, "_claiming_extractors", lambda url: calls.append(url) or original(url))
    entries = expand(hostile.url("/long.rss"))
    assert len(entries) == 400 and len({e.id for e in entries}) == 400
    assert len(calls) <= 2 * atom._TRUST_GENERIC_AFTER
    # A site yt-dlp knows is never taken for generic, however many plain links came before it.
    assert atom.first_claimant("https://www.youtube.com/watch?v=dQw4w9WgXcQ") == "Youtube"
