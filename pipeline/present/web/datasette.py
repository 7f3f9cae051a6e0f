"""``argmap serve --datasette``: Datasette on the same database, beside argmap's own pages.

argmap's pages answer argmap's questions; Datasette answers everyone else's (any table, any
filter, SQL, CSV and JSON out). Running both from one command, with the metadata from
:mod:`argmap.store.catalog` (table descriptions, facets, label columns, canned queries), makes
the raw tables as readable as the pages, and each argmap page links to them.

Datasette is an optional extra (``pip install 'argmap[datasette]'``), run as its own process
(``python -m datasette``) so its event loop and argmap's threaded server never share a process.
It opens the file read-only (``mode=ro``) as it does every mutable database, and its SQL is
stopped after the same 5 seconds as argmap's page queries.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from argmap.pipeline.errors import ConfigError
from argmap.store.catalog import datasette_metadata

#: how long Datasette may take to start answering before `serve` gives up on it
START_SECONDS = 60.0


class Companion:
    """A running Datasette process and the metadata file it reads; :meth:`stop` ends both."""

    def __init__(self, process: subprocess.Popen[bytes], metadata: Path, log: Path, url: str):
        self.process = process
        self.metadata = metadata
        self.log = log  # Datasette's stderr: a pipe nobody reads would fill and stall it
        self.url = url

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.metadata.unlink(missing_ok=True)
        self.log.unlink(missing_ok=True)

    def last_error(self) -> str:
        lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {self.process.returncode}"


def start_datasette(db_path: Path, *, host: str, port: int, query_seconds: float = 5.0) -> Companion:
    """Start Datasette over ``db_path`` on ``host:port`` with argmap's metadata; returns once it
    answers, or raises :class:`ConfigError` saying why it could not start."""
    if importlib.util.find_spec("datasette") is None:
        raise ConfigError("--datasette needs Datasette: pip install 'argmap[datasette]'")
    with tempfile.NamedTemporaryFile(
        "w", suffix=".json", prefix="argmap-datasette-", delete=False, encoding="utf-8"
    ) as f:
        json.dump(datasette_metadata(db_path), f)
        metadata = Path(f.name)
    command = [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--metadata", str(metadata), "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", str(int(query_seconds * 1000)),
    ]  # fmt: skip
    log = metadata.with_suffix(".log")
    with log.open("wb") as err:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    shown = f"[{host}]" if ":" in host else host
    companion = Companion(process, metadata, log, f"http://{shown}:{port}/{db_path.stem}")
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            last = companion.last_error()
            companion.stop()
            raise ConfigError(f"Datasette did not start on {host}:{port}: {last}")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return companion
        time.sleep(0.2)
    companion.stop()
    raise ConfigError(f"Datasette did not answer on {host}:{port} within {START_SECONDS:g} s")
