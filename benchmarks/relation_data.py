"""Agree/contrast pairs for the relation model, derived from ArgKP-2021 and IBM Claim Stance.

Development only: the pairs are built in memory (or in a temporary file for the benchmark) from
``../shared/data/`` and never written into the repository.

Two arguments *about the same point* is the case compare meets, so every argument that matches a
key point is paired (:func:`nearest_pairs`) with

- ``agrees``: one of its 3 nearest arguments (zero-shot MiniLM cosine) that match the same key point;
- ``contrasts``: one of its 3 nearest arguments of the other stance on the same topic.

Both classes are close in meaning (on dev the mean cosine is 0.78 for agrees, 0.75 for contrasts),
so similarity barely separates them (best threshold 0.57 balanced accuracy on dev) and neither do
negation words (0.58): what is left is which side each takes. Vectors are used only to choose
partners, never as features.

Training also uses statement pairs, which teach the stance of a text towards a short statement:
(topic, argument) and (topic, claim) by stance; (key point, argument) for matches as ``agrees``
and for the most similar key point of the other stance as ``contrasts``. And negation pairs:
"It is not true that Y" beside an argument of the side opposite to Y ``agrees``, beside Y's own
side ``contrasts``, so negation words appear in both classes and stop predicting either.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import lora_common as lc

AGREES, CONTRASTS = "agrees", "contrasts"
NEGATION_TEMPLATES = (
    "It is not true that {}",
    "I don't accept that {}",
    "I don't think that {}",
    "Nobody can seriously claim that {}",
    "It's simply false that {}",
)


@dataclass(frozen=True)
class Item:
    text: str
    topic: str
    side: int
    point: str | None = None


def argkp_items(data: lc.ArgKP) -> list[Item]:
    """Arguments with their first matching key point (or none)."""
    first: dict[str, str] = {}
    for (arg, kp), label in sorted(data.labels.items()):
        if label == 1 and arg not in first:
            first[arg] = kp
    return [Item(text, topic, side, first.get(arg)) for arg, (text, topic, side) in data.args.items()]


def topic_statement(text: str) -> str:
    """Claim Stance motions ("This house would ban X") in ArgKP's form ("We should ban X")."""
    text = text.strip()
    for prefix, repl in (
        (r"^this house believes that\s+", ""),
        (r"^this house believes\s+", ""),
        (r"^this house would\s+", "We should "),
        (r"^this house supports\s+", "We should support "),
    ):
        if re.match(prefix, text, re.I):
            out = re.sub(prefix, repl, text, flags=re.I)
            return out[:1].upper() + out[1:]
    return text


def claim_items() -> list[Item]:
    out = []
    for row in lc.read_rows(lc.CLAIM_STANCE):
        text = row["claims.claimCorrectedText"].strip()
        if text and row["claims.stance"] in ("PRO", "CON"):
            side = 1 if row["claims.stance"] == "PRO" else -1
            out.append(Item(text, topic_statement(row["topicText"]), side))
    return out


def vectors(texts: list[str]) -> Any:
    """Zero-shot MiniLM vectors: only to choose hard partners, never as a feature."""
    from argmap.pipeline.minilm import TunedMiniLM

    return TunedMiniLM(None).embed(texts)


def nearest_pairs(items: list[Item], vecs: Any, rng: random.Random, k: int = 3) -> list[tuple[str, str, str]]:
    """Pairs about the same point: each argument with a key point beside one of its ``k`` nearest
    arguments of that key point (``agrees``) and one of its ``k`` nearest of the other stance
    (``contrasts``). Both classes are close in meaning (mean zero-shot cosine about 0.78 and 0.75
    on dev), as two members of one key point in compare are; one side's partner is not the other's
    paraphrase, so neither similarity nor negation words separate them well."""
    by_point: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_side: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_side[(item.topic, item.side)].append(i)
        if item.point is not None:
            by_point[(item.topic, item.point)].append(i)
    out = []
    for key in sorted(by_point):
        for a in by_point[key]:
            same = sorted((b for b in by_point[key] if b != a), key=lambda b: -float(vecs[a] @ vecs[b]))[:k]
            other = by_side[(items[a].topic, -items[a].side)]
            near = sorted(other, key=lambda o: -float(vecs[a] @ vecs[o]))[:k]
            if same and near:
                out.append((items[a].text, items[rng.choice(same)].text, AGREES))
                out.append((items[a].text, items[rng.choice(near)].text, CONTRASTS))
    return out


def dev_pairs(seed: int = 7) -> list[tuple[str, str, str]]:
    """The relation benchmark's pairs: ArgKP-2021 dev (4 topics no model here was trained on), each
    argument that matches a key point against a near argument of the same key point and a near one of
    the other stance (:func:`nearest_pairs`)."""
    data = lc.load_argkp("dev")
    items = argkp_items(data)
    return nearest_pairs(items, vectors([i.text for i in items]), random.Random(seed))


def statement_pairs(items: list[Item], rng: random.Random, share: float) -> list[tuple[str, str, str]]:
    """(topic statement, text) by the text's stance towards the topic."""
    chosen = [i for i in items if rng.random() < share]
    return [(i.topic, i.text, AGREES if i.side > 0 else CONTRASTS) for i in chosen]


