"""A speaker's restarts, written once in an argument's text (its quote keeps them as said).

Speech restarts ("this is this is ridiculous", "because because", "the thing is, the thing is");
writing does not. Some doubles are the words themselves, though: "that that" and "had had" are
grammar, and after "once", "if" or "when" a repeated clause is the saying ("once it's gone it's
gone forever"), so those stay.
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
