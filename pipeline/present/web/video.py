"""The video page: listen to the video and read what was argued in it, side by side.

Summary, speakers, the arguments and the transcript (speaker turns marked, the argued passages
highlighted) around a player that plays the video's own media file from ``/media/``. Every
moment on the page seeks that player without leaving the page, and the transcript follows
playback (``static/player.js``); ``#t=65`` in the address starts the player there, which is how
links from search, compare and the commentator pages arrive. Videos without a media file here
link to their site or into their transcript instead (:mod:`.moments`).
"""

from __future__ import annotations

from argmap.pipeline.document import failed_stage
from argmap.store import Commentator, NotFound, Store, queries
from argmap.store import pages as sp
from argmap.store.records import ArgumentInContext, Segment

from .layout import Request, Response, esc, href, page, plural, quote_block, seconds_text, tag
from .moments import SEGMENTS_PER_PAGE, Playback, media_url, playback_for


def video_page(store: Store, req: Request) -> Response:
    video_id = req.q.get("id", "")
    video = store.video(video_id)  # NotFound: a 404 page
    play = playback_for(video)
    transcript = store.transcript(video.id)
    segments = store.segments(transcript.id) if transcript else []
    arguments = queries.preferred_arguments(store, video.id)
    speakers = sp.video_speakers(store, video.id)
    commentator = _commentator(store, video.commentator_id)

    meta = []
    if commentator:
        meta.append(f'<a href="{esc(href("/commentator", id=commentator.id))}">{esc(commentator.name)}</a>')
    # Local files have no reported length: the transcript's decoded one stands in.
    length = video.duration or (transcript.duration if transcript else None)
    meta += [esc(x) for x in (video.published, seconds_text(length)) if x]
    if transcript and transcript.language:
        meta.append(f"language {esc(transcript.language)}")
    if speakers:
        meta.append(plural(len(speakers), "speaker"))
    source = play.source_link()
    if source:
        meta.append(source)
    parts = [f"<h1>{esc(video.title)}</h1>", f'<p class="meta" id="video-meta">{" · ".join(meta)}</p>']
    parts.append(_player(play))
    parts.append('<div class="columns"><div class="col">')
    parts.append(_summary(store, play))
    parts.append(_speakers(speakers))
    missing = None if transcript else _why_no_transcript(store, video.id)
    parts.append(_arguments(play, arguments, speakers=len(speakers), missing=missing))
    parts.append('</div><div class="col">')
    parts.append(_transcript(play, segments, arguments, speakers, req, missing=missing))
    parts.append("</div></div>")
    return Response(page(video.title, "".join(parts), req, script=play.kind == "media"))


def _why_no_transcript(store: Store, video_id: str) -> str:
    failed = failed_stage(store, video_id)
    return f"No transcript: {failed} (argmap retry runs it again)." if failed else "No transcript yet."


def _commentator(store: Store, commentator_id: str | None) -> Commentator | None:
    """The video's commentator; None when it has none, or its row is gone (the page still shows)."""
    try:
        return store.commentator(commentator_id) if commentator_id else None
    except NotFound:
        return None


def _player(play: Playback) -> str:
    note = play.note()
    if play.kind != "media":
        return f'<p class="note" id="media-note">{esc(note)}</p>'
    el = play.element
    return (
        f'<div class="player" id="player-box"><{el} id="player" controls preload="metadata"'
        f' src="{esc(media_url(play.video.id))}" aria-label="play the video"></{el}></div>'
    )


def _summary(store: Store, play: Playback) -> str:
    summary = store.summary(play.video.id)
    if not summary:
        return ""
    out = ['<section id="summary"><h2>Summary</h2>']
    out.append(f'<p class="gist"><strong>{esc(summary.gist)}</strong></p>')
    out.append(f'<p class="summary">{esc(summary.paragraph)}</p>')
    if summary.key_points:
        out.append('<ul class="key-moments">')
        for kp in summary.key_points:
            who = f"<strong>{esc(kp['speaker'])}:</strong> " if kp.get("speaker") else ""
            out.append(f"<li>{play.link(kp.get('start'), None, here=True)} {who}{esc(kp.get('text'))}</li>")
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def _speakers(speakers: list[sp.SpeakerView]) -> str:
    if not speakers:
        return ""
    out = ['<section id="speakers"><h2>Speakers</h2><ul>']
    for s in speakers:
        name = esc(s.name)
        if s.speaker.person_id:
            name = f'<a href="{esc(href("/person", id=s.speaker.person_id))}">{name}</a>'
        time = seconds_text(s.speaker.seconds)
        out.append(f"<li>{name}" + (f' <span class="meta">{esc(time)}</span>' if time else "") + "</li>")
    out.append("</ul></section>")
    return "".join(out)


