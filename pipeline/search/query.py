"""Search: "who said what about X", as vector similarity and keyword rank fused.

Semantic search finds paraphrases, keyword search (SQLite FTS5, BM25) finds names and rare
words that a small embedding model blurs; hybrid mode merges the two ranked lists with
reciprocal rank fusion, which needs no score calibration between them.

Vector search is exact. When the SQLite in use can load extensions, sqlite-vec computes
cosine distances inside the query, so filters are plain SQL. Otherwise numpy does the same
arithmetic over a contiguous float32 matrix cached per model for the life of the process
(100,000 x 384 is ~150 MB and one matrix-vector product). Both order by distance, then id,
so they return the same ranking.

User query strings never reach FTS5 syntax: words are pulled out and quoted, so quotes,
``*``, ``NEAR(`` or unbalanced parentheses give results or an empty list, not an error.
"""

from __future__ import annotations

import datetime as _dt
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from argmap.pipeline.errors import ConfigError
from argmap.pipeline.search.embed import DEFAULT_MODEL, get_embedder, model_name
from argmap.pipeline.text import clock, timestamp_url
from argmap.store import Store, Video

if TYPE_CHECKING:
    import numpy as np

SCOPES = ("arguments", "passages", "all")
MODES = ("semantic", "keyword", "hybrid")
BACKENDS = ("auto", "sqlite-vec", "numpy")
#: the usual reciprocal-rank-fusion constant: damps the weight of the very top ranks
RRF_K = 60
_MAX_TERMS = 32
_ITEM_TYPES = {"arguments": ("argument",), "passages": ("passage",), "all": ("argument", "passage")}


@dataclass
class Hit:
    kind: str  # argument | passage
    id: str
    score: float
    commentator: str | None
    commentator_id: str | None
    video_id: str
    video_title: str
    type: str  # claim | critique | call_to_action | passage
    text: str
    quote: str
    start: float
    end: float
    timestamp: str
    url: str
    published: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Filters:
    type: str | None = None
    commentator_ids: tuple[str, ...] | None = None
    since: str | None = None

    def active(self) -> bool:
        return bool(self.type or self.commentator_ids is not None or self.since)


# -- the sqlite-vec backend -------------------------------------------------------------

_UNSET = object()


