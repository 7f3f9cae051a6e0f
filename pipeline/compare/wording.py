"""How a key point chosen from a commentator's argument is worded as a heading.

Why a module of its own. Key point analysis (:mod:`.kpa`) picks one member argument as each key
point, and its words are the heading of every comparison, export and page. Said aloud they carry the
speaker's framing: "Here's what really bugs me: their own product page said ...", "Third, don't buy
the Gen 4 ...", "I think lawmakers need to ...". A key point is a statement the commentators take
sides on (as IBM's key points are written), so the frame before a colon, a count word, spoken filler
and a hedge are left out; what is stated is unchanged, and the argument itself keeps its words.
"""

from __future__ import annotations

import re

from argmap.pipeline.extract import rules
from argmap.pipeline.text import HEDGES, capitalised, content_tokens

# "First, ...", "And third, ...", "Number two: ..."
_COUNT = re.compile(
    r"^(?:(?:and|so)\s+)?(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|last(?:ly)?|finally|"
    r"next|number (?:one|two|three|four|five))\s*[:,]\s*",
    re.I,
)
# A short lead-in that points at what follows, closed by a colon: "Here's what really bugs me:",
# "My verdict:", "The bottom line is simple:". Not a claim's colon ("Hearthly made one mistake: it
# chose a cheap chip"), a quotation's or a title's.
_FRAME = re.compile(
    r"^(?=[^:]*\b(?:here's|here is|i|i'm|me|my|bottom line|verdict|tl;?dr|long story short|"
    r"the (?:thing|point|truth|problem|question|reason|issue|short version))\b)[^:\"“”]{3,50}:\s+(?=\S)",
    re.I,
)


def key_point_wording(text: str) -> str:
    """``text`` as a key point's heading; ``text`` itself where what is left would not stand alone
    (fewer than two content words: "I think that's wrong")."""
    plain = text.strip()
    for _ in range(3):  # the frames come in any order: "So, my verdict: I think ..."
        before = plain
        plain = rules.strip_filler(plain)
        frame = _FRAME.match(plain)
        if frame and len(frame.group(0).split()) <= 8:
            plain = plain[frame.end() :]
        plain = _COUNT.sub("", plain)
        plain = HEDGES.sub("", plain).strip()
        if plain == before:
            break
    if plain == text.strip() or len(content_tokens(plain)) < 2:
        return text.strip()
    return capitalised(plain)
