"""A speaker's name where a commentator's is asked for: compare takes it (compare shows guests and
caption labels as voices of their own); search and export, which filter by channel, say which
channel the speaker is on instead of "no commentator named ..."."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_extract import DESK

from argmap.pipeline.compare.clustering import load_arguments
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.present.cli import cli
from argmap.pipeline.search.query import resolve_filters
from argmap.store import Store


@pytest.fixture
def desk(tmp_path: Path) -> Store:
    path = tmp_path / "desk.txt"
    path.write_text(DESK, encoding="utf-8")
    db = tmp_path / "desk.db"
    done = CliRunner().invoke(
        cli, ["ingest", str(path), "--db", str(db), "--commentator", "The Civic Desk", "--no-embed"]
    )
    assert done.exit_code == 0, done.output
    store = Store.open(db)
    yield store
    store.close()


def test_compare_takes_a_speakers_name(desk: Store) -> None:
    jordan = load_arguments(desk, ["jordan"])
    assert sorted(a.quote for a in jordan) == [
        "Cutting ten of fourteen jobs is a disgrace.",
        "The kiosks broke down a third of the time in the last trial.",
    ]
    both = load_arguments(desk, ["Jordan", "Alex"])
    assert len(both) == 4 and len({a.id for a in both}) == 4
    assert len(load_arguments(desk, ["The Civic Desk"])) == 4
    with pytest.raises(ConfigError, match="no commentator named 'Nobody'"):
        load_arguments(desk, ["Nobody"])


def test_a_channel_filter_given_a_speaker_names_the_channel(desk: Store) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_filters(desk, commentator="Jordan")
    said = str(caught.value)
    assert "'Jordan' is a speaker" in said and "--commentator 'The Civic Desk'" in said
    with pytest.raises(ConfigError, match="^no commentator named 'Nobody'$"):
        resolve_filters(desk, commentator="Nobody")


def test_every_export_says_which_voice_argued(desk: Store) -> None:
    """In a video of several voices each format names the speaker, as the CLI's said_by does:
    GraphML, DOT and Mermaid named only the channel, and AIF used the person where CSV and
    Argdown used the commentator."""
    import json

    from argmap.pipeline.present import export as ex

    m = ex.load_map(desk)
    jordan = [a for a in m.arguments if a.said_by.startswith("Jordan")]
    assert len(jordan) == 2 and all(a.said_by != a.commentator for a in jordan)
    text = jordan[0].text
    assert {a["said_by"] for a in json.loads(ex.export(desk, "json"))["arguments"]} >= {jordan[0].said_by}
    aif = json.loads(ex.export(desk, "aif"))
    assert any(n["text"].startswith(f"{jordan[0].said_by}: ") for n in aif["nodes"] if n["type"] == "L")
    assert f'<data key="n_said_by">{jordan[0].said_by}</data>' in ex.export(desk, "graphml")
    assert f"{jordan[0].said_by}: {text}"[:40] in ex.export(desk, "dot")
    assert "Jordan" in ex.export(desk, "mermaid")
