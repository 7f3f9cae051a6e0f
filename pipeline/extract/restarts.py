"""A speaker's restarts and set-off fillers, taken out of an argument's text (its quote keeps them).

Speech restarts ("this is this is ridiculous", "because because", "the thing is, the thing is");
writing does not. Some doubles are the words themselves, though: "that that" and "had had" are
grammar, and after "once", "if" or "when" a pronoun's clause said twice is the saying ("once it's
gone it's gone forever"), so those stay. A filler a transcript sets off with commas ("so it's, you know,
barely five years old") takes its commas with it inside a clause, and leaves one between clauses
("big gardens, you know, raking is hard work"). A sign-off said in the same breath as the last point
("... get this right anyway that's my take"), which a missed sentence end in auto-captions leaves
inside it, is the video's close and no part of the argument.
"""

from __future__ import annotations

import re

# runs of two to four words said twice, and single words that never double in writing ("that
# that" and "had had" can; "is is" after "what it is" can too)
_RESTART = re.compile(r"\b((?:[\w'’]+ ){1,3}[\w'’]+),? \1\b(?!['’])", re.I)
_STUTTER = re.compile(
    r"\b(i|the|a|an|and|to|of|it|it's|we|they|you|this|in|so|but|because|if|was|are|my|our|their|for|on|"
    r"with|what|he|she|we're|they're|i'm|there|just)(?:,? \1\b(?!['’]))+",
    re.I,
)
# A clause said twice after one of these is a condition and its outcome, not a restart, when it is a
# pronoun and what it is ("once it's gone it's gone"); "if it's a it's a scam" restarts.
_CONDITION_WORDS = frozenset(["once", "if", "when", "whenever", "until", "unless"])
_SAYING = re.compile(
    r"^(?:it's|it is|it|you're|you are|you|they're|they are|we're|we are|he's|she's|that's|that is)"
    r" [\w'’]+(?<!\ba)(?<!\ban)(?<!\bthe)$",
    re.I,
)


def _said_once(m: re.Match[str]) -> str:
    before = m.string[: m.start()].split()
    if before and before[-1].lower().strip(",") in _CONDITION_WORDS and _SAYING.match(m.group(1)):
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
_CLAUSE_GOES_ON_TEXT = """a an the and but or so be been has have had it's that's there's he's she's they're
    we're you're i'm which who of for to in on at with by from about than as into because if just
    really very not some any this these those my your our their his her its every no
    is was are were would could should will can"""
_CLAUSE_GOES_ON = frozenset(_CLAUSE_GOES_ON_TEXT.split())
# ... unless one of these verbs ended it and a new clause starts after the filler ("that's how it
# is, you know, nobody listens")
_MAY_END_TEXT = "is was are were would could should will can be been has have had"
_MAY_END = frozenset(_MAY_END_TEXT.split())
_NEW_CLAUSE = re.compile(
    r"(?:i|i'm|you|we|we're|they|they're|he|she|it|it's|there|there's|that's|nobody|everyone|no one)\b", re.I
)


def unset_filler(text: str) -> str:
    """``text`` without the fillers set off by commas: "so it's, you know, barely five" -> "so it's
    barely five"; "big gardens, you know, raking is hard" -> "big gardens, raking is hard"."""

    def keep(m: re.Match[str]) -> str:
        word = m.group(1)
        low = word.lower().replace("’", "'")
        ends = low in _MAY_END and _NEW_CLAUSE.match(m.string[m.end() :].replace("’", "'"))
        return f"{word} " if low in _CLAUSE_GOES_ON and not ends else f"{word}, "

    return _SET_OFF.sub(keep, text)


#: how a speaker names what they just said when closing on it: "that's my take", "that's my two cents"
MY_VIEW = r"my (?:take|two cents|view|opinion|verdict|rant)"
_SIGN_OFF = re.compile(
    r"(?:[,;:]?\s+|\s*[-–—]\s*)(?:(?:and|but|so)\s+)?(?:(?:anyway|anyways|so yeah|but yeah|yeah)[,.]?\s+)?"
    rf"(?:(?:that's|that is)\s+(?:{MY_VIEW}|what i think|"
    r"(?:it|all|everything)(?: i've got)? (?:from me|for (?:me|today|now|this week|this one|this video))|"
    r"all i(?:'ve| have) got)|"
    r"(?:thanks?|cheers) (?:you )?(?:so much |very much )?for (?:watching|listening)|"
    r"(?:(?:i'll|i will|we'll|we will)\s+)?(?:see|catch) you (?:all |guys )?"
    r"(?:next (?:time|week)|soon|in the next (?:one|video)))"
    r"(?P<end>[.!…]*)\s*$",
    re.I,
)
#: a sign-off is taken off only with at least this many words before it ("That's my take." alone is
#: the extractor's housekeeping, not a point)
_MIN_LEFT = 4


def without_sign_off(text: str) -> str:
    """``text`` without a closing sign-off: "... get this right anyway that's my take." -> "... get
    this right."; "Don't sell it cheap, and that's it from me." -> "Don't sell it cheap."."""
    out = text
    # "..., anyway, that's my two cents, see you next week": one sign-off after another
    while (m := _SIGN_OFF.search(out.replace("’", "'"))) and len(out[: m.start()].split()) >= _MIN_LEFT:
        kept = out[: m.start()].rstrip(" ,;:")
        # the point's own full stop ("Vote no. Thanks for watching.") or the sign-off's
        out = kept if kept.endswith((".", "!", "?", "…")) or not m.group("end") else kept + "."
    return out
