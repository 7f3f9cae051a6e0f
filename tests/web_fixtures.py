"""A small library for the web view's tests: every kind of video a page must handle.

- a local recording whose media file is on disk (a real WAV, 40 s, so a browser can play and
  seek it), with two speakers linked to two named people;
- an imported transcript (``notes.txt``), which never had media;
- a local recording whose media file is gone (deleted after ingest);
- two YouTube videos, which play on their site;
- a commentator and a person left behind without videos (a rename, a merge), which no page lists;
- two compare runs on different topics, with relations that agree and clash.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

from argmap.store import (
    Argument,
    ArgumentRelation,
    Commentator,
    KeyPoint,
    KeyPointMember,
    Passage,
    Person,
    Segment,
    Speaker,
    Store,
    Summary,
    Transcript,
    Video,
)
from argmap.store import speakers as sp

LOCAL = "file:00000000000000aa"
TEXT = "file:00000000000000bb"
MISSING = "file:00000000000000cc"
REMOTE = "youtube:remote00001"
REMOTE2 = "youtube:remote00002"
SECONDS = 40


def write_wav(path: Path, seconds: int = SECONDS, rate: int = 8000) -> Path:
    """A quiet 220 Hz tone: real audio a browser decodes, small enough to keep in a test."""
    frames = b"".join(
        struct.pack("<h", int(2000 * math.sin(2 * math.pi * 220 * i / rate))) for i in range(seconds * rate)
    )
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def _commentator(store: Store, name: str, kind: str = "person", url: str | None = None) -> Commentator:
    return store.upsert_commentator(Commentator(Commentator.make_id(name), name, url, kind))


def _transcribed(
    store: Store,
    video: Video,
    source: str,
    lines: list[str],
    *,
    step: float = 5.0,
    speakers: list[Speaker] | None = None,
    turns: list[int] | None = None,
) -> Transcript:
    transcript_id = Transcript.make_id(video.id, source)
    transcript = Transcript(transcript_id, video.id, source, language="en", duration=SECONDS)
    segments = [
        Segment(
            Segment.make_id(transcript.id, i),
            transcript.id,
            video.id,
            i,
            i * step,
            (i + 1) * step,
            text,
            speaker_id=speakers[turns[i]].id if speakers and turns else None,
        )
        for i, text in enumerate(lines)
    ]
    store.save_transcript(transcript, segments, speakers=speakers)
    return transcript


def _arguments(store: Store, transcript: Transcript, items: list[tuple[int, str, str]]) -> list[Argument]:
    """(segment, type, text) to stored arguments, each quoting its segment's words."""
    segments = store.segments(transcript.id)
    args = [
        Argument(
            id=Argument.make_id(transcript.video_id, "test", "1", seg, text),
            video_id=transcript.video_id,
            transcript_id=transcript.id,
            type=type_,
            text=text,
            quote=segments[seg].text,
            start=segments[seg].start,
            end=segments[seg].end,
            seg_first=seg,
            seg_last=seg,
            extractor="test",
            extractor_version="1",
        )
        for seg, type_, text in items
    ]
    store.save_arguments(transcript.video_id, "test", "1", args)
    return args


