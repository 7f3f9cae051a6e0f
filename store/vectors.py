"""Vectors in SQLite: the stored format, exact nearest-neighbour search, the in-memory index.

An embedding is kept as a BLOB of little-endian float32 (L2-normalised by whoever made it,
so a dot product is the cosine similarity). That byte layout is decoded by sqlite-vec, by
numpy and by every reader of ``embeddings``; it is written and read only here, so it can
never drift between them.

Vector search is exact, on one of two engines that return the same ranking (by distance,
then id):

* sqlite-vec, when the SQLite in use can load extensions: cosine distance is computed inside
  the query, so filters are plain SQL (:func:`.fts.filter_sql`) and nothing is held in memory;
* a :class:`VectorIndex`: one model's vectors for one item type as a contiguous float32
  matrix plus the columns filters need (100,000 x 384 is ~150 MB and one matrix-vector
  product per query). It costs a full read to build, so it pays off in long-lived processes
  (``argmap serve``, benchmarks) and is cached per :class:`~.database.Store` here, in a
  weak mapping, so that the cache goes away with the store and the Store class stays plain.

numpy and sqlite_vec are imported inside the functions that need them: the store package
must open a database with the standard library and sqlite-utils alone.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .database import Store
from .fts import Filters, filter_sql, item_table
from .records import Embedding, Video, content_hash

if TYPE_CHECKING:
    import numpy as np

#: the stored vector format: little-endian float32
VECTOR_DTYPE = "<f4"
_CHUNK = 500  # ids per ``in (...)`` list, well under SQLite's bound-parameter limit

# -- the stored format ----------------------------------------------------------------------


def to_blob(vector: Any) -> bytes:
    """A vector (any array-like of numbers) as the bytes stored in ``embeddings.vector``."""
    import numpy as np

    return np.asarray(vector, dtype=VECTOR_DTYPE).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """A stored vector as a read-only float32 array (no copy)."""
    import numpy as np

    return np.frombuffer(blob, dtype=VECTOR_DTYPE)


def embedding_record(model: str, item_type: str, item_id: str, text: str, vector: Any) -> Embedding:
    """The row that stores ``vector`` for an item, hashed by ``text`` so an unchanged text is
    recognised (:meth:`~.database.Store.embedding_hashes`) and not embedded again."""
    blob = to_blob(vector)
    return Embedding(
        id=Embedding.make_id(model, item_type, item_id),
        item_type=item_type,
        item_id=item_id,
        model=model,
        content_hash=content_hash(text),
        dim=len(blob) // 4,
        vector=blob,
    )


# -- reading vectors --------------------------------------------------------------------------


def has_vectors(store: Store, model: str) -> bool:
    """Whether any item has a vector from ``model``."""
    return bool(store.db.execute("select 1 from embeddings where model = ? limit 1", [model]).fetchone())


def vectors_for(store: Store, model: str, item_type: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
    """item id -> its ``model`` vector; items without one are left out."""
    out: dict[str, np.ndarray] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = list(ids[i : i + _CHUNK])
        for item_id, blob in store.db.execute(
            "select item_id, vector from embeddings where model = ? and item_type = ?"
            f" and item_id in ({','.join('?' * len(chunk))})",
            [model, item_type, *chunk],
        ):
            out[item_id] = from_blob(blob)
    return out


def videos_to_embed(store: Store) -> list[Video]:
    """Every video, by id: an embedding sweep visits them all, because only items whose
    text changed cost anything and a video without a transcript still gets its stage mark."""
    return [Video(**row) for row in store.rows("select * from videos order by id")]


# -- sqlite-vec -------------------------------------------------------------------------------

# Keyed by the Store object itself, not its connection's id(): an id can be reused once a
# connection is closed, and the extension is loaded per connection.
_SQLITE_VEC: weakref.WeakKeyDictionary[Store, str | None] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def load_sqlite_vec(store: Store) -> str | None:
    """Load sqlite-vec into this store's connection once; its version, or None when it cannot load."""
    with _LOCK:
        if store in _SQLITE_VEC:
            return _SQLITE_VEC[store]
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
    with _LOCK:
        _SQLITE_VEC[store] = version
    return version


