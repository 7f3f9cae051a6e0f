"""What every page of the web view shares: escaping, the page shell, small pieces of markup.

Every string a page shows came from a stranger (titles, names, transcripts), so nothing reaches
HTML except through :func:`esc`, and pages are assembled from the helpers here rather than
formatted ad hoc. The shell loads one stylesheet and one script, both argmap's own files under
``/static/``; the Content-Security-Policy below allows exactly those (no inline script, no inline
style, nothing from another origin), plus media from this server.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

# The stance words are the compare matrix's, which the HTML export shares.
from argmap.pipeline.compare.clustering import STANCE_LABELS as STANCE_LABELS
from argmap.pipeline.present.export.matrix import stance_badge

# argmap's pages run only argmap's own script file and styles; media comes from /media/ here.
# No page may be framed by another site (clickjacking): frame-ancestors here, X-Frame-Options
# for browsers that predate it.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self';"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The map page is the self-contained HTML export: its script and styles are inline.
MAP_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:;"
    " font-src data:; frame-ancestors 'none'"
)
TYPE_NAMES = {
    "claim": "claim",
    "critique": "critique",
    "call_to_action": "call to action",
    "passage": "passage",
}
stance = stance_badge  # the name the pages use for it
TYPE_PLURALS = {"claim": "Claims", "critique": "Critiques", "call_to_action": "Calls to action"}


@dataclass
class Request:
    """One request's query fields (``q``: the first value of each, ``multi``: all of them) and
    what the server adds to every page (the Datasette companion's address, when it runs)."""

    q: dict[str, str] = field(default_factory=dict)
    multi: dict[str, list[str]] = field(default_factory=dict)
    datasette_url: str | None = None

    def all(self, name: str) -> list[str]:
        return [v for v in self.multi.get(name, []) if v.strip()]


class Response:
    def __init__(self, body: str, status: int = 200, *, csp: str = PAGE_CSP, content_type: str = "text/html"):
        self.body = body
        self.status = status
        self.csp = csp
        self.content_type = content_type


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def safe_href(url: str | None) -> str | None:
    """Only web links become hrefs: a stored ``javascript:`` (or ``file:``, which browsers refuse
    to open from a page) URL stays text."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


def external_link(url: str | None, text: str, cls: str = "ext") -> str:
    """A link that opens another site in a new tab, or the text alone when the URL is not a web one."""
    href = safe_href(url)
    if not href:
        return esc(text)
    return f'<a class="{cls}" href="{esc(href)}" target="_blank" rel="noopener noreferrer">{esc(text)}</a>'


def href(path: str, **params: Any) -> str:
    """A local URL with its query string (``None`` values and empty lists left out)."""
    pairs: list[tuple[str, Any]] = []
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((key, v) for v in values if v is not None and v != "")
    return path + ("?" + urlencode(pairs) if pairs else "")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 video``, ``2 videos``, ``0 arguments``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def tag(type_: str) -> str:
    return f'<span class="tag {esc(type_)}">{esc(TYPE_NAMES.get(type_, type_.replace("_", " ")))}</span>'


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def quote_block(quote: str | None, text: str, *, always: bool = False) -> str:
    """The exact words, unless they only repeat the argument's text (case and punctuation aside)."""
    if not quote or (not always and words(quote) == words(text)):
        return ""
    return f"<blockquote>{esc(quote)}</blockquote>"


def highlighted(pieces: Sequence[tuple[str, bool]]) -> str:
    """Text pieces joined, escaped, the matched ones in ``<mark>``."""
    return "".join(f"<mark>{esc(p)}</mark>" if hit else esc(p) for p, hit in pieces)


def seconds_text(seconds: float | None) -> str | None:
    """A duration as people say it: ``42 s``, ``3 min``, ``1 h 05 min``."""
    if not seconds:
        return None
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    h, m = divmod(s // 60, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"


def page(title: str, body: str, req: Request | None = None, *, script: bool = False) -> str:
    """A whole page: the navigation, ``body``, and the player script where ``script`` is set."""
    links = [("/", "argmap"), ("/search", "search"), ("/compare", "compare"), ("/map", "map")]
    nav = "".join(f'<a href="{p}">{t}</a>' for p, t in links)
    if req is not None and req.datasette_url:
        nav += f'<a href="{esc(req.datasette_url)}" rel="noopener">tables (Datasette)</a>'
    js = '<script src="/static/player.js" defer></script>' if script else ""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="stylesheet" href="/static/argmap.css">{js}</head>'
        f'<body><nav aria-label="main">{nav}</nav><main>{body}</main></body></html>'
    )


def message(title: str, text: str, status: int, req: Request | None = None) -> Response:
    return Response(page(title, f"<h1>{esc(text)}</h1>", req), status)
