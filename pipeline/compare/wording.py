"""How a key point chosen from a commentator's argument is worded as a heading.

Why a module of its own. Key point analysis (:mod:`.kpa`) picks one member argument as each key
point, and its words are the heading of every comparison, export and page. Said aloud they carry the
speaker's framing: "Here's what really bugs me: their own product page said ...", "Third, don't buy
the Gen 4 ...", "I think lawmakers need to ...". A key point is a statement the commentators take
sides on (as IBM's key points are written), so a lead-in that only points at what follows, a count
word, spoken filler and a hedge are left out; what is stated is unchanged, and the argument itself
keeps its words.
"""

from __future__ import annotations

import re

from argmap.pipeline.extract import rules
from argmap.pipeline.text import COUNT_LEAD, capitalised, content_tokens

# A lead-in that only points at what follows, closed by a colon: "Here's what really bugs me:", "My
# verdict:", "Bottom line:". A closed list: a lead-in that says something ("I disagree with people who
# say:", "My problem is not the price:", "Their CEO told me:") is part of the statement.
_FRAME = re.compile(
    r"^(?:here's (?:the thing|the deal|the kicker|the problem|my (?:take|verdict|point)|"
    r"what (?:really )?(?:bugs|annoys|gets|worries|bothers|gets to) me)|"
    r"(?:my|the) (?:verdict|take|bottom line|two cents|short version)|bottom line|long story short|tl;?dr|"
    r"the (?:thing|point) is)\s*:\s+(?=\S)",
    re.I,
)
# The speaker's hedge, when a clause follows it ("I think lawmakers need to ..."); not "I think about
# ...", "I believe in ...", "I feel sorry for ...", nor one set off by a comma ("I think, and I could
# be wrong, ...")
_HEDGE = re.compile(
    r"^(?:i (?:really |honestly |genuinely |personally )?(?:think|believe|reckon|feel like)"
    r"(?: that\b(?!['’]))?|"
    r"in my (?:view|opinion),?|frankly,?|personally,?)\s+(?!(?:about|in|of|for|so|and|but|sorry)\b)(?=\w)",
    re.I,
)


def key_point_wording(text: str) -> str:
    """``text`` as a key point's heading; ``text`` itself where what is left would not stand alone
    (fewer than two content words: "I think that's wrong")."""
    plain = text.strip()
    for _ in range(3):  # the frames come in any order: "So, my verdict: I think ..."
        before = plain
        plain = rules.strip_filler(plain)
        plain = _FRAME.sub("", plain)
        plain = COUNT_LEAD.sub("", plain)
        plain = _HEDGE.sub("", plain).strip()
        if plain == before:
            break
    if plain == text.strip() or len(content_tokens(plain)) < 2:
        return text.strip()
    return capitalised(plain)
