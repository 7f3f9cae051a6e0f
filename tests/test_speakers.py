"""Who said it: speaker turns, speakers per video, persons across videos.

Real models on real speech from ../shared/audio (a two-person telephone call with its reference
RTTM, a one-speaker speech, a two-track recording) and generated espeak-ng voices served over a
loopback feed; the fast tests pin the pieces around the models (the DER metric, word assignment,
segment cutting, RTTM) on made-up numbers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from argmap.pipeline.speakers.assign import assign
from argmap.pipeline.speakers.diarize import Turn
from argmap.pipeline.speakers.metrics import der, read_rttm, write_rttm
from argmap.pipeline.speakers.stage import cut_at_speaker_changes
from argmap.store import Segment, Store
from argmap.store import speakers as sp
from argmap.store.vectors import to_blob

CLI = "from argmap.pipeline.present.cli import main; main()"


def argmap(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, timeout=600)


def ingest(db: Path, *sources: str) -> None:
    done = argmap("ingest", *sources, "--db", str(db), "--no-embed", "--no-extract")
    assert done.returncode == 0, done.stdout + done.stderr


def only_video(db: Path, title: str) -> str:
    store = Store.open(db)
    try:
        (row,) = store.rows("select id from videos where title = ?", [title])
        return str(row["id"])
    finally:
        store.close()


# -- the pieces, on made-up numbers ------------------------------------------------------------


def test_der_counts_miss_false_alarm_and_confusion() -> None:
    ref = [(0.0, 10.0, "a"), (10.0, 20.0, "b")]
    assert der(ref, [(0.0, 10.0, "x"), (10.0, 20.0, "y")], collar=0)["der"] == 0.0
    swapped = der(ref, [(0.0, 20.0, "x")], collar=0)
    assert swapped["confusion"] == pytest.approx(10.0) and swapped["der"] == pytest.approx(0.5)
    missed = der(ref, [(0.0, 10.0, "x")], collar=0)
    assert missed["miss"] == pytest.approx(10.0)
    # the collar forgives boundaries: a hypothesis 0.2 s late scores perfectly with 0.25 s
    late = [(0.2, 10.2, "x"), (10.2, 20.0, "y")]
    assert der(ref, late, collar=0.25)["der"] == 0.0 < der(ref, late, collar=0)["der"]


def test_rttm_round_trip() -> None:
    turns = [(0.5, 2.25, "Dana Reyes"), (2.0, 4.0, "s-1")]
    text = write_rttm("youtube:abc", turns)
    assert text.splitlines()[0] == "SPEAKER youtube:abc 1 0.500 1.750 <NA> <NA> Dana_Reyes <NA> <NA>"
    assert read_rttm(text) == [(0.5, 2.25, "Dana_Reyes"), (2.0, 4.0, "s-1")]


def _seg(idx: int, start: float, end: float, words: list[tuple[float, float, str]] | None) -> Segment:
    return Segment(
        f"t/{idx}", "t", "v", idx, start, end, "".join(w for _, _, w in words or []) or "text",
        words=[{"start": s, "end": e, "word": w, "probability": 1.0} for s, e, w in words] if words else None,
    )  # fmt: skip


def test_words_take_the_speaker_whose_turn_covers_them_and_segments_are_cut() -> None:
    turns = [Turn(0.0, 3.0, 0), Turn(3.1, 6.0, 1)]
    words = [(0.0, 0.5, " We"), (0.5, 1.0, " should"), (1.0, 2.0, " act."), (3.2, 3.6, " No,"),
             (3.6, 4.0, " we"), (4.0, 5.0, " shouldn't.")]  # fmt: skip
    segments = [_seg(0, 0.0, 5.0, words), _seg(1, 5.5, 5.9, None), _seg(2, 9.0, 9.5, None)]
    who, tagged = assign(turns, segments)
    assert who == [0, 1, None]  # the last segment is far from every turn
    assert [w["speaker"] for w in tagged[0] or []] == [0, 0, 0, 1, 1, 1]
    cut = cut_at_speaker_changes(segments, who, tagged, lambda n: None if n is None else f"s{n}")
    assert [(s.idx, s.text, s.speaker_id, s.start) for s in cut] == [
        (0, "We should act.", "s0", 0.0),
        (1, "No, we shouldn't.", "s1", 3.2),
        (2, "text", "s1", 5.5),
        (3, "text", None, 9.0),
    ]
    assert cut[1].id == "t/00001" and {w["speaker"] for w in cut[1].words or []} == {"s1"}


def test_a_lone_word_inside_another_speakers_sentence_stays_with_it() -> None:
    turns = [Turn(0.0, 0.9, 0), Turn(0.9, 1.2, 1), Turn(1.2, 2.0, 0), Turn(2.0, 3.0, 1)]
    words = [(0.0, 0.5, " I"), (0.5, 0.9, " need"), (0.9, 1.2, " yeah"), (1.2, 2.0, " the design."),
             (2.0, 2.9, " Okay, sure.")]  # fmt: skip
    segments = [_seg(0, 0.0, 3.0, words)]
    who, tagged = assign(turns, segments)
    cut = cut_at_speaker_changes(segments, who, tagged, lambda n: f"s{n}")
    assert [(s.text, s.speaker_id) for s in cut] == [("I need yeah the design.", "s0"), ("Okay, sure.", "s1")]
    assert [{w["speaker"] for w in s.words or []} for s in cut] == [{"s0"}, {"s1"}]


def test_every_word_of_a_one_speaker_segment_carries_its_speaker() -> None:
    """A word Whisper gives no length inside a long turn (no turn overlaps it, no turn edge is
    within a second) and a lone word timed into the other speaker's turn kept their own tags (None,
    the other speaker) in a segment that was not cut."""
    turns = [Turn(0.0, 5.0, 1), Turn(5.0, 5.4, 0), Turn(5.4, 12.0, 1)]
    words = [(2.9, 2.9, " So"), (2.9, 3.3, " I"), (5.0, 5.4, " don't"), (5.4, 6.0, " hear"),
             (6.0, 6.5, " that.")]  # fmt: skip
    segments = [_seg(0, 2.9, 6.5, words)]
    who, tagged = assign(turns, segments)
    cut = cut_at_speaker_changes(segments, who, tagged, lambda n: f"s{n}")
    assert [(s.text.strip(), s.speaker_id) for s in cut] == [("So I don't hear that.", "s1")]
    assert [w["speaker"] for w in cut[0].words or []] == ["s1"] * 5


# -- real speech, real models --------------------------------------------------------------------


@pytest.mark.slow
def test_two_speaker_call_matches_its_reference_turns(shared_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "call.db"
    ingest(db, str(shared_dir / "audio" / "two_speakers.wav"))
    video = only_video(db, "two_speakers")
    rttm = argmap("transcript", video, "--db", str(db), "--format", "rttm")
    assert rttm.returncode == 0, rttm.stderr
    reference = read_rttm((shared_dir / "audio" / "two_speakers.rttm").read_text())
    hypothesis = read_rttm(rttm.stdout)
    score = der(reference, hypothesis, collar=0.25)
    print(f"two_speakers.wav DER (collar 0.25): {score['der']:.3f}", score)
    assert score["der"] <= 0.10
    assert len({s for _, _, s in hypothesis}) == 2
    transcript = json.loads(argmap("transcript", video, "--db", str(db), "--format", "json").stdout)
    assert {s["speaker"] for s in transcript["segments"]} == {"Speaker 1", "Speaker 2"}
    # every word carries its speaker, and a segment never mixes two
    for seg in transcript["segments"]:
        assert {w["speaker"] for w in seg["words"]} == {seg["speaker_id"]}


@pytest.mark.slow
def test_one_speaker_stays_one_and_two_tracks_are_two_people(shared_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "mixed.db"
    ingest(db, str(shared_dir / "audio" / "jfk.flac"), str(shared_dir / "audio" / "stereo_diarization.wav"))
    store = Store.open(db)
    try:
        jfk = sp.speakers_of(store, only_video(db, "jfk"))
        assert len(jfk) == 1 and jfk[0].source == "voice"
        stereo_id = only_video(db, "stereo_diarization")
        tracks = sp.speakers_of(store, stereo_id)
        assert sorted(s.label for s in tracks) == ["Speaker 1 (left channel)", "Speaker 2 (right channel)"]
        assert {s.source for s in tracks} == {"channel"}
        said = {
            s.label: " ".join(
                g.text for g in store.segments(store.transcript(stereo_id).id) if g.speaker_id == s.id
            )
            for s in tracks
        }
    finally:
        store.close()
    # each track transcribed on its own: the words come back whole, with the right person
    assert "horizon seems extremely distant" in said["Speaker 2 (right channel)"].lower()
    assert "wizard" in said["Speaker 1 (left channel)"].lower()
    assert "horizon" not in said["Speaker 1 (left channel)"].lower()


@pytest.mark.slow
def test_the_same_voice_in_two_files_is_one_person_and_naming_it_names_both(
    shared_dir: Path, tmp_path: Path
) -> None:
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed")
    folder = tmp_path / "speeches"
    folder.mkdir()
    source = shared_dir / "audio" / "jfk.flac"
    for name, start, length in (("first", "0", "6.5"), ("second", "6.5", "4.5")):
        out = str(folder / f"{name}.wav")
        cut = subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-ss", start, "-t", length, "-i", str(source), out],
            capture_output=True,
        )
        assert cut.returncode == 0, cut.stderr
    db = tmp_path / "people.db"
    ingest(db, str(folder), str(shared_dir / "audio" / "two_speakers.wav"))
    listing = json.loads(argmap("speakers", "--db", str(db), "--json").stdout)
    by_videos = {tuple(sorted(v["title"] for v in p["videos"])): p for p in listing}
    assert ("first", "second") in by_videos, listing  # one person across both files
    assert len(listing) == 3  # and the call's two voices are two other people
    kennedy = by_videos[("first", "second")]
    assert any(s["link_score"] is not None for s in kennedy["speakers"])

    named = argmap("speakers", "name", kennedy["id"], "John F. Kennedy", "--db", str(db))
    assert named.returncode == 0, named.stderr
    for title in ("first", "second"):
        text = argmap("transcript", only_video(db, title), "--db", str(db)).stdout
        assert "John F. Kennedy: " in text, text
    # a wrong link is undone with split, and merge puts it back
    speaker = kennedy["speakers"][-1]["id"]
    split = argmap("speakers", "split", speaker, "--db", str(db))
    assert split.returncode == 0, split.stderr
    assert len(json.loads(argmap("speakers", "--db", str(db), "--json").stdout)) == 4
    new_id = split.stdout.split()[3]
    merged = argmap("speakers", "merge", kennedy["id"], new_id, "--db", str(db))
    assert merged.returncode == 0, merged.stderr
    assert len(json.loads(argmap("speakers", "--db", str(db), "--json").stdout)) == 3
    # the call's two voices speak in one video: merging them needs --force
    diane, sheila = [p["id"] for p in listing if p["id"] != kennedy["id"]]
    refused = argmap("speakers", "merge", diane, sheila, "--db", str(db))
    assert refused.returncode == 1 and "both speak in 1 video(s)" in refused.stderr, refused.stderr
    assert len(json.loads(argmap("speakers", "--db", str(db), "--json").stdout)) == 3  # nothing changed
    forced = argmap("speakers", "merge", diane, sheila, "--force", "--db", str(db))
    assert (
        forced.returncode == 0 and len(json.loads(argmap("speakers", "--db", str(db), "--json").stdout)) == 2
    )


@pytest.mark.slow
def test_a_feed_of_two_voice_clips_stores_both_speakers(tmp_path: Path) -> None:
    from media_server import rss
    from test_hostile_servers import Hostile, _static

    for tool in ("espeak-ng", "sox"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed")
    lines = [
        (
            "en-us",
            "50",
            "The council should publish every contract it signs, because voters deserve to know.",
        ),
        (
            "en-us+f3",
            "75",
            "I disagree. Publishing every contract would bury the important ones in paperwork.",
        ),
        ("en-us", "50", "Then publish a summary, but publish something. Secrecy breeds waste."),
    ]
    parts = []
    for n, (voice, pitch, text) in enumerate(lines):
        wav = tmp_path / f"part{n}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-p", pitch, "-s", "150", "-w", str(wav), text], check=True)
        parts.append(str(wav))
    clip = tmp_path / "debate.wav"
    subprocess.run(["sox", *parts, "-r", "16000", str(clip)], check=True)
    server = Hostile()
    try:
        server.routes["/debate.wav"] = _static(clip.read_bytes(), "audio/wav")
        server.routes["/feed.rss"] = _static(
            rss(
                "Debates",
                [{"title": "Contracts debate", "url": server.url("/debate.wav"), "type": "audio/wav"}],
            ),
            "application/rss+xml",
        )
        db = tmp_path / "feed.db"
        ingest(db, server.url("/feed.rss"))
    finally:
        server.close()
    store = Store.open(db)
    try:
        video = only_video(db, "Contracts debate")
        speakers = sp.speakers_of(store, video)
        assert len(speakers) == 2
        segments = store.segments(store.transcript(video).id)
        first, disagree = segments[0], next(s for s in segments if "disagree" in s.text.lower())
        assert first.speaker_id and disagree.speaker_id and first.speaker_id != disagree.speaker_id
    finally:
        store.close()


def test_a_later_cut_drops_what_pointed_at_the_old_segment_numbers(store: Store) -> None:
    from argmap.store import Argument, Speaker, SpeakerTurn, Transcript, Video

    video = store.upsert_video(Video(id="file:v", source_url="file:///v.wav", title="v"))
    transcript = Transcript(id=Transcript.make_id(video.id, "asr"), video_id=video.id, source="asr")
    old = [Segment(f"{transcript.id}/{i:05d}", transcript.id, video.id, i, i * 2.0, i * 2.0 + 2, f"line {i}.")
           for i in range(3)]  # fmt: skip
    store.save_transcript(transcript, old)
    store.save_arguments(
        video.id, "default", "2",
        [Argument(id="a1", video_id=video.id, transcript_id=transcript.id, type="claim", text="line 2.",
                  quote="line 2.", start=4.0, end=6.0, seg_first=2, seg_last=2, extractor="default",
                  extractor_version="2")],
    )  # fmt: skip
    from argmap.pipeline.search.embed import build_passages

    store.save_passages(transcript.id, build_passages(old))
    store.mark(video.id, "extract", "done")
    store.mark(video.id, "embed", "done")
    speaker = Speaker(id="s-1", video_id=video.id, label="Speaker 1", source="voice")
    same = [replace(s, speaker_id="s-1") for s in old]
    sp.save_diarization(store, video.id, transcript.id, [speaker], [SpeakerTurn(video.id, "s-1", 0, 6)], same)
    assert store.is_done(video.id, "extract") and len(store.arguments(video.id)) == 1  # same numbering: kept
    # ... but passages, cut where the voice changes, are made again (after a --no-diarize run, one
    # passage over two voices was credited to the first)
    assert not store.rows("select id from passages") and not store.is_done(video.id, "embed")
    cut = [replace(old[0], speaker_id="s-1"), replace(old[0], id=f"{transcript.id}/00001", idx=1, start=1.0),
           *[replace(s, idx=s.idx + 1, id=f"{transcript.id}/{s.idx + 1:05d}") for s in old[1:]]]  # fmt: skip
    sp.save_diarization(store, video.id, transcript.id, [speaker], [], cut)
    assert store.arguments(video.id) == [] and not store.is_done(video.id, "extract")


def test_a_name_the_user_gave_survives_a_rerun(store: Store) -> None:
    from argmap.pipeline.speakers.people import link_speakers
    from argmap.store import Commentator, Speaker, Transcript, Video

    store.upsert_commentator(Commentator(id="c-1", name="Channel"))
    video = store.upsert_video(
        Video(id="file:v", source_url="file:///v.txt", title="v", commentator_id="c-1")
    )
    transcript = Transcript(id=Transcript.make_id(video.id, "import"), video_id=video.id, source="import")
    dana = Speaker(
        id=Speaker.make_id(video.id, "captions:Dana"), video_id=video.id, label="Dana", source="captions"
    )
    segment = Segment(
        f"{transcript.id}/00000", transcript.id, video.id, 0, 0.0, 2.0, "Hi.", speaker_id=dana.id
    )
    for _ in range(2):
        store.save_transcript(transcript, [segment], speakers=[dana])
        link_speakers(store, video, sp.speakers_of(store, video.id))
        if not any(p.named for p in sp.persons(store)):
            (person,) = sp.persons(store)
            sp.rename(store, person.id, "Dana Smith")
    assert [(p.name, p.named) for p in sp.persons(store)] == [("Dana Smith", True)]


def test_a_voice_heard_in_two_videos_is_shown_by_its_label_in_each_and_renamed_when_one_goes(
    store: Store,
) -> None:
    # "Speaker 1 of <another video>" beside a line of this one misleads; the person's own name
    # (shown by `argmap speakers`) must point at a video it still speaks in.
    from argmap.pipeline.speakers.people import link_speakers
    from argmap.store import Commentator, Speaker, Transcript, Video

    store.upsert_commentator(Commentator(id="c-1", name="Valley Voices"))
    voice = to_blob(np.ones(8, dtype=np.float32) / np.sqrt(8))
    for title, label in (("Why the plan is right", "Speaker 1"), ("Valley Talk", "Speaker 2")):
        video = store.upsert_video(
            Video(id=f"file:{title}", source_url=f"file:///{title}", title=title, commentator_id="c-1")
        )
        transcript = Transcript(id=Transcript.make_id(video.id, "asr"), video_id=video.id, source="asr")
        speaker = Speaker(id=Speaker.make_id(video.id, label), video_id=video.id, label=label, source="voice",
                          seconds=10.0, voice=voice)  # fmt: skip
        segment = Segment(
            f"{transcript.id}/00000", transcript.id, video.id, 0, 0.0, 2.0, "Hi.", speaker_id=speaker.id
        )
        store.save_transcript(transcript, [segment], speakers=[speaker])
        link_speakers(store, video, sp.speakers_of(store, video.id))
    (person,) = sp.persons(store)
    assert person.name == "Speaker 1 of Why the plan is right"
    # views across videos (compare, exports, people pages) still tell the persons apart by name
    (named,) = sp.named_speakers(store, "file:Valley Talk").values()
    assert named == ("Speaker 2", person.id, "Speaker 1 of Why the plan is right")
    assert sp.display_names(store, "file:Valley Talk") == {
        Speaker.make_id("file:Valley Talk", "Speaker 2"): "Speaker 2"
    }
    store.remove_video("file:Why the plan is right")
    assert [p.name for p in sp.persons(store)] == ["Speaker 2 of Valley Talk"]
    sp.rename(store, person.id, "Ruth Adeyemi")
    assert list(sp.display_names(store, "file:Valley Talk").values()) == ["Ruth Adeyemi"]


def test_a_caption_label_met_again_on_its_channel_is_one_person_but_no_voice_match(store: Store) -> None:
    """`argmap speakers` showed "voice match 1.00" for two imports' "Ben" labels: they were linked
    by name, with no voice print to match."""
    from argmap.pipeline.speakers.people import link_speakers
    from argmap.store import Commentator, Speaker, Transcript, Video

    store.upsert_commentator(Commentator(id="c-1", name="Channel"))
    for n in (1, 2):
        video = store.upsert_video(
            Video(id=f"file:v{n}", source_url=f"file:///v{n}.srt", title=f"v{n}", commentator_id="c-1")
        )
        transcript = Transcript(id=Transcript.make_id(video.id, "import"), video_id=video.id, source="import")
        ben = Speaker(
            id=Speaker.make_id(video.id, "captions:Ben"), video_id=video.id, label="Ben", source="captions"
        )
        segment = Segment(
            f"{transcript.id}/00000", transcript.id, video.id, 0, 0.0, 2.0, "Hi.", speaker_id=ben.id
        )
        store.save_transcript(transcript, [segment], speakers=[ben])
        link_speakers(store, video, sp.speakers_of(store, video.id))
    rows = store.rows("select person_id, link_score from speakers order by id")
    assert len({r["person_id"] for r in rows}) == 1 and [r["link_score"] for r in rows] == [None, None]
