"""Compare: where commentators agree or clash on the same story.

Arguments from every selected video are clustered on their embeddings (average-linkage
agglomerative clustering with a cosine-similarity threshold; input sorted by id so the
same store always gives the same key points). Each cluster is a key point, labelled by its
most central argument. Each member gets a stance towards the key point: it asserts it,
criticises it (a critique, or a claim whose negation differs from the label's) or calls for
action on it. Members from different commentators are paired as ``agrees`` or ``contrasts``,
and every pair records the rule that decided it in ``method``. Key points argued by one
commentator alone are reported as "only X argued ...".

Results are stored per run (``run_id`` is derived from the options), so running the same
comparison again replaces its rows instead of piling up new ones; ``compare_runs`` records each
run's options and time, which is how exports and ``argmap serve`` pick one run to show.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from argmap.pipeline.compare.wording import key_point_wording
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS
from argmap.pipeline.search.embed import argument_text, embed_items, get_embedder
from argmap.pipeline.search.query import pick_model
from argmap.pipeline.text import timestamp_url
from argmap.store import ArgumentInContext, ArgumentRelation, KeyPoint, KeyPointMember, Store, Video
from argmap.store.queries import arguments_in_context
from argmap.store.records import make_id
from argmap.store.vectors import vectors_for

if TYPE_CHECKING:
    import numpy as np

#: cosine similarity above which two arguments count as the same point (average linkage)
DEFAULT_THRESHOLD = 0.65
#: how close (cosine) an argument must be to the ``--topic`` query to take part
DEFAULT_TOPIC_THRESHOLD = 0.3
STANCE_BY_TYPE = {"claim": "asserts", "critique": "criticises", "call_to_action": "calls_for_action"}
_NEGATORS = re.compile(
    r"\b(?:not|never|none|nobody|nothing|neither|nor|cannot|without|false|untrue|denies|deny|denied)\b"
    # "said no to the move", "voted no": an answer given, not the sentence denied
    r"|\b(?<!said )(?<!says )(?<!say )(?<!voted )(?<!votes )(?<!vote )no\b|n't\b",
    re.IGNORECASE,
)


def negated(text: str) -> bool:
    """Odd number of negation cues: "not untrue" reads as positive."""
    return len(_NEGATORS.findall(text.replace("’", "'"))) % 2 == 1


@dataclass
class Member:
    argument: ArgumentInContext  # always with a commentator: compare only loads those
    similarity: float  # to the key point's label argument
    stance: str
    negated: bool
    confidence: float | None = None  # the judge's, in [0.5, 1]; None where no judge read it
    #: False for a relayed fact (:mod:`.side_taking`): it states the point, it takes no side on it
    takes_side: bool = True

    @property
    def by_person(self) -> bool:
        return self.argument.by_person

    @property
    def commentator_id(self) -> str:
        if self.by_person:
            return self.argument.person_id or ""
        return self.argument.commentator_id or ""

    @property
    def commentator(self) -> str:
        if self.by_person:
            return self.argument.person or self.argument.speaker or ""
        return self.argument.commentator_name or ""

    @property
    def video(self) -> Video:
        return self.argument.video

    def as_dict(self) -> dict[str, Any]:
        a = self.argument
        return {
            "argument_id": a.id,
            "commentator": self.commentator,
            "commentator_id": self.commentator_id,
            "video_id": self.video.id,
            "video_title": self.video.title,
            "type": a.type,
            "stance": self.stance,
            "text": a.text,
            "quote": a.quote,
            "start": a.start,
            "url": timestamp_url(self.video, a.start),
            "similarity": round(self.similarity, 4),
        }


@dataclass
class KeyPointResult:
    key_point: KeyPoint
    members: list[Member]
    relations: list[ArgumentRelation] = field(default_factory=list)
    stances: dict[str, str] = field(default_factory=dict)  # commentator name -> stance

    def as_dict(self) -> dict[str, Any]:
        names = {m.commentator_id: m.commentator for m in self.members}
        kp = self.key_point
        return {
            "id": kp.id,
            "label": kp.label,
            "label_argument_id": kp.label_argument_id,
            "size": kp.size,
            "commentators": kp.commentators,
            "prevalence": {names[c]: n for c, n in kp.prevalence.items()},
            "stances": self.stances,
            "members": [m.as_dict() for m in self.members],
            "relations": [
                {
                    "source": r.source_argument_id,
                    "target": r.target_argument_id,
                    "relation": r.relation,
                    "method": r.method,
                    "score": r.score,
                }
                for r in self.relations
            ],
        }


@dataclass
class Comparison:
    run_id: str
    model: str
    threshold: float
    topic: str | None
    key_points: list[KeyPointResult]  # shared by at least min_commentators
    unique: list[KeyPointResult]  # argued by one commentator only
    arguments: int
    formed: int = 0  # key points of the run, however many commentators each has
    min_commentators: int = 2
    #: per commentator, the arguments no key point took: points nobody else made
    alone: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "model": self.model,
            "threshold": round(self.threshold, 4),
            "topic": self.topic,
            "arguments": self.arguments,
            "key_points": [k.as_dict() for k in self.key_points],
            "unique": [
                {
                    "commentator": k.members[0].commentator,
                    "key_point_id": k.key_point.id,
                    "label": k.key_point.label,
                    "size": k.key_point.size,
                    "url": timestamp_url(k.members[0].video, k.members[0].argument.start),
                }
                for k in self.unique
            ],
            "alone": self.alone,
        }


def cluster(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clusters whose mean pairwise cosine similarity stays >= ``threshold``."""
    n = len(vectors)
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    with HEAVY_IMPORTS:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import pdist

    distances = pdist(vectors.astype("float64"), metric="cosine").clip(min=0.0)
    tree = linkage(distances, method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    # Order independent of scipy's label numbering: by first member index.
    return sorted(groups.values(), key=lambda g: g[0])


def load_arguments(store: Store, commentators: Sequence[str] | None) -> list[ArgumentInContext]:
    """The arguments to compare, by id (so the same store always gives the same clusters);
    only those whose video has a commentator, since a key point is about who argued what. A name
    is a commentator's, or a speaker's in someone's videos (a guest, a caption label: compare
    shows them as voices of their own)."""
    if commentators:
        found: dict[str, ArgumentInContext] = {}
        from argmap.pipeline.search.query import full_name

        for given in commentators:
            name = full_name(store, given)
            matches = store.find_commentators(name)
            if matches:
                # The query also matches a commentator by name: keep only the matched ids' arguments.
                found.update(
                    (a.id, a)
                    for c in matches
                    for a in arguments_in_context(store, commentator=c.id)
                    if a.commentator_id == c.id
                )
                continue
            voiced = [a for a in arguments_in_context(store, commentator=name) if a.commentator]
            if not voiced:
                raise ConfigError(f"no commentator named {name!r}")
            found.update((a.id, a) for a in voiced)
        items = list(found.values())
    else:
        items = [a for a in arguments_in_context(store) if a.commentator is not None]
    return sorted(items, key=lambda a: a.id)


def run_id_for(model: str, threshold: float, topic: str | None, commentators: Sequence[str] | None) -> str:
    return "run-" + make_id(model, f"{threshold:.4f}", topic or "", sorted(commentators or []))


def compare(
    store: Store,
    topic: str | None = None,
    *,
    commentators: Sequence[str] | None = None,
    min_commentators: int = 2,
    threshold: float = DEFAULT_THRESHOLD,
    topic_threshold: float = DEFAULT_TOPIC_THRESHOLD,
    model: str | None = None,
    save: bool = True,
) -> Comparison:
    """Group arguments into key points across commentators; see the module docstring."""
    import numpy as np

    if not 0.0 < threshold < 1.0:
        raise ConfigError(f"--threshold must lie between 0 and 1, not {threshold}")
    if min_commentators < 1:
        raise ConfigError("--min-commentators must be at least 1")
    name = pick_model(store, model)
    items = topic_filter(store, load_arguments(store, commentators), topic, topic_threshold, name)
    vecs = vectors_for(store, name, "argument", [a.id for a in items])
    items = [a for a in items if a.id in vecs]

    run_id = run_id_for(name, threshold, topic, commentators)
    matrix = np.stack([vecs[a.id] for a in items]) if items else np.zeros((0, 1), dtype=np.float32)
    results: list[KeyPointResult] = []
    for group in cluster(matrix, threshold):
        results.append(_key_point(run_id, topic, group, items, matrix))

    shared = [k for k in results if k.key_point.commentators >= min_commentators]
    unique = [k for k in results if k.key_point.commentators == 1]
    order = lambda k: (-k.key_point.commentators, -k.key_point.size, k.key_point.id)  # noqa: E731
    shared.sort(key=order)
    unique.sort(key=order)
    comparison = Comparison(
        run_id=run_id,
        model=name,
        threshold=threshold,
        topic=topic,
        key_points=shared,
        unique=unique,
        arguments=len(items),
        formed=len(results),
        min_commentators=min_commentators,
        alone=alone_by_voice(items, results),
    )
    if save:
        save_run(store, comparison, results, commentators, min_commentators)
    return comparison


def topic_filter(
    store: Store,
    items: list[ArgumentInContext],
    topic: str | None,
    threshold: float = DEFAULT_TOPIC_THRESHOLD,
    model: str | None = None,
) -> list[ArgumentInContext]:
    """The arguments near ``topic`` as search's embeddings see them (all of them without one);
    arguments extracted since the last embed run get their search vectors now (only those)."""
    name = pick_model(store, model)
    embedder = get_embedder(name)
    if items:
        embed_items(store, embedder, "argument", ((a.id, argument_text(a)) for a in items))
    if not (topic and topic.strip()) or not items:
        return items
    vecs = vectors_for(store, name, "argument", [a.id for a in items])
    q = embedder.encode([topic])[0]
    return [a for a in items if a.id in vecs and float(vecs[a.id] @ q) >= threshold]


def alone_by_voice(items: Sequence[ArgumentInContext], results: Sequence[KeyPointResult]) -> dict[str, int]:
    """How many of each commentator's (or, in a conversation, each voice's) arguments joined no
    key point of the run, by name, most first."""
    taken = {m.argument.id for k in results for m in k.members}
    voices = [Member(a, 0.0, "", False) for a in items if a.id not in taken]
    left = Counter(v.commentator_id for v in voices)  # counted by voice, as key points count them
    names = {v.commentator_id: v.commentator for v in voices}
    for tell in (lambda v: v.argument.commentator_name or v.commentator_id, lambda v: v.commentator_id):
        # two unnamed "Speaker 1"s of two channels are two people: their channel, else their id
        twice = {n for n, count in Counter(names.values()).items() if count > 1}
        for v in voices:
            if names[v.commentator_id] in twice:
                names[v.commentator_id] = f"{v.commentator} ({tell(v)})"
    out = {names[k]: n for k, n in left.items()}
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0].casefold())))


