"""The controls a user needs over what is stored: redo (--force), remove, retry, and one-line
refusals (a busy port). Text imports with the rules extractor keep these fast; the stages and
the store are the real ones."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from argmap.pipeline.present.cli import cli
from argmap.store import Store

FAST = ["--no-embed", "--extractor", "rules"]


def _write(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _report(*args: str) -> dict:
    """The closing report of an ingest or retry run with --json (stdout only; notes go to stderr)."""
    result = CliRunner().invoke(cli, [*args, "--json"])
    return json.loads(result.stdout)


def _counts(db: Path) -> dict[str, int]:
    store = Store.open(db)
    try:
        return store.counts()
    finally:
        store.close()


def test_force_redoes_done_videos_without_duplicates(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    text = _write(
        tmp_path / "in", "talk.txt", ["We must fund open research now.", "The tariffs are a mistake."]
    )
    assert _report("ingest", str(text), "--db", db, *FAST)["ok"]
    before = _counts(Path(db))
    assert _report("ingest", str(text), "--db", db, *FAST)["videos"][0]["state"] == "skipped"
    forced = _report("ingest", str(text), "--db", db, "--force", *FAST)
    assert forced["ok"] and forced["videos"][0]["state"] == "done"
    assert _counts(Path(db)) == before


@pytest.mark.parametrize("extractor", ["rules", "default"])
def test_force_leaves_arguments_made_again_untouched(tmp_path: Path, extractor: str) -> None:
    """A forced re-run of the same extractor version makes the same rows, so a comparison that
    holds its arguments keeps them; checked with the real extractors."""
    from argmap.store import KeyPoint, KeyPointMember

    db = tmp_path / "f.db"
    text = _write(
        tmp_path / "in",
        "talk.txt",
        ["The tariffs are a mistake and the council should drop them.", "We must fund open research now."],
    )
    args = ["--db", str(db), "--no-embed", "--extractor", extractor]
    assert _report("ingest", str(text), *args)["ok"]
    store = Store.open(db)
    try:
        before = store.rows("select * from arguments order by id")
        assert before
        ids = [a["id"] for a in before]
        store.upsert(
            "key_points", [KeyPoint("kp-1", "run-1", before[0]["text"], ids[0], len(ids), 1, None, {})]
        )
        members = [KeyPointMember("kp-1", i, 1.0, "asserts") for i in ids]
        store.upsert("key_point_members", members, pk=("key_point_id", "argument_id"))
        held = store.rows("select * from key_point_members order by argument_id")
        assert _report("ingest", str(text), *args, "--force")["videos"][0]["state"] == "done"
        assert store.rows("select * from arguments order by id") == before
        assert store.rows("select * from key_point_members order by argument_id") == held
    finally:
        store.close()


def test_remove_deletes_a_video_and_everything_made_from_it(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    keep = _write(tmp_path / "in", "keep.txt", ["Open models have caught up with closed ones."])
    gone = _write(tmp_path / "in", "gone.txt", ["Zanzibarian tariffs are a terrible mistake."])
    code, out = _invoke("ingest", str(keep), str(gone), "--db", str(db), *FAST)
    assert code == 0, out
    store = Store.open(db)
    gone_id = next(r["id"] for r in store.rows("select id, title from videos") if r["title"] == "gone")
    store.close()

    code, out = _invoke("remove", "nosuch-video", "--db", str(db))
    assert code == 1 and len(out.strip().splitlines()) == 1 and _counts(db)["videos"] == 2

    code, out = _invoke("remove", gone_id, "--db", str(db))
    assert code == 0 and f"removed {gone_id}" in out
    store = Store.open(db)
    try:
        assert [r["id"] for r in store.rows("select id from videos")] != [gone_id]
        assert store.counts()["videos"] == 1
        for table in ("segments", "transcripts", "arguments", "summaries", "stage_status"):
            assert not store.rows(f"select 1 from {table} where video_id = ?", [gone_id]), table
        # The full-text index follows the rows it indexes.
        assert not store.rows("select rowid from arguments_fts where arguments_fts match 'zanzibarian'")
    finally:
        store.close()
    code, out = _invoke("search", "zanzibarian", "--db", str(db), "--mode", "keyword")
    assert "Zanzibarian" not in out


def test_retry_clears_permanent_failures_and_runs_again(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    text = _write(tmp_path / "in", "talk.txt", ["Governments should publish the contracts."])
    code, out = _invoke("ingest", str(text), "--db", str(db), *FAST)
    assert code == 0, out
    store = Store.open(db)
    (video_id,) = [r["id"] for r in store.rows("select id from videos")]
    store.mark(video_id, "extract", "failed", "the extractor crashed", permanent=True)
    store.close()

    code, out = _invoke("videos", "--status", "failed", "--db", str(db))
    assert video_id in out and "the extractor crashed (permanent)" in out
    # A plain ingest leaves a permanent failure alone...
    assert _report("ingest", str(text), "--db", str(db), *FAST)["videos"][0]["state"] == "failed"
    # ...retry clears it and runs the stage again.
    retried = _report("retry", "--db", str(db), "--no-embed")
    assert retried["ok"] and retried["videos"][0]["state"] == "done"
    code, out = _invoke("retry", "--db", str(db))
    assert code == 0 and "no failed videos" in out


def test_serve_on_a_busy_port_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Store.open(db).close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, out = _invoke("serve", "--db", str(db), "--port", str(port))
    assert code == 1
    lines = [line for line in out.strip().splitlines() if not line.startswith("argmap: building")]
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0], out


def test_retry_takes_the_options_its_failures_ask_for() -> None:
    result = CliRunner().invoke(cli, ["retry", "--help"])
    for flag in ("--cookies", "--max-filesize", "--max-duration", "--model", "--extractor", "--no-diarize"):
        assert flag in result.output, flag


def _video(db: Path, video_id: str) -> tuple[str, str]:
    """(title, commentator name) of a stored video."""
    store = Store.open(db)
    try:
        video = store.video(video_id)
        return video.title, store.commentator(video.commentator_id).name
    finally:
        store.close()


def test_rerun_keeps_the_title_and_commentator_the_user_gave(tmp_path: Path) -> None:
    """What the user typed once is not replaced by what a later plain run guesses from the file."""
    db = tmp_path / "t.db"
    text = _write(tmp_path / "inbox", "ep12.txt", ["The tariffs are a mistake.", "Fund open research."])
    given = ["--title", "Tariffs", "--commentator", "Dana"]
    first = _report("ingest", str(text), "--db", str(db), *given, *FAST)
    video_id = first["videos"][0]["video_id"]
    assert _video(db, video_id) == ("Tariffs", "Dana")
    for extra, state in (([], "skipped"), (["--force"], "done")):
        again = _report("ingest", str(text), "--db", str(db), *extra, *FAST)
        assert again["videos"][0]["state"] == state  # the guess did not make the summary due again
        assert _video(db, video_id) == ("Tariffs", "Dana")
    # and a new choice, typed again, does win
    _report("ingest", str(text), "--db", str(db), "--title", "Trade", "--commentator", "Marco", *FAST)
    assert _video(db, video_id) == ("Trade", "Marco")


def test_title_for_several_sources_is_refused_before_anything_runs(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    one = _write(tmp_path / "in", "a.txt", ["Open models have caught up."])
    two = _write(tmp_path / "in", "b.txt", ["Closed models still lead."])
    code, out = _invoke("ingest", str(one), str(two), "--db", str(db), "--title", "Both", *FAST)
    assert code == 2 and "--title names one file" in out
    code, out = _invoke("ingest", str(tmp_path / "in"), "--db", str(db), "--title", "Both", *FAST)
    assert code == 2 and "--title names one file" in out
    assert not db.exists() or _counts(db)["videos"] == 0


def test_export_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    text = _write(tmp_path / "in", "a.txt", ["The tariffs are a mistake."])
    assert _report("ingest", str(text), "--db", str(db), *FAST)["ok"]
    result = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", "json", "-o", str(tmp_path / "no" / "such" / "map.json")]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (error,) = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert "no such file or directory" in error.lower() and "map.json" in error


def test_key_points_file_saved_as_utf16_is_read(tmp_path: Path) -> None:
    """Windows editors save UTF-16 with a BOM; a key-points file in it reads like UTF-8, and a
    file in neither is one clear line."""
    from argmap.pipeline.present.cli_helpers import read_user_text

    points = tmp_path / "points.txt"
    points.write_text("# mine\nTariffs hurt consumers\nOpen models help\n", encoding="utf-16")
    lines = read_user_text(str(points)).splitlines()
    assert lines == ["# mine", "Tariffs hurt consumers", "Open models help"]
    points.write_bytes("\ufeffTariffs hurt\n".encode())
    assert read_user_text(str(points)) == "Tariffs hurt\n"
    points.write_bytes(b"caf\xe9 \xff\n")
    with pytest.raises(click.ClickException, match="not UTF-8 or UTF-16"):
        read_user_text(str(points))


def test_text_transcript_keeps_the_hours_of_a_very_long_recording(tmp_path: Path) -> None:
    """A 100-hour stream's times are written whole, and read back as they were."""
    db = tmp_path / "l.db"
    vtt = tmp_path / "in" / "marathon.vtt"
    vtt.parent.mkdir()
    vtt.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nThe tariffs are a mistake.\n\n"
        "100:00:05.250 --> 100:00:08.000\nWe must fund open research.\n",
        encoding="utf-8",
    )
    assert _report("ingest", str(vtt), "--db", str(db), *FAST)["ok"]
    code, out = _invoke("transcript", "marathon", "--db", str(db))
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith("[")]
    assert lines[0].startswith("[00:00:01] ") and lines[-1].startswith("[100:00:05] "), lines
    again = tmp_path / "in" / "again.txt"
    again.write_text(out, encoding="utf-8")
    assert _report("ingest", str(again), "--db", str(db), *FAST)["ok"]
    code, back = _invoke("transcript", "again", "--db", str(db))
    assert [line for line in back.splitlines() if line.startswith("[")] == lines


