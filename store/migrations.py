"""The schema, built only by append-only migrations.

Never edit a migration that has shipped: add a new function at the end instead. Each one
runs in a transaction together with the record that it was applied (sqlite-utils
``Migrations``), so a database is always at a known schema version.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("argmap")


def _run(db: Database, sql: str) -> None:
    # executescript() would commit the migration's transaction half way; run statements one by one.
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_ingest(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE commentators (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            url TEXT,
            kind TEXT NOT NULL DEFAULT 'person'
        );
        CREATE TABLE videos (
            id TEXT PRIMARY KEY,
            source_url TEXT NOT NULL,
            title TEXT NOT NULL,
            commentator_id TEXT REFERENCES commentators(id),
            webpage_url TEXT,
            extractor TEXT,
            published TEXT,
            duration REAL,
            media_path TEXT,
            description TEXT
        );
        CREATE INDEX idx_videos_commentator ON videos(commentator_id);
        CREATE TABLE transcripts (
            id TEXT PRIMARY KEY,
            video_id TEXT NOT NULL REFERENCES videos(id),
            source TEXT NOT NULL CHECK (source IN ('asr', 'captions', 'import')),
            model TEXT,
            language TEXT,
            language_probability REAL,
            duration REAL
        );
        CREATE INDEX idx_transcripts_video ON transcripts(video_id);
        CREATE TABLE segments (
            id TEXT PRIMARY KEY,
            transcript_id TEXT NOT NULL REFERENCES transcripts(id),
            video_id TEXT NOT NULL REFERENCES videos(id),
            idx INTEGER NOT NULL,
            start REAL NOT NULL,
            "end" REAL NOT NULL,
            text TEXT NOT NULL,
            avg_logprob REAL,
            no_speech_prob REAL,
            words TEXT
        );
        CREATE UNIQUE INDEX idx_segments_transcript_idx ON segments(transcript_id, idx);
        CREATE INDEX idx_segments_video ON segments(video_id);
        CREATE TABLE stage_status (
            video_id TEXT NOT NULL REFERENCES videos(id),
            stage TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
            reason TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            permanent INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT,
            PRIMARY KEY (video_id, stage)
        );
        CREATE INDEX idx_stage_status_stage ON stage_status(stage, status)
        """,
    )
    db.table("segments").enable_fts(["text"], create_triggers=True, tokenize="porter")


