"""The transcribe stage: media file in, timestamped segments out, with faster-whisper.

Whisper is good at speech and bad at silence: on quiet or musical stretches it invents
"Thank you." or loops one phrase until the window ends. Those inventions must never reach
the store, because every later stage (arguments, search, comparison) would treat them as
something a commentator said. So each decoded window (segment) is checked on its own,
never the file as a whole: a lecture with one looping window keeps all its real speech.

Decoding is done here, before the model sees the audio, for two reasons: a corrupt file
or one without an audio stream becomes a one-line :class:`MediaError` instead of a PyAV
traceback, and the decoded length can be compared with what the source reported, so a
partial download is flagged (:class:`TruncatedMedia`, retried) rather than half-transcribed.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.errors import MediaError, ModelError, TruncatedMedia
from argmap.pipeline.ingest.whisper_models import (
    DEFAULT_WHISPER_MODEL,
    DeviceChoice,
    choose_device,
    load_whisper_model,
    one_line,
)
from argmap.pipeline.stages import BaseStage, StageContext
from argmap.pipeline.text import clean_speech
from argmap.store import Segment, Store, Transcript, Video

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
#: decoded audio shorter than this share of the reported duration counts as truncated
TRUNCATION_RATIO = 0.9
#: below this RMS level (dBFS) a stretch of audio is treated as silence
SILENCE_DBFS = -50.0

# Phrases whisper emits on silence, music or noise because its training subtitles did.
# They are dropped only when the audio or the model's own scores say nobody spoke there.
FILLER_PHRASES = frozenset(
    {
        "thank you",
        "thank you very much",
        "thank you so much",
        "thanks",
        "thanks for watching",
        "thank you for watching",
        "thanks for watching and see you next time",
        "please subscribe",
        "please like and subscribe",
        "subscribe",
        "bye",
        "bye bye",
        "you",
        "so",
        "okay",
        "oh",
        "hmm",
        "um",
        "uh",
        "music",
        "applause",
        "silence",
        "subtitles by the amaraorg community",
        "see you next time",
        "see you in the next video",
    }
)


@dataclass
class TranscribeOptions:
    model: str = DEFAULT_WHISPER_MODEL  # name or local path; default = offline tiny.en package
    device: str = "auto"  # auto | cpu | cuda
    language: str | None = None  # None = detect, and store language + probability
    beam_size: int = 5
    vad: bool = True
    compute_type: str | None = None  # None = float16 on CUDA, int8 on CPU
    word_timestamps: bool = False  # store per-word times as JSON on each segment
    # BatchedInferencePipeline batch size, used on CUDA only: on CPU it was measured to
    # drop whole sentences, so CPU always runs the sequential beam-search path.
    batch_size: int = 0


@dataclass
class AsrSegment:
    """One decoded window as faster-whisper reports it, reduced to what the filters need."""

    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0
    words: list[dict[str, Any]] | None = None

    @classmethod
    def from_whisper(cls, seg: Any) -> AsrSegment:
        words = None
        if getattr(seg, "words", None):
            words = [
                {"start": float(w.start), "end": float(w.end), "word": w.word, "probability": w.probability}
                for w in seg.words
            ]
        return cls(
            start=float(seg.start),
            end=float(seg.end),
            text=seg.text.strip(),
            avg_logprob=float(seg.avg_logprob),
            no_speech_prob=float(seg.no_speech_prob),
            compression_ratio=float(seg.compression_ratio),
            words=words,
        )


@dataclass
class FilterReport:
    """What the hallucination filter removed, by reason, for logs and tests."""

    dropped: dict[str, int] = field(default_factory=dict)
    trimmed: int = 0

    def drop(self, reason: str) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1


# -- hallucination filters ---------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: the form phrases are compared in."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s']|_", " ", text)
    text = text.replace("'", "")
    return " ".join(text.split())


def _longest_repeat_run(words: list[str], max_n: int = 8) -> tuple[int, int, int]:
    """(start, n, repeats) of the longest back-to-back repetition of an n-gram, by words covered."""
    best = (0, 0, 1)
    best_cover = 0
    for n in range(1, max_n + 1):
        i = 0
        while i + 2 * n <= len(words):
            gram = words[i : i + n]
            reps = 1
            while words[i + reps * n : i + (reps + 1) * n] == gram:
                reps += 1
            if reps > 1 and reps * n > best_cover:
                best, best_cover = (i, n, reps), reps * n
            i += max(1, (reps - 1) * n) if reps > 1 else 1
    return best


def _is_loop(n: int, reps: int) -> bool:
    # A word said three times ("no, no, no") is speech; five times in one window is a loop.
    # Longer phrases loop sooner: the same 2+ word phrase three times running is not speech.
    return reps >= 5 if n == 1 else reps >= 3


def repetition_loop(text: str) -> tuple[str, float]:
    """Detect a repetition loop in one window's text.

    Returns ``(text_without_loop, loop_share)``: the text with the repeated run collapsed
    to its first occurrence, and the share of the window's words that the run covered
    (0.0 when there is no loop).
    """
    tokens = text.split()
    words = [normalise(t) for t in tokens]
    start, n, reps = _longest_repeat_run(words)
    if n == 0 or not _is_loop(n, reps):
        return text, 0.0
    share = reps * n / max(1, len(words))
    kept = tokens[: start + n] + tokens[start + reps * n :]
    return " ".join(kept), share


def is_filler(text: str) -> bool:
    norm = normalise(text)
    return not norm or norm in FILLER_PHRASES


def _looks_silent(seg: AsrSegment, level_dbfs: float | None) -> bool:
    if level_dbfs is not None and level_dbfs < SILENCE_DBFS:
        return True
    return seg.no_speech_prob >= 0.3 or seg.avg_logprob < -0.7


def filter_hallucinations(
    segments: Iterable[AsrSegment],
    level: Callable[[float, float], float | None] | None = None,
    report: FilterReport | None = None,
) -> list[AsrSegment]:
    """Drop or trim windows that are not speech; each window is judged on its own.

    ``level(start, end)`` gives the audio's RMS level in dBFS for that stretch (None when
    unknown). Rules, in order:

    - nothing left after removing punctuation and music symbols: drop;
    - whisper's own no-speech rule (no_speech_prob > 0.6 and avg_logprob < -1.0): drop;
    - a known filler phrase where the audio is silent or the model doubts speech: drop;
    - an n-gram repeated back to back (a loop) covering over half the window: drop,
      otherwise collapse the loop to one copy and keep the rest;
    - the same text three or more windows running: keep the first, drop the copies.
    """
    report = report if report is not None else FilterReport()
    kept: list[AsrSegment] = []
    for seg in segments:
        if not normalise(seg.text):
            report.drop("empty")
            continue
        if seg.no_speech_prob > 0.6 and seg.avg_logprob < -1.0:
            report.drop("no_speech")
            continue
        if is_filler(seg.text) and _looks_silent(seg, level(seg.start, seg.end) if level else None):
            report.drop("filler")
            continue
        text, share = repetition_loop(seg.text)
        if share > 0.5:
            report.drop("loop")
            continue
        if share > 0:
            report.trimmed += 1
            # Word timings no longer line up with the trimmed text.
            seg = replace(seg, text=text, words=None)
        kept.append(seg)
    return _collapse_repeated_windows(kept, report)


def _collapse_repeated_windows(segments: list[AsrSegment], report: FilterReport) -> list[AsrSegment]:
    # Two identical windows in a row can be speech ("Yes." "Yes."); three or more are a loop
    # that spans windows, so keep the first and drop the copies.
    out: list[AsrSegment] = []
    i = 0
    while i < len(segments):
        j = i + 1
        key = normalise(segments[i].text)
        while j < len(segments) and normalise(segments[j].text) == key:
            j += 1
        out.append(segments[i])
        if j - i >= 3:
            for _ in range(j - i - 1):
                report.drop("repeated_window")
        else:
            out.extend(segments[i + 1 : j])
        i = j
    return out


def monotonic(segments: list[AsrSegment], duration: float) -> list[AsrSegment]:
    """Clamp times into [0, duration], never before the previous window, end >= start."""
    out = []
    prev_end = 0.0
    for seg in segments:
        start = min(max(seg.start, prev_end, 0.0), duration)
        end = min(max(seg.end, start), duration)
        out.append(replace(seg, start=start, end=end))
        prev_end = end
    return out


# -- audio -------------------------------------------------------------------------------


def decode(media_path: str | Path) -> np.ndarray:
    """16 kHz mono float32 samples, or a one-line MediaError saying why not."""
    channels = decode_channels(media_path, keep_stereo=False)
    return channels[0]


def decode_channels(media_path: str | Path, *, keep_stereo: bool = True) -> tuple[np.ndarray, ...]:
    """16 kHz float32 samples: (mono,), or (left, right) for a two-channel file when asked."""
    path = Path(media_path)
    if not path.is_file():
        raise MediaError(f"media file not found: {path}", permanent=False)
    if path.stat().st_size == 0:
        raise MediaError(f"media file is empty: {path.name}")
    from faster_whisper.audio import decode_audio

    try:
        stereo = keep_stereo and _channel_count(path) == 2
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=stereo)
    except Exception as err:
        reason = _decode_reason(err)
        raise MediaError(f"cannot decode audio in {path.name}: {reason}") from err
    channels = tuple(audio) if stereo else (audio,)
    if any(c is None or len(c) == 0 for c in channels):
        raise MediaError(f"no audio in {path.name}: the file has no decodable audio samples")
    return channels


def _channel_count(path: Path) -> int:
    """Channels of the first audio stream, read from the container header (0 when unknown)."""
    import av

    try:
        with av.open(str(path)) as container:
            return int(container.streams.audio[0].codec_context.channels)
    except Exception:  # noqa: BLE001 - decoding will say what is wrong with the file
        return 0


#: correlation between channels above which a stereo file is one mix, not two people
MIX_CORRELATION = 0.5


def independent_channels(left: np.ndarray, right: np.ndarray) -> bool:
    """Whether a stereo recording holds a different voice on each channel.

    A mono recording stored as stereo (most files) has near-identical channels, and two close
    microphones still correlate strongly. Two tracks of different people barely correlate,
    and both carry sound.
    """
    import numpy as np

    n = min(len(left), len(right))
    if n < SAMPLE_RATE // 2:
        return False
    a, b = left[:n].astype(np.float64), right[:n].astype(np.float64)
    if np.sqrt(np.mean(a**2)) < 1e-3 or np.sqrt(np.mean(b**2)) < 1e-3:
        return False  # one channel silent: nothing to tell apart
    return abs(float(np.corrcoef(a, b)[0, 1])) < MIX_CORRELATION


def _decode_reason(err: BaseException) -> str:
    name = type(err).__name__
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    if "StreamNotFound" in name or "stream" in text.casefold() and "not" in text.casefold():
        return "it has no audio stream"
    if name in ("IndexError", "StopIteration"):
        return "it has no audio stream"
    if "InvalidData" in name or "invalid data" in text.casefold():
        return "not a media file, or the file is corrupt"
    return (f"{name}: {text}" if text else name)[:200]


def rms_level(audio: np.ndarray) -> Callable[[float, float], float | None]:
    """``level(start, end)``: RMS in dBFS of that stretch of the decoded audio."""
    import numpy as np

    def level(start: float, end: float) -> float | None:
        a = int(max(0.0, start) * SAMPLE_RATE)
        b = int(max(start, end) * SAMPLE_RATE)
        chunk = audio[a:b]
        if len(chunk) == 0:
            return None
        rms = float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64))))
        return -120.0 if rms <= 0 else 20.0 * math.log10(rms)

    return level


# -- the stage ---------------------------------------------------------------------------


def _transcribe_kwargs(options: TranscribeOptions) -> dict[str, Any]:
    return {
        "language": options.language,
        "beam_size": options.beam_size,
        "vad_filter": options.vad,
        "word_timestamps": options.word_timestamps,
    }


def _run_model(model: Any, audio: Any, options: TranscribeOptions, choice: DeviceChoice) -> tuple[Any, Any]:
    kwargs = _transcribe_kwargs(options)
    if choice.device == "cuda" and options.batch_size > 0:
        from faster_whisper import BatchedInferencePipeline

        batched = BatchedInferencePipeline(model=model)
        return batched.transcribe(audio, batch_size=options.batch_size, **kwargs)
    return model.transcribe(audio, **kwargs)


class Transcriber(BaseStage):
    """The ``transcribe`` stage (see :class:`argmap.pipeline.stages.Stage`)."""

    name = "transcribe"
    requires = ("download",)

    def __init__(
        self,
        options: TranscribeOptions | None = None,
        progress: Callable[[float, float], None] | None = None,
    ):
        self.options = options or TranscribeOptions()
        self.progress = progress
        self.model: Any = None
        self.choice: DeviceChoice | None = None
        self.fell_back = False  # True once an `auto` GPU run had to move to the CPU
        self.last_report = FilterReport()

    @classmethod
    def from_options(cls, options: IngestOptions, store: Store) -> Transcriber:
        # Speakers change mid-segment; word times let diarization cut segments where they do.
        topts = TranscribeOptions(
            device=options.device, language=options.language, word_timestamps=options.diarize
        )
        if options.model:
            topts.model = options.model
        return cls(topts)

    def open(self, ctx: StageContext | None = None) -> None:
        if self.model is not None:
            return
        self.choice = choose_device(self.options.device, self.options.compute_type)
        try:
            self.model = load_whisper_model(self.options.model, self.choice)
        except ModelError as err:
            if not self._may_fall_back():
                raise
            self._fall_back_to_cpu(err)

    def _may_fall_back(self) -> bool:
        # Only a GPU that `auto` picked may be swapped for the CPU; an explicit --device cuda
        # should fail loudly rather than quietly run twenty times slower.
        return self.options.device == "auto" and self.choice is not None and self.choice.device == "cuda"

    def _fall_back_to_cpu(self, err: BaseException) -> None:
        # CTranslate2 counts GPUs through the driver but loads cuBLAS/cuDNN only when it first
        # runs, so a machine with a GPU and the wrong CUDA libraries fails here, not earlier.
        log.warning("GPU transcription failed (%s); continuing on the CPU", one_line(err))
        self.choice = choose_device("cpu", None)
        self.model = load_whisper_model(self.options.model, self.choice)
        self.fell_back = True

    def close(self) -> None:
        self.model = None

    def transcribe(
        self,
        media_path: str | Path,
        *,
        video_id: str,
        expected_duration: float | None = None,
    ) -> tuple[Transcript, list[Segment]]:
        channels = decode_channels(media_path)
        audio = channels[0] if len(channels) == 1 else (channels[0] + channels[1]) / 2
        duration = len(audio) / SAMPLE_RATE
        if expected_duration and duration < TRUNCATION_RATIO * expected_duration:
            raise TruncatedMedia(
                f"decoded audio is {duration:.1f}s but the source reported {expected_duration:.1f}s "
                "(partial download?)"
            )
        self.open()
        self.last_report = FilterReport()
        # Two people on two tracks are transcribed track by track: mixed, their overlapping
        # speech garbled both (word error rate 0.64 on the shared stereo clip).
        by_track = len(channels) == 2 and independent_channels(*channels)
        tracks = list(channels) if by_track else [audio]
        kept: list[tuple[AsrSegment, int | None]] = []
        info: Any = None
        for n, track in enumerate(tracks):
            decoded, track_info = self._decode_with_fallback(track, duration)
            info = info or track_info
            filtered = filter_hallucinations(decoded, rms_level(track), self.last_report)
            kept += [(seg, n if by_track else None) for seg in monotonic(filtered, duration)]
        kept.sort(key=lambda sc: (sc[0].start, sc[0].end))

        transcript = Transcript(
            id=Transcript.make_id(video_id, "asr"),
            video_id=video_id,
            source="asr",
            model=self.options.model,
            language=info.language,
            language_probability=round(float(info.language_probability), 4),
            duration=round(duration, 3),
        )
        segments = [
            Segment(
                id=Segment.make_id(transcript.id, idx),
                transcript_id=transcript.id,
                video_id=video_id,
                idx=idx,
                start=round(seg.start, 3),
                end=round(seg.end, 3),
                text=clean_speech(seg.text),
                avg_logprob=round(seg.avg_logprob, 4),
                no_speech_prob=round(seg.no_speech_prob, 4),
                words=seg.words if self.options.word_timestamps else None,
                channel=channel,
            )
            for idx, (seg, channel) in enumerate(kept)
        ]
        return transcript, segments

    def _decode_with_fallback(self, audio: Any, duration: float) -> tuple[list[AsrSegment], Any]:
        try:
            return self._decode(audio, duration)
        except RuntimeError as err:
            if not self._may_fall_back():
                raise
            self._fall_back_to_cpu(err)
            return self._decode(audio, duration)

    def _decode(self, audio: Any, duration: float) -> tuple[list[AsrSegment], Any]:
        """Run the model over the audio; faster-whisper decodes lazily, as segments are read."""
        assert self.choice is not None
        raw, info = _run_model(self.model, audio, self.options, self.choice)
        if self.progress:
            self.progress(0.0, duration)
        decoded: list[AsrSegment] = []
        for seg in raw:
            decoded.append(AsrSegment.from_whisper(seg))
            if self.progress:
                self.progress(min(float(seg.end), duration), duration)
        if self.progress:
            self.progress(duration, duration)
        return decoded, info

    def run(self, ctx: StageContext, video: Video) -> None:
        if not video.media_path:
            raise MediaError("no media file was downloaded for this video", permanent=False)
        task = f"transcribe {video.title or video.id}"
        self.progress = lambda done, total: ctx.progress(task, done, total, "s")
        try:
            transcript, segments = self.transcribe(
                video.media_path, video_id=video.id, expected_duration=video.duration
            )
        except TruncatedMedia as err:
            if str(video.source_url).startswith("file:"):
                raise  # the user's own file: nothing to fetch again, and never ours to delete
            # A partial download: throw it away and have the next run fetch it again.
            Path(video.media_path).unlink(missing_ok=True)
            raise TruncatedMedia(str(err), redo=("download",)) from err
        ctx.store.save_transcript(transcript, segments)


def raw_transcribe(
    path: str | Path, options: TranscribeOptions | None = None, *, model: Any = None
) -> tuple[list[Any], Any]:
    """The bare faster-whisper call with the stage's model and settings, for benchmarks.

    No decoding checks, no filters, no store: the baseline the pipeline's overhead is
    measured against. Pass ``model`` (e.g. ``Transcriber.model``) to reuse a loaded one.
    """
    options = options or TranscribeOptions()
    choice = choose_device(options.device, options.compute_type)
    if model is None:
        model = load_whisper_model(options.model, choice)
    segments, info = _run_model(model, str(path), options, choice)
    return list(segments), info