def test_compare_says_why_nothing_was_formed(tmp_path: Path) -> None:
    """Arguments that make no point twice are not reported as no arguments."""
    db = tmp_path / "c.db"
    text = _write(tmp_path / "in", "a.txt", ["The tariffs are a mistake.", "Bike lanes make streets safer."])
    assert _report("ingest", str(text), "--db", str(db), "--extractor", "rules")["ok"]
    code, out = _invoke("compare", "--db", str(db))
    assert code == 0, out
    assert re.match(r"no key point formed from [12] argument\(s\)", out), out
    # with no argument at all, a topic is not what left nothing
    empty = _write(tmp_path / "in", "hello.txt", ["Hello and welcome to the show."])
    assert _report("ingest", str(empty), "--db", str(tmp_path / "e.db"), "--extractor", "rules")["ok"]
    code, out = _invoke("compare", "--db", str(tmp_path / "e.db"), "--topic", "tariffs")
    assert out.startswith("no arguments to compare"), out


def test_compare_says_which_filter_left_nothing_and_stores_no_empty_run(tmp_path: Path) -> None:
    """A topic no argument is near, or a --min-commentators no key point reaches, is named as
    the reason; a run that formed no key point leaves no row for the web view and exports."""
    db = tmp_path / "c.db"
    for who, text in (
        ("Ana", "The new tariffs are a costly mistake for farmers."),
        ("Ben", "These new tariffs are a costly mistake for our farmers."),
    ):
        path = _write(tmp_path / who, "take.txt", [text])
        assert _report("ingest", str(path), "--db", str(db), "--commentator", who, "--extractor", "rules")[
            "ok"
        ]
    code, out = _invoke("compare", "--db", str(db), "--topic", "penguin migration in Antarctica")
    assert code == 0 and out.startswith("no argument is near the topic 'penguin migration"), out
    code, out = _invoke("compare", "--db", str(db), "--min-commentators", "3")
    assert code == 0 and out.startswith("1 key point(s) formed; none is shared by 3 or more"), out
    code, out = _invoke("compare", "--db", str(db))
    assert code == 0 and out.startswith("1 key point(s) shared by 2 or more commentators"), out
    assert "stances: Ana: asserts, Ben: asserts" in out, out
    store = Store.open(db)
    try:
        assert [r["topic"] for r in store.compare_runs()] == [None], store.compare_runs()
        # an empty run an older argmap recorded goes when the same options form nothing again
        from argmap.pipeline.compare.kpa import kpa_compare

        topic = "penguin migration in Antarctica"
        stale = kpa_compare(store, topic, save=False).run_id
        store.save_compare_run({"run_id": stale, "topic": topic, "arguments": 0})
        kpa_compare(store, topic)
        assert [r["topic"] for r in store.compare_runs()] == [None], store.compare_runs()
    finally:
        store.close()


