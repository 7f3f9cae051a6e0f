"""The download stage: an entry's media (or its captions) onto disk, named by id.

Files are saved as ``<media dir>/<safe id>.<ext>``, never by title: titles change, repeat
and carry characters no file system likes, while the canonical id is what the database
knows the video by. With ``--captions prefer`` or ``only`` the entry is resolved first and,
when the source offers subtitles or automatic captions, those are stored as the transcript
(``source = captions``) and the media is not fetched at all.

yt-dlp reports every failure as one long ``DownloadError`` string. :func:`classify` turns
it into one line for the user and decides whether it is permanent (404, private, deleted,
not media: retrying cannot help) or transient (timeouts, 5xx, rate limits: the next run
retries it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argmap.pipeline.config import CAPTION_MODES, DEFAULT_MAX_DURATION, DEFAULT_MAX_FILESIZE, IngestOptions
from argmap.pipeline.errors import ConfigError, MediaError, SourceError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS
from argmap.pipeline.ingest.captions import (
    cues_to_segments,
    header_language,
    parse_captions,
    read_caption_file,
    speakers_from_labels,
    voice_names,
)
from argmap.pipeline.ingest.sources import Entry, safe_name
from argmap.pipeline.ingest.ytdlp import (
    MIN_RATE,
    RATE_GRACE,
    StreamLimit,
    base_params,
    classify,
    guarded_ydl,
    number,
    plain_url,
    published_date,
)
from argmap.pipeline.stages import BaseStage, StageContext, wants_media
from argmap.pipeline.text import clean_line, clean_text
from argmap.store import STAGES, StageStatus, Store, Transcript, Video

# Caption formats we can parse, best first.
_CAPTION_EXTS = ("vtt", "srt")

ProgressFn = Callable[[str, float, float | None], None]

# -- size and length limits ------------------------------------------------------------

_SIZE_UNITS = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(value: str | None) -> int | None:
    """``--max-filesize``: bytes, or a number with K/M/G/T (binary, like yt-dlp); 0 = no limit."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", value, re.IGNORECASE)
    if not m:
        raise ConfigError(f"--max-filesize {value!r}: expected a size like 500M or 2G")
    size = int(float(m.group(1)) * _SIZE_UNITS[m.group(2).upper()])
    return size or None


def parse_duration_limit(value: str | None) -> float | None:
    """``--max-duration``: seconds, or [HH:]MM:SS; 0 = no limit."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        seconds = float(text)
    elif re.fullmatch(r"\d+(?::[0-5]?\d){1,2}(?:\.\d+)?", text):
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + float(part)
    else:
        raise ConfigError(f"--max-duration {value!r}: expected seconds or HH:MM:SS")
    return seconds or None


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            break
        n /= 1024
    return f"{n:.1f}".removesuffix(".0") + f" {unit}"


def human_duration(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def probe_duration(path: Path) -> float | None:
    """A media file's duration from its container header, or None if it cannot be read."""
    try:
        import av

        with av.open(str(path)) as container:
            if container.duration is not None:
                return float(container.duration) / 1_000_000  # PyAV's time base is microseconds
            durations = [
                float(s.duration * s.time_base) for s in container.streams if s.duration and s.time_base
            ]
            return max(durations) if durations else None
    except Exception:  # noqa: BLE001 - unreadable media is the transcriber's to report
        return None


#: yt-dlp's key for the caption tracks a site made by speech recognition (YouTube's, unpunctuated)
AUTOMATIC_CAPTIONS = "automatic_captions"


