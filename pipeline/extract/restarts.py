"""A speaker's restarts and set-off fillers, taken out of an argument's text (its quote keeps them).

Speech restarts ("this is this is ridiculous", "because because", "the thing is, the thing is");
writing does not. Some doubles are the words themselves, though: "that that" and "had had" are
grammar, and after "once", "if" or "when" a repeated clause is the saying ("once it's gone it's
gone forever"), so those stay. A filler a transcript sets off with commas ("so it's, you know,
barely five years old") takes its commas with it inside a clause, and leaves one between clauses
("big gardens, you know, raking is hard work").
"""

from __future__ import annotations

import re

# runs of two to four words said twice, and single words that never double in writing ("that
# that" and "had had" can; "is is" after "what it is" can too)
_RESTART = re.compile(r"\b((?:[\w'’]+ ){1,3}[\w'’]+),? \1\b", re.I)
_STUTTER = re.compile(
    r"\b(i|the|a|an|and|to|of|it|it's|we|they|you|this|in|so|but|because|if|was|are|my|our|their|for|on|"
    r"with|what|he|she|we're|they're|i'm|there|just)(?:,? \1\b)+",
    re.I,
)
# a clause said twice after one of these is a condition and its outcome, not a restart
_CONDITION_WORDS = frozenset(["once", "if", "when", "whenever", "until", "unless"])


def _said_once(m: re.Match[str]) -> str:
    before = m.string[: m.start()].split()
    if before and before[-1].lower().strip(",") in _CONDITION_WORDS:
        return m.group(0)
    return m.group(1)


def unstutter(text: str) -> str:
    """``text`` with a speaker's restarts said once: "this is this is ridiculous" -> "this is ridiculous"."""
    previous = None
    while previous != text:
        previous = text
        text = _STUTTER.sub(r"\1", _RESTART.sub(_said_once, text))
    return text


# A filler between two commas, and the word before it: after one of these words the clause goes on
# ("it's, um, a crime", "sort of, like, grey"), so neither comma belongs to the sentence.
_SET_OFF = re.compile(r"\b([\w'’]+)\s*,\s*(?:um+|uh+|er+|you know|i mean|like)\s*,\s*", re.I)
_CLAUSE_GOES_ON_TEXT = """a an the and but or so is was are were be been has have had it's that's there's he's
    she's they're we're you're i'm which who that of for to in on at with by from about than as into
    because if just really very would could should will can do does did not more most some any this
    these those my your our their his her its every all no"""
_CLAUSE_GOES_ON = frozenset(_CLAUSE_GOES_ON_TEXT.split())


def unset_filler(text: str) -> str:
    """``text`` without the fillers set off by commas: "so it's, you know, barely five" -> "so it's
    barely five"; "big gardens, you know, raking is hard" -> "big gardens, raking is hard"."""

    def keep(m: re.Match[str]) -> str:
        word = m.group(1)
        return f"{word} " if word.lower().replace("’", "'") in _CLAUSE_GOES_ON else f"{word}, "

    return _SET_OFF.sub(keep, text)
