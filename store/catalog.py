"""The schema explained for people who browse the raw tables: Datasette metadata.

Datasette opens any SQLite file, and argmap's opens cleanly; what a stranger lacks is what the
tables mean. This module says it in Datasette's metadata format: a description per table and per
important column, the facets worth clicking (argument type, stance, relation, stage status...),
label columns so foreign keys show names rather than ids, a sensible default order, and a few
canned queries that join ids back to names ("who argued what"). It is schema knowledge, so it
lives beside the migrations; ``argmap datasette-metadata`` prints it and ``argmap serve
--datasette`` starts Datasette with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# table -> (description, facets, label column or None, sort_desc column or None)
TABLES: dict[str, tuple[str, list[str], str | None, str | None]] = {
    "commentators": (
        "Who the videos are by: a channel, a feed, or a person named with --commentator.",
        ["kind"],
        "name",
        None,
    ),
    "videos": (
        "One row per ingested video, episode or local recording; its id says where it came from"
        " (youtube:..., generic:..., file:...).",
        ["commentator_id", "extractor", "published"],
        "title",
        "published",
    ),
    "transcripts": (
        "What was said in a video, from speech recognition (asr), the site's captions or an imported file.",
        ["source", "model", "language"],
        "id",
        None,
    ),
    "segments": (
        "Transcript lines with start and end in seconds, one speaker each; full-text searchable.",
        ["video_id", "speaker_id"],
        "text",
        None,
    ),
    "stage_status": (
        "How far each video got through download, transcribe, diarize, extract, summarise and embed,"
        " and why a stage failed.",
        ["stage", "status", "permanent"],
        None,
        "updated_at",
    ),
    "prompts": (
        "The LLM prompt templates that made rows, keyed by the hash those rows carry.",
        ["name"],
        "name",
        None,
    ),
    "arguments": (
        "Claims, critiques and calls to action, each with the exact quote it rests on and where in"
        " the video it was said; full-text searchable.",
        ["type", "extractor", "video_id"],
        "text",
        None,
    ),
    "summaries": ("A gist, a paragraph and timestamped key moments per video.", ["extractor"], "gist", None),
    "passages": (
        "About 30 seconds of consecutive transcript lines: the unit of passage search.",
        ["video_id"],
        "text",
        None,
    ),
    "embeddings": (
        "Sentence vectors (normalised float32) of arguments and passages, per model.",
        ["model", "item_type"],
        None,
        None,
    ),
    "key_points": (
        "Points several commentators made, found by `argmap compare`; one set per compare run.",
        ["run_id", "topic", "commentators"],
        "label",
        "size",
    ),
    "key_point_members": (
        "Which arguments a key point groups, and each one's stance towards it.",
        ["stance", "key_point_id"],
        None,
        "similarity",
    ),
    "argument_relations": (
        "Pairs of arguments that agree, contrast, support or attack each other, and the rule or model"
        " that said so.",
        ["relation", "method"],
        None,
        "score",
    ),
    "compare_runs": (
        "Each stored `argmap compare` run: its options and when it was made.",
        ["topic", "model"],
        "topic",
        "created_at",
    ),
    "persons": (
        "One voice across videos; named ones were named with `argmap speakers name`.",
        ["named"],
        "name",
        None,
    ),
    "speakers": (
        "One voice in one video, linked to its person.",
        ["source", "video_id", "person_id"],
        "label",
        "seconds",
    ),
    "speaker_turns": ("Who speaks when: the diarization's turns.", ["video_id", "speaker_id"], None, None),
    "extractions": (
        "Which extractor versions ran on each video, and when: the last one is what listings show.",
        ["extractor", "extractor_version"],
        None,
        "finished_at",
    ),
}

COLUMNS: dict[str, dict[str, str]] = {
    "videos": {
        "source_url": "Where it was ingested from (a page, a feed entry's media, or a local file).",
        "published": "Publication date, YYYY-MM-DD (empty for local files).",
        "duration": "Length in seconds as the source reported it.",
        "media_path": "The media file on disk, when one was downloaded or ingested in place.",
    },
    "arguments": {
        "type": "claim, critique or call_to_action.",
        "text": "The argument as one self-contained sentence.",
        "quote": "The exact transcript words it rests on.",
        "start": "Seconds into the video.",
        "seg_first": "First transcript segment (segments.idx) it rests on.",
        "extractor_version": "Versions sit side by side; reads show the last run's (extractions).",
        "origin": "title: the video's title states it (placed at 0:00); empty: a transcript sentence.",
    },
    "key_point_members": {
        "stance": "asserts, criticises (disputes) or calls_for_action.",
        "confidence": "How sure the judge was of the stance, 0.5 to 1 (empty in runs before m014).",
    },
    "argument_relations": {
        "relation": "agrees, contrasts, supports, attacks or same_key_point.",
        "score": "compare's kpa: the lower of the two members' confidences; cluster: cosine similarity.",
    },
    "segments": {
        "idx": "Line number within the transcript.",
        "start": "Seconds.",
        "end": "Seconds.",
        "kind": "title, heading, byline, credit or item for a line of an imported text; empty for speech.",
        "language": "ISO 639-1 code of the speech in this segment, where known.",
    },
    "stage_status": {"permanent": "1: not retried by a plain re-run (`argmap retry` clears it)."},
}

QUERIES: dict[str, dict[str, str]] = {
    "who_argued_what": {
        "title": "Who argued what",
        "description": "Every argument with its commentator, video and moment, newest video first.",
        "sql": """select c.name as commentator, v.title as video, a.type, a.text, a.quote,
       cast(a.start as int) as seconds, a.video_id
  from arguments a join videos v on v.id = a.video_id
  left join commentators c on c.id = v.commentator_id
 order by v.published desc, a.video_id, a.start""",
    },
    "key_point_stances": {
        "title": "Key points and who takes which side",
        "description": "Each key point of each compare run with its members' commentators and stances.",
        "sql": """select k.run_id, k.label as key_point, c.name as commentator, m.stance, a.text,
       cast(a.start as int) as seconds, a.video_id
  from key_points k join key_point_members m on m.key_point_id = k.id
  join arguments a on a.id = m.argument_id join videos v on v.id = a.video_id
  left join commentators c on c.id = v.commentator_id
 order by k.run_id, k.size desc, k.id, c.name""",
    },
}


def datasette_metadata(db_path: str | Path, *, title: str = "argmap") -> dict[str, Any]:
    """Datasette metadata (the ``metadata.json`` shape) for the argmap database at ``db_path``:
    Datasette names a database after its file's stem, so the tables sit under that name."""
    tables: dict[str, Any] = {}
    for name, (description, facets, label, sort_desc) in TABLES.items():
        entry: dict[str, Any] = {"description": description, "facets": facets}
        if label:
            entry["label_column"] = label
        if sort_desc:
            entry["sort_desc"] = sort_desc
        if name in COLUMNS:
            entry["columns"] = COLUMNS[name]
        tables[name] = entry
    return {
        "title": title,
        "description": "Argument maps from video commentary: who argued what, where, and who agrees"
        " or clashes. Written by argmap; see its README's data model.",
        "databases": {
            Path(db_path).stem: {
                "description": "One argmap store.",
                "tables": tables,
                "queries": QUERIES,
            }
        },
    }
