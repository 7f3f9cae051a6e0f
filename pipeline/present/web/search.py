"""The search page: ``argmap search`` in a form, showing only hits that answer the query.

The same engine and filters as the command (scope, mode, type, commentator, since, limit). What
the page adds is judgement (:mod:`argmap.pipeline.search.relevance`): each hit carries a plain
label (strong, good or weak match) instead of a fusion score nobody can read, hits that do not
answer the query are left out (the page says how many, and links to them), and the query's words
are highlighted where they matched. An empty query, or filters that leave nothing, say so.
"""

from __future__ import annotations

from argmap.pipeline.config import DEFAULT_SEARCH_SCOPE, SEARCH_MODES, SEARCH_SCOPES
from argmap.pipeline.errors import ConfigError
from argmap.store import Store
from argmap.store import pages as sp
from argmap.store.records import ARGUMENT_TYPES

from .layout import (
    TYPE_NAMES,
    Request,
    Response,
    esc,
    highlighted,
    href,
    page,
    plural,
    quote_block,
    tag,
)
from .moments import Playbacks

DEFAULT_LIMIT = 25
MAX_LIMIT = 200
LABEL_TEXT = {"strong": "strong match", "good": "good match", "weak": "weak match", "none": "no match"}


def _options(name: str, values: list[tuple[str, str]], chosen: str) -> str:
    return (
        f'<select name="{name}" id="f-{name}">'
        + "".join(
            f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(t)}</option>'
            for v, t in values
        )
        + "</select>"
    )


def _form(store: Store, f: dict[str, str]) -> str:
    commentators = [("", "any commentator")] + [
        (c.commentator.id, c.commentator.name) for c in sp.commentator_overviews(store)
    ]
    return (
        '<h1>Search</h1><form action="/search" method="get" class="search" role="search">'
        f'<input type="search" name="q" value="{esc(f["q"])}" placeholder="who said what about…" '
        'aria-label="query" autofocus> <button type="submit">Search</button><div class="filters">'
        f"<label>in {_options('scope', [(s, s) for s in SEARCH_SCOPES], f['scope'])}</label> "
        f"<label>by {_options('mode', [(m, m) for m in SEARCH_MODES], f['mode'])}</label> "
        "<label>type "
        + _options("type", [("", "any type")] + [(t, TYPE_NAMES[t]) for t in ARGUMENT_TYPES], f["type"])
        + "</label> <label>by "
        + _options("commentator", commentators, f["commentator"])
        + f'</label> <label>since <input type="date" name="since" value="{esc(f["since"])}"></label> '
        f'<label>at most <input type="number" name="limit" min="1" max="{MAX_LIMIT}"'
        f' value="{esc(f["limit"])}">'
        "</label></div></form>"
    )


def search_page(store: Store, req: Request) -> Response:
    from argmap.pipeline.search.relevance import answers, split_matches

    f: dict[str, str] = {
        "q": req.q.get("q", "").strip(),
        "scope": _pick(req.q.get("scope"), SEARCH_SCOPES, DEFAULT_SEARCH_SCOPE),
        "mode": _pick(req.q.get("mode"), SEARCH_MODES, "hybrid"),
        "type": _pick(req.q.get("type"), ARGUMENT_TYPES, ""),
        "commentator": req.q.get("commentator", ""),
        "since": req.q.get("since", ""),
        "limit": str(_limit(req.q.get("limit"))),
    }
    show_all = req.q.get("all") == "1"
    form = _form(store, f)
    if "q" in req.q and not f["q"]:
        return Response(
            page("search", form + '<p class="meta" id="hit-count">Type something to search for.</p>', req)
        )
    if not f["q"]:
        return Response(page("search", form, req))
    try:
        answer = answers(
            store,
            f["q"],
            scope=f["scope"],
            mode=f["mode"],
            type=f["type"] or None,
            commentator=f["commentator"] or None,
            since=f["since"] or None,
            limit=int(f["limit"]),
            show_all=show_all,
        )
    except ConfigError as err:
        return Response(page("search", form + f'<p class="error" id="hit-count">{esc(err)}</p>', req), 400)
    kept, hidden = answer.shown, answer.hidden
    parts = [form]
    count = f"{plural(len(kept), 'result')} for “{esc(f['q'])}”"
    if hidden:
        more = href("/search", **{**f, "all": "1"})
        shown = plural(hidden, "hit")
        count += f' · <a href="{esc(more)}" id="show-hidden">{shown} below the relevance cut-off</a>'
    parts.append(f'<p class="meta" id="hit-count">{count}</p>')
    if not answer.found:
        parts.append(f'<p id="no-hits">{esc(_empty_reason(f))}</p>')
    elif not kept:
        parts.append('<p id="no-hits">Nothing stored answers this query closely enough.</p>')
    play = Playbacks()
    for j in kept:
        h = j.hit
        terms = j.matched
        moment = play(h.item.video).link(h.start, h.item.seg_first)
        who = (
            f'<a href="{esc(href("/commentator", id=h.commentator_id))}">{esc(h.commentator)}</a>'
            if h.commentator_id and h.commentator
            else "unknown"
        )
        if h.item.said_by and h.item.said_by != h.commentator:
            who = f"{esc(h.item.said_by)} ({who})"  # a guest speaks on the commentator's channel
        quote = quote_block(h.quote, h.text)
        if quote:
            quote = f"<blockquote>{highlighted(split_matches(h.quote, terms))}</blockquote>"
        parts.append(
            f'<div class="arg hit {esc(h.type)}">{tag(h.type)} '
            f'<span class="rel {j.label}">{LABEL_TEXT[j.label]}</span> '
            f"<strong>{who}</strong> · "
            f'<a href="{esc(href("/video", id=h.video_id))}">{esc(h.video_title)}</a> · {moment}'
            f'<div class="text">{highlighted(split_matches(h.text, terms))}</div>{quote}</div>'
        )
    return Response(page(f"search: {f['q']}", "".join(parts), req))


def _pick(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    return value if value in allowed and value is not None else default


def _limit(value: str | None) -> int:
    try:
        return min(MAX_LIMIT, max(1, int(value))) if value else DEFAULT_LIMIT
    except ValueError:
        return DEFAULT_LIMIT


def _empty_reason(f: dict[str, str]) -> str:
    used = [name for name in ("type", "commentator", "since") if f[name]]
    if used:
        return f"No results with these filters ({', '.join(used)}); try without them."
    return "No results: nothing stored matches these words or their meaning."
