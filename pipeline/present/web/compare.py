"""The compare page, a matrix of who takes which side, and the map page, a graph to explore.

A stored comparison (``argmap compare``) answers "where do commentators agree or clash". The page
leads with a matrix: key points as rows, commentators as columns, each cell that commentator's
stance on the point (asserts / disputes / calls to act) with links to the moments they said it,
and each row marked agree or clash from the relations the run stored; the points only one
commentator made follow. The graph view (``/map``, the HTML export) stays for exploring.

It shows exactly the run that was asked for: ``run=<id>``, or the newest run made for this topic
(case and spacing aside) and this set of commentators. Each run groups the same arguments afresh,
so another topic's run is never shown under this one's heading; when there is none, the page says
so and gives the command that makes it.
"""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Sequence
from typing import Any

from argmap.pipeline.errors import ConfigError
from argmap.pipeline.present.export import load_map, to_html
from argmap.pipeline.present.export.matrix import Column, Matrix, Row, Said
from argmap.store import Store, queries
from argmap.store import pages as sp

from .layout import MAP_CSP, Request, Response, esc, href, page
from .moments import Playbacks
from .people import voice


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _commentator_keys(store: Store, names: list[str]) -> frozenset[str]:
    """Commentators as given (names or ids, any case) to a set that compares across spellings."""
    keys: set[str] = set()
    for name in names:
        found = store.find_commentators(name)
        keys |= {c.id for c in found} if found else {_norm(name)}
    return frozenset(keys)


def find_run(store: Store, topic: str, commentators: list[str]) -> dict[str, Any] | None:
    """The newest stored run made for exactly this topic and set of commentators."""
    wanted = _commentator_keys(store, commentators)
    for run in store.compare_runs():
        if _norm(run["topic"]) == _norm(topic) and _commentator_keys(store, run["commentators"]) == wanted:
            return run
    return None


def compare_command(topic: str, commentators: list[str]) -> str:
    words = ["argmap", "compare"]
    if topic:
        words += ["--topic", topic]
    for c in commentators:
        words += ["--commentator", c]
    return " ".join(shlex.quote(w) for w in words)


def _form(store: Store, topic: str, chosen: list[str]) -> str:
    picked = {_norm(c) for c in chosen}
    boxes = "".join(
        f'<label class="pick"><input type="checkbox" name="commentator" value="{esc(c.commentator.name)}"'
        f"{' checked' if _norm(c.commentator.name) in picked or c.commentator.id in chosen else ''}> "
        f"{esc(c.commentator.name)}</label> "
        for c in sp.commentator_overviews(store)
    )
    return (
        '<h1>Compare commentators</h1><form action="/compare" method="get" class="compare">'
        f'<input type="search" name="topic" value="{esc(topic)}" placeholder="a topic (empty: everything)" '
        f'aria-label="topic"> <button type="submit" name="go" value="1">Compare</button>'
        f'<div class="filters">{boxes}<span class="meta">(none ticked: all commentators)</span></div></form>'
    )


def compare_page(store: Store, req: Request) -> Response:
    topic = req.q.get("topic", "").strip()
    chosen = req.all("commentator")
    parts = [_form(store, topic, chosen)]
    run: dict[str, Any] | None = None
    if req.q.get("run"):
        run = next((r for r in store.compare_runs() if r["run_id"] == req.q["run"]), None)
        if run is None:
            parts.append(f'<p class="error" id="no-run">No stored compare run {esc(req.q["run"])}.</p>')
    elif "go" in req.q or topic or chosen:
        # compare takes commentators and the speakers in their videos (a guest, a caption label)
        known = {n.casefold() for n in queries.filter_names(store)}
        unknown = [c for c in chosen if not store.find_commentators(c) and c.casefold() not in known]
        run = None if unknown else find_run(store, topic, chosen)
        if unknown:
            names = ", ".join(f"“{esc(c)}”" for c in unknown)
            parts.append(f'<p class="error" id="no-run">No commentator or speaker named {names} here.</p>')
        elif run is None:
            about = f"the topic “{esc(topic)}”" if topic else "all topics"
            who = ", ".join(esc(c) for c in chosen) if chosen else "all commentators"
            parts.append(
                f'<p id="no-run">No stored comparison for {about} and {who}. Make it with:</p>'
                f'<pre class="command">{esc(compare_command(topic, chosen))}</pre>'
            )
    else:
        # the bare page shows the newest comparison that found key points, as an export does
        run = next((r for r in store.compare_runs() if r["key_points"]), None)
        if run is not None:
            parts += [_run_matrix(store, run), _runs(store)]
            return Response(page(f"compare: {run['topic'] or 'all topics'}", "".join(parts), req))
    if run is None:
        parts.append(_runs(store))
        return Response(page("compare", "".join(parts), req), 404 if req.q.get("run") else 200)
    parts.append(_run_matrix(store, run))
    return Response(page(f"compare: {run['topic'] or 'all topics'}", "".join(parts), req))