def seed_library(store: Store, root: Path) -> dict[str, list[str]]:
    """The library described in the module docstring; returns argument ids by video id."""
    dana = _commentator(store, "Dana Reyes", "channel", "https://example.org/dana")
    marco = _commentator(store, "Marco Bianchi")
    priya = _commentator(store, "Priya Nair")
    _commentator(store, "audio")  # what a rename leaves behind: a commentator with no videos
    wav = write_wav(root / "stadium.wav")
    lost = str(root / "lost.m4a")  # ingested, then deleted
    (root / "notes.txt").write_text("[00:00] stadium notes\n", encoding="utf-8")
    videos = {
        LOCAL: Video(LOCAL, wav.as_uri(), "Stadium subsidies never pay back", dana.id, media_path=str(wav)),
        TEXT: Video(TEXT, (root / "notes.txt").as_uri(), "Notes on stadium costs", marco.id),
        MISSING: Video(MISSING, (root / "lost.m4a").as_uri(), "Lost recording", marco.id, media_path=lost),
        REMOTE: Video(
            REMOTE,
            "https://www.youtube.com/watch?v=remote00001",
            "Marco on stadium money",
            marco.id,
            webpage_url="https://www.youtube.com/watch?v=remote00001",
            published="2025-01-10",
        ),
        REMOTE2: Video(
            REMOTE2,
            "https://www.youtube.com/watch?v=remote00002",
            "Priya on the arena vote",
            priya.id,
            webpage_url="https://www.youtube.com/watch?v=remote00002",
            published="2025-02-01",
        ),
    }
    for v in videos.values():
        store.upsert_video(v)

    for person in (Person("p-dana", "Dana Reyes", named=True), Person("p-guest", "Guest Expert", named=True)):
        sp.save_person(store, person)
    sp.save_person(store, Person("p-orphan", "Old Name", named=True))  # merged away: no speakers left
    speakers = [
        Speaker(Speaker.make_id(LOCAL, "Speaker 1"), LOCAL, "Speaker 1", "voice", "p-dana", 0.9, 30.0),
        Speaker(Speaker.make_id(LOCAL, "Speaker 2"), LOCAL, "Speaker 2", "voice", "p-guest", 0.9, 10.0),
    ]
    local = _transcribed(
        store,
        videos[LOCAL],
        "asr",
        [
            "Stadium subsidies almost never pay back the public money.",
            "The studies agree on this point across decades.",
            "Tax money should go to schools instead of arenas.",
            "I have looked at the numbers for the new arena myself.",
            "Most of the promised jobs are seasonal and low paid.",
            "Cities compete against each other and lose.",
            "Vote against the arena deal at the council meeting.",
            "Write to your council member before the vote.",
        ],
        speakers=speakers,
        turns=[0, 0, 0, 0, 1, 1, 0, 0],
    )
    text = _transcribed(
        store,
        videos[TEXT],
        "import",
        [
            "These are my notes on stadium costs.",
            "The arena will cost the city four hundred million.",
            "Vote against the arena deal this spring.",
            "Nothing else matters as much this year.",
        ],
    )
    missing = _transcribed(
        store, videos[MISSING], "asr", ["A recording whose file is gone.", "Parks need money, not arenas."]
    )
    remote = _transcribed(
        store,
        videos[REMOTE],
        "captions",
        ["Stadiums do pay back through tourism.", "The arena brings visitors every weekend."],
    )
    remote2 = _transcribed(
        store,
        videos[REMOTE2],
        "captions",
        ["Subsidies for stadiums are a waste of public money.", "Vote against the arena deal."],
    )
    ids = {
        LOCAL: _arguments(
            store,
            local,
            [
                (0, "claim", "Stadium subsidies almost never pay back the public money."),
                (2, "call_to_action", "Tax money should go to schools instead of arenas."),
                (4, "critique", "The guest criticises seasonal low paid jobs at arenas."),
                (6, "call_to_action", "Vote against the arena deal at the council meeting."),
            ],
        ),
        TEXT: _arguments(
            store,
            text,
            [
                (1, "claim", "The arena will cost the city four hundred million."),
                (2, "call_to_action", "Vote against the arena deal this spring."),
            ],
        ),
        MISSING: _arguments(store, missing, [(1, "claim", "Parks need money, not arenas.")]),
        REMOTE: _arguments(store, remote, [(0, "claim", "Stadiums do pay back through tourism.")]),
        REMOTE2: _arguments(
            store,
            remote2,
            [
                (0, "critique", "Subsidies for stadiums are a waste of public money."),
                (1, "call_to_action", "Vote against the arena deal."),
            ],
        ),
    }
    store.save_summary(
        Summary(
            Summary.make_id(LOCAL, "test", "1"),
            LOCAL,
            local.id,
            "test",
            "1",
            gist="Dana Reyes argues that stadium subsidies almost never pay back.",
            paragraph="Stadium subsidies almost never pay back the public money. Vote against the deal.",
            key_points=[{"text": "Vote against the arena deal.", "start": 30.0, "end": 35.0}],
        )
    )
    for t in (local, text, missing, remote, remote2):
        lines = store.segments(t.id)
        whole = Passage(f"pa-{t.video_id}", t.video_id, t.id, 0.0, lines[-1].end, 0, len(lines) - 1,
                        " ".join(s.text for s in lines))  # fmt: skip
        store.save_passages(t.id, [whole])
    _compare_runs(store, {k: [a.id for a in v] for k, v in ids.items()})
    return {k: [a.id for a in v] for k, v in ids.items()}


