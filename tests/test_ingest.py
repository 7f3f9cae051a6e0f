"""Ingest end to end on loopback media: feeds, pages, files, failures, re-runs.

Everything here is real: yt-dlp expands and downloads from a local HTTP server, the
shipped tiny.en model transcribes espeak-ng speech, and rows land in a SQLite file. The
server counts requests, which is how "a re-run downloads nothing" is proven.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from media_server import GOOD_IN_BAD_FEED, Site

from argmap.pipeline.errors import ConfigError, MediaError, SourceError
from argmap.pipeline.ingest.download import (
    Downloader,
    DownloadOptions,
    parse_duration_limit,
    parse_size,
)
from argmap.pipeline.ingest.sources import SourceOptions, canonical_id, expand, parse_since, safe_name
from argmap.pipeline.ingest.ytdlp import classify
from argmap.pipeline.present.transcripts import render_transcript
from argmap.pipeline.runner import IngestOptions, IngestReport, ingest
from argmap.pipeline.text import clean_line
from argmap.store import Store, Video
from argmap.store.queries import video_listing as video_rows

FAST = {"extract": False, "embed": False}
MAX_WER = 0.35  # espeak-ng speech through tiny.en; measured around 0.05-0.15 per clip


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            cur = min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
            prev, row[j] = row[j], cur
    return row[len(hyp)] / max(1, len(ref))


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, minus the bookkeeping that legitimately differs between runs."""
    conn = sqlite3.connect(path)
    tables = [
        r[0]
        for r in conn.execute("select name from sqlite_master where type='table' and name not like '%fts%'")
        if not r[0].startswith(("sqlite_", "_sqlite"))
    ]
    out = {}
    for table in sorted(tables):
        cols = [r[1] for r in conn.execute(f"pragma table_info('{table}')")]
        if table == "stage_status":
            cols = [c for c in cols if c not in ("updated_at", "attempts")]
        rows = conn.execute(f"select {', '.join(repr(c) for c in cols)} from {table}").fetchall()
        out[table] = sorted(rows, key=repr)
    conn.close()
    return out


def run(db: Path, sources: list[str], **opts: Any) -> IngestReport:
    store = Store.open(db)
    try:
        return ingest(store, sources, IngestOptions(**{**FAST, **opts}))
    finally:
        store.close()