@dataclass
class DownloadOptions:
    media_dir: Path
    captions: str = "prefer"  # one of CAPTION_MODES
    language: str | None = None  # caption language to look for; None = the video's or English
    cookies: str | None = None
    sleep: float = 0.0  # seconds between media downloads (be polite to one host)
    max_filesize: int | None = DEFAULT_MAX_FILESIZE  # bytes; None = no limit
    max_duration: float | None = DEFAULT_MAX_DURATION  # seconds; None = no limit
    min_rate: float = MIN_RATE  # bytes/s a download must average once past rate_grace
    rate_grace: float = RATE_GRACE

    def __post_init__(self) -> None:
        if self.captions not in CAPTION_MODES:
            raise ConfigError(f"--captions {self.captions!r}: expected one of {', '.join(CAPTION_MODES)}")

    def check_size(self, size: float | None) -> None:
        if size and self.max_filesize and size > self.max_filesize:
            raise MediaError(
                f"too large: {human_size(size)} > {human_size(self.max_filesize)} limit (--max-filesize)",
                permanent=True,
            )

    def check_duration(self, seconds: float | None) -> None:
        if seconds and self.max_duration and seconds > self.max_duration:
            raise MediaError(
                f"too long: {human_duration(seconds)} > {human_duration(self.max_duration)} limit"
                " (--max-duration)",
                permanent=True,
            )


@dataclass
class DownloadWork:
    """What a download needs away from the store: the video row and how to fetch it."""

    video: Video
    entry: Entry


@dataclass
class Fetched:
    """What one download produced: the updated video, and a captions transcript if any."""

    media_path: Path | None
    info: dict[str, Any]
    captions: tuple[Transcript, list[Any]] | None = None
    downloaded: bool = False  # a media file was fetched (not captions only)


