"""The controls a user needs over what is stored: redo (--force), remove, retry, and one-line
refusals (a busy port). Text imports with the rules extractor keep these fast; the stages and
the store are the real ones."""

from __future__ import annotations

import json
import socket
from pathlib import Path

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
