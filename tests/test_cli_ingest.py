"""The ingest commands as a user runs them: real processes, exit codes, kill -9 mid-batch.

The kill test is the one that proves the transaction design: a batch killed right after
its first video finished, then re-run, must end in exactly the database an uninterrupted
run produces.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from media_server import Site
from test_ingest import dump

from argmap.pipeline.present.cli import cli
from argmap.store import Store

# The console script installed next to this interpreter: exactly what a user runs.
ARGMAP = [str(Path(sys.executable).with_name("argmap"))]


def argmap(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ARGMAP, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, "NO_COLOR": "1"}
    )


def normalised(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The dump with media paths reduced to file names (each run has its own folder)."""
    data = dump(db)
    conn = sqlite3.connect(db)
    cols = [r[1] for r in conn.execute("pragma table_info('videos')")]
    conn.close()
    at = cols.index("media_path")
    data["videos"] = sorted(
        (tuple(Path(v).name if i == at and v else v for i, v in enumerate(row)) for row in data["videos"]),
        key=repr,
    )
    return data


def done_count(db: Path, stage: str = "transcribe") -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(
                "select count(*) from stage_status where stage = ? and status = 'done'", [stage]
            ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["transcribe", "diarize"])
def test_killed_batch_rerun_equals_uninterrupted_run(media_site: Site, tmp_path: Path, stage: str) -> None:
    sources = [media_site.feed_a, media_site.feed_b]
    whole = tmp_path / "whole" / "argmap.db"
    first = argmap("ingest", *sources, "--db", str(whole), "--no-extract", "--no-embed")
    assert first.returncode == 0, first.stderr
    assert "done: 4" in first.stdout

    killed = tmp_path / "killed" / "argmap.db"
    killed.parent.mkdir()
    proc = subprocess.Popen(
        [*ARGMAP, "ingest", *sources, "--db", str(killed), "--no-extract", "--no-embed"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while done_count(killed, stage) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    at_kill = done_count(killed)
    assert 1 <= done_count(killed, stage) < 4

    finished = done_count(killed, "diarize")  # every stage of the run done: nothing left to do
    rerun = argmap("ingest", *sources, "--db", str(killed), "--no-extract", "--no-embed")
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipped (already processed): {finished}" in rerun.stdout
    # what was transcribed before the kill is not transcribed again
    if at_kill < 4:
        assert f"transcribe: {4 - at_kill} video(s)" in rerun.stderr
    else:
        assert "transcribe:" not in rerun.stderr
    assert normalised(killed) == normalised(whole)


@pytest.mark.slow
def test_ctrl_c_says_the_work_is_kept_and_a_rerun_finishes(media_site: Site, tmp_path: Path) -> None:
    """Ctrl-C is the user stopping the run: exit status 130 and a line saying what to do, not
    click's "Aborted!" with status 1; the same command then finishes the batch."""
    sources = [media_site.feed_a, media_site.feed_b]
    db = tmp_path / "argmap.db"
    proc = subprocess.Popen(
        [*ARGMAP, "ingest", *sources, "--db", str(db), "--no-extract", "--no-embed"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # a shell starts background jobs with SIGINT ignored, and Python then never raises
        # KeyboardInterrupt: give the child the terminal's default, as a user's shell does
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 240
    # the first download stored: all four clips are still to be transcribed
    while done_count(db, "download") < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the batch finished before Ctrl-C reached it")
    assert proc.returncode == 130, err
    assert "interrupted: what was stored stays; run the same command again to finish" in err
    assert "Aborted!" not in err and "Traceback" not in err, err
    rerun = argmap("ingest", *sources, "--db", str(db), "--no-extract", "--no-embed")
    assert rerun.returncode == 0, rerun.stderr
    assert done_count(db, "diarize") == 4


@pytest.mark.slow
def test_bad_feed_exits_nonzero_and_lists_reasons(
    media_site: Site, media_server: Any, tmp_path: Path
) -> None:
    db = tmp_path / "argmap.db"
    result = argmap("ingest", media_site.bad_feed, "--db", str(db), "--no-extract", "--no-embed")
    assert result.returncode == 1
    assert "failed: 4" in result.stdout
    assert "HTTP Error 404" in result.stdout and "HTTP Error 503" in result.stdout
    assert "(will retry)" in result.stdout and "(permanent)" in result.stdout

    runner = CliRunner()
    listed = runner.invoke(cli, ["videos", "--db", str(db), "--status", "failed", "--json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert len(rows) == 4 and all(r["status"] == "failed" for r in rows)
    text = runner.invoke(cli, ["videos", "--db", str(db)]).output
    assert "not a media page" in text and "Episode ben-1" in text


def test_transcript_formats_and_missing_video(media_site: Site, tmp_path: Path) -> None:
    db = tmp_path / "argmap.db"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["ingest", str(media_site.vtt), "--db", str(db), "--title", "Roof", "--json", "--no-embed"]
    )
    assert result.exit_code == 0, result.output
    video_id = json.loads(result.stdout)["videos"][0]["video_id"]

    txt = runner.invoke(cli, ["transcript", video_id[:12], "--db", str(db)]).stdout
    assert txt.splitlines()[1].startswith("[00:03] The council should sell")
    srt = runner.invoke(cli, ["transcript", video_id, "--db", str(db), "--format", "srt"]).stdout
    assert srt.startswith("1\n00:00:00,000 --> 00:00:03,500\n")
    data = json.loads(
        runner.invoke(cli, ["transcript", video_id, "--db", str(db), "--format", "json"]).stdout
    )
    assert data["transcript"]["source"] == "import" and len(data["segments"]) == 2

    missing = runner.invoke(cli, ["transcript", "youtube:nothere", "--db", str(db)])
    assert missing.exit_code == 1 and "no video" in missing.output


def test_ingest_rejects_bad_options(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", "x", "--db", str(tmp_path / "a.db"), "--since", "yesterday"])
    assert result.exit_code == 1 and "--since" in result.output


def test_help_imports_no_heavy_library() -> None:
    """`argmap --help` stays instant because the CLI loads models and their libraries lazily;
    checked by what gets imported, not by a clock on a shared machine."""
    result = argmap("ingest", "--help", timeout=30)
    assert result.returncode == 0 and "--captions" in result.stdout
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from argmap.pipeline.present.cli import cli\n"
        "for args in (['--help'], ['ingest', '--help'], ['search', '--help']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0\n"
        "heavy = ('torch', 'sentence_transformers', 'faster_whisper', 'ctranslate2', 'yt_dlp', 'scipy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


def test_hostile_title_never_reaches_the_terminal_raw(
    media_site: Site, media_server: Any, tmp_path: Path
) -> None:
    """A failure line and the video list quote the title as one clean, short line."""
    db = tmp_path / "argmap.db"
    result = CliRunner().invoke(
        cli, ["ingest", media_site.hostile_feed, "--db", str(db), "--max-duration", "0:05", "--no-embed"]
    )
    assert result.exit_code == 1
    assert "too long: 0:00:07 > 0:00:05 limit (--max-duration)" in result.stdout
    assert media_server.media_requests() == []  # the feed's own duration was enough
    listed = CliRunner().invoke(cli, ["videos", "--db", str(db)])
    for output in (result.output, listed.output):
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", output)
        assert "AAAA" * 100 not in output  # not 100 KB of title
    (failed_line,) = [line for line in result.stdout.splitlines() if line.strip().startswith("failed ")]
    assert "'Breaking news RED evil bold & x < y AAA" in failed_line
    assert "Breaking news RED evil bold & x < y" in listed.output and "[Ben Talks]" in listed.output


def test_limit_options_are_checked(tmp_path: Path) -> None:
    runner = CliRunner()
    for flag, value in (("--max-filesize", "2X"), ("--max-duration", "soon")):
        result = runner.invoke(cli, ["ingest", "x", "--db", str(tmp_path / "a.db"), flag, value])
        assert result.exit_code == 1 and flag in result.output and "\n" not in result.output.strip()


def test_ingest_with_the_llm_extractor(media_site: Site, tmp_path: Path) -> None:
    """--extractor and the LLM flags reach both the extract and the summarise stage."""
    from llm_server import LoopbackLLM, reply

    llm = LoopbackLLM().start()
    try:
        quote = "The council should sell the building and fund online services instead"
        argument = {"type": "call_to_action", "text": "Sell the building.", "quote": quote, "confidence": 0.8}
        summary = {"gist": "Ben wants the building sold.", "paragraph": "Sell it.", "key_points": []}
        llm.queue(reply({"arguments": [argument]}), reply(summary))
        db = tmp_path / "argmap.db"
        args = ["ingest", str(media_site.vtt), "--db", str(db), "--no-embed", "--extractor", "llm"]
        result = CliRunner().invoke(cli, [*args, "--llm-base-url", llm.base_url, "--llm-model", "test-model"])
        assert result.exit_code == 0, result.output
        assert [r["body"]["model"] for r in llm.requests] == ["test-model", "test-model"]
    finally:
        llm.stop()
    store = Store.open(db)
    (row,) = store.rows("select extractor, quote from arguments")
    assert row["extractor"] == "llm" and quote in row["quote"]
    (summary_row,) = store.rows("select extractor, gist from summaries")
    assert summary_row["extractor"] == "llm" and summary_row["gist"].endswith("Ben wants the building sold.")
    store.close()


def test_bad_extractor_settings_stop_before_anything_is_fetched(
    media_site: Site, media_server: Any, tmp_path: Path
) -> None:
    db = tmp_path / "argmap.db"
    for extra, needle in (
        (["--extractor", "nope"], "unknown extractor 'nope'"),
        (["--extractor", "llm", "--llm-model", "m"], "needs a base URL"),
    ):
        result = CliRunner(env={"ARGMAP_LLM_BASE_URL": None}).invoke(
            cli, ["ingest", media_site.feed_a, "--db", str(db), *extra]
        )
        assert (
            result.exit_code == 1 and needle in result.output and len(result.output.strip().splitlines()) == 1
        )
    assert media_server.requests() == []
    assert Store.open(db).rows("select count(*) n from videos") == [{"n": 0}]


def test_stage_modules_are_required_not_optional(tmp_path: Path) -> None:
    """A stage module that cannot be imported stops ingest loudly instead of being skipped."""
    blocker = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'argmap.pipeline.search.embed':\n"
        "            raise ImportError('embed is broken')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from argmap.pipeline.runner import IngestOptions, build_stages\n"
        "from argmap.store import Store\n"
        "build_stages(IngestOptions(media_dir='media'), Store.memory())\n"
    )
    result = subprocess.run([sys.executable, "-c", blocker], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "embed is broken" in result.stderr

    from argmap.pipeline.runner import IngestOptions, build_stages

    store = Store.open(tmp_path / "s.db")
    options = IngestOptions(
        extractor="llm", extractor_options={"base_url": "http://127.0.0.1:9/v1", "model": "m"}
    )
    stages = build_stages(options, store)
    assert [s.name for s in stages] == ["download", "transcribe", "diarize", "extract", "summarise", "embed"]
    assert stages[3].extractor_name == "llm" and stages[3].options["model"] == "m"
    assert stages[4].summariser == "llm" and stages[4].options["model"] == "m"
    store.close()


def test_a_rerun_says_which_videos_failed_for_good_and_a_failed_transcript_says_why(tmp_path: Path) -> None:
    good, empty = tmp_path / "good.txt", tmp_path / "empty.txt"
    good.write_text("The council should keep the branch staffed.\n", encoding="utf-8")
    empty.write_text("<div></div>\n", encoding="utf-8")
    db, runner = str(tmp_path / "a.db"), CliRunner()
    first = runner.invoke(cli, ["ingest", str(good), str(empty), "--db", db, "--no-embed"])
    assert first.exit_code == 1 and "empty.txt: no text found in the file" in first.output, first.output
    again = runner.invoke(cli, ["ingest", str(good), str(empty), "--db", db, "--no-embed"])
    assert "1 video(s) already processed, 1 failed for good before (argmap retry runs them again)" in (
        again.output
    ), again.output
    missing = runner.invoke(cli, ["transcript", str(empty), "--db", db])
    assert missing.exit_code == 1 and "has no transcript: download failed: empty.txt: no text found" in (
        missing.output
    ), missing.output
    # every command that needs the transcript gives the same reason, not "no transcript yet"
    reason = "has no transcript: download failed: empty.txt: no text found"
    listed = runner.invoke(cli, ["arguments", str(empty), "--db", db])
    assert listed.output.startswith("no arguments: file:") and reason in listed.output, listed.output
    summary = runner.invoke(cli, ["summary", str(empty), "--db", db])
    assert summary.exit_code == 1 and reason in summary.output, summary.output


@pytest.mark.slow
def test_first_caption_ingest_restores_ends_with_the_default_model(tmp_path: Path) -> None:
    """A fresh process ingesting automatic captions runs extract (which loads the restorer) and embed
    (which imports sentence-transformers) in parallel threads; an unguarded import of transformers
    failed there and the batch fell back to the MiniLM restorer, while `argmap info` named the other."""
    from argmap.pipeline import sentence_ends

    text = (
        "the library closes on fridays from next month and the council says it saves money "
        "i think that is the wrong place to cut because the kids use it after school "
        "write to your councillor and ask them to keep it open"
    )
    words = text.split(" ")
    cues = ["WEBVTT", ""]
    for n in range(0, len(words), 6):
        start, end = n * 0.4, (n + 6) * 0.4
        cues += [f"00:00:{start:06.3f} --> 00:00:{end:06.3f}", " ".join(words[n : n + 6]), ""]
    captions = tmp_path / "auto.vtt"
    captions.write_text("\n".join(cues), encoding="utf-8")
    db = tmp_path / "a.db"
    result = argmap("ingest", str(captions), "--db", str(db), "--commentator", "Ana", "--title", "Library")
    assert result.returncode == 0, result.stderr
    assert "unusable" not in result.stderr, result.stderr
    with sqlite3.connect(db) as conn:
        used = {row[0] for row in conn.execute("select sentence_ends from extractions")}
    assert used == {sentence_ends.default_restorer_name()}


def test_a_mistyped_source_leaves_nothing_behind(tmp_path: Path) -> None:
    """Only mistyped paths: one line and no empty database; a transcript needs no media folder."""
    db, runner = tmp_path / "a.db", CliRunner()
    typo = runner.invoke(cli, ["ingest", str(tmp_path / "notse.vtt"), "--db", str(db)])
    assert typo.exit_code == 1 and "notse.vtt: no such file or folder, and not a URL" in typo.output
    assert not db.exists()
    # a mistyped scheme is named as such (it was "not a media page or file"), without a request
    scheme = runner.invoke(cli, ["ingest", "htp://127.0.0.1:9/talk.mp3", "--db", str(db)])
    assert scheme.exit_code == 1 and "unknown address scheme 'htp' (http or https?)" in scheme.output
    assert not db.exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("The council should keep the branch staffed.\n", encoding="utf-8")
    done = runner.invoke(
        cli, ["ingest", str(notes), str(tmp_path / "gone.txt"), "--db", str(db), "--no-embed"]
    )
    assert done.exit_code == 1 and "gone.txt: no such file" in done.output  # the rest went in
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []  # no empty a-media/
