"""The HTML export leads with the stance matrix and draws a graph whose labels can be read.

The matrix is checked from the file's markup (rows, columns, stance words, moment links, hostile
text kept as text); the graph in real Chromium, from vis-network's own idea of where each node's
box and label lie: no two may overlap, on the small hostile map and on a crowded one.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser_fixtures import PageWatch, browser  # noqa: F401 - fixture
from export_fixtures import HOSTILE, seed_map

from argmap.pipeline.present import export as ex
from argmap.pipeline.present.export.matrix import STANCE_LABELS, map_matrix
from argmap.store import Commentator, Store, Video
from argmap.store.records import ArgumentInContext


@pytest.fixture
def amap(store: Store) -> ex.ArgMap:
    seed_map(store)
    return ex.load_map(store)


class _Page(HTMLParser):
    """The order of a page's landmarks, and the matrix as rows of cells (text, classes, links)."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []  # "tag#id" of every element with an id, in document order
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[dict[str, Any]]] = []
        self._in_matrix = False
        self._cell: dict[str, Any] | None = None
        self._hidden = 0  # inside <details> (the texts, not the cell's stance and links)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.order.append(f"{tag}#{a['id']}")
        if tag == "table" and a.get("id") == "matrix":
            self._in_matrix = True
        elif self._in_matrix and tag == "tr":
            self.rows.append([])
        elif self._in_matrix and tag in ("td", "th"):
            self._cell = {"tag": tag, "class": a.get("class") or "", "text": "", "links": [], "stances": []}
            self.rows[-1].append(self._cell)
        elif self._cell is not None and tag == "a":
            self._cell["links"].append(a.get("href"))
        elif self._cell is not None and tag == "span" and "stance" in (a.get("class") or "").split():
            self._cell["stances"].append(a["class"].split()[-1])
        elif tag == "details":
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_matrix = False
        elif tag in ("td", "th"):
            self._cell = None
        elif tag == "details":
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._hidden:
            self._cell["text"] += data


def _parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    return parsed


def test_the_page_leads_with_the_matrix_of_the_run(amap: ex.ArgMap) -> None:
    parsed = _parse(ex.to_html(amap))
    order = parsed.order
    assert order.index("section#sides") < order.index("table#matrix") < order.index("section#explore")
    assert order.index("table#matrix") < order.index("div#graph")
    assert [o for o in order if o.startswith("section#")] == ["section#sides", "section#explore"]

    head, *body = parsed.rows
    # columns: the commentators of the run, by name; Bob's hostile name is text, not markup
    assert [c["text"].strip() for c in head] == ["key point", "Alice Analyst", 'Bob "<b>" ' + HOSTILE[0]]
    # rows: the run's key points that two commentators share, each marked agree / clash
    labels = {k.id: k.label for k in amap.key_points}
    assert [r[0]["text"].rsplit(" ", 1) for r in body] == [
        [labels["kp-energy"], "agree"],  # r1 agrees
        [labels["kp-rates"], "clash"],  # r2 attacks
    ]

    by_text = {a.text: a for a in amap.arguments}
    energy, rates = body
    # Alice asserts energy once and disputes it once: the cell leads with the stance compare prints
    # and lists each moment under its own stance; Bob asserts it; on rates Alice calls to act and
    # Bob disputes.
    assert [c["stances"] for c in energy[1:]] == [["asserts", "criticises"], ["asserts"]]
    assert energy[1]["class"].split() == ["cell", "asserts"]
    assert [c["stances"] for c in rates[1:]] == [["calls_for_action"], ["criticises"]]
    assert (
        "asserts" in energy[1]["text"]
        and "calls to act" in rates[1]["text"]
        and "disputes" in rates[2]["text"]
    )
    alice_energy = [by_text[t] for t in by_text if t.startswith(("Inflation is driven", "Critics ignore"))]
    assert sorted(energy[1]["links"]) == sorted(a.url for a in alice_energy)
    assert rates[2]["links"] == [next(a.url for a in amap.arguments if a.text.startswith("Raising rates"))]
    assert all(link.startswith("https://") for r in body for c in r for link in c["links"])


