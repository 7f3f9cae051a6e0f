"""Datasette as the raw-table companion: argmap's metadata applied to a real argmap database, through
Datasette's own Python API and through `argmap serve --datasette` as a user runs it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from web_fixtures import seed_library

from argmap.store import Store
from argmap.store.catalog import TABLES, datasette_metadata

pytest.importorskip("datasette", reason="datasette is not installed (pip install 'argmap[datasette]')")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("datasette")
    store = Store.open(root / "library.db")
    seed_library(store, root)
    store.close()
    return root / "library.db"


def test_metadata_covers_every_table(db: Path) -> None:
    store = Store.open(db, readonly=True)
    try:
        tables = set(store.counts())
    finally:
        store.close()
    described = set(datasette_metadata(db)["databases"]["library"]["tables"])
    assert {t for t in tables if not t.endswith("_fts") and not t.startswith("_")} <= described
    assert set(TABLES) == described


def test_datasette_applies_the_metadata(db: Path) -> None:
    from datasette.app import Datasette

    async def check() -> dict[str, Any]:
        ds = Datasette([str(db)], metadata=datasette_metadata(db))
        out: dict[str, Any] = {}
        r = await ds.client.get("/library/arguments.json?_size=1")
        out["facets"] = r.json()["facet_results"]
        r = await ds.client.get("/library/arguments")
        out["arguments_html"] = r.text
        r = await ds.client.get("/library/key_point_members.json?_labels=on&_shape=array")
        out["members"] = r.json()
        r = await ds.client.get("/library/who_argued_what.json?_shape=array")
        out["who"] = r.json()
        r = await ds.client.get("/library")
        out["database_html"] = r.text
        return out

    out = asyncio.run(check())
    assert set(out["facets"]) == {"type", "extractor", "video_id"}
    counts = {row["value"]: row["count"] for row in out["facets"]["type"]["results"]}
    assert counts == {"claim": 4, "call_to_action": 4, "critique": 2}
    assert "Claims, critiques and calls to action" in out["arguments_html"]  # the table's description
    # label columns: a member's argument shows as its text, not only its id
    labels = [m["argument_id"]["label"] for m in out["members"] if isinstance(m["argument_id"], dict)]
    assert "Vote against the arena deal." in labels
    assert {"Dana Reyes", "Marco Bianchi", "Priya Nair"} <= {row["commentator"] for row in out["who"]}
    assert "Who argued what" in out["database_html"]  # the canned query is listed


def test_the_metadata_command_prints_what_serve_uses(db: Path) -> None:
    from argmap.pipeline.present.cli import cli

    result = CliRunner().invoke(cli, ["datasette-metadata", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == datasette_metadata(db)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, process: subprocess.Popen[bytes], tries: int = 300) -> str:
    """The page at ``url`` once the server answers (polled, at most ``tries`` times)."""
    for _ in range(tries):
        body = _get(url)
        if body is not None:
            return body
        if process.poll() is not None:
            raise AssertionError(
                f"argmap serve exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def test_serve_runs_datasette_beside_the_web_view(db: Path) -> None:
    port, dport = _free_port(), _free_port()
    argmap = Path(sys.executable).with_name("argmap")
    process = subprocess.Popen(
        [
            str(argmap),
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--datasette",
            "--datasette-port",
            str(dport),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    try:
        home = _wait_for(f"http://127.0.0.1:{port}/", process)
        assert f'href="http://127.0.0.1:{dport}/library"' in home  # argmap's pages link the tables
        table = _wait_for(f"http://127.0.0.1:{dport}/library/argument_relations", process)
        assert "Pairs of arguments that agree, contrast, support or attack" in table
        data = json.loads(
            _wait_for(f"http://127.0.0.1:{dport}/library/argument_relations.json?_size=0", process)
        )
        assert set(data["facet_results"]) == {"relation", "method"}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    # Datasette went with it: nothing answers on its port any more
    for _ in range(100):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", dport), timeout=1):
            time.sleep(0.2)
            continue
        break
    else:
        raise AssertionError("Datasette is still running after argmap serve stopped")