def _arguments(
    play: Playback, arguments: list[ArgumentInContext], *, speakers: int, missing: str | None = None
) -> str:
    if not arguments:
        why = "None: there is no transcript to read." if missing else "None found in this video."
        return f'<section id="arguments"><h2>Arguments</h2><p class="meta">{why}</p></section>'
    out = [f'<section id="arguments"><h2>Arguments ({len(arguments)})</h2>']
    without_media = play.kind in ("text", "missing")
    for a in arguments:
        who = f' <span class="meta">{esc(a.speaker)}:</span>' if speakers > 1 and a.speaker else ""
        if a.origin == "title":
            who += ' <span class="meta">(from the title)</span>'
        out.append(
            f'<div class="arg {esc(a.type)}" id="arg-{esc(a.id)}">{tag(a.type)} '
            f"{play.link(a.start, a.seg_first, here=True)}{who} {esc(a.text)}"
            f"{quote_block(a.quote, a.text, always=without_media)}</div>"
        )
    out.append("</section>")
    return "".join(out)


def _transcript(
    play: Playback,
    segments: list[Segment],
    arguments: list[ArgumentInContext],
    speakers: list[sp.SpeakerView],
    req: Request,
    *,
    missing: str | None = None,
) -> str:
    if not segments:
        return (
            '<section id="transcript-part"><h2>Transcript</h2>'
            f'<p class="meta" id="no-transcript">{esc(missing or "No speech was found in it.")}</p></section>'
        )
    # One pass over the arguments, not one per segment: an hours-long video has tens of
    # thousands of segments and thousands of arguments.
    on_segment: dict[int, list[ArgumentInContext]] = {}
    for a in arguments:
        if a.seg_first is not None and a.seg_last is not None:
            for idx in range(a.seg_first, a.seg_last + 1):
                on_segment.setdefault(idx, []).append(a)
    names = {s.speaker.id: s.name for s in speakers}
    pages = max(1, -(-len(segments) // SEGMENTS_PER_PAGE))
    part = min(max(1, _int(req.q.get("part"), 1)), pages)
    shown = segments[(part - 1) * SEGMENTS_PER_PAGE : part * SEGMENTS_PER_PAGE]
    out = ['<section id="transcript-part"><h2>Transcript</h2>']
    if pages > 1:
        links = " ".join(
            f"<strong>{n}</strong>"
            if n == part
            else f'<a href="{esc(href("/video", id=play.video.id, part=n))}">{n}</a>'
            for n in range(1, pages + 1)
        )
        out.append(f'<p class="meta">part {part} of {pages}: {links}</p>')
    out.append('<div class="transcript" id="transcript" tabindex="-1">')
    last_speaker: str | None = None
    for seg in shown:
        if seg.speaker_id and seg.speaker_id != last_speaker:
            out.append(f'<div class="turn">{esc(names.get(seg.speaker_id, "unknown speaker"))}</div>')
        last_speaker = seg.speaker_id or last_speaker
        hits = on_segment.get(seg.idx, [])
        marks = "".join(f' <a class="argref" href="#arg-{esc(a.id)}">{tag(a.type)}</a>' for a in hits)
        text = f"<mark>{esc(seg.text)}</mark>" if hits else esc(seg.text)
        out.append(
            f'<div class="{"seg hl" if hits else "seg"}" id="seg-{seg.idx}" data-start="{seg.start:g}"'
            f' data-end="{seg.end:g}"><span class="t">{play.link(seg.start, seg.idx, here=True)}</span>'
            f"<span>{text}{marks}</span></div>"
        )
    out.append("</div></section>")
    return "".join(out)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default
