"""argmap.store: SQLite persistence for argmap (records, migrations, queries).

This package must stay free of heavy or pipeline imports so that anything can open a
database cheaply: only the standard library and sqlite-utils.
"""

from . import fts, lookup, queries, vectors
from .connection import DB_ENV, NotFound, StoreError, default_data_dir, resolve_db_path
from .database import Store
from .lookup import AmbiguousVideo
from .records import (
    ARGUMENT_TYPES,
    RELATIONS,
    SEGMENT_KINDS,
    STAGES,
    STRUCTURE_KINDS,
    Argument,
    ArgumentInContext,
    ArgumentRelation,
    Commentator,
    Embedding,
    KeyPoint,
    KeyPointMember,
    Passage,
    Person,
    Prompt,
    Segment,
    Speaker,
    SpeakerTurn,
    StageStatus,
    Summary,
    Transcript,
    Video,
    Word,
    content_hash,
    make_id,
    to_row,
)

__all__ = [
    "ARGUMENT_TYPES",
    "AmbiguousVideo",
    "lookup",
    "ArgumentInContext",
    "queries",
    "speakers",
    "fts",
    "vectors",
    "DB_ENV",
    "RELATIONS",
    "SEGMENT_KINDS",
    "STAGES",
    "STRUCTURE_KINDS",
    "Argument",
    "ArgumentRelation",
    "Commentator",
    "Embedding",
    "KeyPoint",
    "KeyPointMember",
    "NotFound",
    "Passage",
    "Person",
    "Prompt",
    "Segment",
    "Speaker",
    "SpeakerTurn",
    "StageStatus",
    "Store",
    "StoreError",
    "Summary",
    "Transcript",
    "Video",
    "Word",
    "content_hash",
    "default_data_dir",
    "make_id",
    "resolve_db_path",
    "to_row",
]
