"""Argument extraction: from a stored transcript to typed, timed, quoted arguments.

This module owns what every extractor shares: the :class:`Extractor` interface, the registry
that finds one by name (built-ins plus third-party packages exposing the ``argmap.extractors``
entry-point group), the embedded extractors (v2, the default: a classifier from
:mod:`.classifier` types each sentence; v1, ``rules``: :mod:`.rules` alone; both over the
sentences from :mod:`.sentences`, merged into multi-sentence arguments), the library call
:func:`extract_videos` and :class:`ExtractStage` for the ingest runner. Rows are keyed by
extractor name and version, so a new version adds rows beside the old ones and re-running the
same version rewrites identical rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

from argmap.store import ARGUMENT_TYPES, Argument, NotFound, Prompt, Segment, Store, Video

from . import classifier, rules
from .errors import ConfigError, ExtractionError
from .links import timestamp_url
from .sentences import Sentence, split_sentences

ENTRY_POINT_GROUP = "argmap.extractors"


@dataclass
class ExtractionInput:
    """One transcript as an extractor sees it: segments in order, plus who is speaking."""

    video_id: str
    transcript_id: str
    segments: Sequence[Segment]
    commentator: str | None = None
    title: str | None = None

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.segments)


@dataclass
class ExtractionResult:
    arguments: list[Argument]
    extractor: str  # the name and version on the rows (the fallback's, when one was used)
    version: str
    notes: list[str] = field(default_factory=list)  # caps hit, fallbacks taken: shown to the user
    prompts: list[Prompt] = field(default_factory=list)  # provenance to store with the rows


@runtime_checkable
class Extractor(Protocol):
    name: str
    version: str

    def extract(self, doc: ExtractionInput) -> ExtractionResult:
        """Arguments of one transcript. Raise :class:`ExtractionError` when it cannot be done."""


# -- the embedded default --------------------------------------------------------------------

# A sentence opening like this continues the previous one's argument.
_CONTINUATION = re.compile(
    r"^(?:and|because|'cause|cause|so|which|also|plus|in fact|especially|that's why|this is why|"
    r"that is why|otherwise|even|not only|instead|and that|this|that|it|they|these|those|again|worse|"
    r"what's more|on top of that|moreover|furthermore)\b",
    re.I,
)
MAX_MERGE = 3


class RuleExtractor:
    """Offline, model-free extractor (v1, ``--extractor rules``): sentence rules, then merging."""

    name = "default"
    version = "1"

    def __init__(self, **options: Any):
        if options:
            raise ConfigError(f"the default extractor takes no options (got {', '.join(sorted(options))})")

    def extract(self, doc: ExtractionInput) -> ExtractionResult:
        verdicts = rules.classify_all([s.text for s in doc.sentences], doc.commentator)
        return typed_result(doc, verdicts, self.name, self.version)


def merge_groups(
    sentences: Sequence[Sentence], verdicts: Sequence[rules.Verdict]
) -> list[tuple[list[Sentence], rules.Verdict]]:
    """Typed sentences into arguments: a continuation of the same type joins the one before."""
    groups: list[tuple[list[Sentence], rules.Verdict]] = []
    previous: Sentence | None = None
    for sent, verdict in zip(sentences, verdicts, strict=True):
        if verdict.type == "other":
            previous = None
            continue
        if (
            groups
            and previous is not None
            and previous.idx == sent.idx - 1
            and groups[-1][1].type == verdict.type
            and len(groups[-1][0]) < MAX_MERGE
            and not verdict.attributed
            and _CONTINUATION.match(rules.strip_filler(sent.text) or sent.text)
        ):
            members, first = groups[-1]
            merged = first
            if verdict.confidence > first.confidence or (first.target is None and verdict.target):
                merged = rules.Verdict(
                    first.type,
                    max(first.confidence, verdict.confidence),
                    first.target or verdict.target,
                    first.rule,
                    first.attributed,
                )
            groups[-1] = ([*members, sent], merged)
        else:
            groups.append(([sent], verdict))
        previous = sent
    return groups


def typed_result(
    doc: ExtractionInput, verdicts: Sequence[rules.Verdict], extractor: str, version: str
) -> ExtractionResult:
    """The arguments of ``doc`` given a verdict per sentence: merged, made to stand alone, deduped."""
    groups = merge_groups(doc.sentences, verdicts)
    args = [rule_argument(doc, sents, verdict, extractor, version) for sents, verdict in groups]
    return ExtractionResult(arguments=_dedupe(args), extractor=extractor, version=version)


def rule_argument(
    doc: ExtractionInput, sents: list[Sentence], verdict: rules.Verdict, extractor: str, version: str
) -> Argument:
    """An argument whose text is its sentences made to stand alone (attributed or cleaned)."""
    quote = " ".join(s.text for s in sents)
    if verdict.attributed:
        text = " ".join(rules.attribute(s.text, doc.commentator) for s in sents)
    else:
        text = " ".join(rules.clean_text(s.text) for s in sents)
    return make_argument(
        doc,
        sents,
        type=verdict.type,
        text=text or quote,
        quote=quote,
        extractor=extractor,
        version=version,
        target=verdict.target,
        confidence=verdict.confidence,
    )


class ClassifierExtractor:
    """Offline default (v2): the rules' evidence and a sentence embedding, weighed by a classifier.

    The rules still decide who is speaking, the target, the rewritten text and which sentences
    merge; a logistic regression trained on the development set (:mod:`.classifier`) decides the
    type, because that is where rules tuned by hand did not carry over to new commentary.
    """

    name = "default"
    version = "2"

    def __init__(
        self,
        model: classifier.SentenceModel | None = None,
        embed: Callable[[Sequence[str]], Any] | None = None,
        **options: Any,
    ):
        if options:
            raise ConfigError(f"the default extractor takes no options (got {', '.join(sorted(options))})")
        # Both are for training and cross-validation; users get the shipped weights and model.
        self._model = model
        self._embed = embed

    @property
    def model(self) -> classifier.SentenceModel:
        if self._model is None:
            self._model = classifier.load_model()
        return self._model

    def verdicts(self, sentences: Sequence[Sentence], commentator: str | None) -> list[rules.Verdict]:
        texts = [s.text for s in sentences]
        if not texts:
            return []
        summary = rules.is_summary(texts, commentator)
        ruled = [rules.classify(t, commentator, summary=summary) for t in texts]
        model = self.model
        vectors = (self._embed or classifier.embed)(texts) if model.uses_embedding else None
        probs = model.probabilities(classifier.features(texts, commentator, vectors, model.mode))
        out = []
        for text, rule, p in zip(texts, ruled, probs, strict=True):
            label = classifier.LABELS[int(p.argmax())]
            conf = float(p.max())
            if label == rule.type:
                out.append(rules.Verdict(label, conf, rule.target, f"model:{rule.rule}", rule.attributed))
                continue
            # The model overruled the rules: keep the rules' reading of who speaks, find a target anew.
            attributed = rule.attributed or (
                summary and bool(rules.PRONOUN_START.match(rules.strip_filler(text)))
            )
            target = None if label in ("call_to_action", "other") else rules._proper_noun(text, commentator)
            out.append(rules.Verdict(label, conf, target, "model", attributed))
        return out

    def extract(self, doc: ExtractionInput) -> ExtractionResult:
        return typed_result(doc, self.verdicts(doc.sentences, doc.commentator), self.name, self.version)


def make_argument(
    doc: ExtractionInput,
    sents: Sequence[Sentence],
    *,
    type: str,
    text: str,
    quote: str,
    extractor: str,
    version: str,
    target: str | None = None,
    confidence: float | None = None,
    prompt_hash: str | None = None,
) -> Argument:
    """An :class:`Argument` spanning ``sents`` (consecutive sentences of ``doc``)."""
    if type not in ARGUMENT_TYPES:
        raise ExtractionError(f"unknown argument type {type!r}")
    first, last = sents[0], sents[-1]
    return Argument(
        id=Argument.make_id(doc.video_id, extractor, version, first.seg_first, quote),
        video_id=doc.video_id,
        transcript_id=doc.transcript_id,
        type=type,
        text=text,
        quote=quote,
        start=first.start,
        end=max(last.end, first.start),
        seg_first=first.seg_first,
        seg_last=max(last.seg_last, first.seg_first),
        extractor=extractor,
        extractor_version=version,
        target=target,
        confidence=None if confidence is None else round(float(confidence), 3),
        prompt_hash=prompt_hash,
    )


def _dedupe(args: Iterable[Argument]) -> list[Argument]:
    seen: dict[str, Argument] = {}
    for a in args:
        if a.id not in seen or (a.confidence or 0) > (seen[a.id].confidence or 0):
            seen[a.id] = a
    return sorted(seen.values(), key=lambda a: (a.start, a.seg_first, a.id))


# -- registry --------------------------------------------------------------------------------

Factory = Callable[..., Extractor]


def _builtin_llm(**options: Any) -> Extractor:
    from .llm import LLMExtractor

    return LLMExtractor(**options)


# "rules" is the model-free v1, kept for comparison and for rows made before v2.
BUILTIN: dict[str, Factory] = {"default": ClassifierExtractor, "rules": RuleExtractor, "llm": _builtin_llm}


def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_extractors() -> list[str]:
    return sorted({*BUILTIN, *_entry_points()})


def get_extractor(name: str = "default", **options: Any) -> Extractor:
    """An extractor by name: a built-in, or one a package registered under ``argmap.extractors``."""
    factory: Factory | None = BUILTIN.get(name)
    if factory is None:
        ep = _entry_points().get(name)
        if ep is None:
            raise ConfigError(f"unknown extractor {name!r}; available: {', '.join(available_extractors())}")
        try:
            factory = ep.load()
        except Exception as err:  # a broken plugin must not take the CLI down with a traceback
            raise ConfigError(f"extractor {name!r} could not be loaded: {err}") from err
    assert factory is not None
    extractor = factory(**options)
    if not isinstance(extractor, Extractor):
        raise ConfigError(f"extractor {name!r} does not provide name, version and extract()")
    return extractor


# -- running over the store ------------------------------------------------------------------


@dataclass
class ExtractOutcome:
    video_id: str
    status: str  # extracted | unchanged | failed
    count: int = 0
    extractor: str | None = None
    version: str | None = None
    message: str | None = None
    notes: list[str] = field(default_factory=list)


def commentator_name(store: Store, video: Video) -> str | None:
    if not video.commentator_id:
        return None
    try:
        return store.commentator(video.commentator_id).name
    except NotFound:
        return None


def load_input(store: Store, video: Video) -> ExtractionInput:
    transcript = store.transcript(video.id)
    if transcript is None:
        raise ExtractionError(f"{video.id}: no transcript yet (run `argmap ingest` first)", permanent=False)
    return ExtractionInput(
        video_id=video.id,
        transcript_id=transcript.id,
        segments=store.segments(transcript.id),
        commentator=commentator_name(store, video),
        title=video.title,
    )


def extract_video(store: Store, video: Video, extractor: Extractor, *, force: bool = False) -> ExtractOutcome:
    """Extract one video and store its rows (replacing only this extractor version's rows)."""
    if not force and _has_rows(store, video.id, extractor.name, extractor.version):
        count = _count(store, video.id, extractor.name, extractor.version)
        return ExtractOutcome(video.id, "unchanged", count, extractor.name, extractor.version)
    doc = load_input(store, video)
    result = extractor.extract(doc)
    with store.transaction():
        for prompt in result.prompts:
            store.save_prompt(prompt)
        store.save_arguments(video.id, result.extractor, result.version, result.arguments)
    return ExtractOutcome(
        video.id, "extracted", len(result.arguments), result.extractor, result.version, notes=result.notes
    )


def _has_rows(store: Store, video_id: str, name: str, version: str) -> bool:
    return _count(store, video_id, name, version) > 0


def _count(store: Store, video_id: str, name: str, version: str) -> int:
    rows = store.rows(
        "select count(*) n from arguments where video_id = ? and extractor = ? and extractor_version = ?",
        [video_id, name, version],
    )
    return int(rows[0]["n"])


def resolve_videos(store: Store, refs: Sequence[str] | None) -> tuple[list[Video], list[ExtractOutcome]]:
    """Videos for ``refs`` (all transcribed videos when empty); unknown refs become failures."""
    if not refs:
        rows = store.rows(
            "select v.* from videos v where exists (select 1 from transcripts t where t.video_id = v.id) "
            "order by v.id"
        )
        return [Video(**r) for r in rows], []
    videos, failures = [], []
    for ref in refs:
        try:
            videos.append(store.resolve_video(ref))
        except NotFound as err:
            failures.append(ExtractOutcome(ref, "failed", message=str(err)))
    return videos, failures


def extract_videos(
    store: Store,
    video_ids: Sequence[str] | None = None,
    extractor: str | Extractor = "default",
    force: bool = False,
    **options: Any,
) -> list[ExtractOutcome]:
    """Extract arguments for the given videos (default: every transcribed one).

    One bad video (no transcript, extractor failure) is reported and marked failed; the batch
    goes on and the database keeps the previous rows of that video.
    """
    chosen = get_extractor(extractor, **options) if isinstance(extractor, str) else extractor
    videos, outcomes = resolve_videos(store, video_ids)
    for video in videos:
        try:
            outcomes.append(extract_video(store, video, chosen, force=force))
        except ExtractionError as err:
            store.mark(video.id, "extract", "failed", str(err), permanent=err.permanent)
            outcomes.append(ExtractOutcome(video.id, "failed", message=str(err)))
    return outcomes


class ExtractStage:
    """The ``extract`` stage of ``argmap ingest``: default extractor unless told otherwise."""

    name = "extract"
    requires: tuple[str, ...] = ("transcribe",)

    def __init__(self, extractor: str = "default", **options: Any):
        self.extractor_name = extractor
        self.options = options
        self._extractor: Extractor | None = None

    def open(self) -> None:
        if self._extractor is None:
            self._extractor = get_extractor(self.extractor_name, **self.options)

    def run(self, store: Store, video: Video) -> None:
        self.open()
        assert self._extractor is not None
        extract_video(store, video, self._extractor)

    def close(self) -> None:
        self._extractor = None


# -- listing -----------------------------------------------------------------------------------


def list_arguments(
    store: Store,
    video_refs: Sequence[str] | None = None,
    *,
    type: str | None = None,
    commentator: str | None = None,
    extractor: str | None = None,
) -> list[dict[str, Any]]:
    """Arguments as plain dicts (the ``argmap arguments --json`` shape), in video and time order."""
    if type is not None and type not in ARGUMENT_TYPES:
        raise ConfigError(f"unknown type {type!r}; one of {', '.join(ARGUMENT_TYPES)}")
    where, params = [], []
    if video_refs:
        ids = []
        for ref in video_refs:
            try:
                ids.append(store.resolve_video(ref).id)
            except NotFound as err:
                raise ConfigError(str(err)) from err
        where.append(f"a.video_id in ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    if type:
        where.append("a.type = ?")
        params.append(type)
    if commentator:
        where.append("(lower(c.name) = lower(?) or c.id = ?)")
        params.extend([commentator, commentator])
    if extractor:
        where.append("a.extractor = ?")
        params.append(extractor)
    sql = (
        "select a.*, c.name as commentator from arguments a join videos v on v.id = a.video_id "
        "left join commentators c on c.id = v.commentator_id"
        + (" where " + " and ".join(where) if where else "")
        + " order by a.video_id, a.start, a.id"
    )
    videos: dict[str, Video] = {}
    out = []
    for row in store.rows(sql, params):
        video = videos.get(row["video_id"]) or videos.setdefault(
            row["video_id"], store.video(row["video_id"])
        )
        out.append(
            {
                "id": row["id"],
                "video_id": row["video_id"],
                "commentator": row["commentator"],
                "type": row["type"],
                "text": row["text"],
                "quote": row["quote"],
                "start": row["start"],
                "end": row["end"],
                "seg_first": row["seg_first"],
                "seg_last": row["seg_last"],
                "target": row["target"],
                "confidence": row["confidence"],
                "extractor": row["extractor"],
                "extractor_version": row["extractor_version"],
                "prompt_hash": row["prompt_hash"],
                "url": timestamp_url(video, row["start"]),
            }
        )
    return out