def save_run(
    store: Store,
    comparison: Comparison,
    results: list[KeyPointResult],
    commentators: Sequence[str] | None,
    min_commentators: int,
) -> None:
    """Every key point of the run (single-commentator ones too, so exports can draw them), its
    members and relations, and the run's record, in one transaction: exports pick a run from
    compare_runs and must never find one without its key points: a run that formed none is not
    recorded, and an earlier run of the same options goes, its compare_runs row with it."""
    with store.transaction():
        if not results:
            store.delete_comparison(comparison.run_id, record=True)
            return
        store.save_comparison(
            comparison.run_id,
            [k.key_point for k in results],
            [
                KeyPointMember(
                    key_point_id=k.key_point.id,
                    argument_id=m.argument.id,
                    similarity=round(m.similarity, 6),
                    stance=m.stance,
                    confidence=None if m.confidence is None else round(m.confidence, 4),
                )
                for k in results
                for m in k.members
            ],
            [r for k in results for r in k.relations],
        )
        store.save_compare_run(
            {
                "run_id": comparison.run_id,
                "model": comparison.model,
                "threshold": comparison.threshold,
                "topic": comparison.topic,
                "commentators": list(commentators or []),
                "min_commentators": min_commentators,
                "arguments": comparison.arguments,
            }
        )


