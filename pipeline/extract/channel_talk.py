"""Talk that serves the channel, not the argument: its asks, its sponsor reads, its closing lines.

"Hit subscribe", "use code NATE", "This video is sponsored by ..." and the sentences of the read
that follows are no arguments whatever the classifier reads in them (a sponsor's "you're sick of
sliding around in your boots" reads as a complaint). Kept apart from :mod:`.vetoes`, which checks
what an argument of each type must be, because these say what the show is doing instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from argmap.pipeline.extract import rules

# -- asks that serve the channel ---------------------------------------------------------------

# Asks that serve the channel rather than the world: housekeeping, not calls to action (v3's
# definition; the frozen cues the classifier reads still call them calls, and a dozen relabelled
# examples do not always outweigh that).
_CHANNEL_ASK = re.compile(
    r"\b(?:subscrib\w*|hit (?:that |the )?(?:like|bell|subscribe)|smash (?:that |the )?like|"
    r"like (?:this|the) video|(?:leave|drop) (?:a|your) (?:comment|question)s?|comment below|in the comments|"
    r"let me know|"
    r"share (?:this|the) (?:video|clip|episode)|share this with|"
    r"share it with (?:someone|somebody|a friend|your friends)|patreon|channel members?|become a member|"
    r"use (?:the )?code|"
    r"link (?:is )?(?:in the description|down below)|watch-along|"
    r"(?:see|catch) you (?:next|in the|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|soon))\b",
    re.I,
)
WORLD_ASK = re.compile(
    r"\b(?:vote|petition|sign (?:it|the|up to)|call your|write to|contact your|donat\w+|consultation|"
    r"representatives?|council\w*|mp\b|senator|boycott|volunteer|protest|register)",
    re.I,
)
# The host steering their own show ("Let me ask you about ...", "Let's jump into ...", "We'll
# have to leave it there") asks nothing of the audience or the world.
_STEERING = re.compile(
    r"^(?:let me (?:ask|show|bring|read|put|pull|explain|walk|turn|play|share|tell you|say)|"
    r"let's (?:jump|talk|look|turn|move on|dive|break|recap|discuss|begin|pull|take a look|switch|head over|"
    r"wrap|come back|get back|get into|get started|start with|go through|go over|see what|see how)|"
    # settling the audience in: "Grab a drink, because we're going through this calmly"
    r"(?:grab|pour) (?:yourself |yourselves )?(?:a|an|some|your) (?:\w+ )?"
    r"(?:drink|coffee|tea|cuppa|brew|snack|snacks|popcorn|beer)|"
    r"buckle up|strap in|settle in|get comfy|get comfortable|stick around|"
    r"(?:we'll|we will|we're going to|i'm going to|let's) (?:have to )?leave it there)\b",
    re.I,
)


def channel_housekeeping(text: str) -> bool:
    """An ask for the channel ("hit subscribe") or the host steering the show."""
    if WORLD_ASK.search(text):
        return False  # "Let me be clear: vote no" still asks something of the world
    return bool(_STEERING.match(rules.strip_filler(text) or text) or _CHANNEL_ASK.search(text))


# A sponsor read or the host closing the segment is no argument whatever the model reads in it:
# "Shellguard cases are drop-tested to three metres, forty percent off with the link below."
#: how a sponsor read opens ("This video is sponsored by ...", "Brought to you by ...")
_SPONSOR_OPENING = (
    r"\b(?:(?:this|today's|the) (?:video|episode|show|podcast|stream) (?:is|was) "
    r"(?:sponsored|brought to you) by|today's sponsor|thanks to \S+(?: \S+)? for sponsoring)\b|"
    r"^brought to you by\b"
)
#: "60 percent off their peak" is news, no offer
_NOT_A_PEAK = r"(?!\s+(?:the|their|its|our|a) (?:peak|high|top|record))"
_ADVERT_OR_CLOSE = re.compile(
    rf"{_SPONSOR_OPENING}|"
    r"\b(?:(?:promo|discount|my) code|use (?:the |my )?code \w+|code \w+ (?:for|at checkout|to get))\b|"
    r"^(?:well,? |okay,? |ok,? |and |so )?(?:we'll|we will|we're going to|i'm going to|i'll|let's) "
    r"(?:have to )?(?:leave it|stop|wrap it up) there[.!]?$",
    re.I,
)
# A price cut beside a link or a shop is a sponsor's offer; "shares are 60 percent off their peak" is news,
# and "The audit, link in the description, shows ..." cites a source.
_OFFER = re.compile(rf"\b(?:percent|%) off\b{_NOT_A_PEAK}", re.I)
_SHOP = re.compile(
    r"\b(?:link (?:is )?(?:in the description|(?:down )?below)|code|sponsor\w*|shop|store|discount|deal)\b",
    re.I,
)


def advertises_or_closes(text: str) -> bool:
    """A sponsor read or the host ending the segment (see :data:`_ADVERT_OR_CLOSE`)."""
    core = (rules.strip_filler(text) or text).replace("’", "'")
    advert = bool(_ADVERT_OR_CLOSE.search(core)) or bool(_OFFER.search(core) and _SHOP.search(core))
    return advert and not WORLD_ASK.search(core)


# A sponsor read runs over several sentences ("This video is sponsored by Tacklo. If you play Sunday
# league and you're sick of sliding around, Tacklo have got you covered. Use code MILL for 15 percent
# off."): the sentences between its opening and its offer sell the product, whatever they say.
_SPONSOR_OPENS = re.compile(_SPONSOR_OPENING, re.I)
_SPONSOR_OFFER = re.compile(
    r"\b(?:use (?:the |my )?code|(?:promo|discount|coupon) code|code \w+ (?:for|at checkout|to get)|"
    rf"\d+ ?(?:percent|per cent|%) off{_NOT_A_PEAK}|"
    r"free trial|first (?:month|box|order) free)\b",
    re.I,
)
# The host back on the story before any offer: what follows is the show, not the read.
_BACK_TO_THE_SHOW = re.compile(
    r"^(?:(?:so|okay|ok|right|now|alright)[,.]?\s+)*(?:anyway|back to|on to|let's get (?:into|back)|"
    r"with that (?:out of the way|said))\b",
    re.I,
)
#: how many sentences after its opening a sponsor read may run before its offer
AD_SENTENCES = 6


def sponsor_reads(texts: Sequence[str]) -> set[int]:
    """Indices of the sentences of each sponsor read in ``texts``: from a sentence that opens one
    (see :data:`_SPONSOR_OPENS`, and read as an advert by :func:`advertises_or_closes`) to the first
    offer within :data:`AD_SENTENCES` after it. The opening alone where no offer is that near, where
    the host is back on the story first, or where a sentence before the offer asks something of the
    world ("Residents should vote them out.")."""
    out: set[int] = set()
    plain = [t.replace("’", "'") for t in texts]
    for i, text in enumerate(plain):
        if not (_SPONSOR_OPENS.search(text) and advertises_or_closes(text)):
            continue
        end = i
        for j in range(i + 1, min(len(plain), i + AD_SENTENCES + 1)):
            if _SPONSOR_OFFER.search(plain[j]):
                end = j
                break
            if _BACK_TO_THE_SHOW.match(plain[j].strip()) or WORLD_ASK.search(plain[j]):
                break
        out.update(range(i, end + 1))
    return out


__all__ = ["AD_SENTENCES", "WORLD_ASK", "advertises_or_closes", "channel_housekeeping", "sponsor_reads"]
