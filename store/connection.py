"""Where a database lives and how a connection to it is set up, before any table is touched.

Split from :mod:`.database` so the Store class holds only what reads and writes rows.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.utils import sqlite3

from .migrations import migrations

DB_ENV = "ARGMAP_DB"
#: how long a writer waits for another process's transaction before giving up
BUSY_TIMEOUT_MS = 60_000


class StoreError(Exception):
    """A problem with the database itself (unreadable file, unknown record)."""


class NotFound(StoreError):
    """A record asked for by id does not exist."""


def default_data_dir() -> Path:
    """Per-user data folder (XDG on Linux, the usual places elsewhere)."""
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "argmap"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` beats ``$ARGMAP_DB`` beats the user data directory."""
    if explicit:
        return Path(explicit)
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    return default_data_dir() / "argmap.db"


def skip_schema_probes(db: Database) -> None:
    """Tell sqlite-utils what it would otherwise find out by creating and dropping a table.

    Its first upsert on a connection probes for ``ON CONFLICT`` support with a scratch table.
    That schema change, made while another process was mid-batch, made the other process's
    next DELETE on a table with FTS triggers fail with "no such table" (foreign keys on,
    SQLite 3.40 and 3.51). Every SQLite that sqlite-utils 4 runs on has upserts (3.24+) and
    STRICT tables from 3.37, so the answers are known without touching the schema.
    """
    db._supports_on_conflict = True  # type: ignore[attr-defined]  # noqa: SLF001
    db._supports_strict = sqlite3.sqlite_version_info >= (3, 37)  # type: ignore[attr-defined]  # noqa: SLF001


def no_database(path: Path) -> str:
    return f"no database at {path} (check --db or ${DB_ENV}; `argmap ingest` creates one)"


def database_error(path: Path, err: Exception) -> str:
    """One line for a file SQLite cannot use (not a database, read-only, disk full)."""
    message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if "not a database" in message or "malformed" in message:
        return f"{path} is not an argmap database (SQLite says: {message})"
    if "readonly" in message or "read-only" in message:
        return f"{path} is read-only ({message}); read commands still work on it"
    if "unable to open" in message and not os.access(path.parent, os.W_OK):
        # SQLite creates the file, and beside it its -wal and -shm journals, in that folder
        return (
            f"{path}: cannot write in {path.parent} (read-only or not yours), where SQLite keeps the "
            "database and its journals; read commands still work on an existing file"
        )
    return f"{path}: {message}"


def check_schema(db: Database, path: Path | None) -> None:
    """Refuse a database argmap must not write: one a newer argmap migrated (writing could
    corrupt it), or another program's SQLite file (argmap would add its tables to it)."""
    if not db["_sqlite_migrations"].exists():
        others = db.execute(
            "select count(*) from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        ).fetchone()[0]
        if others:
            raise StoreError(f"{path} is not an argmap database (it holds another program's tables)")
        return
    known = [m.name for m in migrations._migrations]  # noqa: SLF001 - sqlite-utils keeps the list private
    applied = [
        r[0]
        for r in db.execute(
            "select name from _sqlite_migrations where migration_set = ? order by id", [migrations.name]
        )
    ]
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise StoreError(
            f"{path} was written by a newer argmap (schema {unknown[-1]}); "
            f"this argmap knows schema {known[-1]}: upgrade argmap to use it"
        )


def enable_wal(db: Database) -> None:
    """Switch a new file to WAL, waiting out another process that is doing the same.

    The switch needs the file to itself for a moment, and SQLite may answer "locked" at once
    instead of calling the busy handler, so two processes creating one file would see one fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) and "busy" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