@migrations()
def m002_arguments(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE prompts (
            hash TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE TABLE arguments (
            id TEXT PRIMARY KEY,
            video_id TEXT NOT NULL REFERENCES videos(id),
            transcript_id TEXT NOT NULL REFERENCES transcripts(id),
            type TEXT NOT NULL CHECK (type IN ('claim', 'critique', 'call_to_action')),
            text TEXT NOT NULL,
            quote TEXT NOT NULL,
            start REAL NOT NULL,
            "end" REAL NOT NULL,
            seg_first INTEGER NOT NULL,
            seg_last INTEGER NOT NULL,
            extractor TEXT NOT NULL,
            extractor_version TEXT NOT NULL,
            target TEXT,
            confidence REAL,
            prompt_hash TEXT REFERENCES prompts(hash)
        );
        CREATE INDEX idx_arguments_video ON arguments(video_id, extractor, extractor_version);
        CREATE INDEX idx_arguments_type ON arguments(type);
        CREATE TABLE summaries (
            id TEXT PRIMARY KEY,
            video_id TEXT NOT NULL REFERENCES videos(id),
            transcript_id TEXT NOT NULL REFERENCES transcripts(id),
            extractor TEXT NOT NULL,
            extractor_version TEXT NOT NULL,
            gist TEXT NOT NULL,
            paragraph TEXT NOT NULL,
            key_points TEXT NOT NULL DEFAULT '[]',
            prompt_hash TEXT REFERENCES prompts(hash)
        );
        CREATE INDEX idx_summaries_video ON summaries(video_id)
        """,
    )
    db.table("arguments").enable_fts(["text", "quote"], create_triggers=True, tokenize="porter")


@migrations()
def m003_embeddings_and_comparison(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE passages (
            id TEXT PRIMARY KEY,
            video_id TEXT NOT NULL REFERENCES videos(id),
            transcript_id TEXT NOT NULL REFERENCES transcripts(id),
            start REAL NOT NULL,
            "end" REAL NOT NULL,
            seg_first INTEGER NOT NULL,
            seg_last INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX idx_passages_video ON passages(video_id);
        CREATE TABLE embeddings (
            id TEXT PRIMARY KEY,
            item_type TEXT NOT NULL CHECK (item_type IN ('argument', 'passage')),
            item_id TEXT NOT NULL,
            model TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL
        );
        CREATE UNIQUE INDEX idx_embeddings_item ON embeddings(model, item_type, item_id);
        CREATE TABLE key_points (
            id TEXT PRIMARY KEY,
            run_id TEXT NOT NULL,
            label TEXT NOT NULL,
            label_argument_id TEXT NOT NULL REFERENCES arguments(id),
            size INTEGER NOT NULL,
            commentators INTEGER NOT NULL,
            topic TEXT,
            prevalence TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX idx_key_points_run ON key_points(run_id);
        CREATE TABLE key_point_members (
            key_point_id TEXT NOT NULL REFERENCES key_points(id),
            argument_id TEXT NOT NULL REFERENCES arguments(id),
            similarity REAL NOT NULL,
            stance TEXT NOT NULL,
            PRIMARY KEY (key_point_id, argument_id)
        );
        CREATE TABLE argument_relations (
            id TEXT PRIMARY KEY,
            source_argument_id TEXT NOT NULL REFERENCES arguments(id),
            target_argument_id TEXT NOT NULL REFERENCES arguments(id),
            relation TEXT NOT NULL
                CHECK (relation IN ('supports', 'attacks', 'agrees', 'contrasts', 'same_key_point')),
            method TEXT NOT NULL,
            key_point_id TEXT REFERENCES key_points(id),
            score REAL
        );
        CREATE INDEX idx_relations_source ON argument_relations(source_argument_id);
        CREATE INDEX idx_relations_target ON argument_relations(target_argument_id)
        """,
    )
    db.table("passages").enable_fts(["text"], create_triggers=True, tokenize="porter")


@migrations()
def m004_comparison_follows_arguments(db: Database) -> None:
    # Comparison rows point at arguments; without this, re-extracting a video after a
    # `compare` run fails its delete on the foreign keys. A key point is a derived snapshot:
    # when one of its arguments goes, the whole key point goes (re-run compare to rebuild),
    # so no stored key point ever has a stale size or prevalence.
    # One statement: the trigger body's semicolons must not be split apart by _run.
    db.execute(
        """
        CREATE TRIGGER arguments_drop_comparison BEFORE DELETE ON arguments
        BEGIN
            DELETE FROM argument_relations
             WHERE source_argument_id = old.id OR target_argument_id = old.id
                OR key_point_id IN (SELECT key_point_id FROM key_point_members WHERE argument_id = old.id)
                OR key_point_id IN (SELECT id FROM key_points WHERE label_argument_id = old.id);
            DELETE FROM key_point_members
             WHERE key_point_id IN (SELECT key_point_id FROM key_point_members WHERE argument_id = old.id)
                OR key_point_id IN (SELECT id FROM key_points WHERE label_argument_id = old.id);
            DELETE FROM key_points
             WHERE label_argument_id = old.id
                OR id NOT IN (SELECT key_point_id FROM key_point_members);
        END
        """
    )


@migrations()
def m005_compare_runs(db: Database) -> None:
    # One row per stored comparison, so exports and `argmap serve` can show a single run's
    # key points instead of every run's side by side (each topic or threshold re-groups the
    # same arguments, so mixing runs repeats them). Runs stored before this migration get a
    # row from what their key points recorded; their options and time are unknown.
    _run(
        db,
        """
        CREATE TABLE compare_runs (
            run_id TEXT PRIMARY KEY,
            model TEXT,
            threshold REAL,
            topic TEXT,
            commentators TEXT NOT NULL DEFAULT '[]',
            min_commentators INTEGER,
            arguments INTEGER,
            created_at TEXT
        );
        INSERT INTO compare_runs (run_id, topic, arguments)
            SELECT k.run_id, max(k.topic), count(DISTINCT m.argument_id)
              FROM key_points k LEFT JOIN key_point_members m ON m.key_point_id = k.id
             GROUP BY k.run_id
        """,
    )
    # The m004 trigger deletes key points whose arguments go; a run left with none is gone
    # too (re-run compare to rebuild it), so a run row always has key points to show unless
    # the comparison itself found none.
    db.execute(
        """
        CREATE TRIGGER key_points_drop_empty_run AFTER DELETE ON key_points
        WHEN NOT EXISTS (SELECT 1 FROM key_points WHERE run_id = old.run_id)
        BEGIN
            DELETE FROM compare_runs WHERE run_id = old.run_id;
        END
        """
    )


@migrations()
def m006_speakers(db: Database) -> None:
    # Who speaks: a speaker is one voice in one video (diarization's "SPEAKER_00", a caption's
    # "Name:", a channel of a two-track recording); a person is the same voice across videos,
    # linked by voice prints (a float32 BLOB, as embeddings are) or by the user. Turns keep the
    # diarization itself (RTTM comes from them); segments point at their speaker, and say which
    # channel they were transcribed from when a two-track recording was transcribed by track.
    _run(
        db,
        """
        CREATE TABLE persons (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            named INTEGER NOT NULL DEFAULT 0,
            voice BLOB,
            created_at TEXT
        );
        CREATE TABLE speakers (
            id TEXT PRIMARY KEY,
            video_id TEXT NOT NULL REFERENCES videos(id),
            label TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('voice', 'channel', 'captions')),
            person_id TEXT REFERENCES persons(id),
            link_score REAL,
            seconds REAL NOT NULL DEFAULT 0,
            voice BLOB
        );
        CREATE INDEX idx_speakers_video ON speakers(video_id);
        CREATE INDEX idx_speakers_person ON speakers(person_id);
        CREATE TABLE speaker_turns (
            video_id TEXT NOT NULL REFERENCES videos(id),
            speaker_id TEXT NOT NULL REFERENCES speakers(id),
            start REAL NOT NULL,
            "end" REAL NOT NULL
        );
        CREATE INDEX idx_speaker_turns_video ON speaker_turns(video_id, start);
        ALTER TABLE segments ADD COLUMN speaker_id TEXT REFERENCES speakers(id);
        ALTER TABLE segments ADD COLUMN channel INTEGER
        """,
    )


@migrations()
def m007_segment_kind_language_and_argument_origin(db: Database) -> None:
    # Imported text has structure that is not prose: a title, headings, bylines, credit lines and
    # list items. Each is kept as its own segment (the transcript still shows it) with its kind,
    # so sentences never run a heading into the claim after it. Speech may change language within
    # a video; each segment says which language it is in. An argument may come from the video's
    # title rather than from a sentence of the transcript, and says so.
    _run(
        db,
        """
        ALTER TABLE segments ADD COLUMN kind TEXT;
        ALTER TABLE segments ADD COLUMN language TEXT;
        ALTER TABLE arguments ADD COLUMN origin TEXT
        """,
    )


@migrations()
def m008_comparison_keeps_other_arguments(db: Database) -> None:
    # m004 dropped every key point one of whose arguments went, so removing one video (or
    # re-extracting it) emptied key points that other commentators' arguments still made. Now an
    # argument that goes leaves its key points, which are recounted from the members that stay.
    # A key point still goes when its label argument goes (its label and the vector that
    # `compare --update` matches against came from it) or when no member is left.
    # One statement per execute: the trigger body's semicolons must not be split apart by _run.
    db.execute("DROP TRIGGER arguments_drop_comparison")
    db.execute(
        """
        CREATE TRIGGER arguments_leave_comparison BEFORE DELETE ON arguments
        BEGIN
            DELETE FROM argument_relations
             WHERE source_argument_id = old.id OR target_argument_id = old.id
                OR key_point_id IN (SELECT id FROM key_points WHERE label_argument_id = old.id);
            DELETE FROM key_point_members
             WHERE argument_id = old.id
                OR key_point_id IN (SELECT id FROM key_points WHERE label_argument_id = old.id);
            DELETE FROM key_points
             WHERE label_argument_id = old.id
                OR id NOT IN (SELECT key_point_id FROM key_point_members);
            UPDATE key_points
               SET size = (SELECT count(*) FROM key_point_members m WHERE m.key_point_id = key_points.id),
                   commentators = (
                       SELECT count(DISTINCT coalesce(v.commentator_id, 'null'))
                         FROM key_point_members m
                         JOIN arguments a ON a.id = m.argument_id
                         JOIN videos v ON v.id = a.video_id
                        WHERE m.key_point_id = key_points.id),
                   prevalence = (
                       SELECT json_group_object(who, n) FROM (
                           SELECT coalesce(v.commentator_id, 'null') AS who, count(*) AS n
                             FROM key_point_members m
                             JOIN arguments a ON a.id = m.argument_id
                             JOIN videos v ON v.id = a.video_id
                            WHERE m.key_point_id = key_points.id
                            GROUP BY who ORDER BY who))
             WHERE size <> (SELECT count(*) FROM key_point_members m WHERE m.key_point_id = key_points.id);
        END
        """
    )


@migrations()
def m009_recount_key_points_by_voice(db: Database) -> None:
    # m008 recounted a key point by channel, but compare counts a video with several speakers voice
    # by voice (the speaker's person), and writes "" for no commentator: a shared debate point lost
    # its persons on recount. This trigger recounts as compare does (pipeline.compare.clustering,
    # Member.commentator_id; a test holds the two together), touches only the key points the
    # argument was in, and indexes the lookups so deleting a video's arguments stays cheap.
    db.execute("DROP TRIGGER arguments_leave_comparison")
    db.execute("CREATE INDEX IF NOT EXISTS idx_key_point_members_argument ON key_point_members(argument_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_key_points_label ON key_points(label_argument_id)")
    voices = """
        SELECT CASE WHEN sp.person_id IS NOT NULL
                     AND (SELECT count(*) FROM speakers s2 WHERE s2.video_id = a.video_id) > 1
                    THEN sp.person_id ELSE coalesce(v.commentator_id, '') END AS who
          FROM key_point_members m
          JOIN arguments a ON a.id = m.argument_id
          JOIN videos v ON v.id = a.video_id
          LEFT JOIN segments sg ON sg.transcript_id = a.transcript_id AND sg.idx = a.seg_first
          LEFT JOIN speakers sp ON sp.id = sg.speaker_id
         WHERE m.key_point_id = key_points.id AND m.argument_id <> old.id
    """
    db.execute(
        f"""
        CREATE TRIGGER arguments_leave_comparison BEFORE DELETE ON arguments
        BEGIN
            UPDATE key_points
               SET size = (SELECT count(*) FROM key_point_members m
                            WHERE m.key_point_id = key_points.id AND m.argument_id <> old.id),
                   commentators = (SELECT count(DISTINCT who) FROM ({voices})),
                   prevalence = coalesce(
                       (SELECT json_group_object(who, n) FROM (
                           SELECT who, count(*) AS n FROM ({voices}) GROUP BY who ORDER BY who)),
                       '{{}}')
             WHERE id IN (SELECT key_point_id FROM key_point_members WHERE argument_id = old.id);
            DELETE FROM argument_relations
             WHERE source_argument_id = old.id OR target_argument_id = old.id
                OR key_point_id IN (SELECT id FROM key_points WHERE label_argument_id = old.id OR size = 0);
            DELETE FROM key_point_members
             WHERE argument_id = old.id
                OR key_point_id IN (SELECT id FROM key_points WHERE label_argument_id = old.id OR size = 0);
            DELETE FROM key_points WHERE label_argument_id = old.id OR size = 0;
        END
        """
    )


@migrations()
def m010_extractions(db: Database) -> None:
    # A new extractor version (an upgrade, or `--extractor llm` after the default) adds its rows
    # beside the old ones, so every listing, compare and search showed each argument once per
    # version. Which version ran last for a video is what those reads show; this records it. Rows
    # stored before this migration get an empty time, so the highest version among them counts.
    _run(
        db,
        """
        CREATE TABLE extractions (
            video_id TEXT NOT NULL,
            extractor TEXT NOT NULL,
            extractor_version TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            PRIMARY KEY (video_id, extractor, extractor_version)
        );
        INSERT INTO extractions (video_id, extractor, extractor_version, finished_at)
            SELECT DISTINCT video_id, extractor, extractor_version, '' FROM arguments
        """,
    )


@migrations()
def m011_extraction_sentence_ends(db: Database) -> None:
    # Auto-captions have no sentence ends; a model restores them before any extractor reads the
    # text, and which model it was (all-mpnet-base-v2's head, or MiniLM's where that is not
    # installed) changes where arguments start and end. Each extraction records it; empty when the
    # text's own punctuation was enough.
    _run(db, "ALTER TABLE extractions ADD COLUMN sentence_ends TEXT")


@migrations()
def m012_summary_sentence_ends(db: Database) -> None:
    # A summary reads the same restored sentences as the arguments (m011) and records the model too.
    _run(db, "ALTER TABLE summaries ADD COLUMN sentence_ends TEXT")


@migrations()
def m013_kept_media(db: Database) -> None:
    # Media a run was told to keep (--keep-media). Without a record of it, a later run without the
    # flag, skipping the finished video, deleted the file as if a killed run had left it behind.
    _run(
        db,
        """
        CREATE TABLE kept_media (
            video_id TEXT PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE
        )
        """,
    )


@migrations()
def m014_member_confidence(db: Database) -> None:
    # How sure the judge was of each member's stance. A relation's score is the lower of its two
    # members'; `compare --update` keeps the members it already has, and without their own
    # confidence it could only write 1.0 over every stored score.
    _run(db, "ALTER TABLE key_point_members ADD COLUMN confidence REAL")
