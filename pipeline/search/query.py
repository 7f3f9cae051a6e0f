"""Search: "who said what about X", as vector similarity and keyword rank fused.

Semantic search finds paraphrases, keyword search (SQLite FTS5, BM25) finds names and rare
words that a small embedding model blurs; hybrid mode merges the two ranked lists with
reciprocal rank fusion, which needs no score calibration between them.

This module decides *how* to search (which model, which vector engine, how deep, how to
fuse) and turns user input into :class:`~argmap.store.fts.Filters`; the SQL, the vector
format and the in-memory index live in the store (:mod:`argmap.store.vectors`,
:mod:`argmap.store.fts`), and hits are hydrated through
:func:`argmap.store.queries.items_in_context`, the same read model every other view uses.

Both vector engines are exact and order by distance, then id, so they return the same
ranking: sqlite-vec needs no memory and no warm-up, which suits a one-shot ``argmap
search``; the cached numpy index answers several times faster once built, which suits a
long-lived process, so ``auto`` takes it whenever a current one exists.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from argmap.pipeline.config import DEFAULT_SEARCH_SCOPE, SEARCH_MODES, SEARCH_SCOPES
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.search.embed import DEFAULT_MODEL, model_name
from argmap.pipeline.search.hit import RRF_K, Hit
from argmap.pipeline.search.query_encoder import encode_query
from argmap.pipeline.search.question import (
    calls_first,
    figures_first,
    phrase_first,
    sayer_first,
    titles_last,
)
from argmap.pipeline.text import word_key
from argmap.store import Store, queries, vectors
from argmap.store.fts import Filters, fts_query, keyword_search
from argmap.store.vectors import VectorIndex, has_vectors

if TYPE_CHECKING:
    import numpy as np

SCOPES = SEARCH_SCOPES
MODES = SEARCH_MODES
BACKENDS = ("auto", "sqlite-vec", "numpy")
_ITEM_TYPES = {"arguments": ("argument",), "passages": ("passage",), "all": ("argument", "passage")}
DEFAULT_SCOPE = DEFAULT_SEARCH_SCOPE
#: how much an argument is preferred to a passage that ranks about the same: its fused score is
#: raised by this share (in RRF terms, about three ranks near the top), its cosine similarity by
#: ARGUMENT_LEAD_COSINE. An argument is the commentator's point said in one sentence; the passage
#: around it says the same with less focus, so of two equally relevant hits the argument leads.
ARGUMENT_LEAD = 0.05
ARGUMENT_LEAD_COSINE = 0.02


# -- choosing the vector engine -----------------------------------------------------------


def vector_backend(store: Store) -> str:
    """What vector search runs on for this store, as ``argmap info`` shows it."""
    version = vectors.load_sqlite_vec(store)
    return f"sqlite-vec {version} (exact)" if version else "numpy (exact)"


def warm_matrices(store: Store) -> dict[tuple[str, str], VectorIndex]:
    """The in-memory indexes cached for ``store`` that are still current, by (model, item type)."""
    return vectors.current_indexes(store)


def share_index(source: Store, target: Store) -> None:
    """Let ``target``, another connection to the same database, search with ``source``'s
    current indexes instead of building its own (``argmap serve``: one index, a connection
    per request). The indexes are read-only, safe to share between threads; the caller
    keeps ``source`` fresh with :func:`warm_index`."""
    vectors.share_indexes(source, target)


def warm_index(store: Store, model: str | None = None) -> None:
    """Build the in-memory indexes now, so that later queries in this process use them.

    A one-shot ``argmap search`` is fastest on sqlite-vec (no index to build); a long-lived
    process (``argmap serve``, a benchmark) answers each query several times faster from
    the cached index, so ``auto`` prefers a warm index when one exists.
    """
    name = pick_model(store, model)
    for item_type in ("argument", "passage"):
        vectors.vector_index(store, name, item_type)


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
    if backend == "sqlite-vec" and not vectors.load_sqlite_vec(store):
        raise ConfigError("sqlite-vec cannot be loaded into this SQLite")
    if backend == "auto" and (model, item_type) in warm_matrices(store):
        backend = "numpy"
    if backend == "numpy" or (backend == "auto" and not vectors.load_sqlite_vec(store)):
        return vectors.vector_index(store, model, item_type).top(query, filters, k)
    return vectors.sqlite_vec_search(store, model, item_type, query, filters, k)


# -- user input to filters -------------------------------------------------------------------


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
    """Command-line filter values checked and resolved: commentator names become ids, a bad
    type, name or date is a :class:`ConfigError` naming what was wrong."""
    from argmap.store.records import ARGUMENT_TYPES

    if type is not None and type not in ARGUMENT_TYPES:
        raise ConfigError(f"unknown argument type {type!r} (one of {', '.join(ARGUMENT_TYPES)})")
    ids: tuple[str, ...] | None = None
    if commentator:
        names = [commentator] if isinstance(commentator, str) else list(commentator)
        found: list[str] = []
        for given in names:
            name = full_name(store, given, speakers=False)
            matches = store.find_commentators(name)
            if not matches:
                raise ConfigError(_not_a_commentator(store, name))
            found.extend(c.id for c in matches)
        ids = tuple(sorted(set(found)))
    return Filters(type=type, commentator_ids=ids, since=_parse_since(since))


def _filter_names(store: Store, speakers: bool) -> list[str]:
    """The names a filter may mean: commentators', and with ``speakers`` named people's and caption labels."""
    return queries.filter_names(store) if speakers else [c.name for c in queries.commentators(store)]


def full_name(store: Store, name: str, *, speakers: bool = True) -> str:
    """The stored name ``name`` is the start of, so a filter takes "maureen" or "collins" for
    "Maureen Collins" (a name's first letters or any of its words'). A name or id stored as given
    comes back unchanged, as does one that starts none; one that starts several is an error naming
    them, since a filter that picks one of them silently would show the wrong person's arguments."""
    fold = " ".join(name.split()).casefold()
    names = _filter_names(store, speakers)
    if not fold or store.find_commentators(name) or any(n.casefold() == fold for n in names):
        return name
    starts = sorted({n for n in names if f" {n.casefold()}".find(f" {fold}") >= 0})
    if len(starts) > 1:
        shown = " or ".join(repr(n) for n in starts[:5])
        raise ConfigError(f"{name!r} could be {shown}: give more of the name")
    return starts[0] if starts else name