def _runs(store: Store) -> str:
    runs = store.compare_runs()
    if not runs:
        return '<p class="meta">No comparison stored yet: run <code>argmap compare</code>.</p>'
    out = [
        '<h2>Stored comparisons</h2><table class="runs"><tr><th>topic</th><th>commentators</th>'
        "<th>key points</th><th>threshold</th><th>made</th></tr>"
    ]
    for r in runs:
        made = str(r["created_at"] or "")[:16].replace("T", " ")
        threshold = f"{r['threshold']:g}" if r["threshold"] is not None else ""
        out.append(
            f'<tr><td><a href="{esc(href("/compare", run=r["run_id"]))}">'
            f"{esc(r['topic'] or 'all topics')}</a></td>"
            f"<td>{esc(', '.join(r['commentators']) or 'all')}</td><td>{r['key_points']}</td>"
            f"<td>{esc(threshold)}</td><td>{esc(made)}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _run_matrix(store: Store, run: dict[str, Any]) -> str:
    run_id = run["run_id"]
    views = queries.run_key_points(store, run_id)
    items = queries.items_in_context(store, [("argument", m.argument_id) for v in views for m in v.members])
    relations: dict[str, Counter[str]] = {}
    for r in sp.run_relations(store, run_id):
        relations.setdefault(r.key_point_id or "", Counter())[r.relation] += 1
    play = Playbacks()
    rows: list[Row] = []
    for v in views:
        cells: dict[Column, list[Said]] = {}
        for m in v.members:
            a = items.get(("argument", m.argument_id))
            if a is not None:
                who = voice(a)
                said = Said(m.stance, a.text, play(a.video).link(a.start, a.seg_first), m.confidence)
                cells.setdefault(Column(f"{who.kind}:{who.id}", who.name, who.link()), []).append(said)
        if cells:
            rows.append(Row(v.key_point.label, cells, relations.get(v.key_point.id, Counter())))
    matrix = Matrix(rows)
    details = [f"compare run {esc(run_id)}", f"topic “{esc(run['topic'])}”" if run["topic"] else "all topics"]
    details.append("commentators: " + (esc(", ".join(run["commentators"])) if run["commentators"] else "all"))
    if run.get("threshold") is not None:
        details.append(f"threshold {run['threshold']:g}")
    if run.get("created_at"):
        details.append("made " + esc(str(run["created_at"])[:16].replace("T", " ")))
    return (
        f'<p class="meta" id="run">{" · ".join(details)}</p>'
        f'<p class="meta">{matrix.summary(_outside(run, views))} · <a href="{esc(href("/map", run=run_id))}">'
        "explore this run as a graph</a></p>" + matrix.table() + matrix.alone()
    )


def _outside(run: dict[str, Any], views: Sequence[Any]) -> int | None:
    """The run's arguments no key point took (it stores how many took part), where known."""
    if run.get("arguments") is None:
        return None
    return max(0, int(run["arguments"]) - len({m.argument_id for v in views for m in v.members}))


def map_page(store: Store, req: Request) -> Response:
    try:
        m = load_map(
            store,
            topic=req.q.get("topic") or None,
            commentators=req.all("commentator"),
            videos=req.all("video"),
            run=req.q.get("run") or None,
        )
    except ConfigError as err:
        # a run id that names no run is a page that does not exist, as on the compare page
        status = 404 if str(err).startswith("no compare run") else 400
        return Response(page("map", f'<h1>Map</h1><p class="error">{esc(err)}</p>', req), status)
    play = Playbacks()
    # Moments on this page play in argmap's own player, as on every other page.
    return Response(
        to_html(m, moment=lambda a: play(a.argument.video).link(a.start, a.argument.seg_first)), csp=MAP_CSP
    )
