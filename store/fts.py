"""Keyword search over the FTS5 indexes, and the filters every kind of search shares.

The FTS5 tables (``arguments_fts``, ``passages_fts``) are made by the migrations, so the
queries that read them belong with the schema. :class:`Filters` lives here too: keyword
search is the plain-SQL statement of what a filter means, and vector search
(:mod:`.vectors`) must keep exactly the same rows, whether it filters in SQL (sqlite-vec) or
with a numpy mask.

User query strings never reach FTS5 syntax: words are pulled out and quoted, so quotes,
``*``, ``NEAR(`` or unbalanced parentheses give results or an empty list, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .database import Store

#: more words than this add little to an OR query and only slow BM25 down
_MAX_TERMS = 32
#: beyond this many unfiltered matches the first pass stops paying off: filter every match
_MAX_FIRST_PASS = 4096


@dataclass
class Filters:
    """Which items a search may return; ``None``/empty means "no restriction".

    ``since`` is an ISO date (YYYY-MM-DD) compared with the video's ``published`` date, so
    undated videos never pass it (as in SQL, where ``NULL >= x`` is false).
    """

    type: str | None = None
    commentator_ids: tuple[str, ...] | None = None
    since: str | None = None

    def active(self) -> bool:
        return bool(self.type or self.commentator_ids is not None or self.since)


def item_table(item_type: str) -> str:
    """The table holding items of ``item_type`` (``argument`` or ``passage``)."""
    return "arguments" if item_type == "argument" else "passages"


def filter_sql(item_type: str, filters: Filters, alias: str = "i") -> tuple[str, list[Any]]:
    """``filters`` as `` and ...`` clauses over the item table (``alias``) joined to ``videos v``."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.type:
        if item_type != "argument":
            return " and 0", []  # passages have no argument type: a type filter excludes them all
        clauses.append(f"{alias}.type = ?")
        params.append(filters.type)
    if filters.commentator_ids is not None:
        clauses.append(f"v.commentator_id in ({','.join('?' * len(filters.commentator_ids))})")
        params.extend(filters.commentator_ids)
    if filters.since:
        clauses.append("v.published >= ?")
        params.append(filters.since)
    return "".join(f" and {c}" for c in clauses), params


def filter_funnel(store: Store, item_types: tuple[str, ...], filters: Filters) -> dict[str, int]:
    """How many items (of ``item_types``) are left as each active filter is applied in turn
    (``all``, then ``commentator``, ``type``, ``since``), and ``undated``: how many videos
    among those that pass the other filters have no publication date, so ``since`` drops them.

    This is how an empty search explains itself: the first count that reaches 0 names the
    filter that emptied the result.
    """
    steps: list[tuple[str, Filters]] = [("all", Filters())]
    if filters.commentator_ids is not None:
        steps.append(("commentator", Filters(commentator_ids=filters.commentator_ids)))
    if filters.type:
        steps.append(("type", Filters(type=filters.type, commentator_ids=filters.commentator_ids)))
    if filters.since:
        steps.append(("since", filters))
    out: dict[str, int] = {}
    for name, step in steps:
        out[name] = 0
        for item_type in item_types:
            where, params = filter_sql(item_type, step)
            out[name] += store.db.execute(
                f"select count(*) from {item_table(item_type)} i join videos v on v.id = i.video_id"
                f" where 1{where}",
                params,
            ).fetchone()[0]
    if filters.since:
        undated: set[str] = set()
        rest = Filters(type=filters.type, commentator_ids=filters.commentator_ids)
        for item_type in item_types:
            where, params = filter_sql(item_type, rest)
            undated.update(
                r[0]
                for r in store.db.execute(
                    f"select distinct v.id from {item_table(item_type)} i join videos v on v.id = i.video_id"
                    f" where coalesce(v.published, '') = ''{where}",
                    params,
                )
            )
        out["undated"] = len(undated)
    return out


def fts_query(text: str) -> str | None:
    """User text as a safe FTS5 query: each word quoted, any word may match."""
    words = re.findall(r"\w+", text)[:_MAX_TERMS]
    if not words:
        return None
    return " OR ".join(f'"{w}"' for w in words)


def keyword_search(
    store: Store, item_type: str, query: str, filters: Filters, k: int
) -> list[tuple[str, float]]:
    """Top-``k`` (item id, BM25 relevance; higher is better) from FTS5, best first."""
    match = fts_query(query)
    if match is None:
        return []
    table = item_table(item_type)
    if not filters.active():
        return [(item_id, score) for _, item_id, score in _fts_top(store, table, match, k)]
    where, params = filter_sql(item_type, filters)
    # Most filters keep a fair share of rows: filter the best few hundred unfiltered matches
    # first and only fall back to filtering every match when too few survive. The result is
    # the same either way (same order: BM25, then rowid), the first try is just cheaper.
    depth = k * 4
    while True:
        top = _fts_top(store, table, match, depth)
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
        if depth >= _MAX_FIRST_PASS:
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


def _fts_top(store: Store, table: str, match: str, k: int) -> list[tuple[int, str, float]]:
    """Best ``k`` (rowid, item id, relevance) by BM25 from the FTS table alone (no joins: the
    cheap path). BM25 is lower-is-better in SQLite; it is negated so that callers sort one way."""
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
    # An FTS row whose item is gone (an index out of step with its table) is skipped, not fatal.
    return [(r[0], ids[r[0]], -float(r[1])) for r in rows if r[0] in ids]