def did_you_mean(store: Store, name: str, *, speakers: bool = True) -> str:
    """A " (did you mean 'Rafael Duarte'?)" for a name a letter or two off one stored (a
    commentator's, or with ``speakers`` also a named person's or a caption label), else ""."""
    import difflib

    names = _filter_names(store, speakers)
    by_fold = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(name.casefold(), list(by_fold), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(by_fold[c]) for c in close)}?)" if close else ""


def _not_a_commentator(store: Store, name: str) -> str:
    """Why ``name`` filters nothing: unknown, or a voice in somebody's videos (a guest, a caption
    label), which this filter does not take: it names the channels to filter by instead."""
    voiced = queries.arguments_in_context(store, commentator=name)
    channels = sorted({a.commentator_name for a in voiced if a.commentator_name})
    if not channels:
        return f"no commentator named {name!r}{did_you_mean(store, name, speakers=False)}"
    where = ", ".join(repr(c) for c in channels)
    return f"{name!r} is a speaker, not a commentator: filter by the channel instead (--commentator {where})"


def filter_report(
    store: Store,
    *,
    scope: str = DEFAULT_SCOPE,
    type: str | None = None,
    commentator: str | Sequence[str] | None = None,
    since: str | None = None,
) -> dict[str, int]:
    """How many items of ``scope`` each filter leaves, in the order they apply, and how many
    undated videos ``since`` leaves out (see :func:`argmap.store.fts.filter_funnel`): what an
    empty result is explained with."""
    from argmap.store.fts import filter_funnel

    if scope not in SCOPES:
        raise ConfigError(f"unknown scope {scope!r} (one of {', '.join(SCOPES)})")
    filters = resolve_filters(store, type=type, commentator=commentator, since=since)
    return filter_funnel(store, _ITEM_TYPES[scope], filters)


