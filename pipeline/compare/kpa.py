"""Key point analysis: choose key points, then match every argument to them.

Clustering arguments by similarity (:mod:`.clustering`) splits one point made in different words
and costs quadratic time. Key Point Analysis (Bar-Haim et al., ACL 2020 and ArgMining 2021)
works the other way round, and this module follows it:

1. **Candidates**: short, self-contained arguments (4-30 words, not opening on a pronoun or a
   connective that needs the sentence before), or the key points a user gives
   (``--key-points FILE``).
2. **Selection**: every argument is scored against every candidate with the learned matcher
   (:mod:`.matcher`, MiniLM with a LoRA delta trained on ArgKP-2021); candidates are taken
   greedily by how many arguments they match that no key point taken so far matches (or serves
   clearly worse), skipping any that nearly repeats a key point already taken. Cost: candidates
   x arguments, in chunks, so linear in the arguments. Compare is about what commentators share,
   so a key point only one commentator is on is dropped when its own argument matches one that
   another commentator is on (:func:`absorb_one_sided`): it is the same point in other words,
   which greedy selection keeps apart when each wording matches its own side best.
3. **Matching**: each argument joins its best key point when the score clears the matcher's
   threshold; one that matches none stays its commentator's own point.
4. **Stance** (:mod:`.sides`): each member's side towards its key point comes from the relation
   model (:mod:`.relations`), which reads negation as meaning, not as a word count; two
   commentators on one key point agree when they take the same side, read from their members
   that take one (:mod:`.side_taking`: a relayed fact does not). Every relation records the
   model that decided it.

``update=True`` matches only arguments that are not yet in the stored run to its existing key
points, and proposes new key points from those that match none, leaving the rest as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from argmap.pipeline.compare.clustering import (
    Comparison,
    KeyPointResult,
    Member,
    alone_by_voice,
    load_arguments,
    negated,
    save_run,
    topic_filter,
)
from argmap.pipeline.compare.side_taking import NAME as SIDE_TAKING_NAME
from argmap.pipeline.compare.side_taking import SideTakingModel, load_side_taking
from argmap.pipeline.compare.sides import (
    STANCE_FOR,
    Judge,
    asks_the_opposite,
    default_judge,
    is_call,
    judged,
    key_point_with_relations,
    member_sides,
    said_as,
    side_taking_of,
)
from argmap.pipeline.compare.wording import key_point_wording
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.search.embed import argument_text, embed_items
from argmap.store import ArgumentInContext, Store
from argmap.store.queries import run_key_points
from argmap.store.records import make_id
from argmap.store.vectors import vectors_for

if TYPE_CHECKING:
    import numpy as np

#: arguments tried as key points at most (an even spread when there are more); bounds the cost
MAX_CANDIDATES = 3000
#: key points at most in one run
MAX_KEY_POINTS = 60
#: a key point must match at least this many arguments no earlier one matches, or serves as well
MIN_SUPPORT = 2
#: by how much a new key point must beat an argument's earlier match to count as serving it better
BETTER_BY = 0.1
#: two key points whose match score is this far above the threshold say the same thing
DUPLICATE_MARGIN = 0.25
#: how much more a call to action must match a statement's key point to join it (and a statement
#: a call's): "go in this week and borrow a book" and "visits fell 31%" share words, not a point
CROSS_KIND_MARGIN = 0.1
CHUNK = 8192
_DANGLING = re.compile(
    r"^(?:it|this|that|these|those|they|them|he|she|him|her|his|its|their|there|and|but|so|or|because|"
    r"which|who|also|then|yes|no|well|oh|um|uh)\b",
    re.IGNORECASE,
)


def is_candidate(argument: ArgumentInContext) -> bool:
    """Short and self-contained enough to stand as a key point's label."""
    text = argument_text(argument)
    words = len(text.split())
    return 4 <= words <= 30 and not _DANGLING.match(text.lstrip("\"'“ "))


