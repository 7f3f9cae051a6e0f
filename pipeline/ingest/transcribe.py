"""The transcribe stage: media file in, timestamped segments out, with faster-whisper.

Whisper is good at speech and bad at silence: on quiet or musical stretches it invents
"Thank you." or loops one phrase until the window ends. Those inventions must never reach
the store, so each decoded window is checked on its own (:mod:`.asr_filters`, whose names
this module re-exports). Whisper also picks one language for a whole file from its first 30
seconds; speech in another language was dropped or stored as the wrong one, so the language is
named per ~30 s window first and each stretch decoded in its own (:mod:`.languages`).

Decoding is done here, before the model sees the audio, for two reasons: a corrupt file
or one without an audio stream becomes a one-line :class:`MediaError` instead of a PyAV
traceback, and the decoded length can be compared with what the source reported, so a
partial download is flagged (:class:`TruncatedMedia`, retried) rather than half-transcribed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.errors import ConfigError, MediaError, MediaGone, ModelError, TruncatedMedia
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS
from argmap.pipeline.ingest.asr_filters import (
    FILLER_PHRASES,
    SILENCE_DBFS,
    AsrSegment,
    FilterReport,
    filter_hallucinations,
    is_filler,
    monotonic,
    normalise,
    repetition_loop,
)
from argmap.pipeline.ingest.languages import (
    LanguageRun,
    detect_windows,
    dominant,
    is_multilingual,
    merge_runs,
    plan,
)
from argmap.pipeline.ingest.whisper_models import (
    DEFAULT_WHISPER_MODEL,
    DeviceChoice,
    base_parts,
    choose_device,
    cpu_count,
    load_whisper_model,
    one_line,
)
from argmap.pipeline.stages import BaseStage, StageContext
from argmap.pipeline.text import clean_speech, clock
from argmap.store import Segment, Store, Transcript, Video

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
#: decoded audio shorter than this share of the reported duration counts as truncated
TRUNCATION_RATIO = 0.9


@dataclass
class TranscribeOptions:
    model: str = DEFAULT_WHISPER_MODEL  # name or local path; default = offline tiny.en package
    device: str = "auto"  # auto | cpu | cuda
    language: str | None = None  # None = detect, and store language + probability
    beam_size: int = 5
    vad: bool = True
    compute_type: str | None = None  # None = float16 on CUDA, int8 on CPU
    word_timestamps: bool = False  # store per-word times as JSON on each segment
    # BatchedInferencePipeline batch size (with VAD), used on CUDA only: on CPU it was
    # measured to drop whole sentences, so CPU always runs the sequential beam-search path.
    batch_size: int = 16
    cpu_threads: int | None = None  # None = every core; the engines divide cores among workers
    # Without --language, name the language of every ~30 s window (.languages) and decode each
    # stretch in its own language; speech the models cannot decode is skipped with a warning.
    language_windows: bool = True
    other_languages: str = "transcribe"  # transcribe (multilingual model) | skip


# -- audio -------------------------------------------------------------------------------


def decode(media_path: str | Path) -> np.ndarray:
    """16 kHz mono float32 samples, or a one-line MediaError saying why not."""
    channels = decode_channels(media_path, keep_stereo=False)
    return channels[0]


def decode_channels(media_path: str | Path, *, keep_stereo: bool = True) -> tuple[np.ndarray, ...]:
    """16 kHz float32 samples: (mono,), or (left, right) for a two-channel file when asked."""
    path = Path(media_path)
    if not path.is_file():
        raise MediaGone(f"media file not found: {path}")
    if path.stat().st_size == 0:
        raise MediaError(f"media file is empty: {path.name}")
    with HEAVY_IMPORTS:
        from faster_whisper.audio import decode_audio

    try:
        stereo = keep_stereo and _channel_count(path) == 2
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=stereo)
    except FileNotFoundError as err:  # deleted between the check and the read
        raise MediaGone(f"media file not found: {path}") from err
    except Exception as err:
        reason = _decode_reason(err)
        if reason.startswith("not a media file") and _is_text(path):
            reason = "it is text; argmap reads text as .txt or .md (captions as .vtt or .srt): rename it"
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


def _is_text(path: Path) -> bool:
    """Whether the file's first bytes read as text (a document saved under another name)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        text = head[: err.start].decode("utf-8") if err.start > len(head) - 4 else ""
    return bool(text.strip()) and sum(c.isprintable() or c in "\n\r\t" for c in text) >= 0.98 * len(text)


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
        with HEAVY_IMPORTS:
            from faster_whisper import BatchedInferencePipeline

        # The batched pipeline cuts the audio at VAD speech boundaries: VAD is what makes it work.
        kwargs["vad_filter"] = True
        batched = BatchedInferencePipeline(model=model)
        return batched.transcribe(audio, batch_size=options.batch_size, **kwargs)
    return model.transcribe(audio, **kwargs)


