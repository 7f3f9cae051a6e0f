"""Which of a video's arguments is the commentator's main position, the one the gist states.

Why not centrality. The summariser's first rule took the most central critique, call to action or
"I think ..." claim: the argument sharing the most words with the rest. Readers who marked, in 216
transcripts, the sentences that state the whole piece's position (a review's verdict, a rant's
target, an opinion's thesis; ``tests/data/argeval/main_points.json``,
``benchmarks/data/main_points.json``) found that rule on a side point far more often than not: it
stated the main position in 0 of 24 dev transcripts and 11-20% of the others, below the first
argument on dev. The words a point shares with the others are its topic, not its rank.

What marks the main position instead is where it stands and how it is said: commentary builds to
its verdict (or opens with it), says it in the speaker's own voice ("I genuinely believe ...",
"Overall, ..."), judges ("worth", "should", "the right call"), and a third-person summary reports it
under the summarised person's name ("Mendes argues that ..."); someone else's words passed on are
not it. Seven such features, one linear score per argument: the weights are a conditional logit
(softmax over one transcript's arguments, the marked sentences the target) fitted by
``benchmarks/train_main_point.py`` on dev and the ``probe_*``/``pending_*`` corpus (154
transcripts whose marked sentence the extractor took as an argument); new topics and held-out were
not fitted on. Measured by ``benchmarks/eval_gists.py`` (README, "Which argument is the main
position"). Plain regular expressions and arithmetic: no model is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from argmap.pipeline.extract.vetoes import hearsay

FEATURES = ("position", "position_squared", "reports_speaker", "hearsay", "own_view", "judges", "concludes")
#: fitted by ``benchmarks/train_main_point.py`` on raw feature values (the constant drops out of
#: the choice); position is the argument's place among the video's arguments, 0 first, 1 last
WEIGHTS = (-0.081, 1.429, 1.802, -3.115, 1.353, 0.713, 2.153)

_OWN_VIEW = re.compile(
    r"\b(?:i (?:\w+ ){0,2}(?:think|believe|reckon)|in my (?:view|opinion)|"
    r"my (?:view|take|verdict|position|advice)|i'm (?:convinced|sure))\b",
    re.I,
)
_JUDGES = re.compile(
    r"\b(?:worth|best|right|wrong|should|must|need to|needs to|better|worse|good|bad|no-brainer|"
    r"mistake|deserves?)\b",
    re.I,
)
_CONCLUDES = re.compile(
    r"\b(?:overall|bottom line|in short|ultimately|at the end of the day|in the end|my verdict|verdict|"
    r"the point is|here's the thing|simply put|to sum up|long story short|so yeah|so yes|all in all|"
    r"in conclusion|that's why|the truth is|the real (?:issue|problem|question|story)|let me (?:say|be)|"
    r"up front|the short answer)\b",
    re.I,
)
_REPORTING = r"\b(?:argues?|says?|believes?|thinks?|insists?|contends?|concludes?|maintains?)\b"


def _reports(text: str, speaker: str | None) -> bool:
    """A summary's "Mendes argues that ..." (or "he", "she", "they"): the summarised person's view.
    A name's first and last word stand for it, but not an article ("The Computer Guy")."""
    words = (speaker or "").split()
    names = [re.escape(n) for n in words[:1] + words[-1:] if n.lower() not in ("the", "a", "an")]
    subject = "|".join([*names, "he", "she", "they"])
    return bool(re.match(rf"^(?:{subject})\b[^,.]{{0,40}}{_REPORTING}", text, re.I))


def features(texts: Sequence[str], speaker: str | None) -> list[tuple[float, ...]]:
    """Each argument's :data:`FEATURES`, the arguments in the order they were said."""
    last = max(len(texts) - 1, 1)
    rows: list[tuple[float, ...]] = []
    for i, text in enumerate(texts):
        where = i / last
        rows.append(
            (
                where,
                where * where,
                float(_reports(text, speaker)),
                float(hearsay(text, speaker, summary=False)),
                float(bool(_OWN_VIEW.search(text))),
                float(bool(_JUDGES.search(text))),
                float(bool(_CONCLUDES.search(text))),
            )
        )
    return rows


def scores(texts: Sequence[str], speaker: str | None) -> list[float]:
    """How likely each argument is the main position (higher is likelier; comparable within a video)."""
    return [sum(w * x for w, x in zip(WEIGHTS, row, strict=True)) for row in features(texts, speaker)]
