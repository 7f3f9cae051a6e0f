"""Names written the way their owners write them, in text that arrived in lower case.

Automatic captions carry no capitals, so an argument read from them says "marcus byrne said the
repair bill is inflated" and a gist "Tom objects that the elmfield lido decision ...": the
sentence-start capital the extractor adds makes it worse ("Marcus byrne"). The store already knows
many of those names from text that had its capitals: the targets the extractor found in articles and
punctuated transcripts ("Harrow Vale", "Friends of Elmfield Lido"), the commentators and the people
the user named; a video's own sentence-case title names some too.

Only names that cannot be ordinary words are restored (and English days and months): runs of two or
more capitalised words ("Marcus Byrne", "Elmfield Lido", "Bank of England") and words with a capital
past their first letter ("NHS", "OpenAI", "iPhone"). A single capitalised word ("Meta", "Reading",
"Bath") may be a plain word in lower case, so it is left as said. Each is restored only where the
text writes it all in lower case (bar a sentence's first letter), so words a speaker or writer cased
are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_CAPITALISED = r"[A-Z][\w’'&.-]*"
_JOINERS = r"(?:of|the|de|du|der|van|von|da|di|la|le|al|and|&|for|on)"
#: two or more capitalised words, small joining words allowed inside ("Bank of England")
_RUN = re.compile(rf"\b{_CAPITALISED}(?:\s+(?:{_JOINERS}\s+)*{_CAPITALISED})+")
#: a word with a capital past its first letter: an acronym or a brand's own spelling
_ODD_CASE = re.compile(r"\b(?:[A-Z]{2,5}s?|[a-z]+[A-Z][\w]*|[A-Z][a-z]+[A-Z][\w]*)\b")
# Words that open a run without being part of the name ("The Friends of ...", "In Harrow Vale"), a
# title's first word among them ("Why the Elmfield Lido vote ...").
_LEADING_WORDS = """the a an in on at of for and but so if this that these those my our your i why how what
    when where who which whose is are was were do does did can could should would will not no yes
    here there"""
_LEADING = frozenset(_LEADING_WORDS.split())
#: at most this share of a title's words capitalised for its runs to count as names: "Why The
#: Council Is Wrong" capitalises every word, so its runs are style, not names
TITLE_CASE_SHARE = 0.6


def _runs(text: str) -> list[str]:
    out = []
    for m in _RUN.finditer(text):
        words = m.group(0).split()
        while words and words[0].lower() in _LEADING:
            words = words[1:]
        while words and re.fullmatch(_JOINERS, words[-1].lower()):
            words = words[:-1]
        # and each shorter name it ends with: "Friends of Elmfield Lido" names "Elmfield Lido" too,
        # and a title's "Why the Elmfield Lido vote" opens on a word that is only capitalised there
        for k in range(len(words) - 1):
            tail = words[k:]
            if tail[0][:1].isupper() and sum(w[:1].isupper() for w in tail) >= 2:
                out.append(" ".join(w.rstrip(".’'") for w in tail))
    return out


#: English days and months, never plain words in lower case ("march" and "may" are, so they stay)
_CALENDAR_WORDS = """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February April June
    July August September October November December"""
CALENDAR = tuple(_CALENDAR_WORDS.split())


def name_spellings(names: Iterable[str], titles: Iterable[str] = ()) -> dict[str, str]:
    """Lower-case form -> written form of the names in ``names`` (targets, people) and in
    sentence-case ``titles`` that are worth restoring (see the module docstring), and the days and
    months of :data:`CALENDAR`."""
    found: list[str] = list(CALENDAR)
    for name in names:
        found += _runs(name) + [m.group(0) for m in _ODD_CASE.finditer(name)]
    for title in titles:
        words = re.findall(r"[A-Za-z][\w’'-]*", title)
        if words and sum(w[0].isupper() for w in words) <= TITLE_CASE_SHARE * len(words):
            found += _runs(title)
    spellings: dict[str, str] = {}
    for written in found:
        key = written.lower()
        if key != written and key not in ("i",) and len(key) > 1:
            spellings.setdefault(key, written)
    return spellings


def restore_names(text: str, spellings: Mapping[str, str]) -> str:
    """``text`` with each name of ``spellings`` it writes in lower case spelt as written."""
    if not spellings or not text:
        return text
    pattern = _pattern(tuple(sorted(spellings, key=lambda k: (-len(k), k))))

    def spelt(m: re.Match[str]) -> str:
        said = m.group(0)
        if said[1:] != said[1:].lower():  # cased by whoever wrote it: theirs
            return said
        return spellings.get(said.lower(), said)

    return pattern.sub(spelt, text)


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    # One document asks for the same names for every argument: build the alternation once.
    if keys not in _PATTERNS:
        if len(_PATTERNS) > 8:
            _PATTERNS.clear()
        alternatives = "|".join(r"\s+".join(map(re.escape, k.split())) for k in keys)
        _PATTERNS[keys] = re.compile(rf"(?<![\w’'])(?:{alternatives})(?!\w)", re.IGNORECASE)
    return _PATTERNS[keys]


__all__ = ["name_spellings", "restore_names"]