@dataclass
class Downloader(BaseStage):
    """The ``download`` stage (see :class:`argmap.pipeline.stages.Stage`).

    What it takes to fetch a video (the yt-dlp entry, a local path) is not part of the video
    row; the runner hands the expanded entries over in the :class:`StageContext`.
    """

    name = "download"
    requires: tuple[str, ...] = ()
    kind = "io"

    def __init__(self, options: DownloadOptions):
        self.options = options
        self.downloads = 0  # media files this instance fetched (sleep only between its own)
        self.fetched = 0  # media files committed in this run (what the report counts)
        self.progress: ProgressFn | None = None

    @classmethod
    def from_options(cls, options: IngestOptions, store: Store) -> Downloader:
        return cls(
            DownloadOptions(
                media_dir=media_dir_for(store, options.media_dir),
                captions=options.captions,
                language=options.language,
                cookies=options.cookies,
                sleep=options.sleep,
                max_filesize=options.max_filesize,
                max_duration=options.max_duration,
            )
        )

    def open(self, ctx: StageContext) -> None:
        self.progress = lambda task, done, total: ctx.progress(task, done, total, "B")

    def rerun(self, ctx: StageContext, video: Video, statuses: Mapping[str, StageStatus]) -> bool:
        # Done before, but the media has gone (deleted after transcription, or by hand) while
        # a stage of this run still has to listen to it.
        return wants_media(ctx, statuses) and not (video.media_path and Path(video.media_path).is_file())

    def prepare(self, ctx: StageContext, video: Video) -> DownloadWork | None:
        store = ctx.store
        entry = ctx.entries.get(video.id)
        if entry is None:
            raise SourceError("this video was not part of the sources given", permanent=False)
        if entry.kind == "import":
            import_transcript(store, entry)
            return None
        if entry.kind == "file":
            assert entry.path is not None
            if not entry.path.is_file():
                raise MediaError(f"{entry.path}: file has gone", permanent=False)
            self.options.check_size(entry.path.stat().st_size)
            duration = probe_duration(entry.path)
            if duration and self.options.max_duration and duration > self.options.max_duration:
                # refused, but its length is known: `argmap videos` shows why it was too long
                with store.transaction():
                    _merge_video(store, video.id, {"duration": round(duration, 3)}, overwrite=())
            self.options.check_duration(duration)
            updates: dict[str, Any] = {"media_path": str(entry.path)}
            if duration:
                updates["duration"] = round(duration, 3)
            with store.transaction():
                _merge_video(store, video.id, updates, overwrite=("media_path",))
                store.mark(video.id, "download", "done")
            return None
        return DownloadWork(video, entry)

    def compute(self, work: DownloadWork) -> Fetched:
        with HEAVY_IMPORTS:
            import yt_dlp

        video, entry = work.video, work.entry
        # made here, not when the stage opens: a batch of local files and transcripts needs none
        self.options.media_dir.mkdir(parents=True, exist_ok=True)
        if self.options.sleep and self.downloads:
            import time

            time.sleep(self.options.sleep)
        stem = safe_name(video.id)
        params = base_params(self.options.cookies)
        params.update(
            {
                "format": "bestaudio/best",
                "outtmpl": {"default": str(self.options.media_dir / f"{stem}.%(ext)s")},
                "paths": {},
                "restrictfilenames": True,
                "continuedl": True,
                "nopart": False,
                "writesubtitles": False,
                "writeautomaticsub": False,
                "progress_hooks": [self._hook(video)],
            }
        )
        assert entry.info is not None
        # What the feed or playlist already said can turn an entry away without a request.
        self.options.check_duration(video.duration)
        with guarded_ydl(params, min_rate=self.options.min_rate, grace=self.options.rate_grace) as ydl:
            try:
                info = ydl.process_ie_result(dict(entry.info), download=False)
                self.options.check_duration(number(info.get("duration")))
                captions = None
                if self.options.captions != "never":
                    captions = self._captions(ydl, info, video)
                if captions is None and self.options.captions == "only":
                    raise MediaError("the source offers no captions (--captions only)", permanent=True)
                media_path = None
                if captions is None:
                    self.options.check_size(_reported_size(info))
                    result = ydl.process_ie_result(info, download=True)
                    media_path = _downloaded_path(ydl, result)
                    self.downloads += 1
            except StreamLimit as err:
                _remove_partial(self.options.media_dir, stem)
                raise SourceError(str(err), permanent=err.permanent) from err
            except (yt_dlp.utils.YoutubeDLError, yt_dlp.networking.exceptions.RequestError) as err:
                # DownloadError mostly; UnavailableVideoError and raw request errors too,
                # depending on which HTTP library yt-dlp found.
                reason, permanent = classify(str(err))
                if not permanent:
                    _remove_partial(self.options.media_dir, stem)
                raise SourceError(reason, permanent=permanent) from err
            except MediaError:
                _remove_partial(self.options.media_dir, stem)
                raise
        duration = number(info.get("duration"))
        if media_path is not None and not duration:
            # Direct links rarely announce a length; the container header does, before
            # hours of transcription are spent on it.
            probed = probe_duration(media_path)
            try:
                self.options.check_duration(probed)
            except MediaError:
                media_path.unlink(missing_ok=True)
                raise
            duration = round(probed, 3) if probed else None
        updates = {
            "title": clean_line(info.get("title")) or None,
            "duration": duration,
            "published": published_date(info),
            "webpage_url": plain_url(info.get("webpage_url")),
            "description": clean_text(info.get("description")),
            "media_path": str(media_path) if media_path else None,
        }
        return Fetched(media_path, updates, captions, downloaded=media_path is not None)

    def commit(self, ctx: StageContext, video: Video, result: Fetched) -> None:
        store = ctx.store
        if result.downloaded:
            self.fetched += 1
        with store.transaction():
            _merge_video(store, video.id, result.info, overwrite=("media_path",))
            if result.captions is not None:
                transcript, segments = result.captions
                segments, speakers = speakers_from_labels(segments, video.id)
                store.save_transcript(transcript, segments, speakers=speakers)  # marks transcribe done
            store.mark(video.id, "download", "done")

    def _hook(self, video: Video) -> Callable[[dict[str, Any]], None]:
        label = f"download {video.title or video.id}"

        def hook(d: dict[str, Any]) -> None:
            total = d.get("total_bytes") or d.get("total_bytes_estimate")
            done = d.get("downloaded_bytes") or 0
            # Content-Length arrives with the first block; a stream without one is cut off
            # once it passes the limit. Raising here aborts yt-dlp's download.
            self.options.check_size(d.get("total_bytes") or done)
            if self.progress is None:
                return
            if d.get("status") == "finished":
                total = total or done
                done = total
            self.progress(label, float(done), float(total) if total else None)

        return hook

    def _captions(self, ydl: Any, info: dict[str, Any], video: Video) -> tuple[Transcript, list[Any]] | None:
        """Subtitles (preferred) or automatic captions (not with ``--captions manual``) as a
        transcript, or None if none fit."""
        wanted = self.options.language or info.get("language") or "en"
        sources = ("subtitles",) if self.options.captions == "manual" else ("subtitles", AUTOMATIC_CAPTIONS)
        for source in sources:
            tracks: dict[str, list[dict[str, Any]]] = info.get(source) or {}
            lang = _pick_language(tracks, wanted)
            if lang is None:
                continue
            track = _pick_track(tracks[lang])
            if track is None:
                continue
            fmt = str(track.get("ext") or Path(str(track.get("url", ""))).suffix.lstrip(".") or "vtt")
            text = track.get("data")
            if text is None:
                with ydl.urlopen(track["url"]) as response:
                    text = response.read().decode("utf-8-sig", errors="replace")
            cues = parse_captions(text, fmt)
            if not cues:
                continue
            # Keep the caption file beside the media so the archive is complete.
            # Track languages and formats are the source's words: never let them pick a path.
            (self.options.media_dir / f"{safe_name(video.id)}.{safe_name(lang)}.{safe_name(fmt)}").write_text(
                text, encoding="utf-8"
            )
            transcript = Transcript(
                id=Transcript.make_id(video.id, "captions"),
                video_id=video.id,
                source="captions",
                model=f"{source}:{fmt}",
                language=lang.split("-")[0],
                # a page's <track> comes without a reported length: the captions' end stands in
                duration=number(info.get("duration")) or max((c.end for c in cues), default=None),
            )
            segments = cues_to_segments(cues, transcript_id=transcript.id, video_id=video.id)
            for segment in segments:
                segment.language = transcript.language  # a caption track is in one language
            return transcript, segments
        return None


