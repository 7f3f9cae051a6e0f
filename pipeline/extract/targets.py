"""Who or what an argument is about (its ``target``): the first name in it that is not its source.

A target is read from capitals, so it is found in text that has them (articles, punctuated
transcripts, and captions once :mod:`argmap.pipeline.name_casing` has restored the names the store
knows). What is not a target: a day or month ("banned from September"), the news source ("According
to Bloomberg, Meta ...", "..., Reuters reported"), whoever said what the sentence reports ("Council
leader Marcus Byrne said ..."), and the capital a sentence opens with, unless the name goes on after
it ("Harrow Vale council voted ...").

Who said it matters to an argument's text too: a "she" who told reporters something is named from the
sentences before (:func:`name_the_sayer`), so that the argument stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from argmap.pipeline.text import may_open_name

_PROPER = re.compile(
    r"(?<!^)(?<![.!?]\s)\b((?:[A-Z][\w’'&.-]*|U\.S\.)(?:\s+(?:(?:of|for)\s+)?[A-Z][\w’'&.-]*){0,3})"
)
_NOT_NAME_WORDS = (
    "I I'm I've I'd I'll You We He She They It This That And But "
    # a date says when, not whom: "phones will be banned from September" is about no September
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
# a source of the news is not what it is about: "According to Bloomberg, Meta ...", "..., Reuters reported"
_SOURCE = re.compile(r"(?i:according to|reported by|per)\s+(?:the\s+)?$")
#: verbs that pass on someone's words when the sayer comes after them: "..., the council said."
SAID_AFTER_VERBS = (
    "said|says|confirmed|confirms|announced|announces|told|tells|reported|reports|added|adds|stated|"
    "states|claimed|claims"
)
_SOURCE_AFTER = re.compile(rf"\s+(?:{SAID_AFTER_VERBS})\b[^,;]*$")


# The one who said it, not what it is about: "Council leader Marcus Byrne said ...".
_SAYER = re.compile(
    r"\s+(?:has |have |had )?(?:said|says|told|tells|called|calls|warned|warns|argued|argues|claimed|"
    r"claims|announced|described|disputes|disputed|denied|denies|insisted|wrote|tweeted)\b"
)


def proper_noun(text: str, exclude: str | None) -> str | None:
    """The first name in ``text`` that is what it is about (see the module docstring), not
    ``exclude`` (the commentator); None when there is none."""
    skip = {exclude.split()[0]} if exclude else set()
    for m in _PROPER.finditer(text):
        name = re.sub(r"['’]s$", "", m.group(1).rstrip(".’'"))  # "the Council's plan" is about the Council
        first = name.split()[0]
        if first in _NOT_NAMES or first in skip:
            continue
        before = text[: m.start()]
        if not before.strip(" \"'“‘(["):
            continue  # a quoted sentence's first word: '"Doing nothing is not an option"'
        if _SOURCE.search(before) or (before.endswith(", ") and _SOURCE_AFTER.match(text, m.end())):
            continue
        if _SAYER.match(text, m.end()) and len(before.split()) <= 3:
            continue  # the subject of "said": whoever said it, the sentence is about what was said
        opener = before.split()
        starts = len(opener) == 1 and before.endswith(" ") and re.fullmatch(r"[A-Z][\w’'&-]*", opener[0])
        if starts and may_open_name(opener[0]) and opener[0] not in _NOT_NAMES:
            name = f"{opener[0]} {name}"  # "Harrow Vale council ...": the name starts the sentence
        return name
    return None


# -- who "she" is --------------------------------------------------------------------------------

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
        if len(words) >= 2 and words[0] not in _NOT_NAMES:
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
