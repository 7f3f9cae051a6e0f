"""A commentator's page and a person's page: what one voice argued, and with whom it sides.

"What did each commentator argue" is argmap's pitch, so each commentator (a channel, a feed, a
named person) and each person (one voice the speaker stage recognised across videos) has a page:
their videos, their arguments grouped by type, the key points of a stored compare run they take
part in with their stance on each, and whom they agree or clash with most often in the stored
relations. Nothing is computed anew here; the page reads what ``argmap compare`` stored and says
which run it shows.

Who an argument belongs to follows compare's rule: in a video with several speakers it is the
speaker's person, otherwise the video's commentator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from argmap.pipeline.present.export.model import voice_of
from argmap.store import Store, queries
from argmap.store import pages as sp
from argmap.store import speakers as speakers_db
from argmap.store.records import ARGUMENT_TYPES, ArgumentInContext, VideoOverview

from .home import video_item
from .layout import (
    TYPE_PLURALS,
    Request,
    Response,
    esc,
    external_link,
    href,
    page,
    plural,
    seconds_text,
    stance,
    tag,
)
from .moments import Playbacks

AGREEING = {"agrees", "supports"}
CLASHING = {"contrasts", "attacks"}
#: how many people each of the "agrees most / clashes most" lists names
TOP = 5


@dataclass(frozen=True)
class Voice:
    """Whose an argument is: a commentator, or a person in a video with several speakers."""

    kind: str  # commentator | person
    id: str
    name: str

    def link(self) -> str:
        return f'<a href="{esc(href("/" + self.kind, id=self.id))}">{esc(self.name)}</a>'


def voice(a: ArgumentInContext) -> Voice:
    """Compare's rule, as the exports apply it (:func:`argmap.pipeline.present.export.model.voice_of`):
    a speaker's person when the video has several speakers, else the video's commentator."""
    key, name = voice_of(a)
    kind, _, ident = key.partition(":")
    return Voice(kind, ident, name)


def commentator_page(store: Store, req: Request) -> Response:
    commentator = store.commentator(req.q.get("id", ""))
    videos = sp.video_overviews(store, commentator_id=commentator.id)
    arguments = [a for v in videos for a in queries.preferred_arguments(store, v.video.id)]
    meta = [plural(len(videos), "video"), plural(len(arguments), "argument"), esc(commentator.kind)]
    if commentator.url:
        meta.append(external_link(commentator.url, "their page"))
    return _profile(store, req, "/commentator", commentator.name, meta, videos, arguments, lambda a: True)


def person_page(store: Store, req: Request) -> Response:
    person = speakers_db.person(store, req.q.get("id", ""))
    video_ids = sp.person_video_ids(store, person.id)
    videos = sp.video_overviews(store, video_ids=video_ids)
    arguments = [
        a for v in videos for a in queries.preferred_arguments(store, v.video.id) if a.person_id == person.id
    ]
    seconds = sum(s.seconds for s in speakers_db.speakers_of_person(store, person.id))
    meta = [plural(len(videos), "video"), plural(len(arguments), "argument")]
    if seconds:
        meta.append(f"{esc(seconds_text(seconds))} speaking")
    if not person.named:
        meta.append("not named yet: <code>argmap speakers name " + esc(person.id) + " NAME</code>")
    return _profile(
        store, req, "/person", person.name, meta, videos, arguments, lambda a: a.person_id == person.id
    )


def _profile(
    store: Store,
    req: Request,
    path: str,
    name: str,
    meta: list[str],
    videos: list[VideoOverview],
    arguments: list[ArgumentInContext],
    own: Callable[[ArgumentInContext], bool],
) -> Response:
    play = Playbacks()
    parts = [f"<h1>{esc(name)}</h1>", f'<p class="meta">{" · ".join(meta)}</p>']
    parts.append(f"<h2>Videos ({len(videos)})</h2><ul>" + "".join(video_item(v) for v in videos) + "</ul>")
    parts.append(_by_type(arguments, play))
    parts.append(_key_points(store, req, path, arguments, own, play))
    parts.append(_relations(store, [a for a in arguments if own(a)]))
    return Response(page(name, "".join(parts), req))


def _by_type(arguments: list[ArgumentInContext], play: Playbacks) -> str:
    if not arguments:
        return '<h2>Arguments</h2><p class="meta">No arguments extracted yet.</p>'
    out = [f'<h2>Arguments ({len(arguments)})</h2><div class="by-type">']
    for type_ in ARGUMENT_TYPES:
        these = [a for a in arguments if a.type == type_]
        if not these:
            continue
        out.append(
            f'<section class="type-group" id="{esc(type_)}"><h3>{TYPE_PLURALS[type_]} ({len(these)})</h3>'
        )
        for a in these:
            who = f" {esc(a.speaker)}:" if a.video_speakers > 1 and a.speaker else ""
            out.append(
                f'<div class="arg {esc(a.type)}">{tag(a.type)} {play(a.video).link(a.start, a.seg_first)}'
                f' <a class="video" href="{esc(href("/video", id=a.video_id))}">{esc(a.video.title)}</a>'
                f"{who}<div>{esc(a.text)}</div></div>"
            )
        out.append("</section>")
    out.append("</div>")
    return "".join(out)


def _key_points(
    store: Store,
    req: Request,
    path: str,
    arguments: Sequence[ArgumentInContext],
    own: Callable[[ArgumentInContext], bool],
    play: Playbacks,
) -> str:
    mine = {a.id for a in arguments if own(a)}
    holding = sp.runs_holding(store, sorted(mine)) if mine else {}
    # The run holding most of their arguments (newest first among equals), unless one is asked for.
    runs = sorted(
        (r for r in store.compare_runs() if r["run_id"] in holding), key=lambda r: -holding[r["run_id"]]
    )
    if not runs:
        return (
            '<h2>Key points</h2><p class="meta" id="no-key-points">No stored comparison includes these '
            "arguments yet: run <code>argmap compare</code>.</p>"
        )
    chosen = next((r for r in runs if r["run_id"] == req.q.get("run")), runs[0])
    views = [
        v
        for v in queries.run_key_points(store, chosen["run_id"])
        if any(m.argument_id in mine for m in v.members)
    ]
    members = queries.items_in_context(store, [("argument", m.argument_id) for v in views for m in v.members])
    about = f"topic “{esc(chosen['topic'])}”" if chosen.get("topic") else "all topics"
    out = [
        f'<h2>Key points</h2><p class="meta" id="key-point-run">from compare run '
        f'<a href="{esc(href("/compare", run=chosen["run_id"]))}">{esc(chosen["run_id"])}</a> ({about})'
    ]
    others = [r for r in runs if r["run_id"] != chosen["run_id"]]
    if others:
        out.append(
            "; also in "
            + ", ".join(
                f'<a href="{esc(href(path, id=req.q.get("id"), run=r["run_id"]))}">'
                f"{esc(r['topic'] or r['run_id'])}</a>"
                for r in others
            )
        )
    out.append('</p><table class="key-points"><tr><th>key point</th><th>stance</th><th>others</th></tr>')
    for v in views:
        said = [
            members[("argument", m.argument_id)] for m in v.members if ("argument", m.argument_id) in members
        ]
        stance_of = {m.argument_id: m.stance for m in v.members}
        theirs = [a for a in said if a.id in mine]
        top = Counter(stance_of[a.id] for a in theirs).most_common(1)[0][0]
        links = " ".join(play(a.video).link(a.start, a.seg_first) for a in theirs)
        rest: dict[Voice, list[str]] = {}
        for a in said:
            if a.id not in mine:
                rest.setdefault(voice(a), []).append(stance_of[a.id])
        other = "; ".join(
            f"{who.link()}: {stance(Counter(s).most_common(1)[0][0])}" for who, s in rest.items()
        )
        out.append(
            f"<tr><td>{esc(v.key_point.label)}</td><td>{stance(top)} {links}</td>"
            f"<td>{other or '<span class=meta>only them</span>'}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _relations(store: Store, mine: list[ArgumentInContext]) -> str:
    """Whom these arguments agree or clash with most, counting each pair of arguments once
    (several compare runs may store the same pair)."""
    ids = {a.id for a in mine}
    relations = sp.relations_touching(store, sorted(ids)) if ids else []
    other_ids = {
        r.target_argument_id if r.source_argument_id in ids else r.source_argument_id
        for r in relations
        if (r.source_argument_id in ids) != (r.target_argument_id in ids)
    }
    others = queries.items_in_context(store, [("argument", i) for i in sorted(other_ids)])
    pairs: dict[str, dict[Voice, set[frozenset[str]]]] = {"agree": {}, "clash": {}}
    for r in relations:
        if (r.source_argument_id in ids) == (r.target_argument_id in ids):
            continue
        kind = "agree" if r.relation in AGREEING else "clash" if r.relation in CLASHING else None
        other_id = r.target_argument_id if r.source_argument_id in ids else r.source_argument_id
        other = others.get(("argument", other_id))
        if kind is None or other is None:
            continue
        pairs[kind].setdefault(voice(other), set()).add(
            frozenset((r.source_argument_id, r.target_argument_id))
        )
    if not pairs["agree"] and not pairs["clash"]:
        return (
            '<h2>Agrees and clashes</h2><p class="meta" id="no-relations">No stored relation ties these '
            "arguments to anyone else's yet (<code>argmap compare</code> stores them).</p>"
        )
    out = ['<h2>Agrees and clashes</h2><div class="sides">']
    sides = (("agree", "Agrees most with", "agrees"), ("clash", "Clashes most with", "clashes"))
    for kind, title, anchor in sides:
        ranked = sorted(pairs[kind].items(), key=lambda kv: (-len(kv[1]), kv[0].name, kv[0].id))[:TOP]
        out.append(f'<section class="{kind}" id="{anchor}"><h3>{title}</h3>')
        if not ranked:
            out.append('<p class="meta">nobody in the stored relations</p>')
        else:
            out.append(
                "<ol>"
                + "".join(
                    f"<li>{who.link()} <span class=meta>{plural(len(p), 'pair')} of arguments</span></li>"
                    for who, p in ranked
                )
                + "</ol>"
            )
        out.append("</section>")
    out.append("</div>")
    return "".join(out)


__all__ = ["Voice", "commentator_page", "person_page", "voice"]