def test_an_unreadable_file_or_a_pipe_is_one_line_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch, caplog
) -> None:
    """A file ingest may not read (permissions) stopped the whole batch with a bare 'Permission
    denied'; a named pipe made it wait forever."""
    import os

    import argmap.pipeline.ingest.sources as sources

    folder = tmp_path / "in"
    good = _write(folder, "good.txt", ["The new bridge toll is a mistake."])
    locked = _write(folder, "locked.txt", ["Nobody may read this file."])
    real = sources.file_id

    def file_id(path: Path) -> str:
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(sources, "file_id", file_id)
    pipe = tmp_path / "pipe.mp3"
    os.mkfifo(pipe)
    db = tmp_path / "p.db"
    result = CliRunner().invoke(
        cli, ["ingest", str(locked), str(pipe), str(good), "--db", str(db), *FAST, "--json"]
    )
    report = json.loads(result.stdout)
    assert [v["title"] for v in report["videos"] if v["state"] == "done"] == ["good"], report
    errors = {e["source"]: e["reason"] for e in report["source_errors"]}
    assert "cannot read it (Permission denied)" in errors[str(locked)], errors
    assert "not a regular file" in errors[str(pipe)], errors
    # In a folder, the unreadable file is skipped with a warning and the others are ingested; so
    # is a broken link under a media name (it was passed over without a word).
    (folder / "moved away.mp3").symlink_to(tmp_path / "nowhere.mp3")
    again = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "f.db"), *FAST, "--json"])
    assert json.loads(again.stdout)["ok"] and "locked.txt: skipped, cannot read it" in caplog.text
    assert "skipped 1 that are not files (broken links, pipes), e.g." in caplog.text, caplog.text


