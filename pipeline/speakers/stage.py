"""The ``diarize`` stage of ``argmap ingest``: speaker turns, speakers and persons for a video.

Speech recognised from media is diarized from the audio (by channel for two-track recordings);
captions and imported transcripts keep the speakers their own labels named ("Dana:", ">>"),
since there may be no audio to listen to. Segments and words get their speaker; each speaker is
linked to a person across videos (:mod:`.people`). Turned off with ``--no-diarize``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.errors import MediaError, MediaGone
from argmap.pipeline.ingest.transcribe import decode_channels, independent_channels
from argmap.pipeline.speakers import models
from argmap.pipeline.speakers.assign import assign
from argmap.pipeline.speakers.diarize import Diarization, diarize, diarize_channels
from argmap.pipeline.speakers.people import link_speakers
from argmap.pipeline.stages import BaseStage, StageContext
from argmap.pipeline.text import clean_speech
from argmap.store import Segment, Speaker, SpeakerTurn, Store, Video
from argmap.store import speakers as sp
from argmap.store.vectors import to_blob

CHANNEL_NAMES = ("left channel", "right channel")
#: a one-word "turn" shorter than this is taken for a timing wobble at a turn edge
WOBBLE_SECONDS = 0.3


class DiarizeStage(BaseStage):
    name = "diarize"
    requires: tuple[str, ...] = ("transcribe",)
    uses_media = True

    @classmethod
    def from_options(cls, options: IngestOptions, store: Store) -> DiarizeStage | None:
        return cls() if options.diarize else None

    def open(self, ctx: StageContext) -> None:
        models.load()

    def prepare(self, ctx: StageContext, video: Video) -> DiarizeWork | None:
        return prepare_diarization(ctx.store, video)

    def compute(self, work: DiarizeWork) -> DiarizeResult:
        return compute_diarization(work)

    def commit(self, ctx: StageContext, video: Video, result: DiarizeResult) -> None:
        commit_diarization(ctx.store, video, result)

    def close(self) -> None:
        # torch and onnxruntime models go before extraction loads its own.
        models.release()


@dataclass
class DiarizeWork:
    """A transcribed video whose audio is to be diarized: its segments and its media file."""

    video_id: str
    transcript_id: str
    segments: list[Segment]
    media_path: str


@dataclass
class DiarizeResult:
    transcript_id: str
    speakers: list[Speaker]
    turns: list[SpeakerTurn]
    segments: list[Segment]  # the transcript again, cut where speakers change
    diarization: Diarization


def diarize_video(store: Store, video: Video) -> Diarization | None:
    """Diarize one stored video and save speakers, turns and segment speakers in one go."""
    work = prepare_diarization(store, video)
    if work is None:
        return None
    result = compute_diarization(work)
    commit_diarization(store, video, result)
    return result.diarization


def prepare_diarization(store: Store, video: Video) -> DiarizeWork | None:
    """What diarizing the video needs; ``None`` when it was settled without audio (captions
    and imports keep the speakers their labels named)."""
    transcript = store.transcript(video.id)
    if transcript is None:
        raise MediaError("no transcript to give speakers to yet", permanent=False)
    if transcript.source != "asr":
        with store.transaction():
            link_speakers(store, video, [s for s in sp.speakers_of(store, video.id) if not s.person_id])
            store.mark(video.id, "diarize", "done")
        return None
    if not video.media_path or not Path(video.media_path).is_file():
        raise MediaGone("the media file is gone; the next run of this command fetches it again")
    return DiarizeWork(video.id, transcript.id, store.segments(transcript.id), video.media_path)


def compute_diarization(work: DiarizeWork) -> DiarizeResult:
    """Speaker turns from the audio, speakers with their voices, segments cut at turns."""
    channels = decode_channels(work.media_path)
    by_channel = len(channels) == 2 and independent_channels(*channels)
    if by_channel:
        result = diarize_channels(*channels)
    else:
        audio = channels[0] if len(channels) == 1 else (channels[0] + channels[1]) / 2
        channels = ()  # one mix is all diarization needs: do not hold the tracks beside it
        result = diarize(audio)

    speakers = {
        n: Speaker(
            id=Speaker.make_id(work.video_id, f"{result.method}:{n}"),
            video_id=work.video_id,
            label=f"Speaker {n + 1}" + (f" ({CHANNEL_NAMES[n]})" if by_channel else ""),
            source="channel" if by_channel else "voice",
            seconds=round(result.seconds(n), 2),
            voice=to_blob(result.voices[n]) if n in result.voices else None,
        )
        for n in result.speakers
    }
    segments = work.segments
    if by_channel:
        # Each segment was transcribed from one track: that track's person said it.
        who: list[int | None] = [s.channel for s in segments]
        words: list[list[dict[str, Any]] | None] = [s.words for s in segments]
    else:
        who, words = assign(result.turns, segments)

    def speaker_id(n: int | None) -> str | None:
        return speakers[n].id if n is not None and n in speakers else None

    cut = cut_at_speaker_changes(segments, who, words, speaker_id)
    turns = [SpeakerTurn(work.video_id, speakers[t.speaker].id, t.start, t.end) for t in result.turns]
    return DiarizeResult(work.transcript_id, list(speakers.values()), turns, cut, result)


def commit_diarization(store: Store, video: Video, result: DiarizeResult) -> None:
    with store.transaction():
        sp.save_diarization(
            store, video.id, result.transcript_id, result.speakers, result.turns, result.segments
        )
        link_speakers(store, video, result.speakers)


def cut_at_speaker_changes(
    segments: list[Segment],
    who: list[int | None],
    words: list[list[dict[str, Any]] | None],
    speaker_id: Callable[[int | None], str | None],
) -> list[Segment]:
    """The transcript again, each segment cut where its words change speaker, renumbered."""
    pieces: list[Segment] = []
    for seg, n, tagged in zip(segments, who, words, strict=True):
        if not tagged:
            pieces.append(replace(seg, speaker_id=speaker_id(n)))
            continue
        # A word no turn covers stays with the words around it.
        last = n
        runs: list[tuple[int | None, list[dict[str, Any]]]] = []
        for w in tagged:
            current = w.get("speaker", last) if w.get("speaker") is not None else last
            last = current
            if runs and runs[-1][0] == current:
                runs[-1][1].append(w)
            else:
                runs.append((current, [w]))
        runs = _absorb_single_words(runs)
        if len(runs) == 1:
            # every word carries the run's speaker: a word no turn covers (Whisper gives some no
            # length: start = end) and a lone word absorbed from the other speaker alike
            pieces.append(replace(seg, speaker_id=speaker_id(runs[0][0]), words=_ids(runs[0][1], speaker_id)))
            continue
        for owner, run in runs:
            text = clean_speech("".join(str(w["word"]) for w in run))
            if text:
                pieces.append(
                    replace(
                        seg,
                        start=round(float(run[0]["start"]), 3),
                        end=round(max(float(run[-1]["end"]), float(run[0]["start"])), 3),
                        text=text,
                        words=_ids(run, speaker_id),
                        speaker_id=speaker_id(owner),
                    )
                )
    return [replace(p, idx=idx, id=Segment.make_id(p.transcript_id, idx)) for idx, p in enumerate(pieces)]


def _absorb_single_words(
    runs: list[tuple[int | None, list[dict[str, Any]]]],
) -> list[tuple[int | None, list[dict[str, Any]]]]:
    """A lone word between two runs of one speaker is a timing wobble at a turn edge or a
    back-channel "yeah" inside their sentence: it joins them. A lone word too short to be a
    turn of its own stays with the words before it; every word then carries its run's speaker."""
    merged: list[tuple[int | None, list[dict[str, Any]]]] = []
    n = 0
    while n < len(runs):
        owner, words = runs[n]
        lone = bool(merged) and len(words) == 1
        wobble = lone and float(words[0]["end"]) - float(words[0]["start"]) < WOBBLE_SECONDS
        if lone and n + 1 < len(runs) and runs[n + 1][0] == merged[-1][0]:
            merged[-1][1].extend(words + runs[n + 1][1])
            n += 2
            continue
        if wobble or (merged and merged[-1][0] == owner):
            merged[-1][1].extend(words)
        else:
            merged.append((owner, list(words)))
        n += 1
    return [(owner, [{**w, "speaker": owner} for w in words]) for owner, words in merged]


def _ids(words: list[dict[str, Any]], speaker_id: Callable[[int | None], str | None]) -> list[dict[str, Any]]:
    return [{**w, "speaker": speaker_id(w.get("speaker"))} for w in words]
