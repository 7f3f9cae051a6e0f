"""The words of a negative judgement, and what cancels one ("not bad", "isn't wrong").

A critique judges an actor or a policy negatively; these are the words a listener hears that
in, kept apart from :mod:`.rules` so that every check which asks "is anything judged negatively
here?" (the rules, the vetoes, the praise and tally checks) reads the same list, and so the rules
module stays a size one can read.
"""

from __future__ import annotations

import re

NEGATIVE = re.compile(
    r"\b(?:terrible|horrible|horrendous|awful|atrocious|ridiculous|absurd|stupid|dumb|idiotic|insane|"
    r"pathetic|shameful|shameless|disgraceful|disgusting|embarrassing|incompetent|incompetence|clueless|"
    r"dishonest|dishonesty|hypocritical|hypocrisy|hypocrites?|corrupt|corruption|reckless|irresponsible|"
    r"misguided|counterproductive|counter-productive|short-sighted|shortsighted|wrongheaded|wrong|"
    r"mistakes?|blunders?|failures?|failed|fails|failing|disasters?|disastrous|mess|messy|fiasco|joke|"
    r"laughable|scams?|garbage|trash|rubbish|nonsense|bs|bullshit|rip-?off|overpriced|overrated|overhyped|"
    r"useless|pointless|worthless|waste|wasted|wasting|wasteful|lazy|greedy|greed|cynical|broken|flawed|"
    r"bad|ugly|worst|poorly|sloppy|unacceptable|outrageous|deceptive|misleading|lies|lying|liars?|propaganda|"
    r"gaslighting|cowardly|cowards?|bloated|out of touch|dropped the ball|blew it|screwed up|messed up|"
    r"sold out to\b|sold (?:us|them|you|fans|voters|workers) out|sell-?outs?|"  # not "tickets sold out"
    r"cash grab|tone-deaf|tone deaf|let(?:s)? down|letdown|disappointing|disappointed|"
    r"frustrating|frustrated|annoying|infuriating|maddening|problem with|the problem is|to blame|"
    r"interfere|interfering|interference|restrictive|overreach|inexcusable|no excuse|makes no sense|"
    r"doesn't make (?:any )?sense|does not make sense|(?:don't|doesn't|didn't) care|not a fan|"
    r"can't stand|fed up|sick of|tired of|backwards|abysmal|lousy|shoddy|botched|half-baked|"
    r"naive|arrogant|arrogance|ignorant|ignorance|hubris|unfair|unjust|harmful|damaging|dangerous|"
    r"predatory|exploitative|anti-consumer|cheated|ripped off|gouging|ineffective|inept|failure to|"
    r"fell short|falls short|falling short|nothing but|pure theater|theatre|gimmick|gimmicky|sham|"
    r"tinny|bugs me|dodged?|dodging|ignores?|ignored|shambolic|nightmare|insulting|misses the point|"
    r"asleep at the wheel|damning|rushed|lied|silly|tired line|so-called|basically nothing|done nothing|"
    r"nothing at all|far too|too (?:small|late|little|slow|expensive|weak)|way behind|falls apart|"
    r"doesn't help|ashamed|embarrassed|know better|sincere as|pretty rich|masterclass in|"
    r"in search of a problem|"
    r"no way to treat|weird|lecturing|talking points|out of date|blamed|nothing says|greedy|cynically|"
    r"on the backs of|couldn't even|didn't even|won't even|not a single|dumbest|worst-case|excuse)\b",
    re.I,
)
NEGATED_POSITIVE = re.compile(
    r"\b(?:not|n't|never|hardly)\s+(?:very\s+|really\s+|at all\s+|even\s+)?(?:good|great|acceptable|worth|"
    r"working|helpful|fair|enough|okay|ok|impressive|serious|honest|ready|fit)\b",
    re.I,
)
SHOULD_HAVE = re.compile(
    r"\b(?:should(?:n't)? have|should(?:n't)?'ve|could have|could've|never should|had no business)\b", re.I
)
NEGATION_BEFORE = re.compile(r"\b(?:not|n't|never|no|hardly|isn't|wasn't|aren't)\s+(?:\w+\s+)?$", re.I)


def negative(text: str) -> tuple[int, int]:
    """Negative judgements, and negated ones ("not bad", "isn't wrong": those are claims)."""
    hits = cancelled = 0
    for m in NEGATIVE.finditer(text):
        if NEGATION_BEFORE.search(text[max(0, m.start() - 20) : m.start()]):
            cancelled += 1
        else:
            hits += 1
    return hits, cancelled


__all__ = ["NEGATED_POSITIVE", "NEGATION_BEFORE", "NEGATIVE", "SHOULD_HAVE", "negative"]
