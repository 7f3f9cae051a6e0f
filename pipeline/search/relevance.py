"""How well a search hit answers its query, in words people read, and which of its words matched.

Hybrid search ranks by reciprocal rank fusion, which orders hits well but says nothing about
whether the tenth hit is still about the query: its score (``0.0328``) is a rank artefact, and a
fixed number of results always fills up, down to an MIT licence passage for "will Avocado be
open or closed source". This module judges each hit on its own, from two signals:

- **meaning**: the cosine similarity between the query's vector and the hit's stored vector
  (the same model search used; none when the store has no vectors);
- **words**: the share of the query's content words (stop words left out, light stemming so
  "prices" meets "price" and "rising" meets "rise") found in the hit's text or quote.

Each hit gets a label, ``strong``, ``good``, ``weak`` or ``none``; pages drop ``none``. The
cut-offs were read off all-MiniLM-L6-v2 on the demo store and the test maps: unrelated sentences
sit under 0.25, paraphrases of the query above 0.4 (the MIT licence passage scores about 0.1).
Keyword-only stores (no vectors) are judged on words alone. One kind of question names its answer
instead of describing it ("What does Gary want viewers to do?": Gary's calls to action, whatever
they say); such a hit is kept as ``weak`` at least (:func:`~argmap.pipeline.search.question.named_answer`).

The same stemming marks the matched words for highlighting, so what is highlighted is what was
counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from argmap.pipeline.search.query import Hit, pick_model, search
from argmap.pipeline.search.question import named_answer
from argmap.store import Store
from argmap.store.vectors import has_vectors, vectors_for

LABELS = ("strong", "good", "weak", "none")
#: cosine similarity cut-offs for all-MiniLM-L6-v2 (see the module docstring)
STRONG, GOOD, WEAK = 0.5, 0.38, 0.28
#: with half the query's words present, a hit this close in meaning is still a good one
WORDS_HELP = 0.22

# a word keeps its apostrophes ("consultant's", "don't"): split there, "'s" became a query term
# of its own and every "let's" in the results was marked
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_STOPWORDS_TEXT = """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves think says said say thinks"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def stem(word: str) -> str:
    """A light English stem: enough for "prices"/"price", "rising"/"rise", "raised"/"raise"."""
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ingly", ""), ("edly", ""), ("ing", ""), ("ed", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + repl
            break
    else:
        if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
            w = w[:-1]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def query_terms(query: str) -> tuple[str, ...]:
    """The query's content words, stemmed, in order, once each. A query of stop words alone
    ("what is it") keeps them, so it still has something to match."""
    words = _WORD.findall(query)
    content = [w for w in words if w.casefold() not in STOPWORDS] or words
    out: list[str] = []
    for w in content:
        s = stem(w)
        if s and s not in out:
            out.append(s)
    return tuple(out)


def split_matches(text: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each marked True when it is a word whose stem is a query term;
    joined, the pieces give ``text`` back unchanged."""
    wanted = set(terms)
    pieces: list[tuple[str, bool]] = []
    last = 0
    for m in _WORD.finditer(text):
        if stem(m.group()) in wanted:
            if m.start() > last:
                pieces.append((text[last : m.start()], False))
            pieces.append((m.group(), True))
            last = m.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


@dataclass(frozen=True)
class Judged:
    """A hit with how relevant it is: the label, its similarity in meaning (None without
    vectors) and the query terms its text or quote contains."""

    hit: Hit
    label: str
    similarity: float | None
    matched: tuple[str, ...]
    coverage: float  # share of the query's terms matched, 0 to 1

    @property
    def kept(self) -> bool:
        return self.label != "none"


def label_for(similarity: float | None, coverage: float) -> str:
    """The relevance label for a similarity in meaning (None: no vectors) and a word coverage."""
    if similarity is None:
        if coverage >= 1.0:
            return "strong"
        if coverage >= 0.5:
            return "good"
        return "weak" if coverage >= 1 / 3 else "none"
    if similarity >= STRONG or (coverage >= 1.0 and similarity >= WEAK):
        return "strong"
    if similarity >= GOOD or (coverage >= 0.5 and similarity >= WEAK):
        return "good"
    if similarity >= WEAK or (coverage >= 0.5 and similarity >= WORDS_HELP) or coverage >= 1.0:
        return "weak"
    return "none"


def judge(store: Store, query: str, hits: Sequence[Hit], *, model: str | None = None) -> list[Judged]:
    """Every hit with its relevance, in the order given."""
    terms = query_terms(query)
    similarity: dict[tuple[str, str], float] = {}
    name = pick_model(store, model)
    if hits and has_vectors(store, name):
        from argmap.pipeline.search.query_encoder import encode_query

        qvec = encode_query(name, query)
        for kind in ("argument", "passage"):
            ids = [h.id for h in hits if h.kind == kind]
            for item_id, vec in vectors_for(store, name, kind, ids).items():
                similarity[(kind, item_id)] = float(vec @ qvec)
    named = named_answer(query)
    out = []
    for h in hits:
        found = {stem(w) for w in _WORD.findall(f"{h.text} {h.quote}")}
        matched = tuple(t for t in terms if t in found)
        coverage = len(matched) / len(terms) if terms else 0.0
        sim = similarity.get((h.kind, h.id))
        # A hit whose own vector is missing (embedded later than it was extracted) is judged on words.
        label = label_for(sim, coverage)
        if label == "none" and named is not None and named(h):
            label = "weak"  # what the question asked for by name, though it shares none of its words
        out.append(Judged(h, label, sim, matched, coverage))
    return out


#: how many hits are judged for each one asked for, so a loose hit's place goes to the next
#: relevant one instead of shrinking the answer (a --limit of 3 once showed 2 hits, and cut off
#: the best answer, ranked fourth behind word matches the judge then left out)
POOL = 3


@dataclass
class Answer:
    """What a person is shown for a query: up to ``limit`` relevant hits in search's order."""

    shown: list[Judged]
    hidden: int  # loose hits ranked among the shown ones and left out
    found: int  # hits the search returned before judging (0: nothing matched at all)


def answers(
    store: Store,
    query: str,
    *,
    limit: int,
    show_all: bool = False,
    scope: str,
    mode: str,
    type: str | None = None,
    commentator: str | None = None,
    since: str | None = None,
    model: str | None = None,
) -> Answer:
    """Search as :func:`~argmap.pipeline.search.query.search` does, judge, and keep the first
    ``limit`` hits the judge keeps (with ``show_all``, also the loose hits ranked among them)."""
    hits = search(
        store,
        query,
        scope=scope,
        mode=mode,
        type=type,
        commentator=commentator,
        since=since,
        limit=limit * POOL,
        model=model,
    )
    # The window: hits in order up to the limit-th one the judge keeps. Shown are its kept hits;
    # with show_all, all of it, so "show the N hidden" shows exactly those N among the rest.
    window: list[Judged] = []
    kept = 0
    for j in judge(store, query, hits):
        if kept == limit:
            break
        window.append(j)
        kept += j.kept
    hidden = sum(not j.kept for j in window)
    return Answer(window if show_all else [j for j in window if j.kept], 0 if show_all else hidden, len(hits))