def _compare_runs(store: Store, ids: dict[str, list[str]]) -> None:
    pay, schools, guest, vote = ids[LOCAL]
    marco_pay = ids[REMOTE][0]
    priya_waste, priya_vote = ids[REMOTE2]
    marco_vote = ids[TEXT][1]
    run, topic = "run-stadium", "stadium subsidies"
    key_points = [
        KeyPoint("kp-pay", run, "Stadium subsidies never pay back.", pay, 3, 3, topic),
        KeyPoint("kp-vote", run, "Vote against the arena deal.", vote, 3, 3, topic),
        KeyPoint("kp-schools", run, "Tax money should go to schools.", schools, 1, 1, topic),
        KeyPoint("kp-transit", "run-transit", "Buses need lanes.", guest, 1, 1, "transit"),
    ]
    members = [
        KeyPointMember("kp-pay", pay, 1.0, "asserts"),
        KeyPointMember("kp-pay", marco_pay, 0.8, "criticises"),
        KeyPointMember("kp-pay", priya_waste, 0.85, "asserts"),
        KeyPointMember("kp-vote", vote, 1.0, "calls_for_action"),
        KeyPointMember("kp-vote", marco_vote, 0.95, "calls_for_action"),
        KeyPointMember("kp-vote", priya_vote, 0.97, "calls_for_action"),
        KeyPointMember("kp-schools", schools, 1.0, "calls_for_action"),
        KeyPointMember("kp-transit", guest, 1.0, "asserts"),
    ]
    clash, same, act = (
        "rule:claim-vs-critique",
        "rule:same-stance:asserts",
        "rule:same-stance:calls_for_action",
    )
    relations = [
        ArgumentRelation("rel-1", pay, marco_pay, "contrasts", clash, "kp-pay", 0.7),
        ArgumentRelation("rel-2", pay, priya_waste, "agrees", same, "kp-pay", 0.8),
        ArgumentRelation("rel-3", marco_pay, priya_waste, "contrasts", clash, "kp-pay", 0.7),
        ArgumentRelation("rel-4", vote, marco_vote, "agrees", act, "kp-vote", 0.9),
        ArgumentRelation("rel-5", vote, priya_vote, "agrees", act, "kp-vote", 0.9),
        ArgumentRelation("rel-6", marco_vote, priya_vote, "agrees", act, "kp-vote", 0.9),
    ]
    store.save_comparison("run-stadium", key_points[:3], members[:7], relations)
    store.save_comparison("run-transit", key_points[3:], members[7:], [])
    base = {"model": "m", "threshold": 0.65, "commentators": [], "min_commentators": 2, "arguments": 7}
    store.save_compare_run({**base, "run_id": "run-stadium", "topic": "stadium subsidies",
                            "created_at": "2025-03-01T00:00:00+00:00"})  # fmt: skip
    store.save_compare_run({**base, "run_id": "run-transit", "topic": "transit",
                            "created_at": "2025-03-02T00:00:00+00:00"})  # fmt: skip
