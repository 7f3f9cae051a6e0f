"""The HTML export: one self-contained page (vis-network inlined, no requests).

A reader opening the file wants "who takes which side" first, so the page leads with the stance
matrix of the map's compare run (:mod:`.matrix`, the same table as ``argmap serve``'s compare
page, written as escaped HTML), and the interactive graph follows for exploring.

It is the one writer that ships code along with the data, so it owns the two hazards that
brings: finding the vis-network library inside the installed ``pyvis`` package, and keeping
hostile text from ending the ``<script>`` elements it is inlined into (the graph's data goes
in as JSON and reaches the DOM as text). ``argmap serve``'s map page is this page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

from .matrix import esc, map_matrix, moment_link
from .model import TYPE_COLOURS, TYPE_LABELS, ArgMap, ExportError, MapArgument

# The matrix block of the web view's stylesheet, from its opening comment to its end mark.
_MATRIX_CSS = re.compile(r"/\* compare: stances and the matrix.*?/\* end of the matrix block \*/", re.S)


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


def _static(name: str) -> str:
    return resources.files("argmap.pipeline.present").joinpath("static", name).read_text(encoding="utf-8")


def matrix_css() -> str:
    """The matrix's rules, taken from ``argmap serve``'s stylesheet so the two never drift apart."""
    found = _MATRIX_CSS.search(_static("argmap.css"))
    if found is None:
        raise ExportError("static/argmap.css has lost its matrix block (see its end mark)")
    return found.group(0)


def matrix_section(m: ArgMap, moment: Callable[[MapArgument], str] = moment_link) -> str:
    """What the page leads with: the run used, then its matrix and the points made alone."""
    run = m.filters.get("run")
    if not run:
        return (
            '<p id="no-run">No comparison in this map: run <code>argmap compare</code>, then export '
            "again, for the table of who takes which side.</p>"
        )
    matrix = map_matrix(m, moment)
    return (
        f'<p class="meta" id="run">compare run {esc(run)} · {matrix.summary(_outside(m))}</p>'
        + matrix.table(empty="<p>No key point of this run among the arguments shown.</p>")
        + matrix.alone()
    )


def _outside(m: ArgMap) -> int:
    """The map's arguments that joined no key point of its run."""
    members = {k["argument_id"] for kp in m.key_points for k in kp.members}
    return sum(1 for a in m.arguments if a.id not in members)


def to_html(m: ArgMap, *, moment: Callable[[MapArgument], str] = moment_link) -> str:
    """The page; ``moment`` makes the matrix's moment links (the video's own page by default;
    ``argmap serve`` passes its player's)."""
    js, css = vis_network_assets()
    if re.search(r"</script", js, re.IGNORECASE):
        raise ExportError("vis-network.min.js contains '</script' and cannot be inlined")
    parts = {
        "VIS_CSS": css,
        "VIS_JS": js,
        "MATRIX_CSS": matrix_css(),
        "ARGMAP_MATRIX": matrix_section(m, moment),
        "ARGMAP_DATA": _script_json(html_data(m)),
    }
    # One pass over the template: text substituted in is never searched again, so data that
    # happens to contain a placeholder cannot pull the library into itself.
    names = "|".join(parts)
    return re.sub(rf"/\*({names})\*/", lambda mt: parts[mt.group(1)], _static("map.html"))
