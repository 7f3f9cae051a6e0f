"""The HTML export: one self-contained interactive page (vis-network inlined, no requests).

It is the one writer that ships code along with the data, so it owns the two hazards that
brings: finding the vis-network library inside the installed ``pyvis`` package, and keeping
hostile text from ending the ``<script>`` elements it is inlined into. ``argmap serve``'s map
page is this page.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

from .model import TYPE_COLOURS, TYPE_LABELS, ArgMap, ExportError


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
        "arguments": [a.as_dict() for a in m.arguments],
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