def test_hostile_text_in_the_matrix_stays_text(amap: ex.ArgMap) -> None:
    page = ex.to_html(amap)
    parsed = _parse(page)
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert len(scripts) == 3 and all("src" not in a for a in scripts)  # data, vis-network, page logic
    assert not [t for t, _ in parsed.tags if t in ("img", "b", "iframe", "object", "embed", "link")]
    assert not [k for _, a in parsed.tags for k in a if k.startswith("on")]
    matrix = page[page.index('<section id="sides"') : page.index('<section id="explore"')]
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in matrix
    assert "<script>window" not in matrix and "/*VIS_JS*/ &lt;/script&gt;" in matrix  # no placeholder ran
    # an address a browser should not open from a file is shown as a time, never a link
    amap.arguments[0].url = "javascript:alert(1)"
    page = ex.to_html(amap)
    assert "javascript:" not in page[page.index('<section id="sides"') : page.index('<section id="explore"')]


def test_the_matrix_is_the_compare_pages_and_says_when_there_is_no_run(amap: ex.ArgMap) -> None:
    matrix = map_matrix(amap)
    assert matrix.summary() == "2 key points shared by two or more commentators, 0 points made by one alone"
    # the arguments no key point took are counted on the map, as `argmap compare` counts them
    outside = sum(
        1
        for a in amap.arguments
        if a.id not in {m["argument_id"] for k in amap.key_points for m in k.members}
    )
    assert outside and f"{outside} argument{'' if outside == 1 else 's'} in no key point" in ex.to_html(amap)
    for value, words in STANCE_LABELS.items():  # the legend names every stance
        assert f'<span class="stance {value}">{words}</span>' in matrix.table()
    # serve's map page passes its own moment links; every cell uses them
    page = ex.to_html(amap, moment=lambda a: f'<a class="moment" href="/video#t={a.start:g}">here</a>')
    cells = [c for r in _parse(page).rows[1:] for c in r[1:]]
    assert all(c["links"] and all(h.startswith("/video#t=") for h in c["links"]) for c in cells)
    # a map with no comparison says how to make one, and still draws the graph
    amap.key_points, amap.filters["run"] = [], None
    page = ex.to_html(amap)
    assert 'id="no-run"' in page and "argmap compare" in page and 'id="matrix"' not in page
    assert 'id="graph"' in page


# -- the graph, in Chromium -------------------------------------------------------------------


def crowded_map(commentators: int = 6, per: int = 9, key_points: int = 8, seed: int = 7) -> ex.ArgMap:
    """Many commentators, long argument texts and key points shared across them: a map whose
    force-directed drawing piled labels on top of each other."""
    rng = random.Random(seed)
    words = [
        *("the", "council", "must", "fund", "buses", "rents", "inflation", "housing", "energy", "prices"),
        *("wages", "taxes", "schools", "transit", "budget", "shuttle", "district", "riders", "trial"),
        *("nurses", "cleaners", "night", "workers"),
    ]
    types = ["claim", "critique", "call_to_action"]
    people = [
        Commentator(Commentator.make_id(f"C{i}"), f"Commentator {i} of a long channel name")
        for i in range(commentators)
    ]
    videos, arguments = [], []
    for i, c in enumerate(people):
        video = Video(
            id=f"youtube:crowded{i:04d}",
            source_url=f"https://www.youtube.com/watch?v=crowded{i:04d}",
            title=f"Talk {i}",
            commentator_id=c.id,
        )
        videos.append({"id": video.id, "title": video.title, "commentator_id": c.id})
        for j in range(per):
            sep = "\n" if j % 4 == 0 else " "  # transcripts keep line breaks; a label must fold them
            text = sep.join(rng.choice(words) for _ in range(rng.randint(8, 24))).capitalize() + "."
            arguments.append(
                ex.MapArgument.of(
                    ArgumentInContext(
                        "argument",
                        f"a-{i}-{j}",
                        video,
                        c,
                        rng.choice(types),
                        text,
                        text,
                        30.0 * j,
                        30.0 * j + 9,
                    )
                )
            )
    points, relations = [], []
    for k in range(key_points):
        members = rng.sample(arguments, rng.randint(2, 5))
        label = " ".join(rng.choice(words) for _ in range(rng.randint(6, 16))).capitalize()
        stances = [rng.choice(["asserts", "criticises", "calls_for_action"]) for _ in members]
        points.append(
            ex.MapKeyPoint(
                f"kp-{k}",
                label,
                None,
                [
                    {"argument_id": a.id, "stance": s, "similarity": 0.8}
                    for a, s in zip(members, stances, strict=True)
                ],
            )
        )
        for n, (a, b) in enumerate(zip(members, members[1:], strict=False)):
            relations.append(
                ex.MapRelation(
                    f"r-{k}-{n}", a.id, b.id, rng.choice(["agrees", "contrasts"]), "test", f"kp-{k}"
                )
            )
    return ex.ArgMap(
        commentators=[asdict(c) for c in people],
        videos=videos,
        arguments=arguments,
        key_points=points,
        relations=relations,
        filters={"run": "run-crowded"},
    )


