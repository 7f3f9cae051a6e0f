"""``argmap serve``: a local, read-only web view over the store.

A person looks rather than reads: commentators and their videos, a video page with its
summary and the transcript with the arguments highlighted where they were said (each moment a
link into the player), search through the same engine as ``argmap search``, the stored
comparison for a topic, and the interactive map that ``argmap export --format html`` writes.

It is the standard library's threaded HTTP server: nothing to install, and the pages are plain
HTML. Every request opens its own read-only connection with a time limit (a SQLite progress
handler), every value is HTML-escaped, and it binds to loopback unless told otherwise.

Search is the one page that must feel instant, so the server builds the in-memory vector index
(and loads the embedding model) once at start, and hands that index to each request's connection;
it is rebuilt only when the database has changed since.
"""

from __future__ import annotations

import contextlib
import html
import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from argmap.pipeline.errors import ArgmapError
from argmap.pipeline.present.export import TYPE_COLOURS, load_map, to_html
from argmap.pipeline.text import clock, timestamp_url
from argmap.store import NotFound, Store, StoreError
from argmap.store import queries as sq
from argmap.store.limits import set_deadline
from argmap.store.records import ArgumentInContext, VideoOverview

QUERY_SECONDS = 5.0

# argmap's own pages run no script at all; the map page carries its own, stricter-than-network policy.
# No page may be framed by another site (clickjacking): frame-ancestors here, X-Frame-Options for
# browsers that predate it.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'"
)
MAP_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:;"
    " font-src data:; frame-ancestors 'none'"
)
# Host names a request may carry besides the one `--host` names. A page on another site can make
# the user's browser send requests here under its own name (DNS rebinding); those are refused.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: query fields accepted per request; more is refused (the stdlib parser would raise mid-request)
MAX_QUERY_FIELDS = 50
#: transcript segments per video page; longer transcripts are split into parts
SEGMENTS_PER_PAGE = 2000


class QueryTimeout(ArgmapError):
    """A page's queries ran past the time limit."""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def safe_href(url: str | None) -> str | None:
    """Only web and file links become hrefs: a stored ``javascript:`` URL stays text."""
    if url and urlsplit(url).scheme.lower() in ("http", "https", "file"):
        return url
    return None


def player_link(url: str | None, text: str) -> str:
    href = safe_href(url)
    if not href:
        return esc(text)
    return f'<a class="play" href="{esc(href)}" target="_blank" rel="noopener noreferrer">{esc(text)}</a>'