def from_automatic_captions(transcript: Transcript | None) -> bool:
    """Whether ``transcript`` is a source's automatic captions (its ``model`` names the track kind
    :meth:`Downloader._captions` took), whose sentence ends a model restored."""
    return transcript is not None and (transcript.model or "").startswith(f"{AUTOMATIC_CAPTIONS}:")


def _reported_size(info: dict[str, Any]) -> float | None:
    """The size yt-dlp expects for the chosen format(s), exact or approximate."""
    parts = info.get("requested_formats") or [info]
    sizes = [number(f.get("filesize")) or number(f.get("filesize_approx")) for f in parts]
    known = [s for s in sizes if s]
    return sum(known) if known else None


def _remove_partial(media_dir: Path, stem: str) -> None:
    for leftover in media_dir.glob(f"{stem}.*"):
        if leftover.suffix in (".part", ".ytdl") or leftover.name.endswith((".part", ".ytdl")):
            leftover.unlink(missing_ok=True)


def _pick_language(tracks: dict[str, list[dict[str, Any]]], wanted: str) -> str | None:
    if not tracks:
        return None
    if wanted in tracks:
        return wanted
    base = wanted.split("-")[0].lower()
    for lang in sorted(tracks):
        if lang.lower().split("-")[0] == base and "live_chat" not in lang:
            return lang
    return None


def _pick_track(tracks: list[dict[str, Any]]) -> dict[str, Any] | None:
    for ext in _CAPTION_EXTS:
        for track in tracks:
            url_ext = Path(str(track.get("url", "")).split("?")[0]).suffix.lstrip(".")
            if track.get("ext") == ext or (not track.get("ext") and url_ext == ext):
                return track
    return None


def _downloaded_path(ydl: Any, result: dict[str, Any]) -> Path:
    for item in result.get("requested_downloads") or []:
        path = item.get("filepath") or item.get("_filename")
        if path and Path(path).is_file():
            return Path(path)
    path = Path(ydl.prepare_filename(result))
    if path.is_file():
        return path
    raise MediaError("download finished but no media file was written", permanent=False)


