"""The home page: who is in the store, and their videos.

The first question a person brings is "who said what", so the page lists commentators (each a
link to their page) with their videos under them, then the people the speaker stage recognised
across videos. Counts are written as people write them ("1 video", "3 arguments"), and a
commentator or person left without videos (after a rename, a merge or a removed video) is not
listed: an "audio, 0 videos" line says nothing.
"""

from __future__ import annotations

from argmap.store import Store
from argmap.store import pages as sp
from argmap.store.records import VideoOverview

from .layout import Request, Response, esc, href, page, plural, seconds_text


def video_item(v: VideoOverview) -> str:
    meta = [x for x in (v.video.published, seconds_text(v.video.duration)) if x]
    # a failed video's count would read as "extraction ran and found none"
    meta.append(f"{v.failed} failed" if v.failed and not v.arguments else plural(v.arguments, "argument"))
    return (
        f'<li><a href="{esc(href("/video", id=v.video.id))}">{esc(v.video.title)}</a> '
        f'<span class="meta">{esc(" · ".join(meta))}</span></li>'
    )


def home_page(store: Store, req: Request) -> Response:
    commentators = sp.commentator_overviews(store)
    videos = sp.video_overviews(store)
    by_commentator: dict[str | None, list[VideoOverview]] = {}
    for v in videos:
        by_commentator.setdefault(v.video.commentator_id, []).append(v)
    parts = ["<h1>Commentators and their videos</h1>"]
    if not videos:
        parts.append("<p>The store has no videos yet: run <code>argmap ingest</code>.</p>")
    for c in commentators:
        parts.append(
            f'<section class="who"><h2 class="commentator">'
            f'<a href="{esc(href("/commentator", id=c.commentator.id))}">{esc(c.commentator.name)}</a> '
            f'<span class="meta">{plural(c.videos, "video")} · {plural(c.arguments, "argument")}</span>'
            "</h2><ul>"
        )
        parts.extend(video_item(v) for v in by_commentator.get(c.commentator.id, []))
        parts.append("</ul></section>")
    if None in by_commentator:
        parts.append('<section class="who"><h2 class="commentator">(no commentator)</h2><ul>')
        parts.extend(video_item(v) for v in by_commentator[None])
        parts.append("</ul></section>")
    persons = sp.person_overviews(store)
    if persons:
        parts.append('<h2>People who speak</h2><ul class="people">')
        for p in persons:
            meta = [plural(p.videos, "video")]
            if p.seconds:
                meta.append(f"{seconds_text(p.seconds)} speaking")
            parts.append(
                f'<li><a href="{esc(href("/person", id=p.person.id))}">{esc(p.person.name)}</a> '
                f'<span class="meta">{esc(" · ".join(meta))}</span></li>'
            )
        parts.append("</ul>")
    return Response(page("argmap", "".join(parts), req))