_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; color: #222; margin: 0; }
nav { background: #23395d; padding: 8px 16px; }
nav a { color: #fff; margin-right: 16px; text-decoration: none; }
main { max-width: 980px; margin: 0 auto; padding: 12px 16px 40px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; }
.meta { color: #666; font-size: 13px; }
.arg { border-left: 4px solid #999; padding: 4px 10px; margin: 8px 0; background: #fafafa; }
.arg.claim { border-color: #2f6fdf; } .arg.critique { border-color: #d2452f; }
.arg.call_to_action { border-color: #2e9b4f; }
.seg { display: flex; gap: 10px; padding: 2px 0; }
.seg .t { min-width: 56px; }
.seg.hl { background: #fff6d6; }
mark { background: #ffe58a; }
blockquote { margin: 4px 0; color: #444; font-style: italic; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #ddd; padding: 4px 8px; vertical-align: top; }
form input[type=search], form input[type=text] { padding: 4px 6px; width: 320px; }
.tag { font-size: 12px; padding: 1px 6px; border-radius: 8px; color: #fff; }
"""


def _page(title: str, body: str) -> str:
    nav = (
        '<nav><a href="/">argmap</a><a href="/search">search</a>'
        '<a href="/compare">compare</a><a href="/map">map</a></nav>'
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{nav}<main>{body}</main></body></html>"
    )


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _quote_block(quote: str | None, text: str) -> str:
    """The exact words, unless they only repeat the argument's text (case and punctuation aside)."""
    if not quote or _words(quote) == _words(text):
        return ""
    return f"<blockquote>{esc(quote)}</blockquote>"


def _tag(type_: str) -> str:
    colour = TYPE_COLOURS.get(type_, "#777")
    return f'<span class="tag" style="background:{colour}">{esc(type_.replace("_", " "))}</span>'


class Response:
    def __init__(self, body: str, status: int = 200, *, csp: str = PAGE_CSP, content_type: str = "text/html"):
        self.body = body
        self.status = status
        self.csp = csp
        self.content_type = content_type


# -- pages ------------------------------------------------------------------------------------


def home(store: Store, q: dict[str, str]) -> Response:
    commentators = sq.commentators(store)
    videos = sq.video_overviews(store)
    parts = ["<h1>Commentators and their videos</h1>"]
    by_commentator: dict[str | None, list[VideoOverview]] = {}
    for v in videos:
        by_commentator.setdefault(v.video.commentator_id, []).append(v)
    groups: list[tuple[str, str | None]] = [(c.name, c.id) for c in commentators]
    if None in by_commentator:
        groups.append(("(no commentator)", None))
    for name, cid in groups:
        vids = by_commentator.get(cid, [])
        parts.append(
            f'<h2 class="commentator">{esc(name)} <span class="meta">{len(vids)} videos</span></h2><ul>'
        )
        for v in vids:
            parts.append(
                f'<li><a href="/video?{urlencode({"id": v.video.id})}">{esc(v.video.title)}</a> '
                f'<span class="meta">{esc(v.video.published or "")} · {v.arguments} arguments</span></li>'
            )
        parts.append("</ul>")
    if not videos:
        parts.append("<p>The store has no videos yet: run <code>argmap ingest</code>.</p>")
    return Response(_page("argmap", "".join(parts)))


def video_page(store: Store, q: dict[str, str]) -> Response:
    video_id = q.get("id", "")
    try:
        video = store.video(video_id)
    except NotFound:
        return Response(_page("not found", f"<h1>No video {esc(video_id)}</h1>"), 404)
    who = _commentator_name(store, video.commentator_id)
    summary = store.summary(video.id)
    transcript = store.transcript(video.id)
    segments = store.segments(transcript.id) if transcript else []
    arguments = sq.preferred_arguments(store, video.id)

    meta = [esc(x) for x in (who, video.published) if x]
    meta.append(player_link(timestamp_url(video, None), "open the video"))
    parts = [f"<h1>{esc(video.title)}</h1>", f'<p class="meta">{" · ".join(meta)}</p>']
    if summary:
        parts.append(f'<h2>Summary</h2><p class="gist"><strong>{esc(summary.gist)}</strong></p>')
        parts.append(f'<p class="summary">{esc(summary.paragraph)}</p>')
        if summary.key_points:
            parts.append("<ul>")
            for kp in summary.key_points:
                start = kp.get("start")
                parts.append(
                    f"<li>{player_link(timestamp_url(video, start), clock(start))} {esc(kp.get('text'))}</li>"
                )
            parts.append("</ul>")
    if arguments:
        parts.append(f"<h2>Arguments ({len(arguments)})</h2>")
        for a in arguments:
            parts.append(
                f'<div class="arg {esc(a.type)}" id="arg-{esc(a.id)}">{_tag(a.type)} '
                f"{player_link(timestamp_url(video, a.start), clock(a.start))} {esc(a.text)}"
                f"{_quote_block(a.quote, a.text)}</div>"
            )
    if segments:
        # One pass over the arguments, not one per segment: an hours-long video has tens of
        # thousands of segments and thousands of arguments.
        on_segment: dict[int, list[ArgumentInContext]] = {}
        for a in arguments:
            if a.seg_first is not None and a.seg_last is not None:
                for idx in range(a.seg_first, a.seg_last + 1):
                    on_segment.setdefault(idx, []).append(a)
        pages = max(1, -(-len(segments) // SEGMENTS_PER_PAGE))
        part = min(max(1, _int(q.get("part"), 1)), pages)
        shown = segments[(part - 1) * SEGMENTS_PER_PAGE : part * SEGMENTS_PER_PAGE]
        parts.append("<h2>Transcript</h2>")
        if pages > 1:
            links = " ".join(
                f"<strong>{n}</strong>"
                if n == part
                else f'<a href="/video?{urlencode({"id": video.id, "part": n})}">{n}</a>'
                for n in range(1, pages + 1)
            )
            parts.append(f'<p class="meta">part {part} of {pages}: {links}</p>')
        for seg in shown:
            hits = on_segment.get(seg.idx, [])
            cls = "seg hl" if hits else "seg"
            marks = "".join(f' <a href="#arg-{esc(a.id)}">{_tag(a.type)}</a>' for a in hits)
            text = esc(seg.text)
            if hits:
                text = f"<mark>{text}</mark>"
            play = player_link(timestamp_url(video, seg.start), clock(seg.start))
            parts.append(f'<div class="{cls}"><span class="t">{play}</span><span>{text}{marks}</span></div>')
    else:
        parts.append('<p class="meta">No transcript yet.</p>')
    return Response(_page(video.title, "".join(parts)))


def _commentator_name(store: Store, commentator_id: str | None) -> str | None:
    if not commentator_id:
        return None
    try:
        return store.commentator(commentator_id).name
    except NotFound:
        return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def search_page(store: Store, q: dict[str, str]) -> Response:
    from argmap.pipeline.search.query import search

    query = q.get("q", "").strip()
    scope = q.get("scope", "arguments") if q.get("scope") in ("arguments", "passages", "all") else "arguments"
    form = (
        '<h1>Search</h1><form action="/search" method="get">'
        f'<input type="search" name="q" value="{esc(query)}" placeholder="who said what about…" autofocus> '
        '<select name="scope">'
        + "".join(
            f'<option value="{s}"{" selected" if s == scope else ""}>{s}</option>'
            for s in ("arguments", "passages", "all")
        )
        + '</select> <button type="submit">Search</button></form>'
    )
    if not query:
        return Response(_page("search", form))
    hits = search(store, query, scope=scope, limit=25)
    parts = [form, f'<p class="meta" id="hit-count">{len(hits)} results for “{esc(query)}”</p>']
    for h in hits:
        parts.append(
            f'<div class="arg hit {esc(h.type)}">{_tag(h.type)} '
            f"<strong>{esc(h.commentator or '')}</strong> · "
            f'<a href="/video?{urlencode({"id": h.video_id})}">{esc(h.video_title)}</a> · '
            f"{player_link(h.url, h.timestamp)}<div>{esc(h.text)}</div>"
            + _quote_block(h.quote, h.text)
            + "</div>"
        )
    return Response(_page(f"search: {query}", "".join(parts)))


def compare_page(store: Store, q: dict[str, str]) -> Response:
    topic = q.get("topic", "").strip()
    form = (
        '<h1>Compare commentators</h1><form action="/compare" method="get">'
        f'<input type="search" name="topic" value="{esc(topic)}" placeholder="a topic"> '
        '<button type="submit">Compare</button></form>'
    )
    if not topic:
        return Response(_page("compare", form))
    m = load_map(store, topic=topic, run=q.get("run") or None)
    names = [c["name"] for c in m.commentators]
    ids = [c["id"] for c in m.commentators]
    name_of = dict(zip(ids, names, strict=True))

    def speakers(kp: Any) -> list[str]:
        return sorted({m.argument(x["argument_id"]).commentator_id or "" for x in kp.members})

    shared = [kp for kp in m.key_points if len(speakers(kp)) >= 2]
    alone = [kp for kp in m.key_points if len(speakers(kp)) == 1]
    parts = [
        form,
        f'<p class="meta">{len(m.arguments)} arguments about “{esc(topic)}”, '
        f"{len(shared)} key points shared by two or more commentators</p>",
    ]
    run = m.filters.get("run")
    if run:
        info: dict[str, Any] = next((r for r in store.compare_runs() if r["run_id"] == run), {})
        details = [f"compare run {esc(run)}"]
        if info.get("topic"):
            details.append(f"topic “{esc(info['topic'])}”")
        if info.get("threshold") is not None:
            details.append(f"threshold {info['threshold']:g}")
        if info.get("created_at"):
            details.append(esc(str(info["created_at"])[:19].replace("T", " ")))
        parts.append(f'<p class="meta" id="run">key points from {", ".join(details)}</p>')
    link = {"topic": topic, **({"run": q["run"]} if q.get("run") else {})}
    parts.append(f'<p><a href="/map?{urlencode(link)}">see this topic as a map</a></p>')
    if shared:
        parts.append("<table><tr><th>key point</th>" + "".join(f"<th>{esc(n)}</th>" for n in names) + "</tr>")
        for kp in shared:
            cells = []
            for cid in ids:
                said = [
                    (member, m.argument(member["argument_id"]))
                    for member in kp.members
                    if m.argument(member["argument_id"]).commentator_id == cid
                ]
                cells.append(
                    "<td>"
                    + "".join(
                        f"<div>{_tag(a.type)} <span class=meta>{esc(member['stance'])}</span> {esc(a.text)} "
                        f"{player_link(a.url, clock(a.start))}</div>"
                        for member, a in said
                    )
                    + "</td>"
                )
            parts.append(f"<tr><td><strong>{esc(kp.label)}</strong></td>{''.join(cells)}</tr>")
        parts.append("</table>")
    elif m.key_points:
        parts.append(
            "<p>No key point here is shared by two commentators: try <code>argmap compare "
            "--threshold 0.5</code> for looser grouping.</p>"
        )
    else:
        parts.append(
            "<p>No stored comparison covers these arguments yet: run <code>argmap compare</code>.</p>"
        )
    if alone:
        parts.append('<h2>Argued by one commentator only</h2><ul class="unique">')
        for kp in alone:
            label = m.argument(kp.members[0]["argument_id"])
            parts.append(
                f"<li>only <strong>{esc(name_of.get(speakers(kp)[0], 'unknown'))}</strong> argued: "
                f"{esc(kp.label)} {player_link(label.url, clock(label.start))}</li>"
            )
        parts.append("</ul>")
    for name, cid in zip(names, ids, strict=True):
        own = [a for a in m.arguments if a.commentator_id == cid]
        parts.append(f"<h2>{esc(name)} ({len(own)})</h2>")
        for a in own:
            parts.append(
                f'<div class="arg {esc(a.type)}">{_tag(a.type)} {player_link(a.url, clock(a.start))} '
                f"{esc(a.text)}</div>"
            )
    return Response(_page(f"compare: {topic}", "".join(parts)))


def map_page(store: Store, q: dict[str, str], multi: dict[str, list[str]]) -> Response:
    m = load_map(
        store,
        topic=q.get("topic") or None,
        commentators=multi.get("commentator", []),
        videos=multi.get("video", []),
        run=q.get("run") or None,
    )
    return Response(to_html(m), csp=MAP_CSP)


ROUTES: dict[str, Callable[..., Response]] = {
    "/": home,
    "/video": video_page,
    "/search": search_page,
    "/compare": compare_page,
}


# -- the server ---------------------------------------------------------------------------------


class ArgmapServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        db_path: Path,
        host: str,
        port: int,
        query_seconds: float = QUERY_SECONDS,
        *,
        warm: bool = True,
    ):
        self.db_path = db_path
        self.query_seconds = query_seconds
        self.allowed_hosts = _allowed_hosts(host)
        # A long-lived read-only connection that owns the vector index; requests borrow it.
        self.index_store = Store.open(db_path, readonly=True)
        self._index_lock = threading.RLock()
        self.index_builds = 0  # how many times the index was (re)built: once unless the data changed
        try:
            super().__init__((host, port), Handler)
            if warm:
                self.warm()
        except BaseException:
            self.index_store.close()
            raise

    def warm(self) -> None:
        """Build the vector index now, and load the embedding model when the store has vectors."""
        from argmap.pipeline.search.embed import get_embedder
        from argmap.pipeline.search.query import has_vectors, pick_model

        self._current_index()
        name = pick_model(self.index_store)
        if has_vectors(self.index_store, name):
            get_embedder(name).load()  # the first search would otherwise wait seconds for it

    def _current_index(self) -> dict[tuple[str, str], Any]:
        """The index matrices by (model, item type), rebuilt when another process has written."""
        from argmap.pipeline.search import query as search

        with self._index_lock:
            before = search.warm_matrices(self.index_store)
            search.warm_index(self.index_store)  # cheap when nothing changed: one pragma, one lookup
            now = search.warm_matrices(self.index_store)
            # References, not ids: a rebuilt matrix could reuse a freed one's address.
            if now.keys() != before.keys() or any(now[k] is not before[k] for k in now):
                self.index_builds += 1
            return now

    def share_index(self, store: Store) -> None:
        """Give a request's connection the warm index, so ``auto`` search takes the numpy path."""
        from argmap.pipeline.search import query as search

        with self._index_lock:  # re-entrant: _current_index takes it too
            self._current_index()
            search.share_index(self.index_store, store)

    def server_close(self) -> None:
        super().server_close()
        self.index_store.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"

    def open_store(self) -> Store:
        store = Store.open(self.db_path, readonly=True)
        set_deadline(store, self.query_seconds)  # for the connection's life: one request
        return store

    def open_search_store(self) -> Store:
        store = self.open_store()
        try:
            self.share_index(store)
        except BaseException:
            store.close()
            raise
        return store


def _allowed_hosts(host: str) -> frozenset[str]:
    """Host names a request may carry: loopback names, the --host given, and for a wildcard bind
    (0.0.0.0, ::) this machine's own name and addresses, which is how others reach it then."""
    names = set(LOOPBACK_NAMES) | {host.strip("[]").lower()}
    if host in ("0.0.0.0", "::", ""):
        import socket

        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        with contextlib.suppress(OSError):  # no resolvable name: loopback names still work
            names |= {str(info[4][0]).lower() for info in socket.getaddrinfo(socket.gethostname(), None)}
    return frozenset(names)


def make_server(
    db_path: str | Path, *, host: str = "127.0.0.1", port: int = 8000, warm: bool = True
) -> ArgmapServer:
    """A server over the database at ``db_path`` (which must open read-only), its search index
    built before the first request unless ``warm`` is false."""
    path = Path(db_path)
    Store.open(path, readonly=True).close()  # fail now, with the store's own message
    return ArgmapServer(path, host, port, warm=warm)


class Handler(BaseHTTPRequestHandler):
    server: ArgmapServer
    server_version = "argmap"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # a local viewer: the terminal stays quiet

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if not self._host_allowed():
            self._send(
                Response(_page("refused", "<h1>This server answers only to its own address</h1>"), 421)
            )
            return
        parts = urlsplit(self.path)
        try:
            multi = parse_qs(parts.query, keep_blank_values=False, max_num_fields=MAX_QUERY_FIELDS)
        except ValueError:
            self._send(Response(_page("error", f"<h1>At most {MAX_QUERY_FIELDS} query fields</h1>"), 400))
            return
        q = {k: v[0] for k, v in multi.items()}
        try:
            response = self._dispatch(parts.path, q, multi)
        except QueryTimeout as err:
            response = Response(_page("too slow", f"<h1>{esc(err)}</h1>"), 503)
        except NotFound as err:
            response = Response(_page("not found", f"<h1>{esc(err)}</h1>"), 404)
        except (ArgmapError, StoreError) as err:
            response = Response(_page("error", f"<h1>{esc(err)}</h1>"), 400)
        self._send(response)

    def _host_allowed(self) -> bool:
        """Only requests addressed to this server by a loopback name or the bound host."""
        host = self.headers.get("Host")
        if not host:
            return False
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.strip("[]").lower() in self.server.allowed_hosts

    def _dispatch(self, path: str, q: dict[str, str], multi: dict[str, list[str]]) -> Response:
        if path == "/favicon.ico":
            return Response("", 204, content_type="text/plain")
        if path != "/map" and path not in ROUTES:
            return Response(_page("not found", f"<h1>No page {esc(quote(path))}</h1>"), 404)
        # Every page may search (compare and map pages select arguments by topic), so each gets the index.
        store = self.server.open_search_store()
        try:
            if path == "/map":
                return map_page(store, q, multi)
            return ROUTES[path](store, q)
        except Exception as err:
            if "interrupted" in str(err).lower():
                raise QueryTimeout(f"the query took longer than {self.server.query_seconds:g} s") from err
            raise
        finally:
            store.close()

    def _send(self, response: Response) -> None:
        body = response.body.encode("utf-8")
        self.send_response(response.status if response.status in HTTPStatus._value2member_map_ else 500)
        self.send_header("Content-Type", f"{response.content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", response.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self.do_GET()
