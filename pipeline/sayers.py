"""Who said something: the person a sentence names as its sayer, and who a "he" or "she" who said it is.

An argument's text should stand alone: '"We cannot compete ...," she told reporters' says nothing of
who "she" is, and the sentence before it does ("Chief executive Laura Fenn said ..."). Search asks the
same question of a hit ("What did Laura Fenn say ...?" wants her words first), so this sits below both
extract and search, read from capitals and the verbs that pass on someone's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from argmap.pipeline.text import may_open_name

_NOT_NAME_WORDS = (
    "I I'm I've I'd I'll You We He She They It This That And But "
    # a date says when, not whom: "phones will be banned from September" is about no September
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December"
)
#: capitalised words that start no name
NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
#: verbs that pass on someone's words when the sayer comes after them: "..., the council said."
SAID_AFTER_VERBS = (
    "said|says|confirmed|confirms|announced|announces|told|tells|reported|reports|added|adds|stated|"
    "states|claimed|claims"
)


_NAME = r"[A-Z][\w'’-]+(?: [A-Z][\w'’.-]+){1,2}"
_MORE_SAYING = rf"(?:{SAID_AFTER_VERBS}|warned|argued|insisted|wrote|explained)"
# A person named as the one who said something: "Chief executive Laura Fenn said ...", "Graham Pell,
# the club's owner, told ...", "..., said Laura Fenn".
_NAMED_SAYER = re.compile(
    rf"(?<!\band )(?<!\bor )(?P<name>{_NAME})(?:,[^,]{{1,40}},)?\s+(?:has |had )?{_MORE_SAYING}\b|"
    # after the verb only with verbs that take no object: "told Sky Sports" names who heard it
    rf"\b(?:said|says|added|adds)\s+(?:[a-z][\w'’-]* ){{0,3}}(?P<after>{_NAME})"
)
# "she told reporters", "He added that ...": a sayer the sentence leaves to the one before it
_PRONOUN_SAYER = re.compile(
    rf"\b(?:[Hh]e|[Ss]he)(?=\s+(?:has |had |also |later |then )?(?:{_MORE_SAYING}|went on)\b)"
)
#: how many sentences back the one who said it may have been named
SAYER_LOOKBACK = 2


def sayer_named(text: str) -> str | None:
    """The one person ``text`` names as saying something; None when it names none or several."""
    names = set()
    for m in _NAMED_SAYER.finditer(text):
        words = (m.group("name") or m.group("after")).rstrip(".").split()
        if words[0] in ("The", "A", "An"):
            continue  # "The County Council said" is no person a "she" stands for
        if m.start() == 0 and not may_open_name(words[0]):
            words = words[1:]  # "Yesterday Laura Fenn said": the sentence's first word is no name
        if len(words) >= 2 and words[0] not in NOT_NAMES:
            names.add(" ".join(words))
    return names.pop() if len(names) == 1 else None


def name_the_sayer(text: str, before: Sequence[str]) -> str:
    """``text`` with a "he" or "she" who said something replaced by the person the sentences
    just ``before`` it name as saying something: '"We cannot compete ...," she told reporters'
    after "Chief executive Laura Fenn said ..." stands alone as '..., Laura Fenn told reporters'.
    Left as it is when the sentence names its own sayer, or the nearest sentence before names no
    one sayer, or several (who "she" is would be a guess)."""
    m = _PRONOUN_SAYER.search(text)
    if m is None or sayer_named(text):
        return text
    for earlier in reversed(before[-SAYER_LOOKBACK:]):
        if _NAMED_SAYER.search(earlier) is None:
            continue  # what was said, or "she" saying more, between the sayer and this pronoun
        name = sayer_named(earlier)
        if name is None:
            return text
        return f"{text[: m.start()]}{name}{text[m.end() :]}"
    return text
