"""A video's title as an argument: "USA and China Should Work Together" is the thesis.

Commentators often put their position in the title and never say it in one sentence of the video,
so an extractor that reads only the transcript loses it. This module reads the title (the text's
own title line for an imported article, else the video's title) part by part: titles join a topic
and a thesis with " - ", " | " or ": " ("Meta Copies Alibaba Qwen LLM for Avocado - USA and China
Should Work Together"). A part states a position when it urges (should, must, needs to, an
imperative), judges (a negative verdict: "a disaster", "is wrong", "doesn't add up"), predicts or
evaluates ("will", "is the future", "is better") or says what something is ("Loot boxes are
gambling for kids"). A headline that only names the news ("Meta Embraces Qwen in
Strategic AI Shift"), a question and a bare topic are not positions.

The argument is placed at 0:00, quotes the title's words, and carries ``origin = "title"`` so every
view can say where it came from; its id is made like any other, from its quote.
"""

from __future__ import annotations

import re

from argmap.pipeline.document import Sentence, TranscriptDoc
from argmap.pipeline.extract import rules
from argmap.pipeline.extract.base import make_argument
from argmap.pipeline.extract.judgement_words import negative as judged_negative
from argmap.pipeline.text import capitalised
from argmap.store import Argument

_SEPARATORS = re.compile(r"\s+[-–—|]\s+|:\s+|\s*[|]\s*")
_MODAL = re.compile(
    r"\b(?:should(?:n't| not)?|must(?:n't| not)?|needs? to|ha(?:s|ve) to|ought to|time to)\b", re.I
)
#: verbs that open a title's order ("Stop Subsidising Stadiums"); not those that also open names
#: of things ("Sign of the Times", "Back to School", "Call of Duty", "Fight Club", "Join the Club")
TITLE_IMPERATIVES = rules._wordset(
    "stop don't ban boycott fix cancel save protect fund build vote demand end quit keep leave "
    "abolish repeal regulate break tax free support defend reject oppose scrap resist"
)
# after an order's verb comes its object, not "of", "to" or "at" ("End of an Era", "Save to Disk")
_NOT_AN_OBJECT = frozenset(["of", "to", "at", "in", "on", "for", "from", "with", "by", "as"])
_HAVE_YOUR_SAY = re.compile(r"\bhave your say\b", re.I)
# Verdicts of headlines that the word lists of spoken critique miss ("The plan doesn't add up").
_TITLE_CRITIQUE = re.compile(
    r"\b(?:doesn't|does not|don't|do not|won't|will not) (?:add up|work|help|wash|make sense)\b|"
    r"\b(?:is|are|was) (?:a |an )?(?:mistake|scam|con|rip-?off|betrayal|scandal|failure|farce|con trick)\b|"
    r"\b(?:backfires?|backfired|failed (?:us|them|our|their|the public))\b|"
    r"\b(?:ruin(?:ed|s|ing)?|wreck(?:ed|s|ing)?|rigged|destroy(?:ed|s|ing)?|betray(?:ed|s|ing)?|"
    r"designed to fail)\b",
    re.I,
)
# A title that says what something is or was ("Loot boxes are gambling for kids", "Brightmoss
# was right to add shells") states a thesis; "Here is what we know" and "This is the new phone"
# do not.
_COPULA = re.compile(
    r"^(?!(?:here|this|that|it|what|who|there|these|those)\b)\S+(?: \S+){0,8} "
    r"(?:is|are|was|were|isn't|aren't|wasn't|weren't) \S+",
    re.I,
)
# "Why Open Models Will Win" argues that open models will win.
# "How Big Tech is ruining search" too, but "How the Panama Canal was built" explains a past.
_WHY = re.compile(
    r"^(?:why (?=\S+(?: \S+){0,6}? (?:is|are|was|were|will|won't|can't|should|must|has|have|"
    r"does|doesn't|don't|isn't|aren't)\b)|how (?=\S+(?: \S+){0,6}? (?:is|are|will|won't|can't|should|must|"
    r"isn't|aren't) (?!\w+ed\b|(?:built|made|done|run|kept|sold|held|paid|set|spent|won|lost|taught|chosen|"
    r"written|given|taken|seen|known|found|told|brought|bought|grown|drawn|shown|sent|cut|put|read|"
    r"understood)\b)))",
    re.I,
)
_EXPLAINER = re.compile(r"(?i)^how\b")
_VERDICT = r"(?:future|best|worst|better|worse|right|wrong|dead|over|overrated|underrated|inevitable)"
_PREDICTION = re.compile(
    rf"\b(?:will|won't|is (?:the )?{_VERDICT}|are (?:the )?{_VERDICT}|here to stay|can't|cannot|never|"
    r"always|proves?|beats?|wins?|is winning|is losing|is a (?:win|loss))\b",
    re.I,
)
_ORIGIN = "title"


