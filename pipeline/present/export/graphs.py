"""The graph exports: GraphML (Gephi, yEd, networkx), Graphviz DOT, and Mermaid.

All three draw the same nodes (commentators, key points, arguments) and edges (who argued
what, key point membership, relations), so they share :func:`graph_nodes` and
:func:`graph_edges` and differ only in syntax and in how each escapes text.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from .model import ATTACKING, TYPE_COLOURS, ArgMap

# -- graphml and dot ------------------------------------------------------------------------

# XML 1.0 forbids most control characters even as character references.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)


def graph_nodes(m: ArgMap) -> list[tuple[str, dict[str, Any]]]:
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
                    "said_by": a.said_by,
                    "video_id": a.video_id,
                    "start": a.start,
                    "end": a.end,
                    "url": a.url,
                },
            )
        )
    return nodes


def graph_edges(m: ArgMap) -> list[tuple[str, str, dict[str, Any]]]:
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
        "node": [
            "kind",
            "label",
            "type",
            "quote",
            "commentator",
            "said_by",
            "video_id",
            "start",
            "end",
            "url",
            "topic",
        ],
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
    for nid, attrs in graph_nodes(m):
        el = ET.SubElement(graph, "node", {"id": _xml_safe(nid)})
        for k, v in attrs.items():
            ET.SubElement(el, "data", {"key": f"n_{k}"}).text = _xml_safe(str(v))
    for i, (src, dst, attrs) in enumerate(graph_edges(m)):
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
    labels = {a.id: a.labelled for a in m.arguments}
    for nid, attrs in graph_nodes(m):
        if attrs["kind"] == "commentator":
            style = 'shape=box, fillcolor="#eeeeee"'
        elif attrs["kind"] == "key_point":
            style = 'shape=octagon, fillcolor="#fff3c4"'
        else:
            style = f'shape=note, color="{TYPE_COLOURS.get(attrs["type"], "#888888")}"'
        extra = ""
        if attrs["kind"] == "argument":
            extra = f", URL={_dot_url(attrs['url'])}, tooltip={_dot_string(attrs['quote'], 300)}"
        label = labels.get(nid, attrs["label"])
        out.append(f"  {_dot_string(nid)} [label={_dot_string(label, 80)}, {style}{extra}];")
    for src, dst, attrs in graph_edges(m):
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
        out.append(f'  {mid(a.id)}("{_mermaid_text(a.labelled)}")')
        out.append(f"  class {mid(a.id)} {a.type}")
    for src, dst, attrs in graph_edges(m):
        if src not in ids or dst not in ids:
            continue
        arrow = "-.->" if attrs["relation"] == "argues" else "-->"
        label = attrs.get("stance") or attrs["relation"]
        out.append(f"  {mid(src)} {arrow}|{_mermaid_text(label)}| {mid(dst)}")
    for type_, colour in TYPE_COLOURS.items():
        out.append(f"  classDef {type_} stroke:{colour},stroke-width:2px")
    return "\n".join(out) + "\n"
