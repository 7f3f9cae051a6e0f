"""How right compare is on commentary: planted agreements and clashes, scored pair by pair.

ArgKP-2021 measures the matcher and the relation model on debate arguments (README); commentary
is another register: facts, tone and asides mixed with positions, several people on one story.
This module scores what a user reads from ``argmap compare`` against stories labelled for it
(``tests/data/compare_eval/*.jsonl``): each story lists the points that are debated, and every
sentence of its three commentators' transcripts that takes a side on one says which point and
which side (``for``/``against`` the point as stated).

A story is stored as its commentators' videos (one segment per labelled sentence), extracted by
the default extractor (or, with ``gold_arguments``, given its labelled arguments, which isolates
compare from extraction), and compared as ``argmap compare`` would. Then:

* **gold pairs**: for each point and each two commentators who both take a side on it (their
  majority side), one pair that should be linked: ``agrees`` (same side) or ``contrasts``.
* **links**: for each shared key point, the relation compare shows between each two commentators
  (between their closest members). A link is *on point* when both members' sentences take a side
  on the same gold point; its relation is *right* when it matches the two sentences' own sides.
  An agreement between two sentences that take no side (both relay the vote, say) is a shared
  fact, not scored; a clash between them is wrong, as is any link between a sentence that takes
  a side and one that does not, or between sides on different points.

Reported: link precision (of the scored links, on point, and on point with the right relation,
per relation), and recall of gold pairs (linked on their point, and with the right relation),
per relation. A clash shown between two sentences that share only the story's words counts
against ``contrasts`` precision, which is the figure a user of compare most needs to trust.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argmap.store import Argument, Commentator, Segment, Store, Transcript, Video

RELATIONS = ("agrees", "contrasts")


@dataclass
class StoryScore:
    """Counts for one story (or the sum of several); rates come from :meth:`as_dict`."""

    gold: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})
    found: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})  # linked on point
    right: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})  # ... and relation
    links: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})  # shown
    scored: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})  # not a shared fact
    on_point: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})
    correct: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})
    arguments: int = 0
    unmatched: int = 0

    def add(self, other: StoryScore) -> None:
        for name in ("gold", "found", "right", "links", "scored", "on_point", "correct"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for r in RELATIONS:
                mine[r] += theirs[r]
        self.arguments += other.arguments
        self.unmatched += other.unmatched

    def as_dict(self) -> dict[str, Any]:
        def rate(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        out: dict[str, Any] = {"arguments": self.arguments, "unmatched": self.unmatched}
        for r in (*RELATIONS, "all"):
            pick = RELATIONS if r == "all" else (r,)
            n = {k: sum(getattr(self, k)[x] for x in pick) for k in
                 ("gold", "found", "right", "links", "scored", "on_point", "correct")}  # fmt: skip
            out[r] = {
                **n,
                "precision_on_point": rate(n["on_point"], n["scored"]),
                "precision": rate(n["correct"], n["scored"]),
                "recall_on_point": rate(n["found"], n["gold"]),
                "recall": rate(n["right"], n["gold"]),
            }
        return out


def load_stories(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    """The stories of a JSONL file (one per line), those of ``split`` when given."""
    stories = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            story = json.loads(line)
            if split is None or story.get("split") == split:
                stories.append(story)
    return stories


def store_story(store: Store, story: dict[str, Any], *, gold_arguments: bool = False) -> list[Video]:
    """The story's transcripts as videos, one segment per labelled sentence; with
    ``gold_arguments``, every labelled argument sentence stored as an argument of its label."""
    videos = []
    for n, doc in enumerate(story["transcripts"]):
        who = Commentator(id=Commentator.make_id(doc["commentator"]), name=doc["commentator"])
        store.upsert_commentator(who)
        video = Video(
            id=f"eval:{doc['id']}",
            source_url=f"https://example.invalid/{doc['id']}",
            title=doc.get("title") or doc["id"],
            commentator_id=who.id,
            published=f"2026-01-{n + 1:02d}",
        )
        store.upsert_video(video)
        transcript = Transcript(id=Transcript.make_id(video.id, "import"), video_id=video.id, source="import")
        segs = doc["segments"]
        store.save_transcript(
            transcript,
            [
                Segment(id=Segment.make_id(transcript.id, i), transcript_id=transcript.id, video_id=video.id,
                        idx=i, start=float(s["start"]), end=float(s["end"]), text=s["text"])
                for i, s in enumerate(segs)
            ],
        )  # fmt: skip
        if gold_arguments:
            args = [
                Argument(id=Argument.make_id(video.id, "gold", "1", i, s["text"]), video_id=video.id,
                         transcript_id=transcript.id, type=s["label"], text=s["text"], quote=s["text"],
                         start=float(s["start"]), end=float(s["end"]), seg_first=i, seg_last=i,
                         extractor="gold", extractor_version="1")
                for i, s in enumerate(segs)
                if s["label"] != "other"
            ]  # fmt: skip
            store.save_arguments(video.id, "gold", "1", args)
        videos.append(video)
    return videos


def _side_of(story: dict[str, Any]) -> dict[tuple[str, int], tuple[str, str]]:
    """(video id, segment index) -> (point, side) for every sentence that takes a side."""
    out = {}
    for doc in story["transcripts"]:
        for i, s in enumerate(doc["segments"]):
            if s.get("point") and s.get("side") in ("for", "against"):
                out[(f"eval:{doc['id']}", i)] = (s["point"], s["side"])
    return out


def gold_pairs(story: dict[str, Any]) -> dict[tuple[str, frozenset[str]], str]:
    """(point, the two commentators) -> ``agrees``/``contrasts``, from each commentator's majority
    side on the point (a commentator split evenly on a point is left out of its pairs)."""
    sides: dict[tuple[str, str], list[str]] = {}
    for doc in story["transcripts"]:
        for s in doc["segments"]:
            if s.get("point") and s.get("side") in ("for", "against"):
                sides.setdefault((s["point"], doc["commentator"]), []).append(s["side"])
    held = {}
    for (point, who), said in sides.items():
        n_for = said.count("for")
        if n_for * 2 != len(said):
            held[(point, who)] = "for" if n_for * 2 > len(said) else "against"
    out = {}
    keys = sorted(held)
    for i, (point, a) in enumerate(keys):
        for point_b, b in keys[i + 1 :]:
            if point_b == point and a != b:
                same = held[(point, a)] == held[(point, b)]
                out[(point, frozenset((a, b)))] = "agrees" if same else "contrasts"
    return out


def _argument_side(argument: Any, sides: dict[tuple[str, int], tuple[str, str]]) -> tuple[str, str] | None:
    """The gold (point, side) of an argument: that of the first sentence it spans that has one."""
    for i in range(argument.seg_first, argument.seg_last + 1):
        if (argument.video_id, i) in sides:
            return sides[(argument.video_id, i)]
    return None


def score_comparison(story: dict[str, Any], comparison: Any) -> StoryScore:
    """Links shown by ``comparison`` (an :class:`argmap.pipeline.compare.clustering.Comparison`)
    against the story's labels."""
    sides = _side_of(story)
    gold = gold_pairs(story)
    score = StoryScore(arguments=comparison.arguments)
    for relation in gold.values():
        score.gold[relation] += 1
    matched = {m.argument.id for kp in (*comparison.key_points, *comparison.unique) for m in kp.members}
    score.unmatched = comparison.arguments - len(matched)
    found: dict[tuple[str, frozenset[str]], set[str]] = {}
    for kp in comparison.key_points:
        by_id = {m.argument.id: m for m in kp.members}
        for rel in kp.relations:
            a, b = by_id[rel.source_argument_id], by_id[rel.target_argument_id]
            score.links[rel.relation] += 1
            sa, sb = _argument_side(a.argument, sides), _argument_side(b.argument, sides)
            if sa is None and sb is None and rel.relation == "agrees":
                continue  # a shared fact or aside: not what the labels judge
            score.scored[rel.relation] += 1
            if sa is None or sb is None or sa[0] != sb[0]:
                continue
            score.on_point[rel.relation] += 1
            truth = "agrees" if sa[1] == sb[1] else "contrasts"
            score.correct[rel.relation] += truth == rel.relation
            found.setdefault((sa[0], frozenset((a.commentator, b.commentator))), set()).add(rel.relation)
    for key, relation in gold.items():
        if key in found:
            score.found[relation] += 1
            score.right[relation] += relation in found[key]
    return score


