"""The web view in real Chromium: the player seeks when a moment is clicked or reached by keyboard,
the transcript follows playback, no page logs an error, and every page is screenshotted into
test-output/ for a person to look at."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from browser_fixtures import PageWatch, browser  # noqa: F401 - fixture
from web_fixtures import LOCAL, REMOTE, TEXT, seed_library

from argmap.pipeline.present.serve import ArgmapServer, make_server
from argmap.store import Commentator, Store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArgmapServer]:
    root = tmp_path_factory.mktemp("library-browser")
    store = Store.open(root / "argmap.db")
    seed_library(store, root)
    store.close()
    server = make_server(root / "argmap.db", port=0, warm=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _open(chromium: Any, server: ArgmapServer, path: str) -> tuple[Any, PageWatch]:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page)
    page.goto(server.url.rstrip("/") + path)
    return page, watch


def _player_time(page: Any) -> float:
    return float(page.evaluate("document.getElementById('player').currentTime"))


def _ready(page: Any) -> None:
    page.wait_for_function("document.getElementById('player').readyState >= 1")


def test_clicking_a_moment_seeks_the_player_without_leaving_the_page(
    library: ArgmapServer,
    browser: Any,  # noqa: F811 - the fixture imported above
    output_dir: Path,
) -> None:
    page, watch = _open(browser, library, "/video?" + urlencode({"id": LOCAL}))
    _ready(page)
    assert _player_time(page) == 0
    page.evaluate("window.__samePage = true")  # gone if the click loaded a page
    page.click("#arguments a.moment[data-t='30']")  # "Vote against the arena deal", 0:30
    page.wait_for_function("document.querySelector('.seg.now') !== null")
    assert 30 <= _player_time(page) < 39  # it may be playing on
    assert page.evaluate("window.__samePage") is True
    assert page.evaluate("location.hash") == "#t=30"
    now = page.locator(".seg.now")
    assert now.count() == 1 and now.get_attribute("id") == "seg-6" and now.get_attribute("aria-current")
    # a line of the transcript, earlier: the player goes back and the highlight follows
    page.evaluate("document.getElementById('player').pause()")
    page.click("#seg-1 a.moment")
    page.wait_for_function("(document.querySelector('.seg.now') || {}).id === 'seg-1'")
    assert 5 <= _player_time(page) < 10
    page.evaluate("document.getElementById('player').pause(); window.scrollTo(0, 0)")
    page.screenshot(path=str(output_dir / "web-video-player.png"))
    assert watch.errors == []
    assert all(u.startswith(library.url.rstrip("/")) for u in watch.requests), watch.requests
    page.close()


def test_moments_are_reachable_and_work_by_keyboard(
    library: ArgmapServer,
    browser: Any,  # noqa: F811
) -> None:
    page, watch = _open(browser, library, "/video?" + urlencode({"id": LOCAL}))
    _ready(page)
    focused: dict[str, Any] = {}
    for _ in range(80):  # nav links, the commentator, the player's controls, then the moments
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const a = document.activeElement; return {cls: a.className || '',"
            " t: a.getAttribute('data-t'), inArgs: !!a.closest('#arguments')}; })()"
        )
        if focused["cls"] == "moment" and focused["inArgs"]:
            break
    assert focused["cls"] == "moment" and focused["t"] is not None, "no moment link reachable with Tab"
    page.keyboard.press("Enter")
    t = float(focused["t"])
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {t}) < 8")
    assert t <= _player_time(page) < t + 8
    assert watch.errors == []
    page.close()


def test_arriving_with_a_time_starts_the_player_there(
    library: ArgmapServer,
    browser: Any,  # noqa: F811
) -> None:
    page, watch = _open(browser, library, "/video?" + urlencode({"id": LOCAL}) + "#t=20")
    page.wait_for_function("document.getElementById('player').currentTime >= 20")
    assert 20 <= _player_time(page) < 21  # not playing: nobody pressed play
    page.wait_for_function("document.querySelector('.seg.now') !== null")
    assert page.locator(".seg.now").get_attribute("id") == "seg-4"
    assert watch.errors == []
    page.close()


def test_pages_in_chromium_log_no_errors(
    library: ArgmapServer,
    browser: Any,  # noqa: F811
    output_dir: Path,
) -> None:
    pages = {
        "web-home.png": "/",
        "web-commentator.png": "/commentator?" + urlencode({"id": Commentator.make_id("Dana Reyes")}),
        "web-person.png": "/person?id=p-dana",
        "web-text-import.png": "/video?" + urlencode({"id": TEXT}),
        "web-remote.png": "/video?" + urlencode({"id": REMOTE}),
        "web-search.png": "/search?" + urlencode({"q": "vote against the arena deal"}),
        "web-compare.png": "/compare?" + urlencode({"topic": "stadium subsidies", "go": "1"}),
    }
    for name, path in pages.items():
        page, watch = _open(browser, library, path)
        page.wait_for_load_state("load")
        page.screenshot(path=str(output_dir / name), full_page=True)
        assert (output_dir / name).stat().st_size > 0
        assert watch.errors == [], (path, watch.errors)
        assert all(u.startswith(library.url.rstrip("/")) for u in watch.requests), watch.requests
        page.close()


def test_a_moment_on_another_page_opens_the_video_there(
    library: ArgmapServer,
    browser: Any,  # noqa: F811
) -> None:
    dana = "/commentator?" + urlencode({"id": Commentator.make_id("Dana Reyes")})
    page, watch = _open(browser, library, dana)
    page.click("#call_to_action a.moment[data-t='30']")
    page.wait_for_url("**/video?**#t=30")
    page.wait_for_function("document.getElementById('player').currentTime >= 30")
    assert 30 <= _player_time(page) < 31
    # the compare matrix's links, and search's, lead the same way
    page.goto(library.url.rstrip("/") + "/compare?" + urlencode({"topic": "stadium subsidies", "go": "1"}))
    assert page.locator("table.matrix tbody tr").count() == 2
    assert page.locator("table.matrix a.ext[target=_blank]").count() >= 2  # YouTube moments
    assert watch.errors == []
    page.close()