def position(part: str) -> str | None:
    """The argument type a title part states (None when it states no position)."""
    text = part.strip().strip("\"'“”‘’")
    words = text.split()
    if len(words) < 3 or text.endswith("?"):
        return None
    if _EXPLAINER.match(text) and not _WHY.match(text):
        # "How the canal was built" explains; "How Ofwat Failed Us" accuses
        accuses = judged_negative(text)[0] or _TITLE_CRITIQUE.search(text)
        return "critique" if accuses else None
    if _MODAL.search(text) or _HAVE_YOUR_SAY.search(text):
        return "call_to_action"
    nxt = words[1].lower() if len(words) > 1 else ""
    if words[0].lower().strip(",!") in TITLE_IMPERATIVES and nxt not in _NOT_AN_OBJECT:
        return "call_to_action"
    negative, _ = judged_negative(text)
    if negative or _TITLE_CRITIQUE.search(text):
        return "critique"
    if _PREDICTION.search(text) or _COPULA.match(text):
        return "claim"
    return None


def parts(title: str) -> list[str]:
    """The title's parts, in order: split at its separators, and a part made of a scene and a
    position ("Three nil at home, board must act") split at the comma, so the position stands alone."""
    out = []
    for part in _SEPARATORS.split(title):
        pieces = [p.strip() for p in part.split(", ")]
        stating = [p for p in pieces if position(p)]
        out.append(stating[0] if len(pieces) == 2 and len(stating) == 1 else part)
    return out


def title_of(doc: TranscriptDoc) -> tuple[str, Sentence | None] | None:
    """The title text and its sentence (when the transcript holds its title line), if any."""
    for sentence in doc.sentences[:3]:
        if sentence.kind == "title":
            return sentence.text, sentence
    if doc.title and doc.title.strip():
        return doc.title.strip(), None
    return None


def title_argument(doc: TranscriptDoc, extractor: str, version: str) -> Argument | None:
    """The argument the title states, at 0:00 and marked ``origin = "title"``, or None."""
    found = title_of(doc)
    if found is None:
        return None
    title, sentence = found
    for part in parts(title):
        kind = position(part)
        if kind is None:
            continue
        quote = part.strip()
        anchor = sentence or Sentence(
            idx=-1, text=quote, start=0.0, end=0.0, seg_first=doc.segments[0].idx if doc.segments else 0,
            seg_last=doc.segments[0].idx if doc.segments else 0, kind="title",
        )  # fmt: skip
        text = _WHY.sub("", quote)
        text = capitalised(text)
        text = text if text.endswith((".", "!")) else f"{text}."
        argument = make_argument(
            doc,
            [anchor],
            type=kind,
            text=text,
            quote=quote,
            extractor=extractor,
            version=version,
            target=None,
            confidence=0.7,
        )
        argument.start = 0.0
        argument.origin = _ORIGIN
        return argument
    return None


__all__ = ["position", "title_argument", "title_of"]
