"""Who a sentence can ask to act: the audience, institutions by their kind, and named bodies.

Kept apart from :mod:`argmap.pipeline.extract.rules` because a call to action is told from a
claim mostly by its addressee ("the council should ..." asks, "this should ..." expects), and that
reading is shared by the rules and the vetoes.
"""

from __future__ import annotations

import re

from argmap.pipeline.text import COUNT_THING


def one_of(items: str) -> str:
    """A regex alternation of the comma-separated ``items``, longest first (so "councils" is not
    read as "council" and a stray "s")."""
    return "|".join(sorted({w.strip() for w in items.split(",") if w.strip()}, key=len, reverse=True))


#: nouns for those who can be asked to act: institutions, offices, their people
AGENTS = one_of(
    "board, boards, council, councils, councillors, councilors, councillor, councilor, government,"
    " governments, ministry, minister, ministers, mayor, company, companies, club, clubs, league,"
    " authority, authorities, agency, agencies, regulator, regulators, department, committee,"
    " commission, police, court, courts, university, school, schools, hospital, union, unions, party,"
    " state, city, administration, owner, owners, management, manager, managers, operator, operators,"
    " utility, trust, firm, firms, bank, banks, landlord, landlords, employer, employers, officials,"
    " leaders, politicians, lawmakers, legislature, congress, parliament, senate, president, governor,"
    " executives, bosses, federation, association, network, platform, studio, manufacturers,"
    " retailers, service, services, providers, cabinet, chancellor, secretary, team, teams,"
    # businesses and watchdogs by their kind: "every other supermarket should follow", "the
    # information commissioner needs to stop this"
    " supermarket, supermarkets, chain, chains, brand, brands, business, businesses, airport, airports,"
    " airline, airlines, broadcaster, broadcasters, insurer, insurers, publisher, publishers, charity,"
    " charities, commissioner, commissioners, watchdog, watchdogs, ombudsman, inspectorate, developer,"
    " developers, organisers, organizers, industry, office, offices"
)
# Words that cannot open whoever is asked: a conjunction, a question word or a sentence adverb
# ("Because you have to give a card" gives a reason, "What should happen?" poses, "Today we need to
# talk about ..." narrates); read as the addressee's first word they made any clause a call.
_NOT_A_SUBJECT = one_of(
    "and, but, or, so, because, since, if, unless, when, whenever, where, what, why, how, which, who,"
    " whoever, today, now, then, also, still, even, maybe, perhaps, surely, obviously, honestly, clearly,"
    " certainly, i"
)
# Anyone named before a modal: "Ofcom should ...", "Funding agencies should ...", "that money
# should ...". A bare demonstrative before a should expects, it asks nobody: "This should worry
# everyone", "that should speed things up" ("That has to change" still asks).
_SUBJECT = (
    rf"(?!(?:{_NOT_A_SUBJECT})\b)(?!(?:this|that|these|those)\s+(?:(?:really|just|also|still)\s+)?should\b)"
    r"[A-Z][\w.]+(?: [A-Z][\w.]+)?"
)
AUDIENCE = (
    r"(?:you|you guys|y'all|we|we all|all of us|everyone|everybody|people|folks|viewers|listeners|voters|"
    r"parents|fans|readers|consumers|citizens|americans|developers|the government|the city|the council|"
    r"the company|the league|the administration|the state|the board|the school|the club|the team|"
    r"the fed|the president|the mayor|congress|parliament|lawmakers|regulators|politicians|leaders|"
    rf"companies|governments|schools|cities|{_SUBJECT}|"
    # "the water board", "our local councillors": an institution or office named by its kind
    rf"(?:the|our|your|their|this|that|every|each|all) (?:[\w'-]+ ){{0,3}}?(?:{AGENTS}))"
)
# a count before an ask, unset-off in captions: "second thing the board needs to freeze prices"
COUNTED_THING = (
    rf"\b{COUNT_THING},?\s+"
    # told to a body ("the board needs to"), not "one more thing you should know is ..."
    r"(?=(?:the|our|your|their|this|that|every|all)\s)"
)
# "Brasswing, if you're watching, patch in an offline mode": a body named, then told what to do;
# the frame says it is an order whatever the verb (no list of verbs knows "patch in"). Captions
# write it without commas: "and brasswing if you're watching patch in an offline mode".
IF_WATCHING_ORDER = re.compile(
    r"(?i)^(?:(?:and|so|but|now|okay|look|also),?\s+)*"
    r"(?!(?:quick|fair|just|for|a|an)\b)(?P<who>[\w'’&.-]+(?: [\w'’&.-]+){0,4}?),?\s+"
    r"if you(?:'re| are) (?:watching|listening|reading)(?: this)?,?\s+"
    # an aside first: "and I know somebody from your social team is, publish a proper timeline"
    r"(?:(?:and|but) [^,]{1,60},\s+)?"
    # not a statement, a thanks, a greeting, a reproach ("shame on you", "what were you thinking?") or
    # where they watch from ("if you're watching on mobile, the link is pinned")
    r"(?!(?:i|i'm|i've|you|you're|your|my|we|we're|it|it's|this|that|there|the|a|an|he|she|they|is|are|"
    r"was|were|have|has|had|do|does|did|can|could|will|would|should|must|not|no|nobody|and|but|so|or|"
    r"thank|thanks|sorry|hi|hello|hey|congratulations|congrats|cheers|well|happy|good|welcome|love|"
    r"respect|shame|what|why|how|who|when|where|on|in|from|with|at|for|to|of|don't worry|do not worry)\b)"
    r"(?P<order>\w[^?]*)$"
)