def check_language(code: str) -> None:
    """Refuse, before any source is touched, a --language Whisper does not know (each video
    failed with faster-whisper's ValueError, and tiny.en took any code as English)."""
    with HEAVY_IMPORTS:
        from faster_whisper.tokenizer import _LANGUAGE_CODES

    if code not in _LANGUAGE_CODES:
        raise ConfigError(f"--language must be a code Whisper knows, such as en, de or fr (not {code!r})")


class Transcriber(BaseStage):
    """The ``transcribe`` stage (see :class:`argmap.pipeline.stages.Stage`)."""

    name = "transcribe"
    requires = ("download",)
    uses_media = True
    kind = "gpu"

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
        self.multilingual: Any = None  # the model that names languages (the main one, or base)
        self._no_multilingual = False
        self.skipped: list[LanguageRun] = []  # stretches of the last file left undecoded, and why
        self._load_error: ModelError | None = None

    @classmethod
    def from_options(cls, options: IngestOptions, store: Store) -> Transcriber:
        # Speakers change mid-segment; word times let diarization cut segments where they do.
        topts = TranscribeOptions(
            device=options.device, language=options.language, word_timestamps=options.diarize
        )
        if options.model:
            topts.model = options.model
        if options.language:
            check_language(options.language)
        if options.device == "cuda":
            choose_device("cuda")  # no GPU: one line before any source is touched, not one per video
        if options.workers > 1:
            # Several transcribers side by side share the cores instead of each taking all.
            topts.cpu_threads = max(1, cpu_count() // options.workers)
        return cls(topts)

    def open(self, ctx: StageContext | None = None) -> None:
        if self.model is not None:
            return
        if self._load_error is not None:
            raise self._load_error  # once per run: a feed of 100 episodes would try 100 times
        self.choice = self._threads(choose_device(self.options.device, self.options.compute_type))
        try:
            self.model = load_whisper_model(self.options.model, self.choice)
        except ModelError as err:
            if not self._may_fall_back():
                self._load_error = err
                raise
            self._fall_back_to_cpu(err)

    def _threads(self, choice: DeviceChoice) -> DeviceChoice:
        if self.options.cpu_threads:
            return replace(choice, cpu_threads=self.options.cpu_threads)
        return choice

    def _may_fall_back(self) -> bool:
        # Only a GPU that `auto` picked may be swapped for the CPU; an explicit --device cuda
        # should fail loudly rather than quietly run twenty times slower.
        return self.options.device == "auto" and self.choice is not None and self.choice.device == "cuda"

    def _fall_back_to_cpu(self, err: BaseException) -> None:
        # CTranslate2 counts GPUs through the driver but loads cuBLAS/cuDNN only when it first
        # runs, so a machine with a GPU and the wrong CUDA libraries fails here, not earlier.
        log.warning("GPU transcription failed (%s); continuing on the CPU", one_line(err))
        self.choice = self._threads(choose_device("cpu", None))
        self.model = load_whisper_model(self.options.model, self.choice)
        self.fell_back = True

    def close(self) -> None:
        self.model = None
        self.multilingual = None
        self._load_error = None  # the next run tries the model again

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
        spans: list[LanguageRun] = []
        self.skipped = []
        for n, track in enumerate(tracks):
            decoded, track_spans = self._decode_languages(track, duration)
            spans += track_spans
            filtered = filter_hallucinations(decoded, rms_level(track), self.last_report)
            kept += [(seg, n if by_track else None) for seg in monotonic(filtered, duration)]
        kept.sort(key=lambda sc: (sc[0].start, sc[0].end))
        language, probability = dominant(spans)

        transcript = Transcript(
            id=Transcript.make_id(video_id, "asr"),
            video_id=video_id,
            source="asr",
            model=self.options.model,
            language=language,
            language_probability=None if probability is None else round(probability, 4),
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
                language=seg.language,
            )
            for idx, (seg, channel) in enumerate(kept)
        ]
        return transcript, segments

    def _decode_languages(self, track: Any, duration: float) -> tuple[list[AsrSegment], list[LanguageRun]]:
        """Decode one track stretch by stretch of one language (see :mod:`.languages`)."""
        runs = self._language_runs(track)
        if runs is None or (len(runs) == 1 and self._model_for(runs[0].language)[0] is self.model):
            # One language the main model speaks (the usual case): decode the track whole.
            decoded, info = self._decode_with_fallback(
                track, duration, language=runs[0].language if runs else None
            )
            language = runs[0].language if runs else info.language
            probability = runs[0].probability if runs else float(info.language_probability)
            spans = [LanguageRun(0.0, duration, language, probability)]
            return [replace(seg, language=language) for seg in decoded], spans
        decoded = []
        for run in runs:
            model, language = self._model_for(run.language)
            if model is None and self.options.language and self.options.other_languages == "transcribe":
                # the user asked for this language: an empty transcript marked done is no answer
                raise ModelError(
                    f"--language {self.options.language} needs a multilingual speech model, and none is"
                    " installed: pip install 'argmap[base]' (or --model base, or a model of your own)"
                )
            if model is None:
                self.skipped.append(run)
                log.warning(
                    "%s-%s: speech in %r left out: %s", clock(run.start), clock(run.end), run.language,
                    "no multilingual model (pip install 'argmap[base]')"
                    if self.options.other_languages == "transcribe" else "other languages are skipped",
                )  # fmt: skip
                continue
            piece = track[int(run.start * SAMPLE_RATE) : int(run.end * SAMPLE_RATE)]
            part, _ = self._decode_with_fallback(
                piece, run.seconds, model=model, language=language, offset=run.start, total=duration
            )
            decoded += [_shifted(seg, run, language) for seg in part]
        return decoded, [r for r in runs if r not in self.skipped]

    def _language_runs(self, track: Any) -> list[LanguageRun] | None:
        """The track's language runs, or None when no language is to be (or can be) identified."""
        if self.options.language:
            # The user's language is the whole file's, and it still needs a model that speaks it:
            # German forced on tiny.en came out as English words, stored as English.
            return [LanguageRun(0.0, len(track) / SAMPLE_RATE, self.options.language, 1.0)]
        if not self.options.language_windows:
            return None
        model = self._multilingual_model()
        if model is None:
            return None
        try:
            return plan(track, merge_runs(detect_windows(model, track)))
        except Exception as err:  # noqa: BLE001 - naming languages must never cost the transcript
            log.warning("language identification failed (%s); decoding in one language", one_line(err))
            return None

    def _multilingual_model(self) -> Any:
        """The main model when it is multilingual, else the packaged ``base``, loaded once."""
        if is_multilingual(self.model):
            return self.model
        if self.multilingual is None and not self._no_multilingual:
            self._no_multilingual = True
            if base_parts() is None:
                log.info("no multilingual model installed: speech is taken to be English")
                return None
            try:
                assert self.choice is not None
                candidate = load_whisper_model("base", self.choice)
            except ModelError as err:
                log.warning("cannot load the multilingual model to name languages: %s", err)
                return None
            if is_multilingual(candidate):
                self.multilingual, self._no_multilingual = candidate, False
        return self.multilingual

    def _model_for(self, language: str | None) -> tuple[Any, str | None]:
        """(model, language to force) that decodes ``language``; (None, _) when none may."""
        if is_multilingual(self.model):
            return self.model, language
        if language in (None, "en"):
            return self.model, None
        if self.options.other_languages != "transcribe":
            return None, language
        return self._multilingual_model(), language

    def _decode_with_fallback(self, audio: Any, duration: float, **how: Any) -> tuple[list[AsrSegment], Any]:
        try:
            return self._decode(audio, duration, **how)
        except RuntimeError as err:
            if not self._may_fall_back():
                raise
            self._fall_back_to_cpu(err)
            self.multilingual, self._no_multilingual = None, False  # reloaded on the CPU when asked
            return self._decode(audio, duration, **{**how, "model": None})

    def _decode(
        self,
        audio: Any,
        duration: float,
        *,
        model: Any = None,
        language: str | None = None,
        offset: float = 0.0,
        total: float | None = None,
    ) -> tuple[list[AsrSegment], Any]:
        """Run a model (the main one by default) over the audio in ``language`` (None: its own
        choice); faster-whisper decodes lazily, as segments are read. Progress counts from
        ``offset`` within ``total`` seconds, so stretches of one file add up."""
        assert self.choice is not None
        options = replace(self.options, language=language) if language else self.options
        raw, info = _run_model(model or self.model, audio, options, self.choice)
        total = total or duration
        if self.progress:
            self.progress(offset, total)
        decoded: list[AsrSegment] = []
        for seg in raw:
            decoded.append(AsrSegment.from_whisper(seg))
            if self.progress:
                self.progress(min(offset + float(seg.end), total), total)
        if self.progress:
            self.progress(min(offset + duration, total), total)
        return decoded, info

    def prepare(self, ctx: StageContext, video: Video) -> TranscribeWork:
        if not video.media_path:
            raise MediaError("no media file was downloaded for this video", permanent=False)
        task = f"transcribe {video.title or video.id}"
        self.progress = lambda done, total: ctx.progress(task, done, total, "s")
        downloaded = not str(video.source_url).startswith("file:")
        return TranscribeWork(
            video_id=video.id,
            media_path=video.media_path,
            # A partial download is what the check is for. The user's own file is whole as it is:
            # a video whose picture runs on after its sound, or a header that claims more than
            # the file holds, is transcribed as far as it decodes, not refused on every run.
            expected_duration=video.duration if downloaded else None,
        )

    def compute(self, work: TranscribeWork) -> tuple[Transcript, list[Segment]]:
        try:
            return self.transcribe(
                work.media_path, video_id=work.video_id, expected_duration=work.expected_duration
            )
        except TruncatedMedia as err:  # only a download is checked (see prepare)
            # A partial download: throw it away and have the next run fetch it again. Its size
            # goes in the reason: the same bytes again next time are the file, not the transfer.
            path = Path(work.media_path)
            size = path.stat().st_size if path.is_file() else 0
            path.unlink(missing_ok=True)
            raise TruncatedMedia(f"{err}; {size} bytes", redo=("download",)) from err

    def commit(self, ctx: StageContext, video: Video, result: tuple[Transcript, list[Segment]]) -> None:
        ctx.store.save_transcript(*result)


@dataclass
class TranscribeWork:
    video_id: str
    media_path: str
    expected_duration: float | None


def _shifted(seg: AsrSegment, run: LanguageRun, language: str | None) -> AsrSegment:
    """A segment decoded from a stretch, moved to the stretch's place in the file."""
    words = [{**w, "start": w["start"] + run.start, "end": w["end"] + run.start} for w in seg.words or []]
    return replace(
        seg,
        start=min(seg.start + run.start, run.end),
        end=min(seg.end + run.start, run.end),
        words=words or None,
        language=language or run.language,
    )


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


__all__ = [
    "FILLER_PHRASES",
    "SILENCE_DBFS",
    "AsrSegment",
    "FilterReport",
    "TranscribeOptions",
    "Transcriber",
    "decode",
    "decode_channels",
    "filter_hallucinations",
    "independent_channels",
    "is_filler",
    "monotonic",
    "normalise",
    "raw_transcribe",
    "repetition_loop",
    "rms_level",
]