def key_point_result(
    run_id: str, topic: str | None, label: str, label_argument_id: str, key: str, members: list[Member]
) -> KeyPointResult:
    """A key point of ``members`` (sorted here by commentator, time, id), with its prevalence per
    commentator and each commentator's stance; ``key`` makes its id unique within the run."""
    members.sort(key=lambda m: (m.commentator.casefold(), m.argument.start, m.argument.id))
    prevalence: dict[str, int] = {}
    for m in members:
        prevalence[m.commentator_id] = prevalence.get(m.commentator_id, 0) + 1
    key_point = KeyPoint(
        id="kp-" + make_id(run_id, key),
        run_id=run_id,
        label=label,
        label_argument_id=label_argument_id,
        size=len(members),
        commentators=len(prevalence),
        topic=topic,
        prevalence=dict(sorted(prevalence.items())),
    )
    stances: dict[str, str] = {}
    for name in sorted({m.commentator for m in members}):
        stances[name] = stance_of([m for m in members if m.commentator == name])
    return KeyPointResult(key_point, members, stances=stances)


#: how a stance reads to people (the stored values stay as they are in JSON and the database)
STANCE_LABELS = {"asserts": "asserts", "criticises": "disputes", "calls_for_action": "calls to act"}


def side_takers(members: Sequence[Member]) -> Sequence[Member]:
    """The members a commentator's stance is read from: those that take a side, or all of them
    when none does (a commentator who only relays the point states it)."""
    sided = [m for m in members if m.takes_side]
    return sided or members