@pytest.fixture(scope="module")
def fed(media_site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both feeds ingested once into a real file database (shared by the tests below)."""
    db = tmp_path_factory.mktemp("fed") / "argmap.db"
    media_site.server.reset_log()
    report = run(db, [media_site.feed_a, media_site.feed_b])
    return {"db": db, "report": report, "media_requests": media_site.server.media_requests()}


@pytest.mark.slow
def test_both_feeds_are_stored_and_transcribed_close_to_the_script(
    fed: dict[str, Any], media_site: Site
) -> None:
    report: IngestReport = fed["report"]
    assert report.ok, report.to_dict()
    assert [o.state for o in report.outcomes] == ["done"] * 4
    store = Store.open(fed["db"])
    rows = store.rows(
        "select v.*, c.name as commentator from videos v join commentators c on c.id = v.commentator_id"
    )
    assert {r["commentator"] for r in rows} == {"Ana Reports", "Ben Talks"}
    by_title = {r["title"]: r for r in rows}
    for name, clip in media_site.clips.items():
        video = by_title[f"Episode {name}"]
        assert video["id"].startswith("generic:")
        assert video["media_path"] is None  # deleted once transcribed and diarized (no --keep-media)
        assert video["published"] and video["published"].startswith("2025-03-0")
        transcript = store.transcript(video["id"])
        assert transcript is not None and transcript.source == "asr" and transcript.language == "en"
        segments = store.segments(transcript.id)
        assert segments, name
        text = " ".join(s.text for s in segments)
        assert wer(clip.text, text) <= MAX_WER, (name, text)
        starts = [s.start for s in segments]
        assert starts == sorted(starts)
        for s in segments:
            assert 0 <= s.start <= s.end <= clip.duration + 0.5
        assert store.is_done(video["id"], "download") and store.is_done(video["id"], "transcribe")
    left = [p.name for p in fed["db"].with_name("argmap-media").iterdir() if p.suffix in (".m4a", ".mp4")]
    assert left == [], "downloaded media outlives the stages that listen to it"
    # One extraction probe plus one download per media file, nothing more.
    assert sorted(set(fed["media_requests"])) == sorted(
        ["/media/ana-1.m4a", "/media/ana-2.mp4", "/media/ben-1.m4a", "/media/ben-2.m4a"]
    )
    store.close()


@pytest.mark.slow
def test_rerun_downloads_nothing_and_changes_nothing(fed: dict[str, Any], media_site: Site) -> None:
    before = dump(fed["db"])
    media_site.server.reset_log()
    report = run(fed["db"], [media_site.feed_a, media_site.feed_b])
    assert media_site.server.media_requests() == []
    assert sorted(media_site.server.requests()) == ["/feeds/ana.xml", "/feeds/ben.xml"]
    assert [o.state for o in report.outcomes] == ["skipped"] * 4 and report.ok
    assert report.downloads == 0
    assert dump(fed["db"]) == before


@pytest.mark.slow
def test_bad_entries_fail_with_reasons_and_only_transient_ones_are_retried(
    media_site: Site, media_server: Any, tmp_path: Path
) -> None:
    db = tmp_path / "bad.db"
    report = run(db, [media_site.bad_feed])
    assert not report.ok
    by_title = {o.title: o for o in report.outcomes}
    assert by_title[f"Episode {GOOD_IN_BAD_FEED}"].state == "done"
    gone, notes = by_title["Deleted episode"], by_title["Show notes"]
    corrupt, busy = by_title["Corrupt upload"], by_title["Busy server"]
    assert (gone.stage, gone.permanent) == ("download", True) and "404" in (gone.reason or "")
    assert (notes.stage, notes.permanent) == ("download", True) and "not a media" in (notes.reason or "")
    assert (corrupt.stage, corrupt.permanent) == ("transcribe", True) and "decode" in (corrupt.reason or "")
    assert (busy.stage, busy.permanent) == ("download", False) and "503" in (busy.reason or "")
    for o in (gone, notes, corrupt, busy):
        assert "\n" not in (o.reason or "") and len(o.reason or "") < 200

    # The server recovers; a re-run fetches the transient failure and nothing else.
    media_server.reset_log()
    media_server.flaky = False
    again = run(db, [media_site.bad_feed])
    assert set(media_server.media_requests()) == {"/flaky.m4a"}
    assert "/blog/post.html" not in media_server.requests()
    states = {o.title: o.state for o in again.outcomes}
    assert states["Busy server"] == "done"
    assert states[f"Episode {GOOD_IN_BAD_FEED}"] == "skipped"
    assert {states[t] for t in ("Deleted episode", "Show notes", "Corrupt upload")} == {"failed"}
    assert not again.ok  # the permanent failures are still failures
    store = Store.open(db)
    attempts = {
        r["video_id"]: r["attempts"] for r in store.rows("select * from stage_status where status='failed'")
    }
    assert set(attempts.values()) == {1}  # permanent failures were not tried again
    failed = video_rows(store, "failed")
    assert len(failed) == 3
    store.close()
    # --force cannot redo a download that failed for good: the note does not promise it does
    from argmap.pipeline.engines.steps import NullReporter

    notes: list[str] = []

    class Notes(NullReporter):
        def info(self, message: str) -> None:
            notes.append(message)

    store = Store.open(db)
    try:
        ingest(store, [media_site.bad_feed], IngestOptions(**{**FAST, "force": True}), Notes())
    finally:
        store.close()
    skipped = [n for n in notes if "failed for good before" in n]
    assert skipped and "--force redoes them" not in skipped[0], notes


@pytest.mark.slow
def test_silence_and_noise_store_no_segments(media_site: Site, tmp_path: Path) -> None:
    urls = [media_site.server.url("/media/silence.m4a"), media_site.server.url("/media/noise.m4a")]
    db = tmp_path / "quiet.db"
    report = run(db, urls)
    assert report.ok, report.to_dict()
    store = Store.open(db)
    for outcome in report.outcomes:
        transcript = store.transcript(outcome.video_id)
        assert transcript is not None and transcript.source == "asr"
        assert store.segments(transcript.id) == []
    store.close()
    # and `argmap transcript` says so, rather than printing nothing
    from click.testing import CliRunner

    from argmap.pipeline.present.cli import cli

    shown = CliRunner().invoke(cli, ["transcript", report.outcomes[0].video_id, "--db", str(db)])
    assert shown.exit_code == 0 and "note: no speech was transcribed" in shown.output, shown.output


@pytest.mark.slow
def test_short_download_is_flagged_and_fetched_again(
    media_site: Site, media_server: Any, tmp_path: Path
) -> None:
    """The feed promises a minute, the file holds nine seconds: never half-transcribed."""
    db = tmp_path / "short.db"
    report = run(db, [media_site.short_feed])
    (outcome,) = report.outcomes
    assert outcome.state == "failed" and not outcome.permanent
    assert (outcome.reason or "").endswith(" bytes")  # what tells the same file from a new transfer
    store = Store.open(db)
    video = store.video(outcome.video_id)
    assert store.transcript(video.id) is None
    assert video.media_path and not Path(video.media_path).exists()  # thrown away for a fresh download
    assert store.status(video.id, "download").status == "failed"  # type: ignore[union-attr]
    store.close()
    media_server.reset_log()
    second = run(db, [media_site.short_feed])
    assert "/media/ana-1.m4a" in media_server.media_requests()
    # Downloaded again, the same bytes and still short: the file is, not the transfer. It was
    # retried (and fetched again) on every run, for ever.
    assert second.outcomes[0].permanent and "twice: the file itself is short" in (
        second.outcomes[0].reason or ""
    )
    media_server.reset_log()
    run(db, [media_site.short_feed])
    assert "/media/ana-1.m4a" not in media_server.media_requests()


@pytest.mark.slow
def test_a_local_video_whose_picture_outlasts_its_sound_is_transcribed(
    media_site: Site, tmp_path: Path
) -> None:
    """A local file is whole as it is: a video with a silent picture after its speech (its
    container twice the sound's length) was refused as a 'partial download' on every run."""
    import subprocess

    clip = media_site.clips["ana-1"]
    video = tmp_path / "talk with outro.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-t", f"{clip.duration * 2:.1f}",
         "-i", "color=c=blue:s=64x48:r=5", "-i", str(clip.wav), "-c:v", "mpeg4", "-c:a", "aac", str(video)],
        check=True,
    )  # fmt: skip
    (outcome,) = run(tmp_path / "outro.db", [str(video)]).outcomes
    assert outcome.state == "done", outcome.reason
    store = Store.open(tmp_path / "outro.db")
    try:
        transcript = store.transcript(outcome.video_id)
        assert transcript is not None and store.segments(transcript.id)
    finally:
        store.close()