def evaluate_stories(
    stories: Iterable[dict[str, Any]], *, gold_arguments: bool = False, **compare_options: Any
) -> tuple[StoryScore, list[tuple[str, StoryScore]]]:
    """Each story in its own in-memory database, extracted (unless ``gold_arguments``) and
    compared with ``compare_options``; the summed score and each story's."""
    from argmap.pipeline.compare.kpa import kpa_compare
    from argmap.pipeline.extract.registry import get_extractor
    from argmap.pipeline.extract.run import extract_video

    extractor = None if gold_arguments else get_extractor("default")
    total = StoryScore()
    each = []
    for story in stories:
        store = Store.memory()
        try:
            for video in store_story(store, story, gold_arguments=gold_arguments):
                if extractor is not None:
                    extract_video(store, video, extractor)
            result = score_comparison(story, kpa_compare(store, save=False, **compare_options))
        finally:
            store.close()
        total.add(result)
        each.append((story["story"], result))
    return total, each


def describe(score: StoryScore) -> Sequence[str]:
    """Lines for a terminal: per relation, precision of the links shown and recall of gold pairs."""
    d = score.as_dict()
    lines = [f"{d['arguments']} arguments, {d['unmatched']} joined no key point"]
    for r in (*RELATIONS, "all"):
        x = d[r]
        lines.append(
            f"{r:<9} shown {x['links']:>3}, scored {x['scored']:>3}: "
            f"on point {x['precision_on_point']:.3f}, right {x['precision']:.3f}"
            f" | gold {x['gold']:>3}: linked {x['recall_on_point']:.3f}, right {x['recall']:.3f}"
        )
    return lines


__all__ = ["StoryScore", "describe", "evaluate_stories", "gold_pairs", "load_stories", "score_comparison"]