def test_a_time_stamped_transcript_keeps_the_title_above_it(tmp_path: Path) -> None:
    """A transcript as `argmap transcript` writes it, under a title line: the stamps hid the
    title, so the video was named after the file and its thesis was lost."""
    text = _write(
        tmp_path / "in",
        "take.txt",
        [
            "The harbour toll is a mistake",
            "[00:00] Mara Quist: Good evening, this is Mara with the harbour news.",
            "[00:06] Mara Quist: The council voted to charge every boat a daily toll.",
            "[00:12] Mara Quist: The toll will drive the fishing fleet to other ports.",
        ],
    )
    db = tmp_path / "t.db"
    assert _report("ingest", str(text), "--db", str(db), *FAST)["ok"]
    code, out = _invoke("videos", "--db", str(db))
    assert code == 0 and "The harbour toll is a mistake" in out, out
    code, out = _invoke("arguments", "--db", str(db))
    assert "(from the title): The harbour toll is a mistake" in out, out
    # without a title line, the first stamped line is something said, not a title
    said = _write(
        tmp_path / "in",
        "said.txt",
        ["[00:00] Tolls are a mistake for the harbour", "[00:05] The council voted for them on Tuesday."],
    )
    assert _report("ingest", str(said), "--db", str(db), *FAST)["ok"]
    code, out = _invoke("arguments", "said", "--db", str(db))
    assert "(from the title)" not in out and "Tolls are a mistake" in out, out