def kpa_compare(
    store: Store,
    topic: str | None = None,
    *,
    commentators: Sequence[str] | None = None,
    min_commentators: int = 2,
    threshold: float | None = None,
    key_points: Sequence[str] | None = None,
    update: bool = False,
    max_key_points: int = MAX_KEY_POINTS,
    judge: Judge | None = None,
    labeller: Callable[[KeyPointResult], str | None] | None = None,
    save: bool = True,
) -> Comparison:
    """Key points across commentators by matching; see the module docstring."""
    import numpy as np

    from argmap.pipeline.compare.matcher import load_matcher

    if min_commentators < 1:
        raise ConfigError("--min-commentators must be at least 1")
    matcher = load_matcher()
    tau = matcher.threshold if threshold is None else threshold
    if not -1.0 < tau < 1.0:
        raise ConfigError(f"--threshold must lie between -1 and 1, not {tau}")
    items = topic_filter(store, load_arguments(store, commentators), topic)
    if items:
        # The matcher's vectors are kept like search's: only new or changed texts are encoded.
        embed_items(store, matcher, "argument", ((a.id, argument_text(a)) for a in items))
    vecs = vectors_for(store, matcher.name, "argument", [a.id for a in items])
    items = [a for a in items if a.id in vecs]
    matrix = np.stack([vecs[a.id] for a in items]) if items else np.zeros((0, 384), dtype=np.float32)
    judge = judge or default_judge()
    side_taking = load_side_taking()
    # What made the run, stored with it: the matcher, whose key points, what judged the sides and
    # what told the arguments that take one from relayed facts.
    method = f"kpa:{matcher.name}" + (":user" if key_points else "") + f" relations:{judge.name}"
    if side_taking is not None:
        method += f" takes-side:{SIDE_TAKING_NAME}"
    if labeller is not None:
        method += f" labels:{getattr(labeller, '__qualname__', 'custom')}"
    run_id = _run_id(method, tau, topic, commentators, key_points)

    acts = np.array([a.type == "call_to_action" for a in items], dtype=np.int8)
    labels: list[tuple[str, int | None]] = []  # (label, label argument index)
    todo = list(range(len(items)))
    fixed: Fixed = {}
    if update:
        labels, todo, fixed = _existing(store, run_id, items)
    if key_points:
        labels += [(k.strip(), None) for k in key_points if k.strip()]
        kp_vectors = matcher.encode([label for label, _ in labels])
    else:
        kp_vectors = _label_vectors(labels, matrix, matcher)
        kept = len(labels)
        candidates = [i for i in todo if is_candidate(items[i])]
        chosen = select_key_points(matrix, candidates, todo, tau, kp_vectors, max_key_points)
        labels += [(argument_text(items[i]), i) for i in chosen]
        kp_vectors = _label_vectors(labels, matrix, matcher)
        labels, kp_vectors = _prune(matrix, labels, kp_vectors, tau, kept, acts)
        voices = [a.commentator_id or "" for a in items]
        anchors = [i for _, i in labels]
        keep = absorb_one_sided(matrix, anchors, kp_vectors, tau, voices, kept, acts)
        labels, kp_vectors = [labels[k] for k in keep], kp_vectors[keep]
    # Only the arguments not yet in the run are matched; an update keeps the stored members.
    groups: dict[int, list[tuple[int, float]]] = {}
    kinds = (acts[todo], _anchor_kinds(acts, [i for _, i in labels]))
    for k, found in assign(matrix[todo], kp_vectors, tau, kinds).items():
        groups[k] = [(todo[i], score) for i, score in found]
    for (k, i), (similarity, _, _) in fixed.items():
        groups.setdefault(k, []).append((i, similarity))
    results = _results(run_id, topic, items, labels, groups, judge, fixed, side_taking)
    if labeller is not None:
        _relabel(results, labeller, matcher, tau)
    shared = [k for k in results if k.key_point.commentators >= min_commentators]
    unique = [k for k in results if k.key_point.commentators == 1]
    order = lambda k: (-k.key_point.commentators, -k.key_point.size, k.key_point.id)  # noqa: E731
    shared.sort(key=order)
    unique.sort(key=order)
    comparison = Comparison(
        run_id,
        method,
        tau,
        topic,
        shared,
        unique,
        len(items),
        len(results),
        min_commentators,
        alone_by_voice(items, results),
    )
    if save:
        save_run(store, comparison, results, commentators, min_commentators)
    return comparison


def _run_id(
    method: str,
    tau: float,
    topic: str | None,
    commentators: Sequence[str] | None,
    key_points: Sequence[str] | None = None,
) -> str:
    """One id per set of options; the user's key points are part of it, so a second file does
    not replace the run of the first."""
    given = [[k.strip() for k in key_points if k.strip()]] if key_points else []
    return "run-" + make_id(method, f"{tau:.4f}", topic or "", sorted(commentators or []), *given)


