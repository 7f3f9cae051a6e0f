"""``argmap serve``'s entry point; the web view itself lives in :mod:`argmap.pipeline.present.web`.

Kept so the command (and anything else that imported the server from here) keeps its import
path while the view is split into one module per page.
"""

from __future__ import annotations

from argmap.pipeline.present.web import ArgmapServer, QueryTimeout, make_server
from argmap.pipeline.present.web.layout import MAP_CSP, PAGE_CSP
from argmap.pipeline.present.web.moments import SEGMENTS_PER_PAGE
from argmap.pipeline.present.web.server import LOOPBACK_NAMES, MAX_QUERY_FIELDS, QUERY_SECONDS
from argmap.pipeline.present.web.server import _allowed_hosts as _allowed_hosts

__all__ = [
    "LOOPBACK_NAMES",
    "MAP_CSP",
    "MAX_QUERY_FIELDS",
    "PAGE_CSP",
    "QUERY_SECONDS",
    "SEGMENTS_PER_PAGE",
    "ArgmapServer",
    "QueryTimeout",
    "make_server",
]
