"""The CLI a researcher lives in (issue 13): naming a video any way they remember it, a video
listing worth reading, help that says what every option does and defaults to, and empty results
that say why instead of misleading.

Real SQLite files and the real click commands; transcripts are imported text files with the
rules extractor, so no model loads, except the one test that ingests real speech from
../shared/audio (skipped when that folder is absent).
"""

from __future__ import annotations

import enum
import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from argmap.pipeline.present.cli import cli
from argmap.store import Store, queries

REPO = Path(__file__).resolve().parent.parent
FAST = ["--no-embed", "--extractor", "rules"]

ROOF = ["We must fund the roof repairs in Leeds now.", "The council plan for roof costs is a mistake."]
STADIUM = ["Stadium subsidies never pay back.", "The city should stop paying for the stadium."]
REPAIRS = ["The roof repairs were badly planned.", "We should vote the council out."]
PANEL = [  # two speakers by their labels, two turns each (a label used once is not a speaker)
    "Dana: We must fund open research now, because closed labs hide their mistakes.",
    "Marco: The tariffs are a mistake and they will raise prices for everyone.",
    "Dana: The council should sell the old depot to pay for the roof.",
    "Marco: I think the stadium subsidy never pays back.",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ingest(db: Path, path: Path, *extra: str) -> str:
    """Ingest one text file; its video id."""
    result = run("ingest", str(path), "--db", str(db), *FAST, "--json", *extra)
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["videos"][0]["video_id"])


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, Path]]:
    """Three imported talks, two of them with "roof" in the title; the rules extractor finds
    five arguments in them, none a critique of Sam's."""
    db = tmp_path / "lib.db"
    files = {
        "roof": write(tmp_path / "talks", "roof.txt", ROOF),
        "stadium": write(tmp_path / "talks", "stadium.txt", STADIUM),
        "repairs": write(tmp_path / "talks", "repairs.txt", REPAIRS),
    }
    titles = {"roof": "Roof costs in Leeds", "stadium": "Stadium subsidies", "repairs": "Roof repairs, again"}
    who = {"roof": [], "stadium": ["--commentator", "Sam Okafor"], "repairs": []}
    ids = {key: ingest(db, path, "--title", titles[key], *who[key]) for key, path in files.items()}
    return db, ids, files


# -- 1. one resolver: id, prefix, URL, path, title ---------------------------------------------


