"""Argument-map exports: one graph read from the store, written in each community's format.

People take argmap's maps into other tools (Gephi, yEd, Graphviz, Argdown, AIF tools, spreadsheets,
Markdown pages) and show them to others (a self-contained HTML page). Every writer starts from the
same :class:`ArgMap`, so the formats never disagree about what is in the map, and every writer
escapes text for its own syntax: transcripts are hostile input as far as a file format goes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from argmap.pipeline.errors import ArgmapError, ConfigError
from argmap.pipeline.text import timestamp_url, video_url
from argmap.store import NotFound, Store, Video

FORMAT_VERSION = 1

TYPE_COLOURS = {"claim": "#2f6fdf", "critique": "#d2452f", "call_to_action": "#2e9b4f"}
TYPE_LABELS = {"claim": "claim", "critique": "critique", "call_to_action": "call to action"}
# How a key-point member stance or a relation reads as support/attack in formats that know only those.
ATTACKING = {"attacks", "contrasts", "criticises"}


class ExportError(ArgmapError):
    """The export could not be produced (missing JS library, unwritable output...)."""

    permanent = True


@dataclass
class MapArgument:
    id: str
    video_id: str
    commentator_id: str | None
    commentator: str
    type: str
    text: str
    quote: str
    start: float
    end: float
    url: str
    video_title: str


@dataclass
class MapKeyPoint:
    id: str
    label: str
    topic: str | None
    members: list[dict[str, Any]] = field(default_factory=list)  # {argument_id, stance, similarity}


@dataclass
class MapRelation:
    id: str
    source: str
    target: str
    relation: str
    method: str
    key_point_id: str | None = None
    score: float | None = None


@dataclass
class ArgMap:
    """Everything one export shows; ``filters`` records how it was selected."""

    commentators: list[dict[str, Any]]
    videos: list[dict[str, Any]]
    arguments: list[MapArgument]
    key_points: list[MapKeyPoint]
    relations: list[MapRelation]
    filters: dict[str, Any] = field(default_factory=dict)

    def argument(self, argument_id: str) -> MapArgument:
        for a in self.arguments:
            if a.id == argument_id:
                return a
        raise KeyError(argument_id)


# -- reading the map from the store ---------------------------------------------------


def load_map(
    store: Store,
    *,
    topic: str | None = None,
    commentators: Sequence[str] = (),
    videos: Sequence[str] = (),
    topic_limit: int = 50,
    run: str | None = None,
) -> ArgMap:
    """Select videos by commentator and id, their arguments (optionally about ``topic``), and
    the key points and relations among the selected arguments, from one compare run
    (see :func:`pick_run`)."""
    video_rows = _select_videos(store, commentators, videos)
    names = {r["id"]: r["name"] for r in store.rows("select id, name from commentators")}
    arguments: list[MapArgument] = []
    for vrow in video_rows:
        video = Video(**vrow)
        for row in preferred_arguments(store, video.id):
            arguments.append(
                MapArgument(
                    id=row["id"],
                    video_id=video.id,
                    commentator_id=video.commentator_id,
                    commentator=names.get(video.commentator_id or "", "") or "unknown",
                    type=row["type"],
                    text=row["text"],
                    quote=row["quote"],
                    start=float(row["start"]),
                    end=float(row["end"]),
                    url=timestamp_url(video, row["start"]),
                    video_title=video.title,
                )
            )
    if topic:
        keep = set(topic_argument_ids(store, topic, [a.id for a in arguments], limit=topic_limit))
        arguments = [a for a in arguments if a.id in keep]
    selected = {a.id for a in arguments}

    chosen = pick_run(store, run=run, topic=topic)
    run_id = chosen["run_id"] if chosen else None
    run_key_points = store.rows("select * from key_points where run_id = ? order by size desc, id", [run_id])
    key_points: list[MapKeyPoint] = []
    for kp in run_key_points:
        members = [
            m
            for m in store.rows(
                "select argument_id, stance, similarity from key_point_members where key_point_id = ?"
                " order by similarity desc, argument_id",
                [kp["id"]],
            )
            if m["argument_id"] in selected
        ]
        if members:
            key_points.append(MapKeyPoint(id=kp["id"], label=kp["label"], topic=kp["topic"], members=members))

    # Relations a comparison made belong to its run; the others (supports/attacks between
    # arguments) hold whatever run is shown.
    run_key_point_ids = {kp["id"] for kp in run_key_points}
    shown_key_points = {k.id for k in key_points}
    relations = [
        MapRelation(
            id=r["id"],
            source=r["source_argument_id"],
            target=r["target_argument_id"],
            relation=r["relation"],
            method=r["method"],
            key_point_id=r["key_point_id"] if r["key_point_id"] in shown_key_points else None,
            score=r["score"],
        )
        for r in store.rows("select * from argument_relations order by id")
        if r["source_argument_id"] in selected
        and r["target_argument_id"] in selected
        and (r["key_point_id"] is None or r["key_point_id"] in run_key_point_ids)
    ]

    used_videos = {a.video_id for a in arguments}
    video_list = [
        {
            "id": v["id"],
            "title": v["title"],
            "commentator_id": v["commentator_id"],
            "url": video_url(Video(**v)),
            "published": v["published"],
            "duration": v["duration"],
        }
        for v in video_rows
        if v["id"] in used_videos or not topic
    ]
    used_commentators = {v["commentator_id"] for v in video_list}
    commentator_list = [
        r
        for r in store.rows("select id, name, url, kind from commentators order by name, id")
        if r["id"] in used_commentators
    ]
    return ArgMap(
        commentators=commentator_list,
        videos=video_list,
        arguments=arguments,
        key_points=key_points,
        relations=relations,
        filters={"topic": topic, "commentators": list(commentators), "videos": list(videos), "run": run_id},
    )


def pick_run(store: Store, *, run: str | None = None, topic: str | None = None) -> dict[str, Any] | None:
    """The one compare run whose key points a map shows.

    Each run (a topic, a threshold, a set of commentators) groups the same arguments anew, so
    showing several would repeat every argument once per run. ``run`` picks one by id;
    otherwise the newest run made for exactly ``topic`` (case and spacing aside); otherwise
    the newest run. Runs left without key points are skipped unless asked for by id. None
    when the store has no comparison.
    """
    runs = store.compare_runs()
    if run:
        for r in runs:
            if r["run_id"] == run:
                return r
        known = ", ".join(r["run_id"] for r in runs[:5]) or "none yet; run `argmap compare`"
        raise ConfigError(f"no compare run {run!r} (recent runs: {known})")
    usable = [r for r in runs if r["key_points"]]
    if topic:
        wanted = " ".join(topic.split()).casefold()
        for r in usable:
            if " ".join((r["topic"] or "").split()).casefold() == wanted:
                return r
    return usable[0] if usable else None


def _select_videos(store: Store, commentators: Sequence[str], videos: Sequence[str]) -> list[dict[str, Any]]:
    rows = store.rows("select * from videos order by commentator_id, published, id")
    if commentators:
        from argmap.pipeline.search.query import resolve_filters

        try:
            ids = resolve_filters(store, commentator=commentators).commentator_ids or ()
        except ConfigError as err:
            raise ConfigError(f"{err} (see `argmap info` / `argmap videos`)") from err
        rows = [r for r in rows if r["commentator_id"] in ids]
    if videos:
        wanted: set[str] = set()
        for ref in videos:
            try:
                wanted.add(store.resolve_video(ref).id)
            except NotFound as err:
                raise ConfigError(str(err)) from err
        rows = [r for r in rows if r["id"] in wanted]
    return rows


def preferred_arguments(store: Store, video_id: str) -> list[dict[str, Any]]:
    """One extractor version per video: the one key points refer to, else the newest.

    Re-extraction keeps older versions side by side; showing all of them would repeat each
    argument once per version.
    """
    groups = store.rows(
        """select a.extractor, a.extractor_version,
                  (select count(*) from key_point_members m join arguments b on b.id = m.argument_id
                   where b.video_id = a.video_id and b.extractor = a.extractor
                     and b.extractor_version = a.extractor_version) as used
           from arguments a where a.video_id = ?
           group by a.extractor, a.extractor_version
           order by used desc, a.extractor_version desc, a.extractor""",
        [video_id],
    )
    if not groups:
        return []
    g = groups[0]
    return store.rows(
        "select * from arguments where video_id = ? and extractor = ? and extractor_version = ?"
        " order by start, id",
        [video_id, g["extractor"], g["extractor_version"]],
    )


def topic_argument_ids(store: Store, topic: str, candidates: Iterable[str], *, limit: int = 50) -> list[str]:
    """Arguments about ``topic``, best first, from the same engine as ``argmap search``
    (hybrid: embeddings when the store has them, plus keywords)."""
    from argmap.pipeline.search.query import search

    pool = set(candidates)
    hits = search(store, topic, scope="arguments", limit=max(limit * 4, 50))
    return [h.id for h in hits if h.id in pool][:limit]


# -- json: argmap's own graph -----------------------------------------------------------


def to_json(m: ArgMap) -> str:
    doc = {
        "format": "argmap-graph",
        "version": FORMAT_VERSION,
        "filters": m.filters,
        "commentators": m.commentators,
        "videos": m.videos,
        "arguments": [asdict(a) for a in m.arguments],
        "key_points": [asdict(k) for k in m.key_points],
        "relations": [asdict(r) for r in m.relations],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# -- aif: Argument Interchange Format (AIFdb JSON layout) --------------------------------


def to_aif(m: ArgMap) -> str:
    """AIF+ JSON: commentators are participants, each argument a locution (L) asserting (YA)
    a proposition (I); key points are I nodes that member arguments support (RA) or attack
    (CA); relations become RA, CA or MA (rephrase) nodes. Timestamps and URLs ride in extra
    fields that AIF tools ignore."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    locutions: list[dict[str, Any]] = []
    counter = iter(range(1, 10**9))

    def node(type_: str, text: str, **extra: Any) -> str:
        nid = str(next(counter))
        nodes.append({"nodeID": nid, "text": text, "type": type_, "timestamp": "", **extra})
        return nid

    def edge(src: str, dst: str) -> None:
        edges.append({"edgeID": str(len(edges) + 1), "fromID": src, "toID": dst, "formEdgeID": None})

    participants = []
    person = {}
    for i, c in enumerate(m.commentators, start=1):
        first, _, last = c["name"].partition(" ")
        participants.append({"participantID": i, "firstname": first, "surname": last, "argmapID": c["id"]})
        person[c["id"]] = i

    i_node: dict[str, str] = {}
    for a in m.arguments:
        extra = {"argmapID": a.id, "videoID": a.video_id, "start": a.start, "end": a.end, "url": a.url}
        lnode = node("L", f"{a.commentator}: {a.quote}", **extra)
        inode = node("I", a.text, argmapType=a.type, **extra)
        ya = node("YA", "Asserting")
        edge(lnode, ya)
        edge(ya, inode)
        i_node[a.id] = inode
        locutions.append(
            {
                "nodeID": lnode,
                "personID": person.get(a.commentator_id or ""),
                "timestamp": _clock(a.start),
                "start": a.start,
                "end": a.end,
                "source": a.url,
            }
        )
    for kp in m.key_points:
        kp_node = node("I", kp.label, argmapKeyPointID=kp.id, topic=kp.topic)
        for member in kp.members:
            attacking = member["stance"] in ATTACKING
            scheme = node(
                "CA" if attacking else "RA", "Default Conflict" if attacking else "Default Inference"
            )
            edge(i_node[member["argument_id"]], scheme)
            edge(scheme, kp_node)
    for r in m.relations:
        if r.relation in ("supports",):
            type_, text = "RA", "Default Inference"
        elif r.relation in ATTACKING:
            type_, text = "CA", "Default Conflict"
        else:  # agrees, same_key_point: two wordings of one point
            type_, text = "MA", "Default Rephrase"
        scheme = node(type_, text, argmapRelation=r.relation, method=r.method)
        edge(i_node[r.source], scheme)
        edge(scheme, i_node[r.target])
    doc = {
        "nodes": nodes,
        "edges": edges,
        "locutions": locutions,
        "participants": participants,
        "schemefulfillments": [],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _clock(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


# -- argdown ----------------------------------------------------------------------------

# Every character the Argdown lexer gives a meaning to; escaped with a backslash in text.
_ARGDOWN_SPECIAL = set("\\@#*_[](){}<>/,.:;-+=!~`|\"'&%$^?")


def _argdown_text(text: str) -> str:
    flat = " ".join(text.split())  # a newline would end the statement and start a new element
    return "".join("\\" + ch if ch in _ARGDOWN_SPECIAL else ch for ch in flat)


def _argdown_title(text: str) -> str:
    # Titles sit inside [..] or <..>: keep letters, digits and single spaces only.
    cleaned = " ".join(re.sub(r"[^\w ]+", " ", text, flags=re.UNICODE).replace("_", " ").split())
    return cleaned or "untitled"


def _argdown_url(url: str) -> str:
    # A link ends at the first ')' and may not hold spaces.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def to_argdown(m: ArgMap) -> str:
    """One section per key point: the key point is a statement, its member arguments support
    (``+``) or attack (``-``) it; argument-to-argument relations follow as ``+``/``-`` lines."""
    titles = _argument_titles(m)
    lines = ["===", "title: argmap export", "===", ""]
    placed: set[str] = set()

    def define(a: MapArgument) -> str:
        tags = f" #{a.type.replace('_', '-')} #({_argdown_title(a.commentator)})"
        link = f" [{_clock(a.start)}]({_argdown_url(a.url)})"
        if a.id in placed:
            return f"<{titles[a.id]}>"
        placed.add(a.id)
        return f"<{titles[a.id]}>: {_argdown_text(a.text)}{link}{tags}"

    for n, kp in enumerate(m.key_points, start=1):
        kp_title = f"Key point {n}"
        lines += [f"# {_argdown_text(kp.label)}", "", f"[{kp_title}]: {_argdown_text(kp.label)}"]
        for member in kp.members:
            sign = "-" if member["stance"] in ATTACKING else "+"
            lines.append(f"  {sign} {define(m.argument(member['argument_id']))}")
        lines.append("")
    rest = [a for a in m.arguments if a.id not in placed]
    if rest or m.relations:
        lines += ["# Arguments and relations", ""]
    for a in rest:
        lines += [define(a), ""]
    for r in m.relations:
        sign = "-" if r.relation in ATTACKING else "+"
        # "<A>\n  + <B>" reads "B supports A": the relation's source goes underneath.
        lines += [f"<{titles[r.target]}>", f"  {sign} <{titles[r.source]}>", ""]
    return "\n".join(lines).rstrip() + "\n"


def _argument_titles(m: ArgMap) -> dict[str, str]:
    titles: dict[str, str] = {}
    count: dict[str, int] = {}
    for a in m.arguments:
        base = f"{_argdown_title(a.commentator)} {TYPE_LABELS.get(a.type, a.type)}"
        count[base] = count.get(base, 0) + 1
        titles[a.id] = f"{base} {count[base]}"
    return titles


# -- graphml and dot ------------------------------------------------------------------------

# XML 1.0 forbids most control characters even as character references.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)


def _graph_nodes(m: ArgMap) -> list[tuple[str, dict[str, Any]]]:
    nodes: list[tuple[str, dict[str, Any]]] = []
    for c in m.commentators:
        nodes.append((c["id"], {"kind": "commentator", "label": c["name"], "url": c.get("url") or ""}))
    for kp in m.key_points:
        nodes.append((kp.id, {"kind": "key_point", "label": kp.label, "topic": kp.topic or ""}))
    for a in m.arguments:
        nodes.append(
            (
                a.id,
                {
                    "kind": "argument",
                    "label": a.text,
                    "type": a.type,
                    "quote": a.quote,
                    "commentator": a.commentator,
                    "video_id": a.video_id,
                    "start": a.start,
                    "end": a.end,
                    "url": a.url,
                },
            )
        )
    return nodes


def _graph_edges(m: ArgMap) -> list[tuple[str, str, dict[str, Any]]]:
    edges: list[tuple[str, str, dict[str, Any]]] = []
    for a in m.arguments:
        if a.commentator_id:
            edges.append((a.commentator_id, a.id, {"relation": "argues"}))
    for kp in m.key_points:
        for member in kp.members:
            edges.append((member["argument_id"], kp.id, {"relation": "member", "stance": member["stance"]}))
    for r in m.relations:
        edges.append((r.source, r.target, {"relation": r.relation, "method": r.method}))
    return edges


def to_graphml(m: ArgMap) -> str:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    keys = {
        "node": ["kind", "label", "type", "quote", "commentator", "video_id", "start", "end", "url", "topic"],
        "edge": ["relation", "stance", "method"],
    }
    numeric = {"start", "end"}
    for domain, names in keys.items():
        for name in names:
            ET.SubElement(
                root,
                "key",
                {
                    "id": f"{domain[0]}_{name}",
                    "for": domain,
                    "attr.name": name,
                    "attr.type": "double" if name in numeric else "string",
                },
            )
    graph = ET.SubElement(root, "graph", {"id": "argmap", "edgedefault": "directed"})
    for nid, attrs in _graph_nodes(m):
        el = ET.SubElement(graph, "node", {"id": _xml_safe(nid)})
        for k, v in attrs.items():
            ET.SubElement(el, "data", {"key": f"n_{k}"}).text = _xml_safe(str(v))
    for i, (src, dst, attrs) in enumerate(_graph_edges(m)):
        el = ET.SubElement(graph, "edge", {"id": f"e{i}", "source": _xml_safe(src), "target": _xml_safe(dst)})
        for k, v in attrs.items():
            ET.SubElement(el, "data", {"key": f"e_{k}"}).text = _xml_safe(str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _dot_string(text: str, limit: int | None = None) -> str:
    flat = " ".join(_xml_safe(text).split())
    if limit and len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    # In a quoted DOT string only \" is an escape; a lone backslash would start a label escape
    # such as \N or \l, so backslashes are doubled first.
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_url(url: str) -> str:
    # Graphviz copies URL attributes into SVG attributes without escaping them, so the URL
    # must already be attribute-safe: percent-encode quotes, brackets, spaces and backslashes,
    # and write '&' as the entity every SVG reader turns back into '&'.
    encoded = quote(url, safe="/:?=#%@!$()*+,;~&-._")
    return '"' + encoded.replace("&", "&amp;") + '"'


def to_dot(m: ArgMap) -> str:
    out = [
        "digraph argmap {",
        "  graph [rankdir=LR, overlap=false, fontname=Helvetica];",
        "  node [fontname=Helvetica, fontsize=10, style=filled, fillcolor=white];",
    ]
    for nid, attrs in _graph_nodes(m):
        if attrs["kind"] == "commentator":
            style = 'shape=box, fillcolor="#eeeeee"'
        elif attrs["kind"] == "key_point":
            style = 'shape=octagon, fillcolor="#fff3c4"'
        else:
            style = f'shape=note, color="{TYPE_COLOURS.get(attrs["type"], "#888888")}"'
        extra = ""
        if attrs["kind"] == "argument":
            extra = f", URL={_dot_url(attrs['url'])}, tooltip={_dot_string(attrs['quote'], 300)}"
        out.append(f"  {_dot_string(nid)} [label={_dot_string(attrs['label'], 80)}, {style}{extra}];")
    for src, dst, attrs in _graph_edges(m):
        rel = attrs["relation"]
        colour = "#d2452f" if rel in ATTACKING or attrs.get("stance") in ATTACKING else "#555555"
        style = "dashed" if rel in ("argues", "same_key_point") else "solid"
        out.append(
            f'  {_dot_string(src)} -> {_dot_string(dst)} [label={_dot_string(rel)}, color="{colour}",'
            f" style={style}];"
        )
    out.append("}")
    return "\n".join(out) + "\n"


# -- mermaid ------------------------------------------------------------------------------


_MERMAID_PLAIN = set(" .,?!'")


def _mermaid_text(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    # Mermaid entity codes (#NNN;) for all but letters, digits and plain punctuation: no quote,
    # bracket, pipe, arrow, markdown or HTML character can reach Mermaid's parser or renderer.
    return "".join(ch if ch.isalnum() or ch in _MERMAID_PLAIN else f"#{ord(ch)};" for ch in flat)


def to_mermaid(m: ArgMap) -> str:
    ids: dict[str, str] = {}

    def mid(key: str) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids) + 1}"
        return ids[key]

    out = ["flowchart LR"]
    for c in m.commentators:
        out.append(f'  {mid(c["id"])}["{_mermaid_text(c["name"])}"]')
    for kp in m.key_points:
        out.append(f'  {mid(kp.id)}{{"{_mermaid_text(kp.label)}"}}')
    for a in m.arguments:
        out.append(f'  {mid(a.id)}("{_mermaid_text(a.text)}")')
        out.append(f"  class {mid(a.id)} {a.type}")
    for src, dst, attrs in _graph_edges(m):
        if src not in ids or dst not in ids:
            continue
        arrow = "-.->" if attrs["relation"] == "argues" else "-->"
        label = attrs.get("stance") or attrs["relation"]
        out.append(f"  {mid(src)} {arrow}|{_mermaid_text(label)}| {mid(dst)}")
    for type_, colour in TYPE_COLOURS.items():
        out.append(f"  classDef {type_} stroke:{colour},stroke-width:2px")
    return "\n".join(out) + "\n"


# -- csv -------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "argument_id",
    "commentator",
    "video_id",
    "video_title",
    "type",
    "text",
    "quote",
    "start",
    "end",
    "url",
    "key_points",
    "relations",
]


def _csv_cell(value: str) -> str:
    # Spreadsheets run a cell starting with = + - @ (or a tab/CR) as a formula; the usual
    # neutraliser is a leading apostrophe, which they display but do not evaluate.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(m: ArgMap) -> str:
    key_points: dict[str, list[str]] = {}
    for kp in m.key_points:
        for member in kp.members:
            key_points.setdefault(member["argument_id"], []).append(kp.label)
    # Each relation on both of its rows, as "<relation> <other argument id>" ("... by" when this
    # row is the target), so a spreadsheet user can follow it with a lookup on argument_id.
    relations: dict[str, list[str]] = {}
    for r in m.relations:
        relations.setdefault(r.source, []).append(f"{r.relation} {r.target}")
        relations.setdefault(r.target, []).append(f"{r.relation} by {r.source}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for a in m.arguments:
        writer.writerow(
            [
                a.id,
                _csv_cell(a.commentator),
                a.video_id,
                _csv_cell(a.video_title),
                a.type,
                _csv_cell(a.text),
                _csv_cell(a.quote),
                f"{a.start:.2f}",
                f"{a.end:.2f}",
                a.url,
                _csv_cell(" | ".join(key_points.get(a.id, []))),
                _csv_cell(" | ".join(relations.get(a.id, []))),
            ]
        )
    return buf.getvalue()


# -- html: one self-contained interactive page ------------------------------------------------


def vis_network_assets() -> tuple[str, str]:
    """vis-network's minified JS and CSS, as shipped inside the installed ``pyvis`` package."""
    try:
        import pyvis
    except ImportError as err:  # pragma: no cover - pyvis is a dependency
        raise ExportError("the html export needs pyvis (pip install pyvis)") from err
    lib = Path(pyvis.__file__).parent / "templates" / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: _version_key(p.parent.name))
    if not candidates:
        raise ExportError(f"no vis-network.min.js under {lib}; reinstall pyvis")
    js = candidates[-1]
    css = js.with_name("vis-network.css")
    return js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8") if css.exists() else ""


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", name))


def _script_json(value: Any) -> str:
    # Inside <script>, "</script>" or "<!--" in the data would end or confuse the element;
    # JSON's \u escapes keep every such character out of the HTML parser's sight.
    text = json.dumps(value, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def html_data(m: ArgMap) -> dict[str, Any]:
    """The page's data: plain values only; the page puts text into the DOM as text, never HTML."""
    return {
        "title": "argmap" + (f": {m.filters['topic']}" if m.filters.get("topic") else ""),
        "types": TYPE_COLOURS,
        "typeLabels": TYPE_LABELS,
        "commentators": [{"id": c["id"], "name": c["name"]} for c in m.commentators],
        # A one-member key point is its argument's own text again: on a map it only doubles the
        # node, so the page draws key points that group two or more arguments.
        "keyPoints": [
            {"id": k.id, "label": k.label, "topic": k.topic, "members": k.members}
            for k in m.key_points
            if len(k.members) > 1
        ],
        "arguments": [asdict(a) for a in m.arguments],
        "relations": [asdict(r) for r in m.relations],
    }


def to_html(m: ArgMap) -> str:
    js, css = vis_network_assets()
    if re.search(r"</script", js, re.IGNORECASE):
        raise ExportError("vis-network.min.js contains '</script' and cannot be inlined")
    template = (
        resources.files("argmap.pipeline.present").joinpath("static/map.html").read_text(encoding="utf-8")
    )
    parts = {"VIS_CSS": css, "VIS_JS": js, "ARGMAP_DATA": _script_json(html_data(m))}
    # One pass over the template: text substituted in is never searched again, so data that
    # happens to contain a placeholder cannot pull the library into itself.
    return re.sub(r"/\*(VIS_CSS|VIS_JS|ARGMAP_DATA)\*/", lambda mt: parts[mt.group(1)], template)


# -- entry point ------------------------------------------------------------------------------

WRITERS: dict[str, Callable[[ArgMap], str]] = {
    "json": to_json,
    "aif": to_aif,
    "argdown": to_argdown,
    "graphml": to_graphml,
    "dot": to_dot,
    "mermaid": to_mermaid,
    "csv": to_csv,
    "html": to_html,
}
FORMATS = tuple(WRITERS)
EXTENSIONS = {
    "json": "json",
    "aif": "aif.json",
    "argdown": "argdown",
    "graphml": "graphml",
    "dot": "dot",
    "mermaid": "mmd",
    "csv": "csv",
    "html": "html",
}


def export(
    store: Store,
    fmt: str,
    *,
    topic: str | None = None,
    commentators: Sequence[str] = (),
    videos: Sequence[str] = (),
    run: str | None = None,
) -> str:
    """The map selected by the filters, as text in format ``fmt``."""
    if fmt not in WRITERS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    m = load_map(store, topic=topic, commentators=commentators, videos=videos, run=run)
    return WRITERS[fmt](m)
