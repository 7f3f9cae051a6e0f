"""The Store: argmap's one door to SQLite.

It opens (or creates) the database file, applies migrations, and offers upserts on
deterministic ids plus the few queries the pipeline needs. It knows SQLite and nothing
else: no whisper, no yt-dlp, no torch, no click.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.utils import sqlite3

from .connection import (
    BUSY_TIMEOUT_MS,
    NotFound,
    StoreError,
    check_schema,
    database_error,
    enable_wal,
    no_database,
    resolve_db_path,
    skip_schema_probes,
)
from .migrations import migrations
from .records import (
    Argument,
    Commentator,
    Prompt,
    Segment,
    Speaker,
    Summary,
    Transcript,
    Video,
    default_person_name,
    to_row,
)
from .stage_status import StageStatusMixin


class Store(StageStatusMixin):
    """A migrated argmap database. Use :meth:`open` for a file, :meth:`memory` for tests."""

    def __init__(self, db: Database, path: Path | None = None):
        self.db = db
        self.path = path
        skip_schema_probes(db)
        self.db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    @classmethod
    def open(
        cls, path: str | os.PathLike[str] | None = None, *, readonly: bool = False, create: bool = True
    ) -> Store:
        """The database at ``path`` (see :func:`resolve_db_path`), migrated to this schema.

        ``create=False`` refuses a file that does not exist instead of making an empty one, so
        a mistyped ``--db`` on a read command is an error, not "no videos".
        """
        resolved = resolve_db_path(path)
        if readonly:
            return cls._open_readonly(resolved)
        if not create and not resolved.is_file():
            raise StoreError(no_database(resolved))
        resolved.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = Database(resolved)
        except sqlite3.DatabaseError as err:
            raise StoreError(database_error(resolved, err)) from err
        try:
            # Wait for other writers instead of failing: ingest, compare and serve may share a file.
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            check_schema(db, resolved)  # before anything is written, WAL mode included
            # WAL lets a reader (argmap serve, a second terminal) work while a batch writes.
            enable_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            return cls(db, resolved)
        except BaseException as err:
            db.close()
            if isinstance(err, sqlite3.DatabaseError):
                raise StoreError(database_error(resolved, err)) from err
            raise

    @classmethod
    def _open_readonly(cls, path: Path) -> Store:
        """A read-only connection. A database that an older argmap wrote is migrated first when
        the file may be written; one on a read-only disk is opened as immutable, since no one
        can change it there (SQLite would otherwise need to create its WAL index beside it)."""
        if not path.exists():
            raise StoreError(no_database(path))
        try:
            store = cls._connect_readonly(path, immutable=False)
        except sqlite3.OperationalError as err:
            if os.access(path.parent, os.W_OK):
                raise StoreError(database_error(path, err)) from err
            store = cls._connect_readonly(path, immutable=True)
        try:
            pending = migrations.pending(store.db)
        except sqlite3.DatabaseError as err:
            raise StoreError(database_error(path, err)) from err
        if pending:
            store.close()
            if not os.access(path, os.W_OK):
                raise StoreError(f"{path} needs migrating by this argmap, and the file cannot be written")
            cls.open(path).close()  # migrate, then read as asked
            return cls._connect_readonly(path, immutable=False)
        return store

    @classmethod
    def _connect_readonly(cls, path: Path, *, immutable: bool) -> Store:
        flags = "mode=ro&immutable=1" if immutable else "mode=ro"
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            store = cls.__new__(cls)
            store.db = Database(conn)
            store.path = path
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as err:
            raise StoreError(database_error(path, err)) from err
        try:
            skip_schema_probes(store.db)
            store._check_schema()
        except BaseException as err:
            conn.close()
            if isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.OperationalError):
                raise StoreError(database_error(path, err)) from err
            raise
        return store

    def _check_schema(self) -> None:
        check_schema(self.db, self.path)

    def _migrate(self) -> None:
        """Apply pending migrations, serialised across processes.

        Two processes opening a new file at once would both see every migration pending and
        race to create the same tables. ``BEGIN IMMEDIATE`` takes the write lock first (waiting
        up to the busy timeout), then the pending list is read again inside the lock, so the
        second process finds the work done.
        """
        self._check_schema()
        if not migrations.pending(self.db):
            return
        with self.transaction():
            self._check_schema()
            migrations.apply(self.db)

    @classmethod
    def memory(cls) -> Store:
        return cls(Database(memory=True))

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic unit, holding the write lock from its first statement; nests as a savepoint.

        ``BEGIN IMMEDIATE`` rather than sqlite-utils' deferred ``BEGIN``: a deferred transaction
        that reads, then writes, fails at once with "database is locked" when another process
        wrote in between (WAL cannot upgrade a stale snapshot); an immediate one waits its turn.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic() as db:
                yield db
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            # A commit that failed (disk full, I/O error) leaves the transaction open; close it,
            # or every later transaction would nest in it as a savepoint and never commit.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # -- generic helpers -------------------------------------------------------------

    def upsert(self, table: str, records: Iterable[Any], pk: str | tuple[str, ...] = "id") -> None:
        rows = [to_row(r) if not isinstance(r, dict) else r for r in records]
        if rows:
            with self.transaction():
                self.db[table].upsert_all(rows, pk=pk)  # type: ignore[union-attr]

    def rows(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.query(sql, params)]  # type: ignore[arg-type]

    def counts(self) -> dict[str, int]:
        tables = [
            "commentators",
            "videos",
            "transcripts",
            "segments",
            "arguments",
            "summaries",
            "prompts",
            "passages",
            "embeddings",
            "key_points",
            "argument_relations",
            "speakers",
            "persons",
        ]
        return {t: self.db[t].count for t in tables}

    # -- commentators and videos ----------------------------------------------------

    def upsert_commentator(self, commentator: Commentator) -> Commentator:
        self.upsert("commentators", [commentator])
        return commentator

    def commentator(self, commentator_id: str) -> Commentator:
        rows = self.rows("select * from commentators where id = ?", [commentator_id])
        if not rows:
            raise NotFound(f"no commentator {commentator_id!r}")
        return Commentator(**rows[0])

    def find_commentators(self, name: str) -> list[Commentator]:
        """Case-insensitive match on name or id."""
        rows = self.rows(
            "select * from commentators where lower(name) = lower(?) or id = ? order by name",
            [name, name],
        )
        return [Commentator(**r) for r in rows]

    def upsert_video(self, video: Video) -> Video:
        self.upsert("videos", [video])
        return video

    def video(self, video_id: str) -> Video:
        rows = self.rows("select * from videos where id = ?", [video_id])
        if not rows:
            raise NotFound(f"no video {video_id!r}")
        return Video(**rows[0])

    def resolve_video(self, ref: str) -> Video:
        """A video by id, unique id prefix, URL, local file path or title (see :mod:`.lookup`)."""
        from .lookup import resolve_video

        return resolve_video(self, ref)

    # -- transcripts ----------------------------------------------------------------

    def save_transcript(
        self,
        transcript: Transcript,
        segments: list[Segment],
        *,
        stage: str = "transcribe",
        speakers: list[Speaker] | None = None,
    ) -> None:
        """Replace the transcript's segments and mark the stage done, atomically.

        New segments invalidate the video's speakers: they are replaced by ``speakers`` (labels a
        caption file carried) and the ``diarize`` stage is due again.
        """
        with self.transaction():
            self.upsert("transcripts", [transcript])
            self.db.execute("delete from segments where transcript_id = ?", [transcript.id])
            self.db.execute("delete from speaker_turns where video_id = ?", [transcript.video_id])
            self.db.execute(
                "delete from speakers where video_id = ? and id not in"
                " (select speaker_id from segments where speaker_id is not null)",
                [transcript.video_id],
            )
            self.db.execute(
                "delete from stage_status where video_id = ? and stage = 'diarize'", [transcript.video_id]
            )
            if speakers:
                self.upsert("speakers", speakers)
            if segments:
                self.db["segments"].insert_all([to_row(s) for s in segments])  # type: ignore[union-attr]
            self.mark(transcript.video_id, stage, "done")

    def transcript(self, video_id: str) -> Transcript | None:
        """The video's preferred transcript: speech recognition, then captions, then import."""
        rows = self.rows(
            """select * from transcripts where video_id = ?
               order by case source when 'asr' then 0 when 'captions' then 1 else 2 end limit 1""",
            [video_id],
        )
        return Transcript(**rows[0]) if rows else None

    def has_segments(self, transcript_id: str) -> bool:
        """Whether a transcript holds any line (silence stores none), without reading them."""
        return bool(
            self.db.execute(
                "select 1 from segments where transcript_id = ? limit 1", [transcript_id]
            ).fetchone()
        )

    def segments(self, transcript_id: str) -> list[Segment]:
        rows = self.rows("select * from segments where transcript_id = ? order by idx", [transcript_id])
        for r in rows:
            r["words"] = json.loads(r["words"]) if r["words"] else None
        return [Segment(**r) for r in rows]

    def remove_video(self, video_id: str) -> None:
        """Delete a video and everything derived from it, in one transaction.

        Its arguments leave the key points they were members of, which are recounted from the
        members that stay; a key point labelled by one of them, or left empty, goes (the
        ``arguments_leave_comparison`` trigger). A commentator left with no video goes too.
        """
        video = self.video(video_id)
        with self.transaction():
            self.drop_derived(video_id)
            for table in (
                "segments",
                "speaker_turns",
                "speakers",
                "transcripts",
                "stage_status",
                "kept_media",
            ):
                self.db.execute(f"delete from {table} where video_id = ?", [video_id])
            self.drop_orphan_persons()
            self.db.execute("delete from videos where id = ?", [video_id])
            if video.commentator_id:
                self.db.execute(
                    "delete from commentators where id = ?"
                    " and not exists (select 1 from videos where commentator_id = ?)",
                    [video.commentator_id, video.commentator_id],
                )

    def drop_derived(self, video_id: str) -> None:
        """Delete what extraction, summaries and embedding made of a video's transcript."""
        with self.transaction():
            self.db.execute(
                """delete from embeddings where
                     (item_type = 'argument' and item_id in (select id from arguments where video_id = ?))
                  or (item_type = 'passage' and item_id in (select id from passages where video_id = ?))""",
                [video_id, video_id],
            )
            for table in ("arguments", "summaries", "passages", "extractions"):
                self.db.execute(f"delete from {table} where video_id = ?", [video_id])

    def drop_orphan_persons(self) -> None:
        """Persons with no speaker left go, unless the user named them; those left keep a name
        that points at a video they speak in."""
        self.db.execute(
            "delete from persons where named = 0 and id not in"
            " (select person_id from speakers where person_id is not null)"
        )
        self._refresh_default_names()

    def _refresh_default_names(self) -> None:
        """Unnamed persons whose name points at a video they no longer speak in (it was removed)
        take the name of the first video they still speak in."""
        rows = self.rows(
            "select p.id, p.name, s.label, v.title from persons p join speakers s on s.person_id = p.id"
            " join videos v on v.id = s.video_id where p.named = 0 order by p.id, s.rowid"
        )
        names: dict[str, tuple[str, list[str]]] = {}
        for r in rows:
            current, options = names.setdefault(r["id"], (r["name"], []))
            options.append(
                r["label"] if current == r["label"] else default_person_name(r["label"], r["title"])
            )
        for person_id, (current, options) in names.items():
            if current not in options:
                self.db.execute("update persons set name = ? where id = ?", [options[0], person_id])

    def drop_orphan_commentators(self) -> None:
        """Commentators left without videos go (a re-ingest with another --commentator)."""
        self.db.execute(
            "delete from commentators where id not in"
            " (select commentator_id from videos where commentator_id is not null)"
        )

    def update_video(self, video_id: str, fields: dict[str, Any]) -> None:
        """Set some columns of a stored video."""
        if fields:
            with self.transaction():
                self.db["videos"].update(video_id, fields)  # type: ignore[union-attr]

    def set_media_kept(self, video_id: str, kept: bool) -> None:
        """Record that a run was told to keep this video's downloaded media (or no longer is)."""
        with self.transaction():
            if kept:
                self.db.execute("insert or ignore into kept_media (video_id) values (?)", [video_id])
            else:
                self.db.execute("delete from kept_media where video_id = ?", [video_id])

    def media_kept(self, video_id: str) -> bool:
        return bool(self.db.execute("select 1 from kept_media where video_id = ?", [video_id]).fetchone())

    def has_video(self, video_id: str) -> bool:
        return bool(self.db.execute("select 1 from videos where id = ?", [video_id]).fetchone())

    # -- arguments, summaries, prompts -------------------------------------------------

    def save_prompt(self, prompt: Prompt) -> None:
        self.upsert("prompts", [prompt], pk="hash")

    def save_arguments(
        self,
        video_id: str,
        extractor: str,
        version: str,
        arguments: list[Argument],
        *,
        stage: str = "extract",
        sentence_ends: str | None = None,
    ) -> None:
        """Replace one extractor version's arguments for a video; other versions are kept.

        An argument made again exactly (same row) stays as it is, so the key points and relations
        a comparison stored for it stay; one the new run no longer makes, or makes differently
        (another type, text or target for the same quote: an LLM run), is deleted with its place
        in any comparison, and the new one is inserted. ``sentence_ends`` names the model that
        restored the sentence ends the text lacked (auto-captions), if one did.
        """
        rows = {r["id"]: r for r in (to_row(a) for a in arguments)}
        with self.transaction():
            stored = self.rows(
                "select * from arguments where video_id = ? and extractor = ? and extractor_version = ?",
                [video_id, extractor, version],
            )
            same = {r["id"] for r in stored if rows.get(r["id"]) == {k: r[k] for k in rows.get(r["id"], {})}}
            gone = [r["id"] for r in stored if r["id"] not in same]
            self.db.execute(
                "delete from arguments where id in (select value from json_each(?))", [json.dumps(gone)]
            )
            new = [row for id_, row in rows.items() if id_ not in same]
            if new:
                self.db["arguments"].insert_all(new)  # type: ignore[union-attr]
            # which version ran last is the one listings, compare and search show (m010)
            self.db.execute(
                "insert or replace into extractions"
                " (video_id, extractor, extractor_version, finished_at, sentence_ends)"
                " values (?, ?, ?, ?, ?)",
                [video_id, extractor, version, _dt.datetime.now(_dt.timezone.utc).isoformat(), sentence_ends],
            )
            self.mark(video_id, stage, "done")

    def arguments(self, video_id: str | None = None) -> list[Argument]:
        if video_id is None:
            rows = self.rows("select * from arguments order by video_id, start, id")
        else:
            rows = self.rows("select * from arguments where video_id = ? order by start, id", [video_id])
        return [Argument(**r) for r in rows]

    def save_summary(self, summary: Summary, *, stage: str = "summarise") -> None:
        with self.transaction():
            self.upsert("summaries", [summary])
            self.mark(summary.video_id, stage, "done")

    def summary(self, video_id: str, extractor: str | None = None) -> Summary | None:
        sql = "select * from summaries where video_id = ?"
        params: list[Any] = [video_id]
        if extractor:
            sql += " and extractor = ?"
            params.append(extractor)
        # Versions are numbers written as text: "10" is newer than "9".
        order = " order by cast(extractor_version as integer) desc, extractor_version desc limit 1"
        rows = self.rows(sql + order, params)
        if not rows:
            return None
        row = rows[0]
        row["key_points"] = json.loads(row["key_points"])
        return Summary(**row)

    # -- passages, embeddings, key points (embedding/search/compare area) ---------------

    def save_passages(self, transcript_id: str, passages: Iterable[Any]) -> None:
        """Replace a transcript's passages (their ids are positional, so a new window set replaces)."""
        with self.transaction():
            self.db.execute("delete from passages where transcript_id = ?", [transcript_id])
            rows = [to_row(p) for p in passages]
            if rows:
                self.db["passages"].insert_all(rows)  # type: ignore[union-attr]

    def embedding_hashes(self, model: str, item_type: str, item_ids: list[str]) -> dict[str, str]:
        """item id -> content hash of the vector stored for it under ``model``."""
        out: dict[str, str] = {}
        for i in range(0, len(item_ids), 500):
            chunk = item_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"select item_id, content_hash from embeddings"
                f" where model = ? and item_type = ? and item_id in ({marks})",
                [model, item_type, *chunk],
            ):
                out[row[0]] = row[1]
        return out

    def save_embeddings(self, embeddings: Iterable[Any]) -> None:
        self.upsert("embeddings", embeddings)

    def drop_orphan_embeddings(self) -> int:
        """Delete vectors whose argument or passage no longer exists; returns how many."""
        with self.transaction():
            cur = self.db.execute(
                """delete from embeddings where
                     (item_type = 'argument' and item_id not in (select id from arguments))
                  or (item_type = 'passage' and item_id not in (select id from passages))"""
            )
        return cur.rowcount

    def embedding_models(self) -> dict[str, int]:
        """Models with stored vectors, and how many each has."""
        rows = self.db.execute("select model, count(*) from embeddings group by model order by 2 desc, 1")
        return {r[0]: r[1] for r in rows}

    def save_comparison(
        self, run_id: str, key_points: list[Any], members: list[Any], relations: list[Any]
    ) -> None:
        """Replace one comparison run's key points, members and cross-commentator relations."""
        with self.transaction():
            self.delete_comparison(run_id)
            if key_points:
                self.db["key_points"].insert_all([to_row(k) for k in key_points])  # type: ignore[union-attr]
            if members:
                self.db["key_point_members"].insert_all(  # type: ignore[union-attr]
                    [to_row(m) for m in members]
                )
            if relations:
                self.db["argument_relations"].upsert_all(  # type: ignore[union-attr]
                    [to_row(r) for r in relations], pk="id"
                )

    def delete_comparison(self, run_id: str, *, record: bool = False) -> None:
        """A run's key points, members and relations; with ``record``, its compare_runs row too."""
        kp = "select id from key_points where run_id = ?"
        with self.transaction():
            self.db.execute(f"delete from argument_relations where key_point_id in ({kp})", [run_id])
            self.db.execute(f"delete from key_point_members where key_point_id in ({kp})", [run_id])
            self.db.execute("delete from key_points where run_id = ?", [run_id])
            if record:
                self.db.execute("delete from compare_runs where run_id = ?", [run_id])

    # -- comparison runs (compare/export/serve area) -----------------------------------

    def save_compare_run(self, run: dict[str, Any]) -> None:
        """Record (or, for the same ``run_id``, replace) one comparison run's options.

        ``created_at`` defaults to now, to the microsecond, so two runs made in the same
        second still have an order.
        """
        row = dict(run)
        if isinstance(row.get("commentators"), (list, tuple)):
            row["commentators"] = json.dumps(sorted(row["commentators"]), ensure_ascii=False)
        row.setdefault("created_at", _dt.datetime.now(_dt.timezone.utc).isoformat())
        with self.transaction():
            self.db["compare_runs"].upsert(row, pk="run_id")  # type: ignore[union-attr]

    def compare_runs(self) -> list[dict[str, Any]]:
        """Every stored run, newest first (created_at, then run_id), with its key point count and
        how many of them two or more commentators share (``shared``).

        Key points whose run has no row (written by hand, or by an older argmap) count as a
        run of unknown age, after all dated ones.
        """
        rows = self.rows(
            """select r.*, (select count(*) from key_points k where k.run_id = r.run_id) as key_points,
                      (select count(*) from key_points k where k.run_id = r.run_id and k.commentators >= 2)
                        as shared
                 from compare_runs r
               union all
               select k.run_id, null, null, max(k.topic), '[]', null, null, null, count(*),
                      sum(k.commentators >= 2)
                 from key_points k where k.run_id not in (select run_id from compare_runs)
                group by k.run_id"""
        )
        for r in rows:
            r["commentators"] = json.loads(r["commentators"] or "[]")
        # Newest first: a missing created_at sorts last; equal times fall back to run_id.
        rows.sort(key=lambda r: r["run_id"], reverse=True)
        rows.sort(key=lambda r: r["created_at"] or "", reverse=True)
        return rows