def test_a_video_is_found_by_id_prefix_url_path_or_title(
    library: tuple[Path, dict[str, str], dict[str, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, ids, files = library
    roof = files["roof"]
    monkeypatch.chdir(roof.parent.parent)  # so "talks/roof.txt" is a relative path to it
    refs = [
        ids["roof"],  # the id
        ids["roof"][:12],  # a unique prefix
        roof.resolve().as_uri(),  # the source URL ingest stored
        str(roof.resolve()),  # an absolute path
        "talks/roof.txt",  # a relative path
        "./talks/../talks/roof.txt",  # the same file, spelt another way
        "roof costs in leeds",  # the title, any case
        "Leeds",  # a part of the title
        "leeds costs",  # title words in any order
    ]
    for ref in refs:
        result = run("transcript", ref, "--db", str(db))
        assert result.exit_code == 0, (ref, result.output)
        assert result.stdout.startswith("[00:00] We must fund the roof repairs"), ref


def test_a_moved_file_is_still_its_video(library: tuple[Path, dict[str, str], dict[str, Path]]) -> None:
    db, ids, files = library
    moved = files["stadium"].parent.parent / "elsewhere" / "renamed.txt"
    moved.parent.mkdir()
    shutil.copy(files["stadium"], moved)
    result = run("transcript", str(moved), "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["video"]["id"] == ids["stadium"]


def test_an_ambiguous_reference_lists_the_candidates_and_acts_on_none(
    library: tuple[Path, dict[str, str], dict[str, Path]],
) -> None:
    db, ids, _ = library
    result = run("transcript", "roof", "--db", str(db))
    assert result.exit_code == 1
    assert "'roof' matches 2 videos" in result.output
    for key, title in (("roof", "Roof costs in Leeds"), ("repairs", "Roof repairs, again")):
        assert f"{ids[key]}  {title}" in result.output
    assert ids["stadium"] not in result.output
    # remove resolves every reference before deleting anything
    removed = run("remove", "stadium", "roof", "--db", str(db))
    assert removed.exit_code == 1 and "matches 2 videos" in removed.output
    store = Store.open(db)
    try:
        assert store.counts()["videos"] == 3
    finally:
        store.close()


def test_no_match_is_one_line(library: tuple[Path, dict[str, str], dict[str, Path]]) -> None:
    db, _, _ = library
    result = run("transcript", "tariffs in Ohio", "--db", str(db))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: no video matches 'tariffs in Ohio' (give an id, id prefix, URL, file path or title words;"
        " see `argmap videos`)"
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["arguments", "subsidies"],
        ["summary", "subsidies"],
        ["extract", "subsidies", "--extractor", "rules"],
        ["export", "--video", "subsidies"],
        ["retry", "subsidies", "--no-embed", "--extractor", "rules"],
    ],
)
def test_every_command_that_takes_a_video_takes_a_title(
    library: tuple[Path, dict[str, str], dict[str, Path]], command: list[str]
) -> None:
    db, ids, _ = library
    result = run(*command, "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "no video" not in result.output
    if command[0] == "export":
        assert {v["id"] for v in json.loads(result.stdout)["videos"]} == {ids["stadium"]}


def test_remove_by_title_removes_that_video_only(
    library: tuple[Path, dict[str, str], dict[str, Path]],
) -> None:
    db, ids, _ = library
    result = run("remove", "Stadium subsidies", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert f"removed {ids['stadium']}" in result.output
    store = Store.open(db)
    try:
        assert sorted(r["id"] for r in store.rows("select id from videos")) == sorted(
            [ids["roof"], ids["repairs"]]
        )
    finally:
        store.close()


# -- 2. the listing ------------------------------------------------------------------------------


def test_videos_lists_length_language_speakers_arguments_and_status(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    dialogue = write(tmp_path / "in", "panel.txt", PANEL)
    panel = ingest(db, dialogue)
    store = Store.open(db)
    try:  # a video nobody measured, with no transcript yet: every unknown is "-"
        store.db["videos"].insert(
            {"id": "generic:unmeasured", "source_url": "https://x.example/a", "title": "Later"}
        )
    finally:
        store.close()
    rows = {r["id"]: r for r in json.loads(run("videos", "--db", str(db), "--json").stdout)}
    assert rows[panel]["duration"] and rows[panel]["duration"] > 0  # from the imported captions
    assert rows[panel]["speakers"] == 2 and rows[panel]["arguments"] == 4 and rows[panel]["status"] == "done"
    unknown = rows["generic:unmeasured"]
    assert (unknown["duration"], unknown["language"], unknown["speakers"], unknown["arguments"]) == (
        None,
    ) * 4

    text = run("videos", "--db", str(db)).output.splitlines()
    assert text[0].split() == ["STATUS", "LENGTH", "LANG", "SPEAKERS", "ARGUMENTS", "VIDEO"]
    (line,) = [t for t in text if panel in t]
    assert line.split()[:5] == ["done", "0:19", "-", "2", "4"]
    (line,) = [t for t in text if "generic:unmeasured" in t]
    assert line.split()[:5] == ["pending", "-", "-", "-", "-"]


def test_an_imported_webvtt_keeps_the_language_its_header_names(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    cues = "".join(
        f"00:00:{i * 4:02d}.000 --> 00:00:{i * 4 + 4:02d}.000\n{line}\n\n" for i, line in enumerate(ROOF)
    )
    vtt = tmp_path / "in" / "talk.vtt"
    vtt.parent.mkdir()
    vtt.write_text(f"WEBVTT\nKind: captions\nLanguage: de-DE\n\n{cues}", encoding="utf-8")
    plain = write(tmp_path / "in", "plain.vtt", ["WEBVTT", "", *cues.splitlines()])
    german, unnamed = ingest(db, vtt), ingest(db, plain)
    rows = {r["id"]: r for r in json.loads(run("videos", "--db", str(db), "--json").stdout)}
    assert rows[german]["language"] == "de" and rows[unnamed]["language"] is None
    store = Store.open(db)
    try:
        transcript = store.transcript(german)
        assert transcript is not None
        assert {s.language for s in store.segments(transcript.id)} == {"de"}
    finally:
        store.close()


@pytest.mark.slow
def test_local_media_by_path_and_title_with_its_length_and_language(
    shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real speech from ../shared/audio: the file's length is stored at ingest, and the
    relative path people type (or a word of the title) finds it."""
    db = tmp_path / "audio.db"
    monkeypatch.chdir(REPO)
    relative = "../shared/audio/jfk.flac"
    result = run("ingest", relative, "--db", str(db), "--no-diarize", "--no-extract", "--no-embed", "--json")
    assert result.exit_code == 0, result.output
    video_id = json.loads(result.stdout)["videos"][0]["video_id"]
    store = Store.open(db)
    try:
        assert store.video(video_id).duration == pytest.approx(11.0, abs=0.1)  # probed at ingest
    finally:
        store.close()
    for ref in (relative, str(shared_dir / "audio" / "jfk.flac"), "JFK"):
        listed = run("transcript", ref, "--db", str(db))
        assert listed.exit_code == 0 and "ask not what your country" in listed.stdout.lower(), ref
    (row,) = json.loads(run("videos", "--db", str(db), "--json").stdout)
    assert row["duration"] == pytest.approx(11.0, abs=0.1) and row["language"] == "en"
    assert row["arguments"] is None  # extraction did not run: unknown, not 0
    line = run("videos", "--db", str(db)).output.splitlines()[1]
    assert line.split()[:3] == ["done", "0:11", "en"]


# -- 3. help -----------------------------------------------------------------------------------


def _commands(group: click.Group, ctx: click.Context) -> list[tuple[click.Command, click.Context]]:
    out = []
    for name in sorted(group.commands):
        command = group.commands[name]
        sub = click.Context(command, info_name=name, parent=ctx)
        out.append((command, sub))
        if isinstance(command, click.Group):
            out += _commands(command, sub)
    return out


def test_every_option_has_help_and_shows_its_default() -> None:
    root = click.Context(cli, info_name="argmap", **cli.context_settings)
    missing, hidden = [], []
    for command, ctx in _commands(cli, root):
        for param in command.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            where = f"{ctx.command_path} {param.opts[0]}"
            record = param.get_help_record(ctx)
            text = record[1] if record else ""
            if not (param.help or "").strip():
                missing.append(where)
            default = param.get_default(ctx, call=False)
            # "no default": None, an empty tuple (multiple=True), or click 8.2+'s UNSET sentinel
            unset = default is None or default == () or isinstance(default, enum.Enum)
            if param.is_flag or unset or callable(default):
                continue
            if f"[default: {default}" not in text and f"default: {default}" not in text:
                hidden.append(f"{where} (default {default!r})")
    assert not missing, f"options without help: {missing}"
    assert not hidden, f"defaults not shown in --help: {hidden}"


def test_help_never_truncates_a_command_description() -> None:
    """Each command's first sentence is listed whole (wrapped, never cut with "..."), however
    long the longest command name is, at the common 80 columns."""
    for args, group in ((["--help"], cli), (["speakers", "--help"], cli.commands["speakers"])):
        assert isinstance(group, click.Group)
        result = CliRunner().invoke(cli, args, terminal_width=80)
        assert result.exit_code == 0
        listing = " ".join(result.output.split("Commands:")[1].split())
        assert "..." not in listing, listing
        for name, command in group.commands.items():
            docstring = " ".join((command.help or "").split("\n\n")[0].split())
            first = docstring.split(". ")[0].rstrip(".") + "."
            assert f"{name} {first}" in listing, (name, listing)


# -- 4. empty results say why -----------------------------------------------------------------


def test_an_empty_query_is_an_error_that_says_so(
    library: tuple[Path, dict[str, str], dict[str, Path]],
) -> None:
    db, _, _ = library
    for query in ("", "   "):
        result = run("search", query, "--db", str(db))
        assert result.exit_code != 0
        assert "empty query: give words to search for" in result.output
        assert "no results" not in result.output


def test_since_says_how_many_undated_videos_it_left_out(
    library: tuple[Path, dict[str, str], dict[str, Path]],
) -> None:
    db, _, _ = library
    args = ["search", "roof", "--db", str(db), "--mode", "keyword"]
    assert "Roof costs in Leeds" in run(*args).stdout  # found without --since
    result = run(*args, "--since", "2025-01-01")
    assert result.exit_code == 0
    assert result.stdout.strip() == (
        "no results: --since 2025-01-01 leaves none of 5 arguments and passages: 3 of their videos have no"
        " publication date (local files and some feeds are undated)"
    )
    as_json = run(*args, "--since", "2025-01-01", "--json")
    assert json.loads(as_json.stdout) == []
    assert "left out 3 undated videos" in as_json.stderr


def test_an_empty_search_names_what_emptied_it(library: tuple[Path, dict[str, str], dict[str, Path]]) -> None:
    db, _, _ = library
    base = ["search", "--db", str(db), "--mode", "keyword"]
    # the default scope searches arguments and passages (this store has no passages embedded)
    assert run(*base, "zeppelin").stdout.strip() == "no results for 'zeppelin' among 5 arguments and passages"
    only = run(*base, "zeppelin", "--scope", "arguments").stdout.strip()
    assert only == "no results for 'zeppelin' among 5 arguments"
    typed = run(*base, "stadium", "--commentator", "Sam Okafor", "--type", "critique").stdout.strip()
    assert typed == "no results: --type critique leaves none of 2 arguments and passages"
    # a filter that leaves some is not blamed: the words found nothing among what was left
    among = run(*base, "stadium", "--type", "critique").stdout.strip()
    assert among == "no results for 'stadium' among 1 argument or passage"
    passages = run(*base, "roof", "--scope", "passages").stdout.strip()
    assert passages == "nothing to search: no transcript passages stored yet (run `argmap embed`)"


def test_arguments_says_whether_extraction_ran(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert run("arguments", "--db", str(db)).exit_code == 1  # no such database: one line, nothing made
    Store.open(db).close()
    assert (
        run("arguments", "--db", str(db)).stdout.strip()
        == "no videos yet: add some with `argmap ingest SOURCE`"
    )

    chat = write(
        tmp_path / "in", "chat.txt", ["Hello and welcome to the show.", "What is the weather like today?"]
    )
    chat_id = ingest(db, chat)
    for args in (["arguments"], ["arguments", chat_id]):
        out = run(*args, "--db", str(db)).stdout.strip()
        assert out == "extraction ran on 1 video(s) and found no arguments"
        assert "run `argmap extract`" not in out

    talk = write(tmp_path / "in", "talk.txt", ROOF)
    talk_id = ingest(db, talk, "--no-extract")
    out = run("arguments", talk_id, "--db", str(db)).stdout.strip()
    assert out == "no arguments yet: 1 transcribed video(s) not extracted (run `argmap extract`)"
    assert run("extract", talk_id, "--db", str(db), "--extractor", "rules").exit_code == 0
    result = run("arguments", "--type", "call_to_action", "--commentator", "nobody", "--db", str(db))
    assert result.exit_code == 1 and "no commentator or speaker named 'nobody'" in result.output
    out = run("arguments", talk_id, "--type", "claim", "--db", str(db)).stdout.strip()
    assert out == "no arguments: --type 'claim' matches none of 2 argument(s) in these videos"


# -- 5. export names its compare run ----------------------------------------------------------


def test_export_names_the_compare_run_it_used(tmp_path: Path) -> None:
    from export_fixtures import seed_map

    db = tmp_path / "e.db"
    empty = tmp_path / "empty.db"
    Store.open(empty).close()
    result = run("export", "--db", str(empty))
    assert result.exit_code == 0
    assert "key points: none (no compare run stored yet" in result.stderr

    store = Store.open(db)
    try:
        seed_map(store)
    finally:
        store.close()
    result = run("export", "--db", str(db))
    assert result.exit_code == 0 and json.loads(result.stdout)["filters"]["run"] == "run-1"
    assert result.stderr.strip() == (
        "key points: compare run run-1 (topic 'inflation', 2024-03-03 00:00, 2 key points, 2 shared);"
        " --run ID picks another"
    )
    other = run("export", "--db", str(db), "--topic", "rates", "--format", "csv")
    assert "compare run run-1" in other.stderr and "no run was made for topic 'rates'" in other.stderr
    chosen = run("export", "--db", str(db), "--run", "run-1")
    assert chosen.exit_code == 0 and chosen.stderr == ""


# -- 6. renaming leaves nothing stale or empty behind -------------------------------------------


def test_a_new_commentator_leaves_no_empty_one_and_no_stale_gist(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    talk = write(tmp_path / "audio", "solo.txt", ROOF)
    video = ingest(db, talk)
    assert run("summary", video, "--db", str(db)).stdout.startswith("audio ")  # named after the folder
    ingest(db, talk, "--commentator", "Ana Reyes")
    store = Store.open(db)
    try:
        assert [c.name for c in queries.commentators(store)] == ["Ana Reyes"]
    finally:
        store.close()
    gist = run("summary", video, "--db", str(db)).stdout.splitlines()[0]
    assert gist.startswith("Ana Reyes ") and "audio" not in gist


def test_renaming_people_refreshes_gists_and_leaves_no_empty_entry(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    panel = write(tmp_path / "in", "panel.txt", PANEL)
    video = ingest(db, panel)
    gist = run("summary", video, "--db", str(db)).stdout.splitlines()[0]
    assert gist.startswith("Marco ") and not gist.startswith("Marco Bianchi"), gist
    named = run("speakers", "name", "Marco", "Marco Bianchi", "--db", str(db))
    assert named.exit_code == 0, named.output
    assert run("summary", video, "--db", str(db)).stdout.startswith("Marco Bianchi ")

    # Dana, named, then her only speaker split off: she is kept for voice matching, not listed
    # as a person who speaks in no video.
    assert run("speakers", "name", "Dana", "Dana Reyes", "--db", str(db)).exit_code == 0
    people = json.loads(run("speakers", "--db", str(db), "--json").stdout)
    (dana,) = [p for p in people if p["name"] == "Dana Reyes"]
    assert run("speakers", "split", dana["speakers"][0]["id"], "--db", str(db)).exit_code == 0
    listing = run("speakers", "--db", str(db)).stdout
    assert "0 video(s)" not in listing
    assert not any(line.startswith(dana["id"]) for line in listing.splitlines())
    assert f"kept for voice matching, no speech in stored videos: Dana Reyes ({dana['id']})" in listing
