"""The local web view: its pages over HTTP, its safety limits, and the pages in real Chromium."""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from browser_fixtures import PageWatch, browser  # noqa: F401 - fixture
from export_fixtures import HOSTILE, seed_map
from sqlite_utils.utils import sqlite3

from argmap.pipeline.present.serve import ArgmapServer, make_server
from argmap.store import Store


def _serving(path: Path) -> Iterator[ArgmapServer]:
    """A server on a free loopback port in a background thread, shut down afterwards."""
    srv = make_server(path, port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArgmapServer]:
    path = tmp_path_factory.mktemp("serve") / "argmap.db"
    store = Store.open(path)
    seed_map(store)
    store.close()
    yield from _serving(path)


def get(server: ArgmapServer, path: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=30) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8"), dict(err.headers)


def test_binds_to_loopback_by_default(server: ArgmapServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_home_lists_commentators_and_videos_escaped(server: ArgmapServer) -> None:
    status, body, headers = get(server, "/")
    assert status == 200
    assert "Alice Analyst" in body and "Housing }" in body
    assert "<script>window.__pwned" not in body
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in body
    bob = re.search(r'href="(/commentator\?id=[^"]+)">Bob', body)
    assert bob is not None
    status, body, _ = get(server, html.unescape(bob.group(1)))  # a commentator named with markup
    assert status == 200 and "<script>window.__pwned" not in body and "<b>" not in body
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe" not in csp  # argmap's own script file, nothing inline


def test_video_page_has_summary_transcript_highlights_and_player_links(server: ArgmapServer) -> None:
    status, body, _ = get(server, "/video?" + urlencode({"id": "youtube:aaaaaaaaaaa"}))
    assert status == 200
    assert "Summary paragraph" in body and "<img src=x" not in body
    assert body.count('class="seg hl"') == 3  # the three segments the three arguments rest on
    assert 'href="https://www.youtube.com/watch?v=aaaaaaaaaaa&amp;t=65s"' in body
    assert "O&#x27;Brien said &quot;enough&quot;" in body


def test_unknown_video_and_page_are_404(server: ArgmapServer) -> None:
    assert get(server, "/video?id=nope")[0] == 404
    status, body, _ = get(server, "/%3Cscript%3E")
    assert status == 404 and "<script>" not in body


def test_search_uses_the_search_engine(server: ArgmapServer) -> None:
    status, body, _ = get(server, "/search?" + urlencode({"q": "energy prices"}))
    assert status == 200
    assert 'class="arg hit' in body
    assert "<mark>Energy</mark> <mark>prices</mark> explain most inflation" in body  # matched words marked
    status, body, _ = get(server, "/search?" + urlencode({"q": HOSTILE[1] + " NEAR( *"}))
    assert status == 200  # hostile query text is data, not FTS syntax


def test_compare_shows_key_points_per_commentator(server: ArgmapServer) -> None:
    status, body, _ = get(server, "/compare?" + urlencode({"topic": "inflation"}))
    assert status == 200
    assert "Energy prices drive inflation &quot;]; A--&gt;B }" in body
    assert '<table class="matrix"' in body and '<span class="stance criticises">disputes</span>' in body


def test_video_page_skips_empty_meta_and_repeated_quotes(server: ArgmapServer) -> None:
    from argmap.pipeline.present.web.layout import quote_block

    status, body, _ = get(server, "/video?" + urlencode({"id": "youtube:ccccccccccc"}))  # no date
    assert status == 200
    meta = body[body.index('id="video-meta">') : body.index("</p>", body.index('id="video-meta">'))]
    assert " ·  · " not in meta and meta.count(" · ") == 1 and "on youtube.com" in meta  # nothing empty
    assert quote_block("most buses run EMPTY", "Most buses run empty.") == ""
    assert "<blockquote>we simply do not build</blockquote>" in body  # differs from its text: shown


def test_compare_page_names_its_run_and_sets_lone_points_apart(tmp_path: Path) -> None:
    from argmap.store import KeyPoint, KeyPointMember

    path = tmp_path / "argmap.db"
    store = Store.open(path)
    ids = seed_map(store)
    housing = ids["arguments"][6]
    store.upsert(
        "key_points",
        [KeyPoint("kp-housing", "run-1", "Housing supply is too low", housing, 1, 1, "inflation", {})],
    )
    store.upsert(
        "key_point_members",
        [KeyPointMember("kp-housing", housing, 1.0, "asserts")],
        pk=("key_point_id", "argument_id"),
    )
    store.close()
    srv = make_server(path, port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        status, body, _ = get(srv, "/compare?" + urlencode({"topic": "Inflation"}))
        assert status == 200
        assert 'id="run">compare run run-1 · topic “inflation” · commentators: all · threshold 0.65' in body
        table = body[body.index('<table class="matrix"') : body.index("</table>")]
        assert "Energy prices drive inflation" in table and "Housing supply is too low" not in table
        lone = '<span class="stance asserts">asserts</span>: Housing supply is too low'
        assert f"Alice Analyst</a></strong> {lone}" in body
        assert "2 key points shared by two or more commentators" in body
        # a topic no run was made for: the page says so, and never shows run-1 under its heading
        status, body, _ = get(srv, "/compare?" + urlencode({"topic": "inflation housing energy rates"}))
        assert status == 200 and "No stored comparison" in body and '<table class="matrix"' not in body
        status, body, _ = get(srv, "/compare?" + urlencode({"topic": "housing", "run": "run-404"}))
        assert status == 404 and "No stored compare run run-404" in body
    finally:
        srv.shutdown()
        srv.server_close()


def test_map_page_is_the_html_export(server: ArgmapServer) -> None:
    status, body, headers = get(server, "/map?commentator=Alice+Analyst")
    assert status == 200
    assert "vis.Network" in body or "argmapNetwork" in body
    assert "connect-src" not in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_connection_is_read_only(server: ArgmapServer) -> None:
    store = server.open_store()
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("delete from arguments")
    finally:
        store.close()


def test_queries_have_a_time_limit(server: ArgmapServer) -> None:
    slow = ArgmapServer(server.db_path, "127.0.0.1", 0, query_seconds=0.2)
    try:
        store = slow.open_store()
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            store.db.execute(
                "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
            ).fetchall()
        store.close()
    finally:
        slow.server_close()


def test_missing_database_fails_clearly(tmp_path: Path) -> None:
    from argmap.store import StoreError

    with pytest.raises(StoreError, match="no database"):
        make_server(tmp_path / "absent.db", port=0)


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArgmapServer]:
    """The hostile map with real embeddings, so search has vectors to use."""
    from argmap.pipeline.search.embed import embed_all

    path = tmp_path_factory.mktemp("serve-vectors") / "argmap.db"
    store = Store.open(path)
    seed_map(store)
    embed_all(store)
    store.close()
    yield from _serving(path)


@pytest.mark.slow
def test_search_pages_use_the_index_built_at_start(
    embedded_server: ArgmapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argmap.store import vectors

    assert embedded_server.index_builds == 1  # built in make_server, before any request
    tops: list[int] = []
    original_top = vectors.VectorIndex.top

    def counted_top(self, query, filters, k):  # type: ignore[no-untyped-def]
        tops.append(k)
        return original_top(self, query, filters, k)

    def no_sqlite(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a request searched through sqlite-vec instead of the warm index")

    monkeypatch.setattr(vectors.VectorIndex, "top", counted_top)
    monkeypatch.setattr(vectors, "sqlite_vec_search", no_sqlite)
    monkeypatch.setattr(vectors.VectorIndex, "__init__", lambda *a: pytest.fail("index rebuilt per request"))
    for query in ("energy prices", "homes are scarce", "interest rates"):
        status, body, _ = get(embedded_server, "/search?" + urlencode({"q": query}))
        assert status == 200 and 'class="arg hit' in body
    # paraphrase, no shared word: found through the vectors
    status, body, _ = get(embedded_server, "/search?" + urlencode({"q": "too few dwellings constructed"}))
    assert "Housing supply is too low" in body
    assert get(embedded_server, "/map?" + urlencode({"topic": "energy"}))[0] == 200
    assert len(tops) >= 5 and embedded_server.index_builds == 1
    # judged by meaning: a query about nothing stored shows no hit, and says how many it held back
    status, body, _ = get(embedded_server, "/search?" + urlencode({"q": "banana bread recipe with walnuts"}))
    assert status == 200 and 'class="arg hit' not in body and 'id="show-hidden"' in body


@pytest.mark.slow
def test_index_follows_writes_from_other_processes(embedded_server: ArgmapServer) -> None:
    from argmap.pipeline.search.embed import embed_all
    from argmap.store import Argument

    get(embedded_server, "/search?q=energy")
    builds = embedded_server.index_builds
    writer = Store.open(embedded_server.db_path)
    old = writer.arguments("youtube:ccccccccccc")[0]
    new = Argument(**{**old.__dict__, "id": "a-orchard", "text": "Apple orchards need bees to pollinate"})
    writer.save_arguments("youtube:ccccccccccc", "test", "1", [old, new])
    embed_all(writer)
    writer.close()
    status, body, _ = get(embedded_server, "/search?" + urlencode({"q": "pollination of fruit trees"}))
    assert status == 200 and "Apple orchards need bees" in body
    assert embedded_server.index_builds == builds + 1  # rebuilt once for the change...
    get(embedded_server, "/search?q=energy")
    assert embedded_server.index_builds == builds + 1  # ...and not again


@pytest.mark.browser
def test_pages_in_a_real_browser(
    server: ArgmapServer,
    browser,  # noqa: F811 - the fixture imported above
    output_dir: Path,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    watch = PageWatch(page)
    base = server.url.rstrip("/")

    page.goto(base + "/")
    assert page.locator("h2.commentator").count() == 2
    page.screenshot(path=str(output_dir / "serve-home.png"))

    page.click("text=Inflation explained")
    assert page.locator(".seg.hl").count() == 3
    assert page.locator("blockquote").first.inner_text() == 'O\'Brien said "enough" and then a new line' or (
        "O'Brien" in page.locator("blockquote").first.inner_text()
    )
    page.screenshot(path=str(output_dir / "serve-video.png"), full_page=True)

    page.goto(base + "/search")
    page.fill("input[name=q]", "energy prices")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#hit-count")
    assert page.locator(".hit").count() >= 2
    page.screenshot(path=str(output_dir / "serve-search.png"), full_page=True)

    page.goto(base + "/compare?" + urlencode({"topic": "inflation"}))
    assert page.locator("table.matrix tbody tr").count() == 2
    page.screenshot(path=str(output_dir / "serve-compare.png"), full_page=True)

    page.goto(base + "/map")
    page.wait_for_function("window.argmapNetwork && window.argmapNetwork.body.nodeIndices.length > 0")
    assert page.evaluate("window.argmapNetwork.body.nodeIndices.length") == 11
    page.click("#list li >> nth=0")
    quote = page.locator("#details blockquote").inner_text()
    assert quote  # the clicked argument's quote is shown
    page.wait_for_timeout(300)
    page.screenshot(path=str(output_dir / "serve-map.png"))

    assert page.evaluate("window.__pwned") is None
    assert watch.errors == []
    assert all(u.startswith((base, "data:", "about:")) for u in watch.requests), watch.requests
    page.close()
