"""Sides: which members of a key point take one, what side they take, and how commentators relate.

Why a module of its own. Key point analysis (:mod:`.kpa`) decides *what* commentators talk
about; this decides who is for or against it, which is where compare is weakest on commentary
(README: "On commentary about one story"). A member's side towards its key point comes from a judge
(the relation model, the negation rule, or an LLM via :mod:`.llm_compare`). Each pair of
commentators on a key point then gets one relation, between their closest members, read from
the stances the key point shows, so a relation never contradicts them; members that only relay
the story (:mod:`.side_taking`) speak for a commentator only when nothing else of theirs does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argmap.pipeline.compare.clustering import (
    KeyPointResult,
    Member,
    key_point_result,
    negated,
    relation_between,
    side_takers,
    stance_of,
)
from argmap.pipeline.extract.rules import strip_filler
from argmap.pipeline.extract.vetoes import hearsay, opens_with_order
from argmap.pipeline.sayers import SAID_AFTER_VERBS
from argmap.pipeline.search.embed import argument_text
from argmap.store import ArgumentInContext, ArgumentRelation

if TYPE_CHECKING:
    from argmap.pipeline.compare.side_taking import SideTakingModel

#: runs with at most this many members have every member's side judged by the relation model
JUDGE_ALL = 3000
#: beyond that, how many of each commentator's closest members of a key point are judged
JUDGE_PER_COMMENTATOR = 3
STANCE_FOR = {"agrees": "asserts", "contrasts": "criticises"}
#: the relation model's contrasts below this confidence count as agreeing. On commentary its
#: unsure contrasts are mostly agreements: over the 80 compare training stories, links right 0.302
#: -> 0.403 (extracted arguments) and 0.327 -> 0.420 (labelled), clashes shown 147 -> 56 with the
#: right ones 19% -> 30%; on ArgKP-2021 dev its balanced accuracy stays 0.808 (README, compare)
CONTRAST_AT = 0.6


@dataclass
class Judge:
    """How a member's side towards its key point is decided: ``judge(pairs)`` returns
    ``(relation, confidence)`` per ``(argument, key point)`` pair; ``name`` is recorded."""

    name: str
    judge: Callable[[list[tuple[str, str]]], list[tuple[str, float]]]
    #: after judging, what did judge (an LLM that never answered leaves it to its fallback)
    used: Callable[[], str] | None = None
    #: a contrast the judge is less sure of than this counts as agreeing (see :data:`CONTRAST_AT`)
    contrast_at: float = 0.0

    def used_name(self) -> str:
        return self.used() if self.used is not None else self.name


def default_judge() -> Judge:
    """The relation model; without its weights file, the negation-parity rule (named as such
    in every relation it decides, so a stored run says how it was judged)."""
    from argmap.pipeline.compare.relations import WEIGHTS, load_relation_model

    if not WEIGHTS.is_file():
        return rule_judge()
    model = load_relation_model()
    return Judge(f"{model.method}:contrasts-from-{CONTRAST_AT}", model.judge, contrast_at=CONTRAST_AT)


def rule_judge() -> Judge:
    """Sides by negation parity: the baseline the relation model is measured against."""
    return Judge("rule:negation-parity", _negation_rule)


def _negation_rule(pairs: list[tuple[str, str]]) -> list[tuple[str, float]]:
    return [("contrasts" if negated(a) != negated(b) else "agrees", 0.5) for a, b in pairs]


def side_taking_of(
    items: list[ArgumentInContext], members: set[int], model: SideTakingModel | None
) -> dict[int, bool]:
    """Which members take a side: every critique and call to action (judging an actor, urging
    someone to act), and the claims the model reads as the speaker's own (:mod:`.side_taking`).
    The caller passes the members :func:`judged` picks from all of the run's members (those an
    update keeps included), so the model's cost has the judge's bound; the others, and every
    member without the model, count as taking a side."""
    order = sorted(members)
    sided = dict.fromkeys(order, True)
    relayed = {i for i in order if items[i].type == "claim" and relays_news(items[i].text)}
    sided.update(dict.fromkeys(relayed, False))
    claims = [i for i in order if items[i].type == "claim" and i not in relayed]
    if model is not None and claims:
        sided.update(zip(claims, model.takes_side([argument_text(items[i]) for i in claims]), strict=True))
    return sided


_ACCORDING = re.compile(r"^(?:according to|as reported by|reportedly)\b", re.I)
# News puts its source last: "Harbridge Rovers will leave Castle Lane, ..., the club's board
# confirmed on Tuesday evening." A sayer of a few words (not the writer: "as I said") ends it.
_SAID_AFTER = re.compile(
    r",\s*(?!(?:and|but|so|as|which|that|who|what|because|if|when|where|while)\b)"
    rf"(?P<who>(?:[\w'’.-]+\s+){{1,6}}?)(?:has |have |had )?(?:{SAID_AFTER_VERBS})\b[^,;]*$",
    re.I,
)
_OWN_VOICE = re.compile(r"\b(?:i|me|my|we|us|our|you|your)\b", re.I)


def relays_news(text: str) -> bool:
    """Whether a claim passes on what someone else said ("Council leader Priya Shah said the loan
    would be repaid ...", "According to the club, ...", "..., the board confirmed on Tuesday."), as
    the extractor reads it: the story's fact that it was said, which takes no side. The
    side-taking model read some of these, in an article's reporting words, as the writer's own."""
    plain = strip_filler(text)
    after = _SAID_AFTER.search(plain)
    said_after = after is not None and not _OWN_VOICE.search(after.group(0))
    return hearsay(text, None, False) or bool(_ACCORDING.match(plain)) or said_after


def judged(
    items: list[ArgumentInContext], groups: dict[int, list[tuple[int, float]]]
) -> list[tuple[int, int, float]]:
    """The (key point, argument, score) members a model reads: all of them up to
    :data:`JUDGE_ALL`, else each commentator's :data:`JUDGE_PER_COMMENTATOR` closest per key point."""
    members = [(k, i, score) for k, found in groups.items() for i, score in found]
    if len(members) <= JUDGE_ALL:
        return members
    by_voice: dict[tuple[int, str], list[tuple[int, int, float]]] = {}
    for k, i, score in members:
        by_voice.setdefault((k, voice(items[i])), []).append((k, i, score))
    return [
        m for group in by_voice.values() for m in sorted(group, key=lambda m: -m[2])[:JUDGE_PER_COMMENTATOR]
    ]


def said_as(items: list[ArgumentInContext], label: str, index: int | None) -> str:
    """A key point's own words: its anchor argument's (which its heading rewords) where it has one,
    else the label given. The judge reads them, and they make the key point's id."""
    return argument_text(items[index]) if index is not None else label


def member_sides(
    items: list[ArgumentInContext],
    labels: list[tuple[str, int | None]],
    groups: dict[int, list[tuple[int, float]]],
    judge: Judge,
) -> dict[tuple[int, int], tuple[str, float]]:
    """(relation, confidence) of each member towards its key point, by (key point, argument).

    The judge reads every member when there are at most :data:`JUDGE_ALL`; beyond that (a
    library of channels) it reads each commentator's :data:`JUDGE_PER_COMMENTATOR` closest
    members of each key point and their other members take the side most of those took, so
    the cost follows key points x commentators, not arguments.
    """
    members = [(k, i, score) for k, found in groups.items() for i, score in found]
    read = judged(items, groups)
    words = [said_as(items, label, i) for label, i in labels]
    said = judge.judge([(argument_text(items[i]), words[k]) for k, i, _ in read]) if read else []
    said = [("agrees", 0.5) if r == "contrasts" and c < judge.contrast_at else (r, c) for r, c in said]
    verdicts = {(k, i): v for (k, i, _), v in zip(read, said, strict=True)}
    sides: dict[tuple[int, str], list[tuple[str, float]]] = {}
    for (k, i), verdict in verdicts.items():
        sides.setdefault((k, voice(items[i])), []).append(verdict)
    for k, i, _ in members:
        if (k, i) not in verdicts:
            theirs = sides[(k, voice(items[i]))]
            said_by_them = [r for r, _ in theirs]
            majority = max(sorted(set(said_by_them)), key=said_by_them.count)
            verdicts[(k, i)] = (majority, min(c for r, c in theirs if r == majority))
    return verdicts


# A key point that asks for something: "People should sign the petition", "Scrap the fee".
_ASKS = re.compile(
    r"\b(?:should|shouldn't|must|mustn't|need to|needs to|ought to|have to|has to|let's|please)\b", re.I
)
# An ask against: "don't sign that petition", "the council should not sell". Read before any reason
# given for it, whose own negations say nothing of the ask ("sign it, or they won't listen").
# Asking a body to vote down what is before it is an ask against too ("tell them to reject it",
# "vote no on Measure B"), however the words ask.
_ASKS_AGAINST = re.compile(
    r"\b(?:don't|do not|never|shouldn't|should not|must not|mustn't|ought not|needn't|need not|"
    r"not to|has to stop|have to stop|no more|reject|oppose|block|vote (?:no|against)|say no|object to|"
    r"(?:turn|vote) (?:it |this |that |them |the \w+ )?down|throw (?:it |this |that )?out)\b",
    re.I,
)
_REASON = re.compile(r"\b(?:because|since|otherwise|or else|so that|until|unless|or)\b", re.I)


def is_call(label: str) -> bool:
    """Whether a key point's words ask for something (a modal ask or an order)."""
    return bool(_ASKS.search(label)) or opens_with_order(label)


# A second ask against something, joined to the first: "Don't panic, and don't rush out to buy one".
# Only there: an "and" inside an ask joins its words ("don't let the council and the developers
# block it").
_AND_NOT = re.compile(r"(?:,\s*|\s+)(?:and|nor)\s+(?=(?:don't|do not|never)\b)|\s*;\s*", re.I)
# "Don't give up", "don't stop fighting", "never forget to vote": asks to keep on, which take no
# side against anything
_KEEP_ON = re.compile(
    r"\b(?:don't|do not|never)\s+(?:give up|stop|quit|forget|hesitate|wait|delay|back down|stay silent|"
    r"keep quiet|let (?:them|him|her|it) win)\b",
    re.I,
)


def asks_against(text: str) -> bool:
    """Whether an ask is worded against doing something (see :data:`_ASKS_AGAINST`): an odd number
    of such words in one of the asks it joins, since two in one ask cancel ("don't let them block
    it" asks for it) but two joined asks do not ("don't panic, and don't rush to buy one" asks
    against buying)."""
    ask = _REASON.split(text.replace("’", "'"), maxsplit=1)[0]
    parts = [_KEEP_ON.sub("", part) for part in _AND_NOT.split(ask)]
    return any(len(_ASKS_AGAINST.findall(part)) % 2 == 1 for part in parts)


def asks_the_opposite(text: str, label: str) -> bool:
    """Whether a call to action asks the opposite of a key point that asks too: exactly one of the
    two asks against ("don't sign that petition" on "People should sign the petition"), which the
    relation model, trained on debate claims, can read as alike. Two asks worded alike can still
    ask opposite things ("keep the lanes", "remove the lanes"), so this only ever adds a clash."""
    return asks_against(text) != asks_against(label)


def voice(argument: ArgumentInContext) -> str:
    """Whose side it is: the person in a video with several speakers, else the commentator."""
    if argument.by_person:
        return argument.person_id or ""
    return argument.commentator_id or ""


def key_point_with_relations(
    run_id: str,
    topic: str | None,
    label: str,
    anchor_id: str,
    members: list[Member],
    method: str,
    key: str | None = None,
) -> KeyPointResult:
    """The key point ``label`` with its relations; ``key`` (default: the label) makes its id."""
    result = key_point_result(run_id, topic, label, anchor_id, key or label, members)
    result.relations = relations(result.key_point.id, members, method)
    return result


def relations(kp_id: str, members: list[Member], method: str) -> list[ArgumentRelation]:
    """One relation per pair of commentators on the key point, shown between their closest
    members: commentators whose stances (the majority of their members' sides, as the key point
    shows them) are on the same side agree, opposite sides contrast (a call to act is on the
    point's side). A commentator's members that take a side speak for them where there are any
    (:func:`argmap.pipeline.compare.clustering.side_takers`). One who only relays the point and
    one who argues it are related only where one denies what the other says (one of the two
    negated: "Meta is not using Qwen; the reports are wrong"): a relayed figure is neither
    agreement nor a clash with the opinion beside it. A report with its source and another telling
    that takes no side agree unless one denies the other (:func:`reported_alike`)."""
    voices: dict[str, list[Member]] = {}
    for m in members:
        voices.setdefault(m.commentator_id, []).append(m)
    best: dict[str, Member] = {}
    against: dict[str, bool] = {}
    for who, theirs in voices.items():
        read = side_takers(theirs)
        best[who] = max(read, key=lambda m: (m.similarity, m.argument.id))
        against[who] = stance_of(theirs) == "criticises"
    chosen = sorted(best.values(), key=lambda m: m.argument.id)
    out = []
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            if a.takes_side != b.takes_side and a.negated == b.negated:
                continue
            relation = "contrasts" if against[a.commentator_id] != against[b.commentator_id] else "agrees"
            if reported_alike(a, b):
                relation = "agrees"  # the story told twice ("the board voted ..."), neither denying it
            method_used = f"stance-towards-key-point:{method}"
            out.append(
                relation_between(kp_id, a, b, relation, method_used, lower(a.confidence, b.confidence))
            )
    return out


def reported_alike(a: Member, b: Member) -> bool:
    """Two members that take no side, one of them a report with its source ("..., the club's board
    confirmed on Tuesday"), neither denying what the other says: the same news told twice, which
    the judge had read as a clash where one telling was worded more bitterly. Two unattributed
    statements of fact can still clash ("traffic got quicker" against "traffic got worse")."""
    if a.takes_side or b.takes_side or a.negated != b.negated:
        return False
    return relays_news(a.argument.text) or relays_news(b.argument.text)


def lower(a: float | None, b: float | None) -> float | None:
    """A relation's score: the less sure of its two members' stances (unknown if either is)."""
    return None if a is None or b is None else round(min(a, b), 4)