_BOXES = """() => {
  const n = window.argmapNetwork;
  return n.body.nodeIndices.map((id) => ({
    id, kind: n.body.data.nodes.get(id).kind, box: n.getBoundingBox(id) }));
}"""


def _overlaps(boxes: list[dict[str, Any]], slack: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of nodes whose boxes (label included) overlap by more than ``slack`` both ways."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            p, q = a["box"], b["box"]
            wide = min(p["right"], q["right"]) - max(p["left"], q["left"])
            tall = min(p["bottom"], q["bottom"]) - max(p["top"], q["top"])
            if wide > slack and tall > slack:
                found.append((a["id"], b["id"]))
    return found


def _open(chromium: Any, m: ex.ArgMap, path: Path) -> tuple[Any, PageWatch]:
    path.write_text(ex.to_html(m), encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page)
    page.goto(path.as_uri())
    page.wait_for_function("window.argmapNetwork && window.argmapNetwork.body.nodeIndices.length > 0")
    return page, watch


@pytest.mark.browser
@pytest.mark.parametrize("which", ["hostile", "crowded"])
def test_graph_labels_do_not_overlap(
    which: str,
    amap: ex.ArgMap,
    browser: Any,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    output_dir: Path,
) -> None:
    m = amap if which == "hostile" else crowded_map()
    page, watch = _open(browser, m, tmp_path / "map.html")
    boxes = page.evaluate(_BOXES)
    drawn_points = [k for k in m.key_points if len(k.members) > 1]
    assert len(boxes) == len(m.commentators) + len(drawn_points) + len(m.arguments)
    assert _overlaps(boxes) == []
    # key points stand well apart, and the page opens at a scale where labels can be read
    centres = [
        ((b["box"]["left"] + b["box"]["right"]) / 2, (b["box"]["top"] + b["box"]["bottom"]) / 2)
        for b in boxes
        if b["kind"] == "key_point"
    ]
    assert len(centres) == len(drawn_points)
    for i, (x1, y1) in enumerate(centres):
        for x2, y2 in centres[i + 1 :]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 100
    assert page.evaluate("window.argmapNetwork.getScale()") >= 0.5
    # filtering lays the rest out again, still apart
    page.uncheck("#types input[value=claim]")
    assert _overlaps(page.evaluate(_BOXES)) == []
    page.check("#types input[value=claim]")
    page.locator("#graph").scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / f"export-graph-{which}.png"), full_page=True)
    assert watch.errors == []
    assert page.evaluate("window.__pwned") is None
    page.close()


