"""Every export format, parsed back by a real parser, from a store full of hostile text."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from browser_fixtures import PageWatch, browser  # noqa: F401 - fixture
from click.testing import CliRunner
from export_fixtures import HOSTILE, seed_map

from argmap.pipeline.errors import ConfigError
from argmap.pipeline.present import export as ex
from argmap.pipeline.present.cli import cli
from argmap.store import Store

ARGDOWN_DIR = Path(__file__).parent / "argdown"


@pytest.fixture
def seeded(store: Store) -> tuple[Store, dict[str, list[str]]]:
    return store, seed_map(store)


@pytest.fixture
def amap(seeded: tuple[Store, dict[str, list[str]]]) -> ex.ArgMap:
    return ex.load_map(seeded[0])


def flat(text: str) -> str:
    return " ".join(text.split())


# -- the map itself ------------------------------------------------------------------------


def test_load_map_selects_everything_and_links_timestamps(amap: ex.ArgMap) -> None:
    assert len(amap.arguments) == 7
    assert len(amap.key_points) == 2
    assert len(amap.relations) == 5
    assert {c["name"] for c in amap.commentators} == {"Alice Analyst", 'Bob "<b>" ' + HOSTILE[0]}
    by_text = {a.text.split(" ")[0]: a for a in amap.arguments}
    assert by_text["Inflation"].url == "https://www.youtube.com/watch?v=aaaaaaaaaaa&t=65s"
    assert by_text["Energy"].url == "https://media.example.org/talk one.mp3#t=95"


def test_filters_by_commentator_video_and_topic(seeded: tuple[Store, dict[str, list[str]]]) -> None:
    store, _ = seeded
    alice = ex.load_map(store, commentators=["alice analyst"])
    assert {a.commentator for a in alice.arguments} == {"Alice Analyst"}
    assert len(alice.arguments) == 4
    # a relation whose other end is filtered out is dropped, not left dangling
    kept = {a.id for a in alice.arguments}
    assert all(r.source in kept and r.target in kept for r in alice.relations)

    one = ex.load_map(store, videos=["youtube:ccc"])  # unique id prefix
    assert [a.video_id for a in one.arguments] == ["youtube:ccccccccccc"]
    assert one.key_points == []

    housing = ex.load_map(store, topic="housing supply")
    assert [a.text.split(" ")[0] for a in housing.arguments] == ["Housing"]
    assert [v["id"] for v in housing.videos] == ["youtube:ccccccccccc"]
    # a topic nothing is about selects nothing, as `argmap search` finds nothing close for it
    # (the engine ranks every argument; only the judge says none is related)
    assert ex.load_map(store, topic="bananas and mango smoothies").arguments == []

    with pytest.raises(ConfigError, match="no commentator named 'Nobody'"):
        ex.load_map(store, commentators=["Nobody"])
    with pytest.raises(ConfigError, match="no video"):
        ex.load_map(store, videos=["youtube:zzz"])


def test_only_one_extractor_version_per_video(seeded: tuple[Store, dict[str, list[str]]]) -> None:
    store, _ = seeded
    old = ex.load_map(store).arguments[0]
    from argmap.store import Argument

    newer = Argument(
        id="a-newer",
        video_id=old.video_id,
        transcript_id=f"{old.video_id}/import",
        type="claim",
        text="re-extracted",
        quote="q",
        start=1.0,
        end=2.0,
        seg_first=0,
        seg_last=0,
        extractor="test",
        extractor_version="9",
    )
    store.save_arguments(old.video_id, "test", "9", [newer])
    texts = [a.text for a in ex.load_map(store, videos=[old.video_id]).arguments]
    assert "re-extracted" not in texts  # key points refer to version 1, so version 1 is shown, not 9


def _second_run(store: Store, ids: dict[str, list[str]], *, created_at: str) -> None:
    """A later comparison of the same arguments under another topic: its key points regroup
    arguments that run-1 already placed, as a real second `argmap compare` run does."""
    from argmap.store import ArgumentRelation, KeyPoint, KeyPointMember

    a = ids["arguments"]
    store.upsert(
        "key_points",
        [
            KeyPoint(
                id="kp-run2",
                run_id="run-2",
                label="Second run regroups energy",
                label_argument_id=a[0],
                size=3,
                commentators=2,
                topic="energy",
            )
        ],
    )
    store.upsert(
        "key_point_members",
        [
            KeyPointMember("kp-run2", a[0], 0.9, "asserts"),
            KeyPointMember("kp-run2", a[3], 0.8, "asserts"),
            KeyPointMember("kp-run2", a[1], 0.7, "calls_for_action"),
        ],
        pk=("key_point_id", "argument_id"),
    )
    store.upsert(
        "argument_relations", [ArgumentRelation("r-run2", a[0], a[3], "agrees", "rule:x", "kp-run2", 0.8)]
    )
    store.save_compare_run({"run_id": "run-2", "topic": "energy", "threshold": 0.5, "created_at": created_at})


def _members_once(m: ex.ArgMap) -> None:
    placed = [member["argument_id"] for kp in m.key_points for member in kp.members]
    assert len(placed) == len(set(placed)), "an argument shows in two key points: runs are mixed"


def test_one_compare_run_per_map(seeded: tuple[Store, dict[str, list[str]]]) -> None:
    store, ids = seeded
    _second_run(store, ids, created_at="2024-04-01T00:00:00+00:00")
    # newest run by default
    newest = ex.load_map(store)
    assert [k.id for k in newest.key_points] == ["kp-run2"] and newest.filters["run"] == "run-2"
    assert {r.id for r in newest.relations if r.key_point_id} == {"r-run2"}
    assert "r1" not in {r.id for r in newest.relations}  # run-1's comparison relation stays out
    assert {"r3", "r4"} <= {r.id for r in newest.relations}  # relations of no run stay in
    _members_once(newest)
    # --run by id
    first = ex.load_map(store, run="run-1")
    assert {k.id for k in first.key_points} == {"kp-energy", "kp-rates"}
    assert "r-run2" not in {r.id for r in first.relations}
    _members_once(first)
    # the run made for the --topic wins over a newer one, matched regardless of case and spacing
    assert ex.pick_run(store, topic="  Inflation ")["run_id"] == "run-1"  # type: ignore[index]
    assert ex.pick_run(store, topic="unrelated")["run_id"] == "run-2"  # type: ignore[index]
    for fmt in ex.FORMATS:
        text = ex.export(store, fmt, run="run-1")
        assert "Second run regroups energy" not in text, fmt
        assert "kp-run2" not in text, fmt
    with pytest.raises(ConfigError, match="no compare run 'run-9'"):
        ex.load_map(store, run="run-9")
    # ids as people type them: without "run-", or a prefix that names one run
    assert ex.pick_run(store, run="2")["run_id"] == "run-2"  # type: ignore[index]
    assert ex.pick_run(store, run=" RUN-1 ")["run_id"] == "run-1"  # type: ignore[index]
    with pytest.raises(ConfigError, match="'run-' matches 2 compare runs; give more of the id"):
        ex.pick_run(store, run="run-")


def test_newest_run_then_run_id_and_legacy_runs(seeded: tuple[Store, dict[str, list[str]]]) -> None:
    store, ids = seeded
    # same created_at: the run id decides, so the choice never depends on row order
    _second_run(store, ids, created_at="2024-03-03T00:00:00+00:00")
    assert ex.pick_run(store)["run_id"] == "run-2"  # type: ignore[index]
    # a run without a compare_runs row (hand-written, older argmap) is still a run, of unknown age
    store.db.execute("delete from compare_runs")
    runs = store.compare_runs()
    assert sorted(r["run_id"] for r in runs) == ["run-1", "run-2"]
    assert ex.pick_run(store, topic="inflation")["run_id"] == "run-1"  # type: ignore[index]
    assert len({r["run_id"] for r in runs}) == 2 and ex.pick_run(store) is not None
    # no comparison at all: a map of arguments alone
    store.db.execute("delete from argument_relations")
    store.db.execute("delete from key_point_members")
    store.db.execute("delete from key_points")
    m = ex.load_map(store)
    assert m.key_points == [] and m.filters["run"] is None and len(m.arguments) == 7


# -- json ------------------------------------------------------------------------------------


def test_json_round_trips(amap: ex.ArgMap) -> None:
    doc = json.loads(ex.to_json(amap))
    assert doc["format"] == "argmap-graph" and doc["version"] == ex.FORMAT_VERSION
    assert [a["text"] for a in doc["arguments"]] == [a.text for a in amap.arguments]
    assert [a["quote"] for a in doc["arguments"]] == [a.quote for a in amap.arguments]
    assert {r["relation"] for r in doc["relations"]} == {
        "agrees",
        "attacks",
        "contrasts",
        "supports",
        "same_key_point",
    }
    ids = {a["id"] for a in doc["arguments"]}
    for kp in doc["key_points"]:
        assert {m["argument_id"] for m in kp["members"]} <= ids
    assert all(set(a) >= {"type", "text", "quote", "start", "end", "url"} for a in doc["arguments"])


# -- aif --------------------------------------------------------------------------------------


def test_aif_structure(amap: ex.ArgMap) -> None:
    doc = json.loads(ex.to_aif(amap))
    nodes = {n["nodeID"]: n for n in doc["nodes"]}
    assert len(nodes) == len(doc["nodes"])
    for e in doc["edges"]:
        assert e["fromID"] in nodes and e["toID"] in nodes
    out: dict[str, list[str]] = {}
    into: dict[str, list[str]] = {}
    for e in doc["edges"]:
        out.setdefault(e["fromID"], []).append(e["toID"])
        into.setdefault(e["toID"], []).append(e["fromID"])
    types = [n["type"] for n in doc["nodes"]]
    assert types.count("L") == types.count("YA") == len(amap.arguments)
    assert types.count("I") == len(amap.arguments) + len(amap.key_points)
    assert {"RA", "CA", "MA"} <= set(types)
    # scheme nodes connect propositions to propositions, one in and one out
    for n in doc["nodes"]:
        if n["type"] in ("RA", "CA", "MA"):
            assert [nodes[i]["type"] for i in into[n["nodeID"]]] == ["I"]
            assert [nodes[i]["type"] for i in out[n["nodeID"]]] == ["I"]
    # each locution: an L node, tied to a participant, asserting its argument's I node
    people = {p["participantID"] for p in doc["participants"]}
    texts = {a.id: a for a in amap.arguments}
    for loc in doc["locutions"]:
        lnode = nodes[loc["nodeID"]]
        assert lnode["type"] == "L" and loc["personID"] in people
        (ya,) = out[lnode["nodeID"]]
        (inode,) = out[ya]
        arg = texts[nodes[inode]["argmapID"]]
        assert nodes[inode]["text"] == arg.text
        assert lnode["text"].endswith(arg.quote)
        assert lnode["url"] == loc["source"] == arg.url and lnode["start"] == arg.start


# -- argdown -----------------------------------------------------------------------------------


def parse_argdown(text: str) -> dict:
    node = shutil.which("node")
    if not node or not (ARGDOWN_DIR / "node_modules" / "@argdown" / "core").is_dir():
        pytest.skip("the Argdown reference parser is not installed (bash .ci/setup: npm ci in tests/argdown)")
    done = subprocess.run(
        [node, str(ARGDOWN_DIR / "parse.js")],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_argdown_parses_with_the_argdown_grammar(amap: ex.ArgMap) -> None:
    text = ex.to_argdown(amap)
    parsed = parse_argdown(text)
    assert parsed["lexerErrors"] == [] and parsed["parserErrors"] == []
    # one section per key point (the label, unescaped), then the rest
    assert parsed["sections"] == [flat(k.label) for k in amap.key_points] + ["Arguments and relations"]
    assert set(parsed["statements"]) == {"Key point 1", "Key point 2"}
    assert parsed["statements"]["Key point 1"]["texts"] == [flat(amap.key_points[0].label)]
    # every argument once, its text intact, only its own two tags and its own link
    assert len(parsed["arguments"]) == len(amap.arguments)
    by_text = {next(t for t in v["texts"] if t.strip()): v for v in parsed["arguments"].values()}
    for a in amap.arguments:
        found = [v for t, v in by_text.items() if t.startswith(flat(a.text) + " ")]
        assert len(found) == 1, (flat(a.text), list(by_text))
        (entry,) = found
        assert sorted(entry["tags"]) == sorted([a.type.replace("_", "-"), ex._argdown_title(a.commentator)])
        assert entry["links"] == [a.url.replace(" ", "%20")]
    relations = [(r["type"]) for r in parsed["relations"]]
    members = sum(len(k.members) for k in amap.key_points)
    assert len(relations) == members + len(amap.relations)
    assert relations.count("attack") == 2 + 2  # two criticising members, an attack and a contrast


def test_argdown_never_gives_two_voices_one_tag(amap: ex.ArgMap) -> None:
    import dataclasses

    first, second = amap.arguments[:2]
    first.argument = dataclasses.replace(first.argument, speaker="Ann (A)", video_speakers=2)
    second.argument = dataclasses.replace(second.argument, speaker="Ann A", video_speakers=2)
    parsed = parse_argdown(ex.to_argdown(amap))
    tags = sorted(t for v in parsed["arguments"].values() for t in v["tags"] if t.startswith("Ann"))
    assert tags == ["Ann A", "Ann A 2"], tags


def test_argdown_text_reads_as_written_where_prose_needs_no_escape() -> None:
    prose = "It's sixty-five, not 5% off; really? Yes - \"maybe\", says Ms O'Neill."
    from argmap.pipeline.present.export.argdown import _argdown_text

    assert _argdown_text(prose) == prose
    hostile = "costs #rise [ref] <arg> @[x] *bold* http://a.b/c.png"
    parsed = parse_argdown(f"<A1>: {_argdown_text(hostile)}\n\n<A2>: {_argdown_text(prose)}\n")
    assert parsed["lexerErrors"] == [] and parsed["parserErrors"] == []
    assert [v["texts"] for v in parsed["arguments"].values()] == [[hostile], [prose]]
    assert all(v["tags"] == [] and v["links"] == [] for v in parsed["arguments"].values())


# -- graphml and dot ---------------------------------------------------------------------------


def test_graphml_loads_in_networkx(amap: ex.ArgMap) -> None:
    nx = pytest.importorskip("networkx")
    g = nx.read_graphml(io.BytesIO(ex.to_graphml(amap).encode("utf-8")))
    assert g.number_of_nodes() == len(amap.commentators) + len(amap.key_points) + len(amap.arguments)
    for a in amap.arguments:
        data = g.nodes[a.id]
        assert data["label"] == a.text and data["quote"] == a.quote and data["url"] == a.url
        assert data["start"] == pytest.approx(a.start)
    relations = [d["relation"] for _, _, d in g.edges(data=True)]
    assert relations.count("argues") == len(amap.arguments)
    assert {"agrees", "attacks", "contrasts", "supports", "same_key_point", "member"} <= set(relations)


def test_graphml_survives_control_characters(amap: ex.ArgMap) -> None:
    nx = pytest.importorskip("networkx")
    amap.arguments[0].text = "bell\x07 and vertical tab\x0b"
    g = nx.read_graphml(io.BytesIO(ex.to_graphml(amap).encode("utf-8")))
    assert g.nodes[amap.arguments[0].id]["label"] == "bell\ufffd and vertical tab\ufffd"


@pytest.mark.skipif(not shutil.which("dot"), reason="graphviz is not installed")
def test_dot_renders_with_graphviz(amap: ex.ArgMap, output_dir: Path) -> None:
    # Graphviz copies URLs into the SVG unescaped: a hostile one must not break out of its attribute
    evil = 'https://x.example/a b?q="><script>alert(1)</script>&t=1'
    amap.arguments[0].url = evil
    done = subprocess.run(["dot", "-Tsvg"], input=ex.to_dot(amap), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "syntax error" not in done.stderr
    (output_dir / "export-map.svg").write_text(done.stdout, encoding="utf-8")
    svg = ET.fromstring(done.stdout)
    ns = {"s": "http://www.w3.org/2000/svg"}
    groups = svg.findall(".//s:g", ns)
    nodes = [g for g in groups if g.get("class") == "node"]
    edges = [g for g in groups if g.get("class") == "edge"]
    assert len(nodes) == len(amap.commentators) + len(amap.key_points) + len(amap.arguments)
    assert len(edges) == len(ex._graph_edges(amap))
    assert svg.findall(".//s:script", ns) == []
    hrefs = [a.get("{http://www.w3.org/1999/xlink}href") for a in svg.iter("{http://www.w3.org/2000/svg}a")]
    assert "https://x.example/a%20b?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&t=1" in hrefs
    assert amap.arguments[1].url.replace(" ", "%20") in hrefs
    labels = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "Critics ignore wage growth" in labels


# -- mermaid ------------------------------------------------------------------------------------

_MERMAID_LINE = re.compile(
    r"^(flowchart LR"
    r'|  n\d+(\["[^"\[\]{}()|<>]*"\]|\{"[^"\[\]{}()|<>]*"\}|\("[^"\[\]{}()|<>]*"\))'
    r"|  class n\d+ (claim|critique|call_to_action)"
    r"|  n\d+ (-->|-\.->)\|[^|\"\[\]{}()<>]*\| n\d+"
    r"|  classDef \w+ stroke:#[0-9a-f]{6},stroke-width:2px)$"
)


def _mermaid_decode(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label)


def test_mermaid_is_well_formed_and_escaped(amap: ex.ArgMap) -> None:
    text = ex.to_mermaid(amap)
    lines = text.rstrip("\n").split("\n")
    for line in lines:
        assert _MERMAID_LINE.match(line), line
    labels = [m.group(1) for m in re.finditer(r'^  n\d+[\[{(]"(.*)"[\]})]$', text, re.M)]
    assert len(labels) == len(amap.commentators) + len(amap.key_points) + len(amap.arguments)
    decoded = {_mermaid_decode(x) for x in labels}
    short = flat(amap.arguments[-1].text)
    assert (short if len(short) <= 80 else short[:79] + "…") in decoded
    assert sum(line.startswith("  n") and "->" in line for line in lines) == len(ex._graph_edges(amap))


# -- csv ---------------------------------------------------------------------------------------


def test_csv_round_trips_one_row_per_argument(amap: ex.ArgMap) -> None:
    rows = list(csv.DictReader(io.StringIO(ex.to_csv(amap))))
    assert len(rows) == len(amap.arguments)
    for row, a in zip(rows, amap.arguments, strict=True):
        assert row["argument_id"] == a.id and row["type"] == a.type and row["url"] == a.url
        assert row["said_by"].lstrip("'") == a.argument.said_by_label
        assert row["quote"] == a.quote  # newlines and quotes survive
        assert float(row["start"]) == pytest.approx(a.start)
        expected = "'" + a.text if a.text[:1] in "=+-@" else a.text
        assert row["text"] == expected
    formula = next(r for r in rows if "HYPERLINK" in r["text"])
    assert not formula["text"].startswith("=")
    assert rows[0]["key_points"] == "" or all(k in rows[0]["key_points"] for k in ["Energy"])
    # every relation on both of its rows
    by_id = {r["argument_id"]: r for r in rows}
    for rel in amap.relations:
        assert f"{rel.relation} {rel.target}" in by_id[rel.source]["relations"].split(" | ")
        assert f"{rel.relation} by {rel.source}" in by_id[rel.target]["relations"].split(" | ")


def test_csv_neutralises_formulas() -> None:
    assert ex._csv_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert ex._csv_cell("-1 + 2") == "'-1 + 2"
    assert ex._csv_cell("plain") == "plain"


# -- html --------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_one_self_contained_file(amap: ex.ArgMap) -> None:
    page = ex.to_html(amap)
    parser = _Tags()
    parser.feed(page)
    tags = parser.tags
    scripts = [a for t, a in tags if t == "script"]
    assert len(scripts) == 3 and all("src" not in a for a in scripts)  # data, vis-network, page logic
    assert not [a for t, a in tags if t in ("link", "img", "iframe", "object", "embed")]
    # the data block parses back to exactly the map: no text escaped out of it
    raw = re.search(r'<script type="application/json" id="argmap-data">(.*?)</script>', page, re.S)
    assert raw is not None
    assert json.loads(raw.group(1)) == json.loads(json.dumps(ex.html_data(amap)))
    # hostile markup appears only inside that block, as \u003c-escaped JSON, and in the matrix
    # the page leads with as escaped text (tests/test_export_matrix.py checks the matrix itself)
    outside = page.replace(raw.group(0), "")
    assert "<script>window.__pwned" not in outside and "<img src=x" not in outside
    assert "&lt;script&gt;window.__pwned" in outside
    assert "vis-network" in page.lower() or "vis.Network" in page


def test_html_map_draws_key_points_that_group_arguments(amap: ex.ArgMap) -> None:
    single = ex.MapKeyPoint(
        id="kp-single",
        label=amap.arguments[6].text,
        topic=None,
        members=[{"argument_id": amap.arguments[6].id, "stance": "asserts", "similarity": 1.0}],
    )
    amap.key_points.append(single)
    drawn = [k["id"] for k in ex.html_data(amap)["keyPoints"]]
    assert drawn == ["kp-energy", "kp-rates"]  # the one-member point would only repeat its argument
    assert "kp-single" in ex.to_json(amap)  # the data formats keep it


def test_html_uses_vis_network_from_the_installed_package() -> None:
    js, css = ex.vis_network_assets()
    assert "Network" in js and len(js) > 100_000 and "vis-network" in css


@pytest.mark.browser
def test_html_export_works_offline_in_a_browser(
    amap: ex.ArgMap,
    browser,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    output_dir: Path,
) -> None:
    path = tmp_path / "map.html"
    path.write_text(ex.to_html(amap), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    watch = PageWatch(page)
    page.goto(path.as_uri())
    page.wait_for_function("window.argmapNetwork && window.argmapNetwork.body.nodeIndices.length > 0")
    assert page.evaluate("window.argmapNetwork.body.nodeIndices.length") == 11
    assert page.evaluate("window.__pwned") is None  # no injected script or handler ran
    assert page.locator("#details img, #list img, script[src]").count() == 0

    # click an argument node on the canvas: its quote and a timestamped video link appear
    target = next(a for a in amap.arguments if "Critics" in a.text)
    box = page.evaluate(
        """(id) => { document.getElementById('graph').scrollIntoView();  // below the matrix
                      const n = window.argmapNetwork; n.fit(); n.stopSimulation();
                      const p = n.getPositions([id])[id]; const d = n.canvasToDOM(p);
                      const r = document.getElementById('graph').getBoundingClientRect();
                      return {x: r.left + d.x, y: r.top + d.y}; }""",
        target.id,
    )
    page.mouse.click(box["x"], box["y"])
    page.wait_for_selector("#details blockquote")
    assert page.locator("#details blockquote").inner_text() == target.quote
    assert page.locator("#video-link").get_attribute("href") == target.url

    # filter by type and by commentator, then search
    page.uncheck("#types input[value=critique]")
    assert page.locator("#list li").count() == 5
    page.check("#types input[value=critique]")
    page.uncheck("#commentators input >> nth=1")
    assert page.locator("#list li").count() == 4
    page.check("#commentators input >> nth=1")
    page.fill("#search", "housing")
    assert page.locator("#list li").count() == 1
    page.fill("#search", "")
    page.screenshot(path=str(output_dir / "export-html-map.png"))
    assert page.evaluate("window.__pwned") is None
    assert watch.errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in watch.requests), watch.requests
    page.close()


# -- every format through the command line ----------------------------------------------------


@pytest.mark.parametrize("fmt", ex.FORMATS)
def test_cli_exports_every_format(fmt: str, db_path: Path, tmp_path: Path) -> None:
    store = Store.open(db_path)
    seed_map(store)
    store.close()
    out = tmp_path / f"map.{ex.EXTENSIONS[fmt]}"
    result = CliRunner().invoke(
        cli,
        ["export", "--db", str(db_path), "--format", fmt, "--commentator", "Alice Analyst", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Housing supply is too low" in text or "Housing supply is too low" in _mermaid_decode(text)
    assert "Vote for rent control" not in text  # Bob's argument is filtered out


def test_cli_offers_exactly_the_export_formats() -> None:
    # the CLI's own copy keeps `argmap --help` from importing export
    from argmap.pipeline.present import commands_map as cli_module

    assert cli_module.EXPORT_FORMATS == ex.FORMATS


def test_cli_reports_bad_input_in_one_line(db_path: Path) -> None:
    Store.open(db_path).close()
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--commentator", "Nobody"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: no commentator named 'Nobody' (see `argmap info` / `argmap videos`)"
    ]


def test_cli_run_option(db_path: Path) -> None:
    store = Store.open(db_path)
    ids = seed_map(store)
    _second_run(store, ids, created_at="2024-04-01T00:00:00+00:00")
    store.close()
    run = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format", "json", "--run", "run-1"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.output)
    assert doc["filters"]["run"] == "run-1" and {k["id"] for k in doc["key_points"]} == {
        "kp-energy",
        "kp-rates",
    }
    # .stdout: the note naming the run used goes to stderr
    newest = json.loads(CliRunner().invoke(cli, ["export", "--db", str(db_path)]).stdout)
    assert [k["id"] for k in newest["key_points"]] == ["kp-run2"]
    bad = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--run", "nope"])
    assert bad.exit_code == 1 and len(bad.output.strip().splitlines()) == 1
    assert "no compare run 'nope'" in bad.output and "run-2" in bad.output


# -- end to end: transcripts -> extract -> embed -> compare -> every format ---------------------


@pytest.mark.slow
def test_every_format_from_a_pipeline_built_store(shared_dir: Path, db_path: Path, tmp_path: Path) -> None:
    from argmap.pipeline.compare.clustering import compare
    from argmap.pipeline.extract.run import extract_videos
    from argmap.pipeline.ingest.captions import cues_to_segments, parse_txt
    from argmap.pipeline.search.embed import embed_all
    from argmap.store import Commentator, Transcript, Video

    store = Store.open(db_path)
    for n, seed in enumerate(sorted((shared_dir / "seeds").glob("*.txt"))):
        name = f"Commentator {n + 1}"
        commentator = store.upsert_commentator(Commentator(id=Commentator.make_id(name), name=name))
        video = store.upsert_video(
            Video(
                id=f"youtube:seed{n:07d}",
                source_url=f"https://www.youtube.com/watch?v=seed{n:07d}",
                webpage_url=f"https://www.youtube.com/watch?v=seed{n:07d}",
                title=seed.read_text(encoding="utf-8").splitlines()[0],
                commentator_id=commentator.id,
            )
        )
        transcript = Transcript(id=Transcript.make_id(video.id, "import"), video_id=video.id, source="import")
        cues = parse_txt(seed.read_text(encoding="utf-8"))
        store.save_transcript(
            transcript,
            cues_to_segments(cues, transcript_id=transcript.id, video_id=video.id),
            stage="transcribe",
        )
    extract_videos(store)
    embed_all(store)
    result = compare(store)  # the real comparison, over every argument, stored as the newest run
    assert result.key_points, "the two seed texts share no key point"
    store.close()

    ro = Store.open(db_path, readonly=True)
    m = ex.load_map(ro)
    assert len(m.arguments) >= 4 and len(m.commentators) == 2
    assert m.filters["run"] == result.run_id
    # every stored cluster of the run is drawn, singletons included; shared ones carry relations
    assert len(m.key_points) == len(result.key_points) + len(result.unique)
    shared = {k.key_point.id for k in result.key_points}
    assert shared <= {k.id for k in m.key_points}
    cross = [r for r in m.relations if r.relation in ("agrees", "contrasts")]
    assert cross and all(r.key_point_id in shared for r in cross)
    kp_ids = [k.id for k in m.key_points]
    members = {mb["argument_id"] for k in m.key_points for mb in k.members}
    texts: dict[str, str] = {}
    for fmt in ex.FORMATS:
        text = ex.export(ro, fmt)
        texts[fmt] = text
        (tmp_path / f"e2e.{ex.EXTENSIONS[fmt]}").write_text(text, encoding="utf-8")
        assert m.arguments[0].id in text or fmt in ("mermaid", "argdown")

    doc = json.loads(texts["json"])
    assert len(doc["arguments"]) == len(m.arguments)
    assert [k["id"] for k in doc["key_points"]] == kp_ids
    assert {r["id"] for r in doc["relations"]} == {r.id for r in m.relations}

    aif = json.loads(texts["aif"])
    assert [n["argmapKeyPointID"] for n in aif["nodes"] if "argmapKeyPointID" in n] == kp_ids
    aif_relations = [n["argmapRelation"] for n in aif["nodes"] if "argmapRelation" in n]
    assert sorted(aif_relations) == sorted(r.relation for r in m.relations)

    rows = list(csv.DictReader(io.StringIO(texts["csv"])))
    assert len(rows) == len(m.arguments)
    assert {r["argument_id"] for r in rows if r["key_points"]} == members
    assert sum(len(r["relations"].split(" | ")) for r in rows if r["relations"]) == 2 * len(m.relations)

    nx = pytest.importorskip("networkx")
    g = nx.read_graphml(str(tmp_path / "e2e.graphml"))
    assert g.number_of_nodes() >= len(m.arguments)
    assert sorted(n for n, d in g.nodes(data=True) if d["kind"] == "key_point") == sorted(kp_ids)
    graph_cross = [
        d["relation"] for _, _, d in g.edges(data=True) if d["relation"] in ("agrees", "contrasts")
    ]
    assert sorted(graph_cross) == sorted(r.relation for r in cross)

    for kp in kp_ids:
        assert f'"{kp}" [label=' in texts["dot"]
    dot_cross = re.findall(r'\[label="(agrees|contrasts)"', texts["dot"])
    assert sorted(dot_cross) == sorted(r.relation for r in cross)
    if shutil.which("dot"):
        subprocess.run(
            ["dot", "-Tsvg", str(tmp_path / "e2e.dot")], capture_output=True, check=True, timeout=60
        )

    assert len(re.findall(r'^  n\d+\{"', texts["mermaid"], re.MULTILINE)) == len(kp_ids)
    mermaid_cross = re.findall(r"-->\|(agrees|contrasts)\|", texts["mermaid"])
    assert sorted(mermaid_cross) == sorted(r.relation for r in cross)

    page = re.search(r'<script type="application/json" id="argmap-data">(.*?)</script>', texts["html"], re.S)
    assert page is not None
    data = json.loads(page.group(1))
    assert [k["id"] for k in data["keyPoints"]] == [k.id for k in m.key_points if len(k.members) > 1]
    assert {r["id"] for r in data["relations"]} == {r.id for r in m.relations}

    assert texts["argdown"].count("[Key point ") == len(kp_ids)
    if shutil.which("node") and (ARGDOWN_DIR / "node_modules").is_dir():
        parsed = parse_argdown(texts["argdown"])
        assert parsed["parserErrors"] == [] and len(parsed["arguments"]) == len(m.arguments)
        assert len(parsed["statements"]) == len(kp_ids)
        # a +/- line per key point member, and one per relation
        assert len(parsed["relations"]) == sum(len(k.members) for k in m.key_points) + len(m.relations)
    topical = ex.load_map(ro, topic="China", topic_limit=3)
    assert 0 < len(topical.arguments) <= 3
    ro.close()


def test_aif_locutions_belong_to_the_participant_their_text_names(amap: ex.ArgMap) -> None:
    """A one-voice video's diarized person is its commentator (as every format says); a video
    with several speakers credits each speaker. Locutions once went to "Speaker 1 of <title>"."""
    import dataclasses

    first, second, third = amap.arguments[:3]
    first.argument = dataclasses.replace(
        first.argument,
        person_id="p-solo",
        person="Speaker 1 of a talk",
        speaker="Speaker 1",
        video_speakers=1,
    )
    for a, who in ((second, "Guest One"), (third, "Guest Two")):
        a.argument = dataclasses.replace(
            a.argument, person_id=f"p-{who[-3:]}", person=who, speaker=who, video_speakers=2
        )
    doc = json.loads(ex.to_aif(amap))
    nodes = {n["nodeID"]: n for n in doc["nodes"]}
    names = {p["participantID"]: f"{p['firstname']} {p['surname']}".strip() for p in doc["participants"]}
    assert "Speaker 1 of a talk" not in names.values()
    for loc in doc["locutions"]:
        said_by = nodes[loc["nodeID"]]["text"].split(": ", 1)[0]
        assert names[loc["personID"]] == said_by


def test_key_points_are_numbered_in_the_order_compare_prints_them(store: Store) -> None:
    """`argmap compare` orders key points by commentators, then size; the exports once ordered by
    size alone, so "[Key point 2]" in a file was compare's third."""
    from argmap.store import KeyPoint
    from argmap.store import queries as q

    ids = seed_map(store)
    one_voice_but_large = KeyPoint(
        id="kp-aaa",
        run_id="run-1",
        label="Large but one voice",
        label_argument_id=ids["arguments"][0],
        size=9,
        commentators=1,
    )
    store.upsert("key_points", [one_voice_but_large])
    assert [v.key_point.id for v in q.run_key_points(store, "run-1")] == ["kp-energy", "kp-rates", "kp-aaa"]
