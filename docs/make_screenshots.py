"""Make README's screenshots of the web view: the video page, a commentator page, search results, the map.

The pictures should show what a new user sees on the store ``argmap demo`` builds, so this
script builds that store (or reuses it), serves it with ``argmap serve``'s server on a free
loopback port, and drives Debian's Chromium (as the browser tests do) through four pages:

- ``docs/video-page.png``: a video page after a moment link was clicked, so the player has
  jumped there and the transcript line being spoken is highlighted;
- ``docs/commentator-page.png``: a commentator's page (videos, arguments by type, key points
  with stances, agrees and clashes);
- ``docs/search-page.png``: search results with relevance labels and the matched words marked;
- ``docs/map.png``: the map page (the HTML export): the stance matrix it leads with, and the graph.

Run it after changing the pages (``--only map`` remakes one picture)::

    .venv/bin/python docs/make_screenshots.py [--workdir argmap-demo] [--out docs] [--only map]
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PICTURES = {
    "video": "video-page.png",
    "commentator": "commentator-page.png",
    "search": "search-page.png",
    "map": "map.png",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, default=REPO / "argmap-demo", help="the demo's folder")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="where the PNGs go")
    parser.add_argument("--only", action="append", choices=list(PICTURES), help="just these (repeatable)")
    args = parser.parse_args()
    wanted = args.only or list(PICTURES)

    from playwright.sync_api import sync_playwright

    from argmap.pipeline.present.demo import run_demo
    from argmap.pipeline.present.serve import make_server
    from argmap.store import Store, queries
    from argmap.store import pages as sp

    db = args.workdir / "demo.db"
    if not db.exists():
        run_demo(args.workdir, echo=lambda line: None)
    store = Store.open(db, readonly=True)
    try:
        # The commentator with the most arguments, and their video with the most.
        top = max(sp.commentator_overviews(store), key=lambda c: (c.arguments, c.commentator.name))
        video = max(sp.video_overviews(store, commentator_id=top.commentator.id), key=lambda v: v.arguments)
        moment = queries.preferred_arguments(store, video.video.id)[-1]
    finally:
        store.close()

    server = make_server(db, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = server.url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            if "video" in wanted:
                page.goto(base + "/video?" + urlencode({"id": video.video.id}))
                page.wait_for_function("document.getElementById('player').readyState >= 1")
                page.click(f"#arg-{moment.id} a.moment")
                page.wait_for_function("document.querySelector('.seg.now') !== null")
                page.evaluate("document.getElementById('player').pause(); window.scrollTo(0, 0)")
                page.screenshot(path=str(args.out / PICTURES["video"]))
            if "commentator" in wanted:
                page.goto(base + "/commentator?" + urlencode({"id": top.commentator.id}))
                page.screenshot(path=str(args.out / PICTURES["commentator"]), full_page=True)
            if "search" in wanted:
                page.goto(base + "/search?" + urlencode({"q": "test the shuttles in one district first"}))
                page.screenshot(path=str(args.out / PICTURES["search"]), full_page=True)
            if "map" in wanted:
                page.set_viewport_size({"width": 1280, "height": 1280})  # room for the graph below the matrix
                page.goto(base + "/map")
                page.wait_for_function(
                    "window.argmapNetwork && window.argmapNetwork.body.nodeIndices.length > 0"
                )
                page.screenshot(path=str(args.out / PICTURES["map"]), full_page=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    for name in wanted:
        print(args.out / PICTURES[name])


if __name__ == "__main__":
    main()