#: a stored member kept as it was by an update: (key point, argument) -> (similarity, stance,
#: the judge's confidence; None in runs stored before m014)
Fixed = dict[tuple[int, int], tuple[float, str, float | None]]


def _existing(
    store: Store, run_id: str, items: list[ArgumentInContext]
) -> tuple[list[tuple[str, int | None]], list[int], Fixed]:
    """The stored run's key points (label and label argument), the arguments not yet in it, and
    its members as they were."""
    stored = run_key_points(store, run_id)
    if not stored:
        raise ConfigError("--update needs an earlier run with the same options; run `argmap compare` first")
    index = {a.id: i for i, a in enumerate(items)}
    labels = [(kp.key_point.label, index.get(kp.key_point.label_argument_id)) for kp in stored]
    fixed: Fixed = {
        (k, index[m.argument_id]): (m.similarity, m.stance, m.confidence)
        for k, kp in enumerate(stored)
        for m in kp.members
        if m.argument_id in index
    }
    known = {m.argument_id for kp in stored for m in kp.members}
    return labels, [i for i, a in enumerate(items) if a.id not in known], fixed


def _label_vectors(labels: list[tuple[str, int | None]], matrix: np.ndarray, matcher: Any) -> np.ndarray:
    import numpy as np

    if not labels:
        return np.zeros((0, matrix.shape[1]), dtype=np.float32)
    missing = [label for label, i in labels if i is None]
    encoded = iter(matcher.encode(missing)) if missing else iter(())
    return np.stack([matrix[i] if i is not None else next(encoded) for _, i in labels]).astype(np.float32)


def select_key_points(
    matrix: np.ndarray,
    candidates: list[int],
    pool: list[int],
    tau: float,
    taken: np.ndarray,
    most: int = MAX_KEY_POINTS,
) -> list[int]:
    """Greedy KPA selection (see the module docstring); returns candidate indices into ``matrix``.

    ``pool`` are the arguments to cover; ``taken`` the vectors of key points already chosen (an
    update), which candidates must not repeat and whose arguments count as covered.
    """
    import numpy as np

    if not candidates or not pool:
        return []
    if len(candidates) > MAX_CANDIDATES:
        # An even spread over the library (arguments are in id order, so across videos), not
        # the densest: those would all come from the few biggest points and miss the rest.
        step = -(-len(candidates) // MAX_CANDIDATES)
        candidates = candidates[::step]
    cand = matrix[candidates]
    pool_arr = np.asarray(pool)
    # How well each pool argument is served by the key points chosen so far.
    best = np.full(len(pool), -np.inf, dtype=np.float32)
    if len(taken):
        for start in range(0, len(pool), CHUNK):
            part = matrix[pool_arr[start : start + CHUNK]]
            best[start : start + CHUNK] = (part @ taken.T).max(axis=1)
    # Which pool arguments each candidate matches and how well, kept sparse: linear in arguments.
    found: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in candidates]
    for start in range(0, len(pool), CHUNK):
        scores = cand @ matrix[pool_arr[start : start + CHUNK]].T
        rows, cols = np.nonzero(scores >= tau)  # sorted by row: one run of columns per candidate
        cuts = np.flatnonzero(np.diff(rows)) + 1
        for row_run, col_run in zip(np.split(rows, cuts), np.split(cols, cuts), strict=True):
            if len(row_run):
                found[int(row_run[0])].append((col_run + start, scores[row_run, col_run]))
    hits = [np.concatenate([f[0] for f in fs]) if fs else np.zeros(0, dtype=np.int64) for fs in found]
    how = [np.concatenate([f[1] for f in fs]) if fs else np.zeros(0, dtype=np.float32) for fs in found]
    # Most support first, each match weighted by its score: a paraphrase counts for more than an
    # argument from the other side that only just matches.
    weight = [float(h.sum()) for h in how]
    order = sorted(range(len(candidates)), key=lambda c: (-round(weight[c], 6), candidates[c]))
    chosen: list[int] = []
    chosen_vecs = list(taken)
    for c in order:
        if len(chosen) + len(taken) >= most:
            break
        if len(hits[c]) < MIN_SUPPORT:
            continue
        # Arguments no key point matches yet, or that this one would serve clearly better.
        gain = int((how[c] >= best[hits[c]] + BETTER_BY).sum())
        if gain < MIN_SUPPORT:
            continue
        if chosen_vecs and float((np.stack(chosen_vecs) @ cand[c]).max()) >= duplicate(tau):
            continue  # says what a key point already taken says
        chosen.append(candidates[c])
        chosen_vecs.append(cand[c])
        best[hits[c]] = np.maximum(best[hits[c]], how[c])
    return chosen