def media_dir_for(store: Store, explicit: Path | None) -> Path:
    """``--media-dir``, else ``<db stem>-media`` beside the database file."""
    if explicit is not None:
        return Path(explicit)
    if store.path is None:
        raise ConfigError("an in-memory database needs an explicit media folder (--media-dir)")
    return store.path.with_name(f"{store.path.stem}-media")


def _merge_video(store: Store, video_id: str, updates: dict[str, Any], *, overwrite: tuple[str, ...]) -> None:
    """Fill the video row's empty fields; only ``overwrite`` fields replace stored values.

    Expansion stores what the feed says, download adds what the media says. Filling only
    gaps makes the final row the same whichever run got how far, which is what lets a
    killed batch, re-run, end with the same database as one that never stopped.
    """
    current = store.video(video_id)
    row: dict[str, Any] = {}
    for key, value in updates.items():
        if value is None:
            continue
        if key in overwrite or getattr(current, key) in (None, ""):
            row[key] = value
    store.update_video(video_id, row)


def register(store: Store, entry: Entry) -> None:
    """Store an entry's commentator and video, keeping what earlier runs already learned."""
    with store.transaction():
        known = store.has_video(entry.video.id)
        if entry.commentator is not None and not (known and "commentator_id" in entry.guessed):
            store.upsert_commentator(entry.commentator)
        if not known:
            store.upsert_video(entry.video)
            return
        _moved_file(store, entry)
        updates = {k: v for k, v in vars(entry.video).items() if k != "id" and k not in entry.guessed}
        # What the source says now wins over what it said before, except where the
        # download learned more (media path) or the source is silent.
        keep = {"media_path"}
        overwrite = tuple(k for k, v in updates.items() if k not in keep and v not in (None, ""))
        before = store.video(entry.video.id).commentator_id
        _merge_video(store, entry.video.id, updates, overwrite=overwrite)
        given = "commentator_id" not in entry.guessed  # a guess never replaced the stored one
        if given and entry.video.commentator_id and before not in (None, entry.video.commentator_id):
            # A new commentator (--commentator on a re-ingest): the old one may be left with no
            # video, and the gist names who argues, so the summary is due again.
            store.drop_orphan_commentators()
            store.reset_stages(entry.video.id, ["summarise"])


def _moved_file(store: Store, entry: Entry) -> None:
    """The same bytes under another local name (a video is known by its content): the new name is
    the one read from now on. Where it is read another way (a text renamed from ``.rst`` to
    ``.txt``, as the failure line tells the user to) or the old name failed for good, every stage is
    due again, so the rename is not skipped as already failed; a renamed copy of what already
    worked stays skipped."""
    stored = store.video(entry.video.id)
    new, old = entry.video.source_url, stored.source_url
    if entry.path is None or new == old or not (new.startswith("file:") and old.startswith("file:")):
        return
    as_media = entry.kind == "file"
    kind_changed = as_media != bool(stored.media_path)
    gave_up = any(s.status == "failed" and s.permanent for s in store.statuses(entry.video.id).values())
    if kind_changed or gave_up:
        store.update_video(entry.video.id, {"media_path": str(entry.path) if as_media else None})
        store.reset_stages(entry.video.id, STAGES)


def import_transcript(store: Store, entry: Entry) -> None:
    """A .vtt/.srt/.txt/.md file becomes the video's transcript (``source = import``)."""
    assert entry.path is not None
    cues = read_caption_file(entry.path)
    transcript = Transcript(
        id=Transcript.make_id(entry.video.id, "import"),
        video_id=entry.video.id,
        source="import",
        model=entry.path.suffix.lower().lstrip("."),
        language=header_language(entry.path),
        duration=max((c.end for c in cues), default=None),
    )
    segments, speakers = speakers_from_labels(
        cues_to_segments(cues, transcript_id=transcript.id, video_id=entry.video.id),
        entry.video.id,
        voice_names(entry.path),
    )
    for segment in segments:
        segment.language = transcript.language  # one header names the language of every cue
    with store.transaction():
        store.save_transcript(transcript, segments, speakers=speakers)
        store.mark(entry.video.id, "download", "done")