@pytest.mark.browser
def test_matrix_and_tooltips_in_chromium(
    amap: ex.ArgMap,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    page, watch = _open(browser, amap, tmp_path / "map.html")
    # the matrix is above the fold, the graph below it
    matrix = page.locator("#matrix").bounding_box()
    graph = page.locator("#graph").bounding_box()
    assert matrix is not None and graph is not None and matrix["y"] < 900 and matrix["y"] < graph["y"]
    assert page.locator("#matrix tbody tr").count() == 2
    first = page.locator("#matrix a.moment").first
    assert (
        first.get_attribute("href") in {a.url for a in amap.arguments}
        and first.get_attribute("target") == "_blank"
    )
    # a key point's label is cut short on the graph; hovering shows the whole of it, as text
    rates = next(k for k in amap.key_points if k.id == "kp-rates")
    shown = page.evaluate("window.argmapNetwork.body.nodes['kp-rates'].options.label")
    assert len(shown) <= 60 and shown.endswith("…") and rates.label.startswith(shown[:-1])
    where = page.evaluate(
        """(id) => { document.getElementById('graph').scrollIntoView(); const n = window.argmapNetwork;
                      const d = n.canvasToDOM(n.getPositions([id])[id]);
                      const r = document.getElementById('graph').getBoundingClientRect();
                      return {x: r.left + d.x, y: r.top + d.y}; }""",
        "kp-rates",
    )
    page.mouse.move(where["x"], where["y"])
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert rates.label in tooltip.inner_text()
    assert page.evaluate("window.__pwned") is None
    assert watch.errors == []
    page.close()


def test_a_cell_shows_the_stance_compare_prints_even_on_a_tie() -> None:
    """One argument for the point and one against: `argmap compare` prints `asserts`
    (``majority_stance``); the cell showed whichever came first, so the page said `disputes`."""
    from argmap.pipeline.compare.clustering import majority_stance
    from argmap.pipeline.present.export.matrix import Column, Matrix, Row, Said

    a, b = Column("a", "A", "A"), Column("b", "B", "B")
    for order in (["criticises", "asserts"], ["asserts", "criticises"]):
        said = [Said(stance, f"text {stance}", "") for stance in order]
        html = Matrix([Row("point", {a: said, b: [Said("asserts", "x", "")]})]).table()
        assert majority_stance(order) == "asserts"
        assert html.count('class="cell asserts"') == 2 and "cell criticises" not in html, html


def test_a_cell_breaks_a_tie_as_compare_does_by_the_judges_confidence() -> None:
    from argmap.pipeline.present.export.matrix import Column, Matrix, Row, Said

    a, b = Column("a", "A", "A"), Column("b", "B", "B")
    said = [Said("asserts", "they say they will fill it", "", 0.55), Said("criticises", "never", "", 0.8)]
    html = Matrix([Row("point", {a: said, b: [Said("asserts", "x", "", 0.9)]})]).table()
    assert html.count('class="cell criticises"') == 1 and html.count('class="cell asserts"') == 1, html


def test_each_moment_in_a_cell_sits_under_its_own_stance() -> None:
    from argmap.pipeline.present.export.matrix import Column, Matrix, Row, Said

    a, b = Column("a", "A", "A"), Column("b", "B", "B")
    said = [
        Said("asserts", "for", "<m1>"),
        Said("criticises", "against", "<m2>"),
        Said("asserts", "for", "<m3>"),
    ]
    html = Matrix([Row("point", {a: said, b: [Said("asserts", "x", "<m4>")]})]).table()
    cell = html[html.index('<td class="cell asserts">') : html.index("<details>")]
    assert (
        cell.index("asserts")
        < cell.index("<m1>")
        < cell.index("<m3>")
        < cell.index("disputes")
        < cell.index("<m2>")
    )


def test_a_map_of_one_commentator_keeps_the_points_they_share_with_the_run(store: Store) -> None:
    seed_map(store)
    whole = ex.load_map(store)
    alice = ex.load_map(store, commentators=["Alice Analyst"])
    matrix = map_matrix(alice)
    # Both key points are shared in the run (with Bob), so neither is "Alice's alone" on her map.
    assert len(map_matrix(whole).shared) == len(matrix.shared) == 2 and not matrix.lone
    assert all(row.elsewhere == ['Bob "<b>" ' + HOSTILE[0]] for row in matrix.shared)
    table = matrix.table()
    assert "also in the run (not shown)" in table and "try <code>argmap compare" not in table
    # with one voice shown, no row claims the voices agree or clash
    assert 'class="verdict' not in table[table.index("<tbody>") :]