def test_a_mistyped_commentator_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    """`arguments` listed nothing and exited 0 for a typo where `search` gave an error."""
    db = tmp_path / "m.db"
    text = _write(
        tmp_path / "in", "take.txt", ["The harbour toll is a costly mistake.", "Drop the toll now."]
    )
    assert _report("ingest", str(text), "--db", str(db), "--commentator", "Rafael Duarte", *FAST)["ok"]
    for command in (["arguments"], ["arguments", "--json"], ["search", "toll"]):
        code, out = _invoke(*command, "--db", str(db), "--commentator", "Rafeal Duarte")
        assert code == 1 and "did you mean 'Rafael Duarte'?" in out, (command, out)
    code, out = _invoke("arguments", "--db", str(db), "--type", "claim", "--commentator", "Nobody Else")
    assert code == 1 and "no commentator or speaker named 'Nobody Else'" in out, out
    # a name that exists but has none of what an earlier filter left: which filter left what
    ana = _write(tmp_path / "ana", "take.txt", ["The harbour toll is a costly mistake for us all."])
    assert _report("ingest", str(ana), "--db", str(db), "--commentator", "Ana", *FAST)["ok"]
    code, out = _invoke("arguments", "--db", str(db), "--extractor", "rules")
    assert "its rows are stored as 'default' (version 1)" in out, out  # the rules extractor's name
    code, out = _invoke("arguments", "--db", str(db), "--type", "call_to_action", "--commentator", "Ana")
    assert code == 0 and re.search(
        r"matches none of the \d+ argument\(s\) left by --type call_to_action", out
    ), out


def test_a_commentator_is_found_by_the_start_of_a_name_and_an_ambiguous_start_is_an_error(
    tmp_path: Path,
) -> None:
    """`--commentator maureen` was "no commentator named 'maureen'" though one name starts so."""
    db = tmp_path / "p.db"
    for who, line in (
        ("Rafael Duarte", "The harbour toll is a costly mistake."),
        ("Rafaela Moss", "The harbour toll will pay for the new sea wall."),
        ("Ines Duarte-Wolf", "Scrap the harbour toll before the summer."),
    ):
        text = _write(tmp_path / who.split()[0], "take.txt", [line])
        assert _report("ingest", str(text), "--db", str(db), "--commentator", who, *FAST)["ok"]
    code, out = _invoke("arguments", "--db", str(db), "--commentator", "moss")
    assert code == 0 and "Rafaela Moss:" in out and "Rafael Duarte:" not in out, out
    code, out = _invoke("arguments", "--db", str(db), "--commentator", "INES")
    assert code == 0 and "Ines Duarte-Wolf:" in out and "Moss" not in out, out
    code, out = _invoke("search", "toll", "--db", str(db), "--commentator", "rafael d", "--mode", "keyword")
    assert code == 0 and "Rafael Duarte" in out and "Moss" not in out, out
    for command in (["arguments"], ["search", "toll"], ["compare"]):
        code, out = _invoke(*command, "--db", str(db), "--commentator", "rafa")
        assert code == 1 and "'rafa' could be 'Rafael Duarte' or 'Rafaela Moss'" in out, (command, out)
    # a whole name stored as given is that name, even where it also starts a longer one
    code, out = _invoke("arguments", "--db", str(db), "--commentator", "rafael duarte")
    assert code == 0 and "Rafael Duarte:" in out and "Moss" not in out, out


def test_the_middle_of_a_long_sentence_stays_with_its_argument(tmp_path: Path) -> None:
    """A 90-word sentence is cut at commas into cues; a middle piece that read as another type
    alone ("the usual traffic study ..., will flood the lanes") became an argument with the wrong
    subject. Only a piece that opens a clause of its own (", and the council should ...") parts."""
    line = (
        "The new car park scheme, which was drawn up behind closed doors over two years by a panel of"
        " hauliers, landlords and three retired officials who had never parked in the town, and which"
        " was then pushed through one evening meeting without the usual public hearing, the usual traffic"
        " study or even a short debate about the number of disabled bays it would remove, will flood the"
        " narrow lanes with lorries and drive shoppers out of the high street they have used for decades,"
        " and the council should scrap it at once and start again with traders in the room."
    )
    db = tmp_path / "l.db"
    text = _write(tmp_path / "in", "long.txt", [line])
    assert _report("ingest", str(text), "--db", str(db), "--no-embed")["ok"]
    rows = json.loads(CliRunner().invoke(cli, ["arguments", "--db", str(db), "--json"]).stdout)
    assert not any(r["text"].startswith("The usual traffic study") for r in rows), rows
    first = next(r for r in rows if r["quote"].startswith("The new car park scheme"))
    assert "will flood the narrow lanes" in first["quote"], first