def _load_sqlite_vec(store: Store) -> str | None:
    """Load sqlite-vec into this store's connection once; its version, or None when it cannot load."""
    # Cached on the Store object itself: a connection id could be reused after close.
    cached = store.__dict__.get("_sqlite_vec", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    conn = store.db.conn
    version: str | None = None
    try:
        import sqlite_vec

        conn.enable_load_extension(True)
        sqlite_vec.load(conn)
        conn.enable_load_extension(False)
        version = conn.execute("select vec_version()").fetchone()[0]
    except Exception:  # stdlib sqlite without extension support, or no sqlite_vec wheel
        version = None
    store.__dict__["_sqlite_vec"] = version
    return version


def vector_backend(store: Store) -> str:
    """What vector search runs on for this store, as ``argmap info`` shows it."""
    version = _load_sqlite_vec(store)
    return f"sqlite-vec {version} (exact)" if version else "numpy (exact)"


# -- filters as SQL and as numpy masks ------------------------------------------------


def _parse_since(since: str | None) -> str | None:
    if not since:
        return None
    try:
        return _dt.date.fromisoformat(since.strip()).isoformat()
    except ValueError as err:
        raise ConfigError(f"--since wants a date like 2025-01-31, not {since!r}") from err


def resolve_filters(
    store: Store,
    *,
    type: str | None = None,
    commentator: str | Sequence[str] | None = None,
    since: str | None = None,
) -> Filters:
    from argmap.store.records import ARGUMENT_TYPES

    if type is not None and type not in ARGUMENT_TYPES:
        raise ConfigError(f"unknown argument type {type!r} (one of {', '.join(ARGUMENT_TYPES)})")
    ids: tuple[str, ...] | None = None
    if commentator:
        names = [commentator] if isinstance(commentator, str) else list(commentator)
        found: list[str] = []
        for name in names:
            matches = store.find_commentators(name)
            if not matches:
                raise ConfigError(f"no commentator named {name!r}")
            found.extend(c.id for c in matches)
        ids = tuple(sorted(set(found)))
    return Filters(type=type, commentator_ids=ids, since=_parse_since(since))


def _item_table(item_type: str) -> str:
    return "arguments" if item_type == "argument" else "passages"


def _filter_sql(item_type: str, filters: Filters, alias: str = "i") -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.type:
        if item_type != "argument":
            return " and 0", []
        clauses.append(f"{alias}.type = ?")
        params.append(filters.type)
    if filters.commentator_ids is not None:
        clauses.append(f"v.commentator_id in ({','.join('?' * len(filters.commentator_ids))})")
        params.extend(filters.commentator_ids)
    if filters.since:
        clauses.append("v.published >= ?")
        params.append(filters.since)
    return "".join(f" and {c}" for c in clauses), params


def _day_number(date: str) -> int:
    """YYYY-MM-DD as the integer YYYYMMDD (order-preserving); 0 when missing or malformed."""
    digits = date[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


class _Matrix:
    """All of one model's vectors for one item type, with the columns filters need."""

    def __init__(self, store: Store, model: str, item_type: str):
        import numpy as np

        table = _item_table(item_type)
        type_col = "i.type" if item_type == "argument" else "'passage'"
        rows = store.db.execute(
            f"""select e.item_id, e.vector, {type_col}, coalesce(v.commentator_id, ''),
                       coalesce(v.published, '')
                from embeddings e join {table} i on i.id = e.item_id join videos v on v.id = i.video_id
                where e.model = ? and e.item_type = ? order by e.item_id""",
            [model, item_type],
        ).fetchall()
        self.ids = [r[0] for r in rows]
        blobs = b"".join(r[1] for r in rows)
        self.dim = len(rows[0][1]) // 4 if rows else 0
        self.matrix = np.frombuffer(blobs, dtype="<f4").reshape(len(rows), self.dim) if rows else None
        # Filters compare small integer codes, not Python strings: ~0.5 ms instead of ~12 ms
        # for a mask over 100k rows.
        self.type_codes = {t: n for n, t in enumerate(sorted({r[2] for r in rows}))}
        self.commentator_codes = {c: n for n, c in enumerate(sorted({r[3] for r in rows}))}
        self.types = np.array([self.type_codes[r[2]] for r in rows], dtype=np.int16)
        self.commentators = np.array([self.commentator_codes[r[3]] for r in rows], dtype=np.int32)
        self.published = np.array([_day_number(r[4]) for r in rows], dtype=np.int32)

    def mask(self, filters: Filters) -> np.ndarray | None:
        import numpy as np

        if not filters.active():
            return None
        mask = np.ones(len(self.ids), dtype=bool)
        if filters.type:
            mask &= self.types == self.type_codes.get(filters.type, -1)
        if filters.commentator_ids is not None:
            codes = [
                self.commentator_codes[c] for c in filters.commentator_ids if c in self.commentator_codes
            ]
            mask &= np.isin(self.commentators, codes)
        if filters.since:
            # undated videos (day 0) never pass a --since filter, as in SQL (NULL >= x is false)
            mask &= self.published >= _day_number(filters.since)
        return mask

    def top(self, query: np.ndarray, filters: Filters, k: int) -> list[tuple[str, float]]:
        import numpy as np

        if self.matrix is None or k <= 0:
            return []
        sims = self.matrix @ query
        mask = self.mask(filters)
        if mask is not None:
            sims = np.where(mask, sims, -np.inf)
        k = min(k, len(self.ids))
        part = np.argpartition(-sims, k - 1)[:k]
        # Ties broken by id, as the SQL path does; ids are sorted so the row index is enough.
        order = part[np.lexsort((part, -sims[part]))]
        return [(self.ids[i], float(sims[i])) for i in order if np.isfinite(sims[i])]


_MATRIX_LOCK = threading.Lock()


def _signature(store: Store) -> tuple[int, int]:
    # data_version moves when another connection commits, total_changes when this one writes:
    # together they tell whether the cached matrix can still be trusted, at no query cost.
    conn = store.db.conn
    return conn.execute("pragma data_version").fetchone()[0], conn.total_changes


def _matrix(store: Store, model: str, item_type: str) -> _Matrix:
    cache: dict[tuple[str, str], tuple[tuple[int, int], _Matrix]]
    cache = store.__dict__.setdefault("_vector_matrices", {})
    sig = _signature(store)
    with _MATRIX_LOCK:
        cached = cache.get((model, item_type))
        if cached is None or cached[0] != sig:
            cache[(model, item_type)] = (sig, _Matrix(store, model, item_type))
        return cache[(model, item_type)][1]


def warm_matrices(store: Store) -> dict[tuple[str, str], _Matrix]:
    """The matrices cached on ``store`` that are still current, by (model, item type)."""
    sig = _signature(store)
    cache = store.__dict__.get("_vector_matrices", {})
    return {key: matrix for key, (built, matrix) in cache.items() if built == sig}


def share_index(source: Store, target: Store) -> None:
    """Let ``target``, another connection to the same database, search with ``source``'s
    current matrices instead of building its own (``argmap serve``: one index, a connection
    per request). The matrices are read-only arrays, safe to share between threads; the
    caller keeps ``source`` fresh with :func:`warm_index`."""
    sig = _signature(target)
    target.__dict__["_vector_matrices"] = {key: (sig, m) for key, m in warm_matrices(source).items()}


def warm_index(store: Store, model: str | None = None) -> None:
    """Build the in-memory matrices now, so that later queries in this process use them.

    A one-shot ``argmap search`` is fastest on sqlite-vec (no matrix to build); a long-lived
    process (``argmap serve``, a benchmark) answers each query several times faster from
    the cached matrix, so ``auto`` prefers a warm matrix when one exists.
    """
    name = pick_model(store, model)
    for item_type in ("argument", "passage"):
        _matrix(store, name, item_type)


def _vector_sqlite(
    store: Store, model: str, item_type: str, query: np.ndarray, filters: Filters, k: int
) -> list[tuple[str, float]]:
    table = _item_table(item_type)
    where, params = _filter_sql(item_type, filters)
    join = f" join {table} i on i.id = e.item_id join videos v on v.id = i.video_id"
    sql = (
        "select e.item_id, vec_distance_cosine(e.vector, ?) as d from embeddings e"
        + join
        + " where e.model = ? and e.item_type = ?"
        + where
        + " order by d, e.item_id limit ?"
    )
    rows = store.db.execute(sql, [query.astype("<f4").tobytes(), model, item_type, *params, k]).fetchall()
    return [(r[0], 1.0 - float(r[1])) for r in rows]


def vector_search(
    store: Store,
    model: str,
    item_type: str,
    query: np.ndarray,
    filters: Filters,
    k: int,
    *,
    backend: str = "auto",
) -> list[tuple[str, float]]:
    """Exact top-``k`` (item id, cosine similarity), best first."""
    if backend not in BACKENDS:
        raise ConfigError(f"unknown vector backend {backend!r}")
    if backend == "sqlite-vec" and not _load_sqlite_vec(store):
        raise ConfigError("sqlite-vec cannot be loaded into this SQLite")
    if backend == "auto" and (model, item_type) in warm_matrices(store):
        backend = "numpy"
    if backend == "numpy" or (backend == "auto" and not _load_sqlite_vec(store)):
        return _matrix(store, model, item_type).top(query, filters, k)
    return _vector_sqlite(store, model, item_type, query, filters, k)


# -- keyword search -----------------------------------------------------------------------


def fts_query(text: str) -> str | None:
    """User text as a safe FTS5 query: each word quoted, any word may match."""
    words = re.findall(r"\w+", text)[:_MAX_TERMS]
    if not words:
        return None
    return " OR ".join(f'"{w}"' for w in words)


def keyword_search(
    store: Store, item_type: str, query: str, filters: Filters, k: int
) -> list[tuple[str, float]]:
    """Top-``k`` (item id, BM25 relevance) from FTS5, best first."""
    match = fts_query(query)
    if match is None:
        return []
    table = _item_table(item_type)
    if not filters.active():
        return _fts_top(store, table, match, k)
    where, params = _filter_sql(item_type, filters)
    # Most filters keep a fair share of rows: filter the best few hundred unfiltered matches
    # first and only fall back to filtering every match when too few survive. The result is
    # the same either way (same order: BM25, then rowid), the first try is just cheaper.
    depth = k * 4
    while True:
        top = _fts_top(store, table, match, depth, with_rowid=True)
        if len(top) < depth:
            break  # that was every match: filter it all below
        marks = ",".join("?" * len(top))
        keep = {
            r[0]
            for r in store.db.execute(
                f"select i.rowid from {table} i join videos v on v.id = i.video_id"
                f" where i.rowid in ({marks}){where}",
                [rowid for rowid, _, _ in top] + params,
            )
        }
        survivors = [(item_id, score) for rowid, item_id, score in top if rowid in keep]
        if len(survivors) >= k:
            return survivors[:k]
        if depth >= 4096:
            break
        depth *= 8
    # Materialise the FTS matches first: left to itself the planner may walk every row of
    # the joined tables and run the MATCH per row, which is seconds at 100k arguments.
    sql = (
        f"with m as materialized (select rowid, bm25({table}_fts) as r from {table}_fts"
        f" where {table}_fts match ?)"
        f" select i.id, m.r from m join {table} i on i.rowid = m.rowid join videos v on v.id = i.video_id"
        f" where 1{where} order by m.r, m.rowid limit ?"
    )
    rows = store.db.execute(sql, [match, *params, k]).fetchall()
    return [(r[0], -float(r[1])) for r in rows]


def _fts_top(store: Store, table: str, match: str, k: int, *, with_rowid: bool = False) -> list[Any]:
    """Best ``k`` matches by BM25 from the FTS table alone (no joins: the cheap path)."""
    rows = store.db.execute(
        f"select rowid, bm25({table}_fts) as r from {table}_fts where {table}_fts match ?"
        " order by r, rowid limit ?",
        [match, k],
    ).fetchall()
    if not rows:
        return []
    ids = dict(
        store.db.execute(
            f"select rowid, id from {table} where rowid in ({','.join('?' * len(rows))})",
            [r[0] for r in rows],
        ).fetchall()
    )
    if with_rowid:
        return [(r[0], ids[r[0]], -float(r[1])) for r in rows if r[0] in ids]
    return [(ids[r[0]], -float(r[1])) for r in rows if r[0] in ids]


# -- fusion and the public entry point ---------------------------------------------------------


def rrf(ranked_lists: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the lists an item appears in."""
    scores: dict[str, float] = {}
    for ranked in ranked_lists:
        for rank, key in enumerate(ranked, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def has_vectors(store: Store, model: str) -> bool:
    return bool(store.db.execute("select 1 from embeddings where model = ? limit 1", [model]).fetchone())


def pick_model(store: Store, model: str | None = None) -> str:
    """The model whose vectors a search uses: the one asked for, else the default, else the most used."""
    if model:
        return model_name(model)
    default = model_name(None)
    if has_vectors(store, default):
        return default
    stored = store.embedding_models()
    return next(iter(stored)) if stored else default


def search(
    store: Store,
    query: str,
    *,
    scope: str = "arguments",
    mode: str = "hybrid",
    type: str | None = None,
    commentator: str | Sequence[str] | None = None,
    since: str | None = None,
    limit: int = 10,
    model: str | None = None,
    backend: str = "auto",
) -> list[Hit]:
    """Search arguments and/or transcript passages; see the module docstring for how."""
    if scope not in SCOPES:
        raise ConfigError(f"unknown scope {scope!r} (one of {', '.join(SCOPES)})")
    if mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r} (one of {', '.join(MODES)})")
    if limit <= 0 or not query.strip():
        return []
    filters = resolve_filters(store, type=type, commentator=commentator, since=since)
    depth = max(limit * 4, 50)
    item_types = _ITEM_TYPES[scope]

    semantic: list[tuple[str, float]] = []  # keys are "kind:id"
    if mode in ("semantic", "hybrid"):
        name = pick_model(store, model)
        if has_vectors(store, name):
            qvec = get_embedder(name).encode([query])[0]
            for item_type in item_types:
                semantic += [
                    (f"{item_type}:{i}", s)
                    for i, s in vector_search(store, name, item_type, qvec, filters, depth, backend=backend)
                ]
            semantic.sort(key=lambda kv: (-kv[1], kv[0]))
            semantic = semantic[:depth]
    keyword: list[tuple[str, float]] = []
    if mode in ("keyword", "hybrid"):
        for item_type in item_types:
            keyword += [
                (f"{item_type}:{i}", s) for i, s in keyword_search(store, item_type, query, filters, depth)
            ]
        keyword.sort(key=lambda kv: (-kv[1], kv[0]))
        keyword = keyword[:depth]

    if mode == "semantic":
        fused = semantic
    elif mode == "keyword":
        fused = keyword
    else:
        fused = rrf([[k for k, _ in semantic], [k for k, _ in keyword]])
    return _hydrate(store, fused[:limit])


def _hydrate(store: Store, ranked: list[tuple[str, float]]) -> list[Hit]:
    hits: list[Hit] = []
    videos: dict[str, Video] = {}
    for key, score in ranked:
        kind, item_id = key.split(":", 1)
        if kind == "argument":
            rows = store.rows(
                'select id, video_id, type, text, quote, start, "end" from arguments where id = ?', [item_id]
            )
        else:
            rows = store.rows(
                "select id, video_id, 'passage' as type, text, text as quote, start, \"end\""
                " from passages where id = ?",
                [item_id],
            )
        if not rows:
            continue
        row = rows[0]
        video = videos.get(row["video_id"]) or store.video(row["video_id"])
        videos[video.id] = video
        name = None
        if video.commentator_id:
            c = store.rows("select name from commentators where id = ?", [video.commentator_id])
            name = c[0]["name"] if c else None
        hits.append(
            Hit(
                kind=kind,
                id=item_id,
                score=round(score, 6),
                commentator=name,
                commentator_id=video.commentator_id,
                video_id=video.id,
                video_title=video.title,
                type=row["type"],
                text=row["text"],
                quote=row["quote"],
                start=row["start"],
                end=row["end"],
                timestamp=clock(row["start"]),
                url=timestamp_url(video, row["start"]),
                published=video.published,
            )
        )
    return hits


__all__ = [
    "DEFAULT_MODEL",
    "Filters",
    "Hit",
    "fts_query",
    "keyword_search",
    "pick_model",
    "resolve_filters",
    "rrf",
    "search",
    "vector_backend",
    "vector_search",
    "warm_index",
]
