"""The web view's HTTP server: routing, the read-only connection per request, the safety limits.

It is the standard library's threaded HTTP server: nothing to install, and the pages are plain
HTML. Every request opens its own read-only connection with a time limit (a SQLite progress
handler), answers only to a loopback name or the host it was bound to (so a page elsewhere cannot
read the store through DNS rebinding), and sends headers that forbid framing and sniffing.

Search is the one page that must feel instant, so the server builds the in-memory vector index
(and loads the embedding model) once at start, and hands that index to each request's connection;
it is rebuilt only when the database has changed since.

Three kinds of path: pages (``ROUTES``, each a function of the store and the request),
``/static/<name>`` (argmap's one stylesheet and one script, by name from a fixed list), and
``/media/<video id>`` (:mod:`.media`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from argmap.pipeline.errors import ArgmapError
from argmap.store import NotFound, Store, StoreError
from argmap.store.limits import set_deadline

from . import compare, home, people, search, video
from .layout import PAGE_CSP, Request, Response, esc, message, page
from .media import send_file
from .moments import playback_for

QUERY_SECONDS = 5.0
# Host names a request may carry besides the one `--host` names. A page on another site can make
# the user's browser send requests here under its own name (DNS rebinding); those are refused.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: query fields accepted per request; more is refused (the stdlib parser would raise mid-request)
MAX_QUERY_FIELDS = 50
#: the files under /static/, by name: nothing else under the package folder is served
STATIC = {"argmap.css": "text/css", "player.js": "text/javascript"}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

ROUTES: dict[str, Callable[[Store, Request], Response]] = {
    "/": home.home_page,
    "/video": video.video_page,
    "/commentator": people.commentator_page,
    "/person": people.person_page,
    "/search": search.search_page,
    "/compare": compare.compare_page,
    "/map": compare.map_page,
}


class QueryTimeout(ArgmapError):
    """A page's queries ran past the time limit."""


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
        self.datasette_url: str | None = None  # set when `serve --datasette` runs the companion
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
            self._send(message("refused", "This server answers only to its own address", 421))
            return
        parts = urlsplit(self.path)
        if parts.path.startswith("/media/"):
            self._media(parts.path.removeprefix("/media/"))
            return
        if parts.path.startswith("/static/"):
            self._static(parts.path.removeprefix("/static/"))
            return
        try:
            multi = parse_qs(parts.query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
        except ValueError:
            self._send(message("error", f"At most {MAX_QUERY_FIELDS} query fields", 400))
            return
        req = Request({k: v[0] for k, v in multi.items()}, multi, self.server.datasette_url)
        try:
            response = self._dispatch(parts.path, req)
        except QueryTimeout as err:
            response = message("too slow", str(err), 503, req)
        except NotFound as err:
            response = message("not found", str(err), 404, req)
        except (ArgmapError, StoreError) as err:
            response = message("error", str(err), 400, req)
        self._send(response)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self.do_GET()

    def _host_allowed(self) -> bool:
        """Only requests addressed to this server by a loopback name or the bound host."""
        host = self.headers.get("Host")
        if not host:
            return False
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.strip("[]").lower() in self.server.allowed_hosts

    def _dispatch(self, path: str, req: Request) -> Response:
        if path == "/favicon.ico":
            return Response("", 204, content_type="text/plain")
        route = ROUTES.get(path)
        if route is None:
            return Response(page("not found", f"<h1>No page {esc(quote(path))}</h1>", req), 404)
        # Every page may search (compare and map pages select arguments by topic), so each gets the index.
        store = self.server.open_search_store()
        try:
            return route(store, req)
        except Exception as err:
            if "interrupted" in str(err).lower():
                raise QueryTimeout(f"the query took longer than {self.server.query_seconds:g} s") from err
            raise
        finally:
            store.close()

    def _media(self, quoted_id: str) -> None:
        """The media file the store names for this video id; the id is a key, never a path."""
        video_id = unquote(quoted_id)
        found = None
        try:
            store = self.server.open_store()
            try:
                found = store.video(video_id)
            finally:
                store.close()
        except NotFound:
            pass
        except StoreError as err:
            self._send(message("error", str(err), 400))
            return
        playback = playback_for(found) if found else None
        if playback is None or playback.media is None:
            what = "no such video" if found is None else "no media file on disk for this video"
            self._send(message("not found", what, 404))
            return
        send_file(
            self,
            playback.media,
            playback.content_type,
            {**SECURITY_HEADERS, "Content-Security-Policy": "default-src 'none'"},
        )

    def _static(self, name: str) -> None:
        if name not in STATIC:
            self._send(message("not found", "no such file", 404))
            return
        text = resources.files("argmap.pipeline.present").joinpath("static", name).read_text(encoding="utf-8")
        self._send(Response(text, content_type=STATIC[name]))

    def _send(self, response: Response) -> None:
        body = response.body.encode("utf-8")
        self.send_response(response.status if response.status in HTTPStatus._value2member_map_ else 500)
        self.send_header("Content-Type", f"{response.content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", response.csp)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


__all__ = ["PAGE_CSP", "ArgmapServer", "Handler", "QueryTimeout", "make_server"]
