"""Who or what an argument is about (its ``target``): the first name in it that is not its source.

A target is read from capitals, so it is found in text that has them (articles, punctuated
transcripts, and captions once :mod:`argmap.pipeline.name_casing` has restored the names the store
knows). What is not a target: a day or month ("banned from September"), the news source ("According
to Bloomberg, Meta ...", "..., Reuters reported"), whoever said what the sentence reports ("Council
leader Marcus Byrne said ..."), and the capital a sentence opens with, unless the name goes on after
it ("Harrow Vale council voted ...").
"""

from __future__ import annotations

import re

from argmap.pipeline.sayers import NOT_NAMES as _NOT_NAMES
from argmap.pipeline.sayers import SAID_AFTER_VERBS
from argmap.pipeline.text import may_open_name

_PROPER = re.compile(
    r"(?<!^)(?<![.!?]\s)\b((?:[A-Z][\w’'&.-]*|U\.S\.)(?:\s+(?:(?:of|for)\s+)?[A-Z][\w’'&.-]*){0,3})"
)
# a source of the news is not what it is about: "According to Bloomberg, Meta ...", "..., Reuters reported"
_SOURCE = re.compile(r"(?i:according to|reported by|per)\s+(?:the\s+)?$")
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