def _prune(
    matrix: np.ndarray,
    labels: list[tuple[str, int | None]],
    vectors: np.ndarray,
    tau: float,
    kept: int,
    acts: np.ndarray | None = None,
) -> tuple[list[tuple[str, int | None]], np.ndarray]:
    """Drop new key points that end up with fewer than :data:`MIN_SUPPORT` members once every
    argument has joined its best key point (a candidate chosen early can lose its support to
    better ones chosen later); their arguments move to their next best. Stored ones (the first
    ``kept``, an update) stay."""
    for _ in range(3):
        kinds = None if acts is None else (acts, _anchor_kinds(acts, [i for _, i in labels]))
        groups = assign(matrix, vectors, tau, kinds)
        thin = [k for k in range(kept, len(labels)) if len(groups.get(k, ())) < MIN_SUPPORT]
        if not thin:
            break
        keep = [k for k in range(len(labels)) if k not in thin]
        labels, vectors = [labels[k] for k in keep], vectors[keep]
    return labels, vectors


def absorb_one_sided(
    matrix: np.ndarray,
    anchors: Sequence[int | None],
    vectors: np.ndarray,
    tau: float,
    voices: Sequence[str],
    kept: int = 0,
    acts: np.ndarray | None = None,
) -> list[int]:
    """The key points to keep (indices into ``vectors``) once the one-sided ones that repeat
    another commentator's point are dropped.

    Greedy selection splits a point two commentators make into two key points when their
    wordings match each other (above the threshold) but each matches itself better: each
    commentator's arguments join their own wording and both key points look one-sided. So a key
    point all of whose members come from one commentator (``voices``: each row's commentator) is
    dropped when its own argument (``anchors``: its row of ``matrix``) would, without it, join a
    key point another commentator is on. The weakest such key point goes first (fewest members,
    then least summed score); its members join their next best key point when they match one
    (only they move: every other argument keeps its best), and so on until none is left. A
    user's key point (anchor ``None``) and the first ``kept`` (an update's stored ones) stay.
    """
    kinds = None if acts is None else (acts, _anchor_kinds(acts, anchors))
    groups = assign(matrix, vectors, tau, kinds)
    alive = set(range(len(vectors)))

    def fit(rows: Sequence[int], scores: np.ndarray, cols: Sequence[int]) -> np.ndarray:
        return scores if kinds is None else _kind_fit(scores, kinds[0][rows], kinds[1][cols])

    sides = {k: {voices[i] for i, _ in groups.get(k, ())} for k in alive}
    while True:
        weakest: tuple[int, float, int] | None = None
        for k in sorted(alive):
            anchor = anchors[k]
            if k < kept or anchor is None or len(sides[k]) != 1:
                continue
            rest = sorted(alive - {k})
            if not rest:
                continue
            scores = fit([anchor], (vectors[rest] @ matrix[anchor])[None, :], rest)[0]
            joins = rest[int(scores.argmax())]
            if scores.max() < tau or not sides[joins] - sides[k]:
                continue  # its own argument would join none, or only its own commentator's
            strength = (len(groups[k]), round(sum(s for _, s in groups[k]), 6), k)
            weakest = min(weakest or strength, strength)
        if weakest is None:
            return sorted(alive)
        k = weakest[2]
        alive.discard(k)
        rest = sorted(alive)
        members = [i for i, _ in groups.pop(k)]
        raw = matrix[members] @ vectors[rest].T
        scores = fit(members, raw, rest)
        for i, row, raw_row in zip(members, scores, raw, strict=True):
            if row.max() >= tau:
                joins = rest[int(row.argmax())]
                groups.setdefault(joins, []).append((i, float(raw_row[int(row.argmax())])))
                sides[joins].add(voices[i])


def duplicate(tau: float) -> float:
    """Match score above which two key points say the same thing (well above a plain match)."""
    return min(0.95, tau + DUPLICATE_MARGIN)


