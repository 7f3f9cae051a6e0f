"""Argument-map exports: one graph read from the store, written in each community's format.

People take argmap's maps into other tools (Gephi, yEd, Graphviz, Argdown, AIF tools, spreadsheets,
Markdown pages) and show them to others (a self-contained HTML page). Every writer starts from the
same :class:`ArgMap`, so the formats never disagree about what is in the map, and every writer
escapes text for its own syntax: transcripts are hostile input as far as a file format goes.

The package is cut by concern: :mod:`.model` selects the map from the store, and one module per
family of formats writes it (:mod:`.interchange` JSON and AIF, :mod:`.argdown`, :mod:`.graphs`
GraphML, DOT and Mermaid, :mod:`.spreadsheet` CSV, :mod:`.html` the page). This module is the
entry point, :func:`export`, and the names callers import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from argmap.pipeline.errors import ConfigError
from argmap.store import Store

# The escaping helpers stay reachable here under their old private names: the format tests
# check them directly, as they did when the package was one module.
from .argdown import _argdown_title as _argdown_title
from .argdown import to_argdown
from .graphs import graph_edges, graph_nodes, to_dot, to_graphml, to_mermaid
from .html import html_data, to_html, vis_network_assets
from .interchange import to_aif, to_json
from .model import (
    ATTACKING,
    FORMAT_VERSION,
    TYPE_COLOURS,
    TYPE_LABELS,
    ArgMap,
    ExportError,
    MapArgument,
    MapKeyPoint,
    MapRelation,
    load_map,
    pick_run,
    topic_argument_ids,
)
from .spreadsheet import CSV_COLUMNS, to_csv
from .spreadsheet import _csv_cell as _csv_cell

_graph_edges = graph_edges  # the tests' old private name, as above

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


__all__ = [
    "ATTACKING",
    "CSV_COLUMNS",
    "EXTENSIONS",
    "FORMATS",
    "FORMAT_VERSION",
    "TYPE_COLOURS",
    "TYPE_LABELS",
    "WRITERS",
    "ArgMap",
    "ExportError",
    "MapArgument",
    "MapKeyPoint",
    "MapRelation",
    "export",
    "graph_edges",
    "graph_nodes",
    "html_data",
    "load_map",
    "pick_run",
    "to_aif",
    "to_argdown",
    "to_csv",
    "to_dot",
    "to_graphml",
    "to_html",
    "to_json",
    "to_mermaid",
    "topic_argument_ids",
    "vis_network_assets",
]