@pytest.mark.slow
def test_a_model_that_cannot_load_fails_the_run_not_the_video(
    media_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A speech model that is not there (offline) is the machine's problem: marked permanent,
    it made the next run, with a model that is there, skip the video for good."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    db = tmp_path / "model.db"
    clips = [str(media_site.clips[name].files["m4a"]) for name in ("ana-1", "ben-1")]
    first = run(db, clips, model="argmap-test/no-such-whisper-model")
    assert [o.state for o in first.outcomes] == ["failed", "failed"]
    assert not any(o.permanent for o in first.outcomes) and "tiny.en" in (first.outcomes[0].reason or "")
    second = run(db, clips)
    assert [o.state for o in second.outcomes] == ["done", "done"], [o.reason for o in second.outcomes]


def test_vtt_import_stores_captions_with_times(media_site: Site, tmp_path: Path) -> None:
    db = tmp_path / "vtt.db"
    report = run(db, [str(media_site.vtt)], commentator="Ben Talks", title="Roof costs")
    (outcome,) = report.outcomes
    assert outcome.state == "done" and outcome.video_id.startswith("file:")
    store = Store.open(db)
    video = store.video(outcome.video_id)
    assert video.title == "Roof costs"
    assert store.commentator(video.commentator_id or "").name == "Ben Talks"
    transcript = store.transcript(video.id)
    assert transcript is not None and transcript.source == "import"
    segs = store.segments(transcript.id)
    assert [(s.start, s.end) for s in segs] == [(0.0, 3.5), (3.5, 8.0)]
    assert segs[0].text.startswith("Critics of the plan")
    vtt = render_transcript(store, video, "vtt")
    assert "00:00:03.500 --> 00:00:08.000" in vtt
    store.close()
    before = dump(db)
    assert [o.state for o in run(db, [str(media_site.vtt)], commentator="Ben Talks").outcomes] == ["skipped"]
    assert dump(db) == before


@pytest.mark.slow
def test_html_page_media_with_captions_preferred(media_site: Site, media_server: Any, tmp_path: Path) -> None:
    db = tmp_path / "page.db"
    report = run(db, [media_site.page])
    assert report.ok and len(report.outcomes) == 2, report.to_dict()
    store = Store.open(db)
    sources = {}
    for o in report.outcomes:
        video = store.video(o.video_id)
        assert video.webpage_url == media_site.page
        host = store.commentator(video.commentator_id or "")
        assert host.name == "127.0.0.1"  # the host
        assert host.url == f"http://127.0.0.1:{urlsplit(media_site.page).port}/"  # with its port
        t = store.transcript(video.id)
        assert t is not None
        sources[video.source_url.rsplit("/", 1)[-1]] = (t.source, store.segments(t.id))
        # the page reports no length: the decoded audio's, or the captions' end, stands in
        assert t.duration and t.duration >= max(s.end for s in store.segments(t.id)) - 0.01, t
    # <video> has no captions: transcribed; <audio> carries a <track>: its captions are used.
    assert sources["ana-1.mp4"][0] == "asr"
    assert wer(media_site.clips["ana-1"].text, " ".join(s.text for s in sources["ana-1.mp4"][1])) <= MAX_WER
    assert sources["ben-2.m4a"][0] == "captions" and len(sources["ben-2.m4a"][1]) == 2
    assert "/media/ben-2.m4a" not in media_server.media_requests()  # no media needed
    store.close()


def test_captions_only_never_downloads_media(media_site: Site, media_server: Any, tmp_path: Path) -> None:
    report = run(tmp_path / "only.db", [media_site.page], captions="only")
    assert media_server.media_requests() == []
    states = sorted((o.state, o.reason or "") for o in report.outcomes)
    assert states[0][0] == "done"
    assert states[1][0] == "failed" and "no captions" in states[1][1]


def test_limit_and_since_pick_entries_without_downloading(media_site: Site, media_server: Any) -> None:
    assert len(expand(media_site.feed_b, SourceOptions(limit=1))) == 1
    later = expand(media_site.feed_b, SourceOptions(since=parse_since("2025-03-02")))
    assert [e.video.title for e in later] == ["Episode ben-2"]
    assert media_server.media_requests() == []


def test_unknown_source_is_one_line_and_the_batch_goes_on(media_site: Site, tmp_path: Path) -> None:
    report = run(tmp_path / "x.db", ["/no/such/file.mp3", str(media_site.vtt)])
    assert len(report.source_errors) == 1 and "no such file" in report.source_errors[0][1]
    assert [o.state for o in report.outcomes] == ["done"]
    assert not report.ok


def test_an_unknown_stage_stops_the_run_before_any_source_is_stored(tmp_path: Path) -> None:
    class Bogus:
        name, requires = "bogus", ()

    transcript = tmp_path / "talk.vtt"
    transcript.write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHello there.\n", encoding="utf-8")
    store = Store.open(tmp_path / "x.db")
    try:
        with pytest.raises(ConfigError, match="unknown stage 'bogus'"):
            ingest(store, [str(transcript)], stages=[Bogus()])
        assert store.counts()["videos"] == 0
    finally:
        store.close()


def test_a_run_killed_half_way_leaves_the_video_pending(tmp_path: Path) -> None:
    """Stages a run set out to do are recorded as pending first, so a video whose run died after
    extraction does not look finished (`videos --status done`), and the next run completes it."""
    from argmap.pipeline.runner import build_stages

    transcript = tmp_path / "talk.txt"
    transcript.write_text("The tariffs are a mistake. We must fund open research.\n", encoding="utf-8")
    options = IngestOptions(embed=False, extractor="rules")
    store = Store.open(tmp_path / "k.db")
    try:
        stages = build_stages(options, store)
        names = [s.name for s in stages]
        assert "extract" in names and "summarise" in names

        class Killed:  # the process dies while summarising
            name, requires, uses_media, kind = "summarise", ("extract",), False, "cpu"

            def open(self, ctx: Any) -> None:
                pass

            def run(self, ctx: Any, video: Any) -> None:
                raise KeyboardInterrupt

            def close(self) -> None:
                pass

        with pytest.raises(KeyboardInterrupt):
            ingest(
                store,
                [str(transcript)],
                options,
                stages=[s if s.name != "summarise" else Killed() for s in stages],
            )
        (row,) = video_rows(store)
        assert row["status"] == "pending" and row["stages"]["extract"]["status"] == "done"
        assert row["stages"]["summarise"]["status"] == "pending"
        assert video_rows(store, "done") == []
        (outcome,) = ingest(store, [str(transcript)], options).outcomes
        assert outcome.state == "done"
        assert video_rows(store, "done")[0]["stages"].keys() == set(names)
    finally:
        store.close()


def test_canonical_ids_need_no_network() -> None:
    import yt_dlp

    with yt_dlp.YoutubeDL({"quiet": True}) as ydl:
        yt = {"_type": "url", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
        assert canonical_id(ydl, yt) == ("youtube", "youtube:dQw4w9WgXcQ")
        a = canonical_id(ydl, {"_type": "url", "url": "https://a.example/ep1.mp3"})
        b = canonical_id(ydl, {"_type": "url", "url": "https://b.example/ep1.mp3"})
        assert a[0] == b[0] == "generic" and a[1] != b[1]  # same file name, different hosts


@pytest.mark.parametrize(
    ("message", "permanent", "needle"),
    [
        (
            "ERROR: [generic] gone: Unable to download webpage: HTTP Error 404: Not Found (caused by ...)",
            True,
            "404",
        ),
        ("ERROR: [youtube] abc: Private video. Sign in if you've been granted access", True, "private"),
        (
            "ERROR: [youtube] abc: Video unavailable. This video has been removed by the uploader",
            True,
            "removed",
        ),
        ("ERROR: Unsupported URL: https://example.com/post", True, "not a media"),
        ("ERROR: [generic] x: Unable to download webpage: HTTP Error 503: Service Unavailable", False, "503"),
        ("ERROR: [download] Got error: The read operation timed out", False, "timeout"),
        ("ERROR: something nobody has seen before\nTraceback...", False, "something nobody"),
    ],
)
def test_download_errors_are_classified(message: str, permanent: bool, needle: str) -> None:
    reason, is_permanent = classify(message)
    assert is_permanent is permanent
    assert needle in reason and "\n" not in reason


# -- Atom feeds ---------------------------------------------------------------------------


@pytest.mark.slow
def test_atom_feed_ingests_like_the_rss_feed(media_site: Site, media_server: Any, tmp_path: Path) -> None:
    """Enclosure links and media:content both become entries; a post without media does not."""
    atom_entries = expand(media_site.atom_feed)
    rss_entries = expand(media_site.feed_a)
    # Same media, same canonical ids: an episode found through either feed is one video.
    assert [e.id for e in atom_entries] == [e.id for e in rss_entries]
    assert [e.video.title for e in atom_entries] == ["Episode ana-1", "Episode ana-2"]
    assert [e.video.published for e in atom_entries] == ["2025-03-01", "2025-03-02"]
    assert {e.commentator.name for e in atom_entries if e.commentator} == {"Ana Reports"}
    assert atom_entries[0].video.description == "Notes for Episode ana-1"
    later = expand(media_site.atom_feed, SourceOptions(since=parse_since("2025-03-02")))
    assert [e.video.title for e in later] == ["Episode ana-2"]

    db = tmp_path / "atom.db"
    report = run(db, [media_site.atom_feed], keep_media=True)
    assert report.ok and [o.state for o in report.outcomes] == ["done", "done"], report.to_dict()
    assert sorted(set(media_server.media_requests())) == ["/media/ana-1.m4a", "/media/ana-2.mp4"]
    store = Store.open(db)
    for o in report.outcomes:
        video = store.video(o.video_id)
        assert video.media_path and Path(video.media_path).name.startswith(safe_name(video.id) + ".")
        transcript = store.transcript(video.id)
        assert transcript is not None and transcript.source == "asr"
        clip = media_site.clips[video.title.split()[-1]]
        assert wer(clip.text, " ".join(s.text for s in store.segments(transcript.id))) <= MAX_WER
    store.close()
    assert [o.state for o in run(db, [media_site.atom_feed]).outcomes] == ["skipped", "skipped"]


def test_atom_entity_bomb_is_refused_in_one_line(media_site: Site) -> None:
    with pytest.raises(SourceError) as caught:
        expand(media_site.atom_bomb)
    assert caught.value.permanent and "Atom" in str(caught.value) and "\n" not in str(caught.value)


def test_atom_alternate_links_only_for_known_sites() -> None:
    from argmap.pipeline.ingest.atom import _atom_entry, parse_xml

    root = parse_xml(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Clip</title>'
        b'<link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/></entry>'
        b'<entry><title>Blog</title><link href="https://blog.example/post"/></entry></feed>'
    )
    clip, blog = (_atom_entry(e) for e in root)
    assert clip is not None and clip["url"].endswith("v=dQw4w9WgXcQ") and blog is None


# -- size and length limits ---------------------------------------------------------------


def download_only(db: Path, sources: list[str], **limits: Any) -> IngestReport:
    """Ingest with only the real download stage: limits act there, no model is needed."""
    store = Store.open(db)
    try:
        stage = Downloader(DownloadOptions(media_dir=db.with_name("media"), **limits))
        return ingest(store, sources, IngestOptions(**FAST), stages=[stage])
    finally:
        store.close()


def test_too_large_download_fails_for_good_and_the_batch_goes_on(
    media_site: Site, media_server: Any, tmp_path: Path
) -> None:
    small = media_site.clips["ana-2"].files["mp4"].stat().st_size
    large = media_site.clips["ana-1"].files["m4a"].stat().st_size
    assert small < large
    db = tmp_path / "size.db"
    report = download_only(db, [media_site.feed_a], max_filesize=(small + large) // 2)
    by_title = {o.title: o for o in report.outcomes}
    assert by_title["Episode ana-2"].state == "done"
    big = by_title["Episode ana-1"]
    assert big.state == "failed" and big.permanent and big.stage == "download"
    assert re.fullmatch(r"too large: [\d.]+ KB > [\d.]+ KB limit \(--max-filesize\)", big.reason or "")
    assert [p.name for p in (tmp_path / "media").iterdir()] == [
        f"{safe_name(by_title['Episode ana-2'].video_id)}.mp4"
    ]
    media_server.reset_log()
    assert [o.state for o in download_only(db, [media_site.feed_a]).outcomes] == ["failed", "skipped"]
    assert media_server.media_requests() == []  # permanent: not fetched again


def test_too_long_entries_fail_before_transcription(
    media_site: Site, media_server: Any, tmp_path: Path
) -> None:
    """Announced length (feed) fails without a request; unannounced length is probed."""
    report = download_only(tmp_path / "long.db", [media_site.short_feed, media_site.feed_b], max_duration=5.0)
    assert [o.state for o in report.outcomes] == ["failed"] * 3 and all(o.permanent for o in report.outcomes)
    reasons = [o.reason for o in report.outcomes]
    assert reasons[0] == "too long: 0:01:00 > 0:00:05 limit (--max-duration)"
    assert all(
        re.fullmatch(r"too long: 0:00:0[6-9] > 0:00:05 limit \(--max-duration\)", r or "")
        for r in reasons[1:]
    )
    assert "/media/ana-1.m4a" not in media_server.media_requests()  # the feed said 60 s: nothing fetched
    assert list((tmp_path / "media").iterdir()) == []  # probed files are not kept

    local = download_only(
        tmp_path / "local.db", [str(media_site.clips["ben-1"].files["m4a"])], max_duration=5.0
    )
    assert local.outcomes[0].reason == "too long: 0:00:07 > 0:00:05 limit (--max-duration)"
    store = Store.open(tmp_path / "local.db")
    try:  # refused, with its length known: `argmap videos` showed "-"
        assert 6 < (store.video(local.outcomes[0].video_id).duration or 0) < 8
    finally:
        store.close()
    tiny = download_only(tmp_path / "tiny.db", [str(media_site.noise)], max_filesize=1000)
    assert (tiny.outcomes[0].reason or "").startswith("too large: ") and tiny.outcomes[0].permanent


@pytest.mark.parametrize(
    ("text", "size"),
    [("500M", 500 << 20), ("2G", 2 << 30), ("1.5g", 3 << 29), ("4GiB", 4 << 30), ("123", 123), ("0", None)],
)
def test_parse_size(text: str, size: int | None) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("21600", 21600.0), ("6:00:00", 21600.0), ("90:00", 5400.0), ("1:02:03", 3723.0), ("0", None)],
)
def test_parse_duration_limit(text: str, seconds: float | None) -> None:
    assert parse_duration_limit(text) == seconds


@pytest.mark.parametrize("bad", ["2X", "lots", "-1G"])
def test_bad_limits_are_one_line_errors(bad: str) -> None:
    with pytest.raises(ConfigError, match="--max-filesize"):
        parse_size(bad)
    with pytest.raises(ConfigError, match="--max-duration"):
        parse_duration_limit(bad)


def test_limit_messages_read_like_the_readme() -> None:
    options = DownloadOptions(media_dir=Path("."))
    with pytest.raises(MediaError, match=r"^too large: 5.2 GB > 4 GB limit \(--max-filesize\)$"):
        options.check_size(5.2 * (1 << 30))
    with pytest.raises(MediaError, match=r"^too long: 7:12:00 > 6:00:00 limit \(--max-duration\)$"):
        options.check_duration(7.2 * 3600)
    options.check_size(None)  # unknown sizes pass: the download hook still watches


# -- hostile metadata ---------------------------------------------------------------------

INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def test_hostile_title_is_stored_as_one_clean_line(media_site: Site, tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    report = download_only(db, [media_site.hostile_feed], max_duration=None)
    (outcome,) = report.outcomes
    assert outcome.state == "done", report.to_dict()
    store = Store.open(db)
    video = store.video(outcome.video_id)
    assert video.title.startswith("Breaking news RED evil bold & x < y AAAA")
    assert len(video.title) <= 300 and video.title.endswith("A\u2026")
    assert not INVISIBLE.search(video.title)
    assert video.description == "First line\n\nSecond line"
    assert store.commentator(video.commentator_id or "").name == "Ben Talks"
    # The media file is named by id, whatever the title says.
    assert video.media_path and Path(video.media_path).name == f"{safe_name(video.id)}.m4a"
    store.close()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mred\x1b[0m alert\x07", "red alert"),
        ("title\x1b]0;pwned\x07 here", "title here"),  # OSC: sets the terminal's window title
        ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink
        ("a\u202eb\u2066c\u200dd\ufeffe", "abcde"),
        (
            "no \U0001f645\u200d\u2642\ufe0f here",
            "no \U0001f645\u200d\u2642\ufe0f here",
        ),  # one emoji, joiner kept
        ("one\r\ntwo\u2028three\x00four", "one two threefour"),
        ("Tom &amp; Jerry <i>live</i> &lt;3", "Tom & Jerry live <3"),
        ("  ", ""),
    ],
)
def test_clean_line_removes_escapes_controls_and_markup(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


def test_clean_line_caps_with_an_ellipsis() -> None:
    capped = clean_line("word " * 50_000)
    assert len(capped) == 300 and capped.endswith("\u2026") and "  " not in capped
    assert clean_line("short") == "short"


COOKIE_HINT = (
    " Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/"
    "yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies."
)


@pytest.mark.parametrize(
    ("message", "reason", "permanent"),
    [
        (
            f"Private video. Sign in if you've been granted access to this video.{COOKIE_HINT}",
            "private video",
            True,
        ),
        ("This video is private", "private video", True),
        ("Video unavailable", "video unavailable", True),
        ("Video unavailable. This content isn\u2019t available.", "video unavailable", True),
        ("This video has been removed for violating YouTube's Terms of Service", "video removed", True),
        (
            "Video unavailable. This video is no longer available because the YouTube account associated "
            "with this video has been terminated.",
            "video removed",
            True,
        ),
        (
            f"Sign in to confirm your age. This video may be inappropriate for some users.{COOKIE_HINT}",
            "age-restricted video (try --cookies)",
            True,
        ),
        (
            "Join this channel to get access to members-only content like this video",
            "members-only video",
            True,
        ),
        ("The uploader has not made this video available in your country", "blocked in this country", True),
        (
            f"Sign in to confirm you\u2019re not a bot.{COOKIE_HINT}",
            "the site asks to sign in (try --cookies, or later)",
            False,
        ),
        ("Premieres in 2 hours", "not out yet (premiere or upcoming live stream)", False),
    ],
)
def test_youtube_refusals_are_classified_in_one_line(message: str, reason: str, permanent: bool) -> None:
    for text in (
        f"ERROR: [youtube] dQw4w9WgXcQ: {message}",
        f"\x1b[0;31mERROR:\x1b[0m [youtube] x: {message}\n",
    ):
        assert classify(text) == (reason, permanent)


def test_a_page_without_media_is_not_mistaken_for_a_feed(media_site: Site, media_server: Any) -> None:
    with pytest.raises(SourceError, match="not a media page") as caught:
        expand(media_site.server.url("/blog/post.html"))
    assert caught.value.permanent
    with pytest.raises(SourceError, match="404"):
        expand(media_site.server.url("/feeds/gone.atom"))
    assert media_server.requests(lambda p: p == "/feeds/gone.atom") == ["/feeds/gone.atom"]  # no second look


@pytest.mark.parametrize(
    ("mode", "tracks", "expected"),
    [
        ("prefer", {"automatic_captions"}, "automatic_captions:vtt"),
        ("manual", {"automatic_captions"}, None),  # transcribed instead: Whisper punctuates
        ("manual", {"subtitles", "automatic_captions"}, "subtitles:vtt"),
        ("prefer", {"subtitles", "automatic_captions"}, "subtitles:vtt"),
    ],
)
def test_manual_captions_skip_automatic_ones(
    tmp_path: Path, mode: str, tracks: set[str], expected: str | None
) -> None:
    # yt-dlp lists automatic captions only for sites that make them (YouTube), which no loopback
    # server imitates, so the choice between tracks is pinned on the info dict yt-dlp returns.
    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nso the council voted last night\n"
    info = {source: {"en": [{"ext": "vtt", "data": vtt}]} for source in tracks}
    downloader = Downloader(DownloadOptions(media_dir=tmp_path, captions=mode))
    found = downloader._captions(None, info, Video(id="v1", source_url="https://example.org/v1", title="v1"))
    assert (found[0].model if found else None) == expected


@pytest.mark.slow
def test_manual_captions_still_use_subtitles_a_page_carries(
    media_site: Site, media_server: Any, tmp_path: Path
) -> None:
    report = run(tmp_path / "manual.db", [media_site.page], captions="manual")
    assert report.ok and len(report.outcomes) == 2, report.to_dict()
    store = Store.open(tmp_path / "manual.db")
    sources = {}
    for o in report.outcomes:
        video = store.video(o.video_id)
        transcript = store.transcript(video.id)
        assert transcript is not None
        sources[video.source_url.rsplit("/", 1)[-1]] = (transcript.source, transcript.model)
    store.close()
    # a <track kind="subtitles"> is a subtitle track to yt-dlp: used, the media never fetched
    assert sources["ben-2.m4a"] == ("captions", "subtitles:vtt")
    assert sources["ana-1.mp4"][0] == "asr"
    assert "/media/ben-2.m4a" not in media_server.media_requests()

    # the step the closing report's advice for automatic captions rests on (here with `never`, as
    # this page's track is a person's): --force fetches and transcribes a video read from captions,
    # and from then on its transcript is Whisper's
    media_server.reset_log()
    again = run(tmp_path / "manual.db", [media_site.page], captions="never", force=True)
    assert again.ok, again.to_dict()
    store = Store.open(tmp_path / "manual.db")
    ben = next(v for v in (store.video(o.video_id) for o in again.outcomes) if "ben-2" in v.source_url)
    transcript = store.transcript(ben.id)
    store.close()
    assert transcript is not None and transcript.source == "asr"
    assert "/media/ben-2.m4a" in media_server.media_requests()


def test_closing_report_names_videos_that_took_automatic_captions(capsys: pytest.CaptureFixture[str]) -> None:
    from argmap.pipeline.present.commands_ingest import _print_report
    from argmap.pipeline.runner import _outcome
    from argmap.store import Transcript

    store = Store.memory()
    models = {"auto": "automatic_captions:vtt", "old auto": "automatic_captions:vtt"}
    models |= {"subs": "subtitles:vtt", "heard": "tiny.en"}
    for vid, model in models.items():
        store.upsert_video(Video(id=vid, source_url=f"https://example.org/{vid}", title=vid))
        source = "asr" if model == "tiny.en" else "captions"
        store.save_transcript(Transcript(Transcript.make_id(vid, source), vid, source, model=model), [])
        store.mark(vid, "download", "done")
    stages = ("download", "transcribe")
    report = IngestReport(outcomes=[_outcome(store, store.video(v), stages, v == "old auto") for v in models])
    assert [o.automatic_captions for o in report.outcomes] == [True, True, False, False]
    assert report.to_dict()["videos"][0]["automatic_captions"] is True
    _print_report(report)
    out = capsys.readouterr().out
    assert "2 of the done and skipped videos have the source's automatic captions" in out
    # a command to paste, with each URL quoted for the shell
    assert (
        "argmap ingest --captions manual --force https://example.org/auto 'https://example.org/old auto'"
        in out
    )
    # the video transcribed since (asr is preferred over its old captions) is no longer named
    store.save_transcript(Transcript(Transcript.make_id("auto", "asr"), "auto", "asr", model="tiny.en"), [])
    assert not _outcome(store, store.video("auto"), stages, False).automatic_captions
    _print_report(
        IngestReport(outcomes=[_outcome(store, store.video(v), stages, False) for v in ("auto", "subs")])
    )
    assert "automatic captions" not in capsys.readouterr().out


def test_empty_files_are_refused_not_merged_into_one_video(tmp_path: Path, caplog: Any) -> None:
    """Every empty file has the same content id: the second would be reported under the first's
    name and skipped as already failed. A single one is a one-line error, a folder's are skipped."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.vtt").write_bytes(b"")
    (folder / "b.txt").write_bytes(b"")
    (folder / "c.txt").write_text("The council should keep the library open.\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"a\.vtt: the file is empty \(0 bytes\)"):
        expand(str(folder / "a.vtt"))
    with caplog.at_level("WARNING"):
        entries = expand(str(folder))
    assert [e.path.name for e in entries if e.path] == ["c.txt"]
    assert "skipped 2 empty file(s)" in caplog.text