_ALONE_VERBS = {"asserts": "argued", "criticises": "disputed", "calls_for_action": "called to act on"}


def alone_line(result: KeyPointResult) -> str:
    """The line for a key point only one commentator speaks to, with their stance: "only X argued:
    ...", or on a key point the user gave, "only X disputed: ..." when they argued against it."""
    who = result.members[0].commentator
    stance = result.stances.get(who, "asserts")
    return f"only {who} {_ALONE_VERBS.get(stance, 'argued')}: {result.key_point.label}"


def majority_stance(stances: Sequence[str], sureness: Sequence[float | None] | None = None) -> str:
    """A commentator's stance on a key point: the most frequent of their members' stances; a tie
    goes to the side the judge was surer of (``sureness``, a confidence per stance), then to a
    fixed order so output is stable."""
    order = ("asserts", "calls_for_action", "criticises")
    sure = list(sureness) if sureness is not None else [None] * len(stances)

    def weight(stance: str) -> float:
        return sum(c or 0.0 for s, c in zip(stances, sure, strict=True) if s == stance)

    # an even tie leans to the point's side (a call to act is on it), as one voice for it and one
    # against is not a stand against the point
    return max(order, key=lambda s: (stances.count(s), weight(s), s != "criticises", s == "asserts"))


def stance_of(members: Sequence[Member]) -> str:
    """One commentator's stance from their members of a key point (:func:`side_takers`)."""
    read = side_takers(members)
    return majority_stance([m.stance for m in read], [m.confidence for m in read])


def _key_point(
    run_id: str,
    topic: str | None,
    group: list[int],
    items: list[ArgumentInContext],
    matrix: np.ndarray,
) -> KeyPointResult:
    sub = matrix[group]
    sims = sub @ sub.T
    # Most central: highest mean similarity to the other members; on a tie an affirmative
    # sentence reads better as a label than a denial, then the lower id wins.
    centrality = sims.mean(axis=1)
    best = max(
        range(len(group)),
        key=lambda i: (round(float(centrality[i]), 6), not negated(items[group[i]].text), -group[i]),
    )
    label_arg = items[group[best]]
    label_neg = negated(label_arg.text)
    members: list[Member] = []
    for pos, idx in enumerate(group):
        arg = items[idx]
        neg = negated(arg.text)
        stance = STANCE_BY_TYPE.get(arg.type, "asserts")
        if stance == "asserts" and neg != label_neg:
            stance = "criticises"  # the claim denies what the key point says
        members.append(Member(arg, float(sims[pos, best]), stance, neg))
    label = key_point_wording(label_arg.text)
    result = key_point_result(run_id, topic, label, label_arg.id, label_arg.id, members)
    kp_id = result.key_point.id
    result.relations = _relations(kp_id, members, matrix, group, items)
    return result


def _relations(
    kp_id: str,
    members: list[Member],
    matrix: np.ndarray,
    group: list[int],
    items: list[ArgumentInContext],
) -> list[ArgumentRelation]:
    index = {items[i].id: i for i in group}
    out: list[ArgumentRelation] = []
    ordered = sorted(members, key=lambda m: m.argument.id)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.commentator_id == b.commentator_id:
                continue
            relation, method = _judge(a, b)
            score = float(matrix[index[a.argument.id]] @ matrix[index[b.argument.id]])
            out.append(relation_between(kp_id, a, b, relation, method, round(score, 6)))
    return out


def relation_between(
    kp_id: str, a: Member, b: Member, relation: str, method: str, score: float | None
) -> ArgumentRelation:
    """The stored row of one relation between two members of a key point."""
    return ArgumentRelation(
        id="r-" + make_id(kp_id, a.argument.id, b.argument.id),
        source_argument_id=a.argument.id,
        target_argument_id=b.argument.id,
        relation=relation,
        method=method,
        key_point_id=kp_id,
        score=score,
    )


def _judge(a: Member, b: Member) -> tuple[str, str]:
    """``agrees`` or ``contrasts`` for two members of one key point, and the rule that said so."""
    if a.negated != b.negated and "call_to_action" not in (a.argument.type, b.argument.type):
        return "contrasts", "rule:negation-mismatch"
    types = {a.argument.type, b.argument.type}
    if types == {"claim", "critique"}:
        return "contrasts", "rule:claim-vs-critique"
    if a.stance == b.stance:
        return "agrees", f"rule:same-stance:{a.stance}"
    return "agrees", f"rule:compatible-stances:{a.stance}+{b.stance}"