def key_point_pairs(
    data: lc.ArgKP, vecs: dict[str, Any], rng: random.Random, share: float
) -> list[tuple[str, str, str]]:
    """(key point, argument): a match agrees; the nearest key point of the other stance contrasts."""
    out = []
    for (arg, kp), label in sorted(data.labels.items()):
        if label != 1 or rng.random() >= share:
            continue
        text, topic, side = data.args[arg]
        out.append((data.kps[kp][0], text, AGREES))
        other = data.kps_of(topic, -side)
        if other:
            near = max(other, key=lambda k: float(vecs[arg] @ vecs[k]))
            out.append((data.kps[near][0], text, CONTRASTS))
    return out


def negation_pairs(
    items: list[Item], vecs: Any, rng: random.Random, count: int
) -> list[tuple[str, str, str]]:
    """Negated statements that agree with the other side and contrast with their own source."""
    by_side: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_side[(item.topic, item.side)].append(i)
    out = []
    for _ in range(count):
        y = rng.randrange(len(items))
        src = items[y]
        body = src.text.strip().rstrip(".")
        body = body[:1].lower() + body[1:]
        negated = rng.choice(NEGATION_TEMPLATES).format(body) + "."
        others = by_side[(src.topic, -src.side)]
        if rng.random() < 0.5 and others:
            pool = rng.sample(others, min(30, len(others)))
            x = max(pool, key=lambda o: float(vecs[y] @ vecs[o]))
            out.append((negated, items[x].text, AGREES))
        else:
            same = by_side[(src.topic, src.side)]
            pool = rng.sample(same, min(30, len(same)))
            x = max((o for o in pool if o != y), key=lambda o: float(vecs[y] @ vecs[o]), default=y)
            out.append((negated, items[x].text, CONTRASTS))
    return out


def training_pairs(seed: int, negations: int = 1500) -> list[tuple[str, str, str]]:
    """Every training pair, shuffled: ArgKP *train* split and Claim Stance *train* topics only.

    Argument pairs are built as the dev pairs are (:func:`nearest_pairs`, three partners each way
    drawn twice); claims, which have no key points, pair with near claims of their own side and of
    the other side.
    """
    rng = random.Random(seed)
    data = lc.load_argkp("train")
    args = argkp_items(data)
    claims = claim_items()
    arg_vecs = vectors([i.text for i in args])
    claim_vecs = vectors([i.text for i in claims])
    kp_ids = list(data.kps)
    kp_vecs = vectors([data.kps[k][0] for k in kp_ids])
    by_id = {a: arg_vecs[n] for n, a in enumerate(data.args)}
    by_id.update({k: kp_vecs[n] for n, k in enumerate(kp_ids)})
    pairs = nearest_pairs(args, arg_vecs, rng) + nearest_pairs(args, arg_vecs, rng)
    sided = [Item(c.text, c.topic, c.side, f"side{c.side}") for c in claims]
    pairs += nearest_pairs(sided, claim_vecs, rng) + nearest_pairs(sided, claim_vecs, rng)
    pairs += statement_pairs(args, rng, 0.15) + statement_pairs(claims, rng, 0.5)
    pairs += key_point_pairs(data, by_id, rng, 0.15)
    pairs += negation_pairs(args, arg_vecs, rng, negations // 2)
    pairs += negation_pairs(claims, claim_vecs, rng, negations // 2)
    unique = sorted(set(pairs))
    rng.shuffle(unique)
    return unique


_UNFAVOURABLE = re.compile(
    r"^we should (abandon|abolish|ban|close|end|fight|prohibit)\b"
    r"|should be (banned|abandoned|a criminal offence)",
    re.I,
)
_FAVOURABLE = re.compile(r"^we should (adopt|introduce|legalize|subsidize|support)\b", re.I)


def topic_polarity(topic: str) -> int:
    """+1 if an ArgKP motion is for the thing it names ("We should adopt X"), -1 if against ("ban X")."""
    if _UNFAVOURABLE.search(topic):
        return -1
    if _FAVOURABLE.search(topic):
        return 1
    raise ValueError(f"no polarity rule for the motion {topic!r}")


def polarity_items(seed: int, negations: int = 1500) -> list[tuple[str, int]]:
    """(text, 1 if it speaks for the thing it is about, else 0), from the training data only.

    An ArgKP argument's polarity is its stance times its motion's (pro "We should ban X" speaks
    against X); a Claim Stance claim's is its stance times ``topicSentiment``. Motions themselves
    count too, and negated copies ("It is not true that ...") of some texts with the flipped label,
    so that a negation word is evidence only together with what it negates.
    """
    rng = random.Random(seed)
    data = lc.load_argkp("train")
    out: list[tuple[str, int]] = []
    for text, topic, side in [*data.args.values(), *data.kps.values()]:
        out.append((text, int(side * topic_polarity(topic) > 0)))
    out += [(topic, int(topic_polarity(topic) > 0)) for topic in data.topics()]
    motions = {}
    for row in lc.read_rows(lc.CLAIM_STANCE):
        if row["claims.stance"] in ("PRO", "CON") and row["claims.claimCorrectedText"].strip():
            sentiment = int(row["topicSentiment"])
            side = 1 if row["claims.stance"] == "PRO" else -1
            out.append((row["claims.claimCorrectedText"].strip(), int(side * sentiment > 0)))
            motions[topic_statement(row["topicText"])] = int(sentiment > 0)
    out += sorted(motions.items())
    for text, label in rng.sample(out, min(negations, len(out))):
        body = text.strip().rstrip(".")
        out.append((rng.choice(NEGATION_TEMPLATES).format(body[:1].lower() + body[1:]) + ".", 1 - label))
    rng.shuffle(out)
    return out