def sqlite_vec_search(
    store: Store, model: str, item_type: str, query: np.ndarray, filters: Filters, k: int
) -> list[tuple[str, float]]:
    """Exact top-``k`` (item id, cosine similarity), best first, computed by sqlite-vec.

    The caller makes sure :func:`load_sqlite_vec` succeeded on this store.
    """
    table = item_table(item_type)
    where, params = filter_sql(item_type, filters)
    sql = (
        "select e.item_id, vec_distance_cosine(e.vector, ?) as d from embeddings e"
        f" join {table} i on i.id = e.item_id join videos v on v.id = i.video_id"
        " where e.model = ? and e.item_type = ?" + where + " order by d, e.item_id limit ?"
    )
    rows = store.db.execute(sql, [to_blob(query), model, item_type, *params, k]).fetchall()
    return [(r[0], 1.0 - float(r[1])) for r in rows]


# -- the in-memory index ------------------------------------------------------------------------


def _day_number(date: str) -> int:
    """YYYY-MM-DD as the integer YYYYMMDD (order-preserving); 0 when missing or malformed."""
    digits = date[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


class VectorIndex:
    """All of one model's vectors for one item type, with the columns filters need.

    Read-only once built, so one index can serve many threads and connections.
    """

    def __init__(self, store: Store, model: str, item_type: str):
        import numpy as np

        table = item_table(item_type)
        type_col = "i.type" if item_type == "argument" else "'passage'"
        rows = store.db.execute(
            f"""select e.item_id, e.vector, {type_col}, coalesce(v.commentator_id, ''),
                       coalesce(v.published, '')
                from embeddings e join {table} i on i.id = e.item_id join videos v on v.id = i.video_id
                where e.model = ? and e.item_type = ? order by e.item_id""",
            [model, item_type],
        ).fetchall()
        self.ids: list[str] = [r[0] for r in rows]
        self.dim = len(rows[0][1]) // 4 if rows else 0
        self.matrix: np.ndarray | None = (
            from_blob(b"".join(r[1] for r in rows)).reshape(len(rows), self.dim) if rows else None
        )
        # Filters compare small integer codes, not Python strings: ~0.5 ms instead of ~12 ms
        # for a mask over 100k rows.
        self.type_codes = {t: n for n, t in enumerate(sorted({r[2] for r in rows}))}
        self.commentator_codes = {c: n for n, c in enumerate(sorted({r[3] for r in rows}))}
        self.types = np.array([self.type_codes[r[2]] for r in rows], dtype=np.int16)
        self.commentators = np.array([self.commentator_codes[r[3]] for r in rows], dtype=np.int32)
        self.published = np.array([_day_number(r[4]) for r in rows], dtype=np.int32)

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Which rows ``filters`` keep; None when they keep every row."""
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
        """Exact top-``k`` (item id, cosine similarity), best first."""
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


_Signature = tuple[int, int]
_IndexKey = tuple[str, str]  # (model, item type)
_INDEXES: weakref.WeakKeyDictionary[Store, dict[_IndexKey, tuple[_Signature, VectorIndex]]] = (
    weakref.WeakKeyDictionary()
)
# One build at a time: two threads missing the cache together would each read every vector.
_INDEX_LOCK = threading.Lock()


def _signature(store: Store) -> _Signature:
    # data_version moves when another connection commits, total_changes when this one writes:
    # together they tell whether a cached index can still be trusted, at no query cost.
    conn = store.db.conn
    return conn.execute("pragma data_version").fetchone()[0], conn.total_changes


def vector_index(store: Store, model: str, item_type: str) -> VectorIndex:
    """The index for (``model``, ``item_type``), built now unless a current one is cached."""
    sig = _signature(store)
    with _INDEX_LOCK:
        cache = _INDEXES.setdefault(store, {})
        cached = cache.get((model, item_type))
        if cached is None or cached[0] != sig:
            cache[(model, item_type)] = (sig, VectorIndex(store, model, item_type))
        return cache[(model, item_type)][1]


def current_indexes(store: Store) -> dict[_IndexKey, VectorIndex]:
    """The indexes cached for ``store`` that are still current, by (model, item type)."""
    sig = _signature(store)
    with _INDEX_LOCK:
        cache = dict(_INDEXES.get(store, {}))
    return {key: index for key, (built, index) in cache.items() if built == sig}


def share_indexes(source: Store, target: Store) -> None:
    """Let ``target``, another connection to the same database, search with ``source``'s
    current indexes instead of building its own (``argmap serve``: one index, a connection
    per request). The caller vouches that both see the same data; the indexes are stamped
    with ``target``'s signature, so a later write seen by ``target`` still invalidates them.
    """
    indexes = current_indexes(source)
    sig = _signature(target)
    with _INDEX_LOCK:
        _INDEXES[target] = {key: (sig, index) for key, index in indexes.items()}