# -- fusion and the public entry point ---------------------------------------------------------


def rrf(ranked_lists: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the lists an item appears in."""
    scores: dict[str, float] = {}
    for ranked in ranked_lists:
        for rank, key in enumerate(ranked, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


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
    scope: str = DEFAULT_SCOPE,
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
            qvec = encode_query(name, query)
            for item_type in item_types:
                semantic += [
                    (f"{item_type}:{i}", s)
                    for i, s in vector_search(store, name, item_type, qvec, filters, depth, backend=backend)
                ]
            semantic = _ranked(semantic, lambda key, s: s + ARGUMENT_LEAD_COSINE * _is_argument(key))[:depth]
    keyword: list[tuple[str, float]] = []
    if mode in ("keyword", "hybrid"):
        for item_type in item_types:
            keyword += [
                (f"{item_type}:{i}", s) for i, s in keyword_search(store, item_type, query, filters, depth)
            ]
        keyword = _ranked(keyword, lambda key, s: s * (1 + ARGUMENT_LEAD * _is_argument(key)))[:depth]

    if mode == "semantic":
        fused = semantic
    elif mode == "keyword":
        fused = keyword
    else:
        fused = rrf([[k for k, _ in semantic], [k for k, _ in keyword]])
        fused = _ranked(fused, lambda key, s: s * (1 + ARGUMENT_LEAD * _is_argument(key)))
    hits = _current(store, _hydrate(store, fused[: limit * 3]))
    if mode == "hybrid":
        hits = phrase_first(query, hits)
    hits = calls_first(query, figures_first(query, titles_last(query, hits)))
    return said_once(sayer_first(query, hits))[:limit]


def _current(store: Store, hits: list[Hit]) -> list[Hit]:
    """``hits`` without arguments of an extractor version a video has since been re-extracted
    with: they stay stored (and embedded) beside the new ones, but are not what it says now."""
    last = queries.last_extractions(store, [h.video_id for h in hits if h.kind == "argument"])
    return [
        h
        for h in hits
        if h.kind != "argument"
        or h.video_id not in last
        or last[h.video_id] == (h.item.extractor, h.item.extractor_version)
    ]


def said_once(hits: list[Hit]) -> list[Hit]:
    """``hits`` without a passage whose words a better-ranked argument of its video already
    quotes (a one-sentence passage is often the argument itself): one answer, shown once."""
    quoted: dict[str, list[str]] = {}
    out = []
    for hit in hits:
        words = word_key(hit.quote)
        if hit.kind == "passage" and words and any(words in q for q in quoted.get(hit.video_id, [])):
            continue
        if hit.kind == "argument":
            quoted.setdefault(hit.video_id, []).append(words)
        out.append(hit)
    return out


def _is_argument(key: str) -> bool:
    return key.startswith("argument:")


def _ranked(scored: list[tuple[str, float]], lead: Callable[[str, float], float]) -> list[tuple[str, float]]:
    """Best first by ``lead(key, score)`` (the score with arguments' lead), then arguments, then
    key; the scores themselves are kept as they were, so what is shown is what was measured."""
    return sorted(scored, key=lambda kv: (-lead(*kv), not _is_argument(kv[0]), kv[0]))


def _hydrate(store: Store, ranked: list[tuple[str, float]]) -> list[Hit]:
    """Ranked ``kind:id`` keys to hits, in rank order; an item deleted meanwhile is dropped."""
    keys = [_split_key(key) for key, _ in ranked]
    items = queries.items_in_context(store, keys)
    return [
        Hit(items[key], round(score, 6)) for key, (_, score) in zip(keys, ranked, strict=True) if key in items
    ]


def _split_key(key: str) -> tuple[str, str]:
    kind, item_id = key.split(":", 1)
    return kind, item_id


__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_SCOPE",
    "Filters",
    "Hit",
    "fts_query",
    "has_vectors",
    "keyword_search",
    "pick_model",
    "resolve_filters",
    "full_name",
    "rrf",
    "search",
    "vector_backend",
    "vector_search",
    "warm_index",
]