def _anchor_kinds(acts: np.ndarray, anchors: Sequence[int | None]) -> np.ndarray:
    """Per key point: 1 a call to action's, 0 a statement's, -1 a user's (any argument may join)."""
    import numpy as np

    return np.array([-1 if i is None else int(acts[i]) for i in anchors], dtype=np.int8)


def _kind_fit(scores: np.ndarray, row_acts: np.ndarray, kp_acts: np.ndarray) -> np.ndarray:
    """Scores less :data:`CROSS_KIND_MARGIN` where a call meets a statement's key point or the
    other way round."""
    crossed = (row_acts[:, None] != kp_acts[None, :]) & (kp_acts[None, :] >= 0)
    return scores - CROSS_KIND_MARGIN * crossed


def assign(
    matrix: np.ndarray,
    key_points: np.ndarray,
    tau: float,
    kinds: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[int, list[tuple[int, float]]]:
    """Each argument to its best key point when the score clears ``tau``: key point -> members
    with their scores. ``kinds`` (each row's and each key point's, see :func:`_anchor_kinds`)
    makes a call and a statement need :data:`CROSS_KIND_MARGIN` more to meet."""
    import numpy as np

    groups: dict[int, list[tuple[int, float]]] = {}
    if not len(key_points):
        return groups
    for start in range(0, len(matrix), CHUNK):
        scores = matrix[start : start + CHUNK] @ key_points.T
        fit = scores if kinds is None else _kind_fit(scores, kinds[0][start : start + CHUNK], kinds[1])
        best = fit.argmax(axis=1)
        top = fit[np.arange(len(best)), best]
        for offset in np.flatnonzero(top >= tau):
            groups.setdefault(int(best[offset]), []).append(
                (start + int(offset), float(scores[offset, best[offset]]))
            )
    return groups


def _results(
    run_id: str,
    topic: str | None,
    items: list[ArgumentInContext],
    labels: list[tuple[str, int | None]],
    groups: dict[int, list[tuple[int, float]]],
    judge: Judge,
    fixed: Fixed,
    side_taking: SideTakingModel | None,
) -> list[KeyPointResult]:
    fresh = {k: [(i, s) for i, s in found if (k, i) not in fixed] for k, found in groups.items()}
    sided = side_taking_of(items, {i for _, i, _ in judged(items, groups)}, side_taking)
    verdicts = member_sides(items, labels, {k: f for k, f in fresh.items() if f}, judge)
    results = []
    for k, found in sorted(groups.items()):
        label, label_index = labels[k]
        # a point that asks: the anchor argument is a call, or the user's words ask
        asks = items[label_index].type == "call_to_action" if label_index is not None else is_call(label)
        members = []
        for i, score in found:
            arg = items[i]
            confidence: float | None
            if (k, i) in fixed:
                _, stance, confidence = fixed[(k, i)]
            else:
                relation, confidence = verdicts[(k, i)]
                stance = STANCE_FOR.get(relation, "asserts")
                opposite = arg.type == "call_to_action" and asks and asks_the_opposite(arg.text, label)
                if opposite and stance != "criticises":
                    stance, confidence = "criticises", 0.5  # the words decide: the model read them alike
            if arg.type == "call_to_action" and stance == "asserts":
                stance = "calls_for_action"
            members.append(Member(arg, score, stance, negated(arg.text), confidence, sided.get(i, True)))
        # A user's key point is anchored on the argument that matches it best.
        anchor = label_index if label_index is not None else max(found, key=lambda f: f[1])[0]
        # the heading drops the anchor's spoken frame ("Third, ...", "I think ..."); the key point's
        # own words keep its id what it was when they were its label
        said = said_as(items, label, label_index)
        heading = key_point_wording(said) if label_index is not None else label
        results.append(
            key_point_with_relations(
                run_id, topic, heading, items[anchor].id, members, judge.used_name(), key=said
            )
        )
    return results


def _relabel(
    results: list[KeyPointResult], labeller: Callable[[KeyPointResult], str | None], matcher: Any, tau: float
) -> None:
    """Labels written by a labeller (an LLM), kept only when real members still match them."""
    for result in results:
        label = labeller(result)
        if not label or not label.strip():
            continue
        vec = matcher.encode([label.strip()])[0]
        members = matcher.encode([argument_text(m.argument) for m in result.members])
        if int(((members @ vec) >= tau).sum()) * 2 >= len(result.members):
            result.key_point.label = label.strip()
