"""The offline extractors: v5 (the default; a classifier weighs the rules' evidence and a
sentence embedding) and v1 (``--extractor rules``, the rules alone). Both type sentences, then
merge continuations into multi-sentence arguments that stand alone. A title, heading, byline or
credit line of an imported text is never an argument; a title that states a position becomes one
(:mod:`.title`). Version 3 (issue 10) changed what counts: the story's reported facts are claims,
channel housekeeping is not a call to action, and the classifier also reads caption-form text.
Versions 4 and 5 changed the rules around the same classifier (see ``ClassifierExtractor.version``).
Older rows stay in stores beside the new version's until they are re-extracted."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from argmap.pipeline.document import Sentence, TranscriptDoc
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract import classifier, rules
from argmap.pipeline.extract.base import ExtractionResult, dedupe, make_argument
from argmap.pipeline.extract.title import title_argument
from argmap.store import Argument

# A sentence opening like this continues the previous one's argument.
_CONTINUATION = re.compile(
    r"^(?:and|because|'cause|cause|so|which|also|plus|in fact|especially|that's why|this is why|"
    r"that is why|otherwise|even|not only|instead|and that|this|that|it|they|these|those|again|worse|"
    r"what's more|on top of that|moreover|furthermore)\b",
    re.I,
)
MAX_MERGE = 3


# Asks that serve the channel rather than the world: housekeeping, not calls to action (v3's
# definition; the frozen cues the classifier reads still call them calls, and a dozen relabelled
# examples do not always outweigh that).
_CHANNEL_ASK = re.compile(
    r"\b(?:subscrib\w*|hit (?:that|the) (?:like|bell|subscribe)|smash (?:that|the) like|"
    r"like (?:this|the) video|(?:leave|drop) (?:a|your) (?:comment|question)s?|comment below|in the comments|"
    r"let me know|"
    r"share (?:this|the) video|patreon|channel members?|become a member|use (?:the )?code|"
    r"link (?:is )?(?:in the description|down below)|(?:see|catch) you (?:next|in the)|watch-along)\b",
    re.I,
)
_WORLD_ASK = re.compile(
    r"\b(?:vote|petition|sign (?:it|the|up to)|call your|write to|contact your|donat\w+|consultation|"
    r"representatives?|council\w*|mp\b|senator|boycott|volunteer|protest|register)",
    re.I,
)


# The host steering their own show ("Let me ask you about ...", "Let's jump into ...") asks
# nothing of the audience or the world.
_STEERING = re.compile(
    r"^(?:let me (?:ask|show|bring|read|put|pull|explain|walk|turn|play|share|tell you|say)|"
    r"let's (?:jump|talk|look|turn|move on|dive|break|recap|discuss|begin|pull|take a look|switch|head over|"
    r"wrap|come back|get back|get into|get started|start with|go through|go over|see what|see how))\b",
    re.I,
)


def _channel_housekeeping(text: str) -> bool:
    if _WORLD_ASK.search(text):
        return False  # "Let me be clear: vote no" still asks something of the world
    return bool(_STEERING.match(rules.strip_filler(text) or text) or _CHANNEL_ASK.search(text))


# Replies that only agree or acknowledge ("It does, yeah.", "I'd agree with that.", "Exactly.")
# carry no proposition of their own; as arguments they filled maps of conversations.
_REPLY_TEXT = """a an the and or but so it it's that that's this is was does do did i i'd i'm you we they
    with to of yes yeah yep no nope exactly right agree agreed sure okay ok well true totally absolutely
    definitely indeed me too fair enough point good great actually really just on there completely quite"""
_REPLY_WORDS = frozenset(_REPLY_TEXT.split())
_ACK_TEXT = "agree agreed exactly yeah yes yep right true sure indeed fair okay ok absolutely"
_ACKNOWLEDGING = frozenset(_ACK_TEXT.split())


# A call to action asks: an order, a modal, "please", "I'd urge", "it's time", a report that
# someone urges; a sentence with none of these ("that library doesn't exist for you") is not
# one, whatever the classifier makes of its "you". Generous on purpose: it only vetoes.
_ASKING = re.compile(
    r"\b(?:i(?:'d| would)(?: really| just| strongly)? (?:say|ask|urge|encourage|recommend|suggest)|"
    r"i(?:'m| am) asking|we(?:'re| are) asking|(?:i|we) (?:ask|urge|call on|beg)|"
    r"i'd like (?:you|everyone|people|us)|it's time|time (?:for|to)|we need|let's|let us|please|"
    r"come (?:down|along|and|to|out)|turn up|show up|get involved|get in touch|make sure|don't|do not|"
    r"never|should|shouldn't|must|ought|need to|needs to|have to|has to|got to|gotta|had better|"
    r"urges?|urged|calls? (?:on|for)|called (?:on|for)|demands?|demanded|encourages?|implores?|"
    r"appeals? to|pleads?|you can (?:\w+ )?(?:join|sign|help|apply|register|volunteer|donate|vote|attend|"
    r"email|write|call|contact|book|fill|come|go|get|find|try|check))\b",
    re.I,
)
_CLAUSE_START = re.compile(r"(?:^|[,;:]\s*|\b(?:and|so|then|or|but)\s+)", re.I)
_CONDITION = re.compile(r"^(?:(?:and|so|but|now|well)\s+)*(?:if|when|once|before|whenever|while)\b", re.I)
_ORDER_VERBS = rules.IMPERATIVE_VERBS | {"back", "come", "attend", "email", "text", "report", "visit", "look"}
_NOT_ORDERED_TEXT = """i you we they he she it people to will would can could 'll do did does don't might may
    must should not never who that which there i'm you're we're they're"""
_NOT_ORDERED = frozenset(_NOT_ORDERED_TEXT.split())


def asks(text: str, rule: rules.Verdict) -> bool:
    """Whether ``text`` asks anyone to do anything (see :data:`_ASKING`)."""
    if rule.type == "call_to_action" or _ASKING.search(text) or rules.CTA_FIRST_PERSON.search(text):
        return True
    if any(rules._imperative(c.split()) for c in _CLAUSE_START.split(text) if c and c.split()):
        return True
    if _CONDITION.match(text):  # "if you live in the state call your representative" (no commas)
        words = re.findall(r"[\w'’]+", text.lower())
        return any(w in _ORDER_VERBS and words[i - 1] not in _NOT_ORDERED for i, w in enumerate(words) if i)
    return False


# "Fenwick has already said she'll move an amendment": someone else's intention, relayed as news.
# The subject is a name or "he"/"they", or (captions write no capitals) an office or a "the ..."
# phrase of a few words: "councillor ruth adeyemi who leads the council said ...".
_OFFICE = (
    r"(?i:(?:the|a|an|this|that|our|their|his|her|its|one|some|councillor|councilor|minister|mayor|senator|"
    r"president|professor|doctor|dr|mr|mrs|ms|chief|spokesperson|spokesman|spokeswoman)\b(?: [\w'’-]+){0,8}?)"
)
_RELAYED = re.compile(
    rf"^(?!(?:I|I'm|I've|I'd|We|You|Let's)\b)(?P<subj>{rules.REPORT_SUBJECT}|{_OFFICE})(?:,[^,]{{1,40}},)?\s+"
    r"(?i:(?:has |have |had )?(?:already |also |just )?"
    r"(?:said|says|told|tells|announced|stated|confirmed|promised|pledged|vowed|wrote|tweeted|posted|"
    r"reported|claimed|argued|insisted|suggested|proposed))\b"
)


def relays(text: str, commentator: str | None, summary: bool) -> bool:
    """Whether ``text`` reports what someone other than the commentator said."""
    m = _RELAYED.match(rules.strip_filler(text))
    if m is None:
        return False
    subject = m.group("subj")
    if summary and rules.PRONOUN_START.match(subject):
        return False  # a summary's "He said ..." is the commentator
    return not rules._is_commentator(subject, commentator)


# Signposts name what comes next ("The second thing is safety.", a list's "Under the plan:") or
# close ("I think that's everything."): the argument is in the sentences they announce.
_SIGNPOST = re.compile(
    r"^(?:(?:the|my|our|a|one|another) )?(?:(?:first|second|third|fourth|fifth|next|last|final|other|main|"
    r"big|bigger|real) )?(?:thing|point|issue|problem|concern|question|reason|worry|part)s? "
    r"(?:is|are|was)(?: (?:about|that of))?(?: \S+){0,3}?[.!]?$|"
    r"^(?:i think )?(?:that's|that is|that was) (?:everything|all|it)(?: (?:from me|for me|for now|i've got|"
    r"i have|i wanted to say|really))?[.!]?$",
    re.I,
)


def signposts(text: str) -> bool:
    if text.rstrip().endswith(":"):
        return True  # a lead-in ("Under the plan:"): what it announces follows
    core = re.sub(r"^(?:i think,?\s*)+", "I think ", rules.strip_filler(text), flags=re.I)
    return bool(_SIGNPOST.match(core.strip()))


def says_nothing(text: str) -> bool:
    """A short reply (eight words or fewer, no order: "Vote no." is one) with no word of content,
    or one beside an acknowledgement ("Exactly, fair point"); "It's a scam." still says something."""
    words = re.findall(r"[\w'’]+", rules.strip_filler(text).lower().replace("’", "'"))
    if len(words) > 8 or (words and words[0] in rules.IMPERATIVE_VERBS):
        return False
    content = sum(w not in _REPLY_WORDS for w in words)
    return content == 0 or (content == 1 and any(w in _ACKNOWLEDGING for w in words))


def _best(p: Any, labels: Sequence[str]) -> str:
    return max(labels, key=lambda label: float(p[classifier.LABELS.index(label)]))


class RuleExtractor:
    """Offline, model-free extractor (v1, ``--extractor rules``): sentence rules, then merging."""

    name = "default"
    version = "1"

    def __init__(self, **options: Any):
        if options:
            raise ConfigError(f"the default extractor takes no options (got {', '.join(sorted(options))})")

    def extract(self, doc: TranscriptDoc) -> ExtractionResult:
        verdicts = over_prose(
            doc.sentences, lambda ss: rules.classify_all([s.text for s in ss], doc.commentator)
        )
        return typed_result(doc, verdicts, self.name, self.version)


_STRUCTURE = rules.Verdict("other", 0.95, rule="structure")


def over_prose(
    sentences: Sequence[Sentence], judge: Callable[[Sequence[Sentence]], list[rules.Verdict]]
) -> list[rules.Verdict]:
    """Verdicts for every sentence, ``judge`` seeing only the prose: a title, heading, byline or
    credit line is never an argument, and never a neighbour that a classifier reads context from."""
    prose = [s for s in sentences if not s.is_structure]
    judged = iter(judge(prose) if prose else [])
    return [_STRUCTURE if s.is_structure else next(judged) for s in sentences]


def merge_groups(
    sentences: Sequence[Sentence],
    verdicts: Sequence[rules.Verdict],
    speaker_of: Callable[[Sentence], str | None] = lambda _: None,
) -> list[tuple[list[Sentence], rules.Verdict]]:
    """Typed sentences into arguments: a continuation of the same type, said by the same speaker,
    joins the one before ("That lines up with ..." from the host is not the guest's argument)."""
    groups: list[tuple[list[Sentence], rules.Verdict]] = []
    previous: Sentence | None = None
    for sent, verdict in zip(sentences, verdicts, strict=True):
        if (
            groups
            and previous is not None
            and is_tail(previous, sent)
            and speaker_of(previous) == speaker_of(sent)
            and verdict.type in ("other", groups[-1][1].type)
        ):
            # The rest of a sentence that was cut at a comma: what it adds stays with the argument
            # ("..., and we're holding a rally on Thursday, before the meeting,").
            groups[-1] = ([*groups[-1][0], sent], groups[-1][1])
            previous = sent
            continue
        if verdict.type == "other":
            previous = None
            continue
        if (
            groups
            and previous is not None
            and previous.idx == sent.idx - 1
            and speaker_of(previous) == speaker_of(sent)
            and groups[-1][1].type == verdict.type
            and len(groups[-1][0]) < MAX_MERGE
            and not verdict.attributed
            and _CONTINUATION.match(rules.strip_filler(sent.text) or sent.text)
        ):
            members, first = groups[-1]
            merged = first
            if verdict.confidence > first.confidence or (first.target is None and verdict.target):
                merged = rules.Verdict(
                    first.type,
                    max(first.confidence, verdict.confidence),
                    first.target or verdict.target,
                    first.rule,
                    first.attributed,
                )
            groups[-1] = ([*members, sent], merged)
        else:
            groups.append(([sent], verdict))
        previous = sent
    return groups


def is_tail(previous: Sentence, sent: Sentence) -> bool:
    """Whether ``sent`` is the rest of ``previous``'s sentence: a long run-on cut after a comma
    (:mod:`argmap.pipeline.document`), so it opens in lower case where the other ended on a mark."""
    return (
        previous.idx == sent.idx - 1
        and previous.text.rstrip()[-1:] in _CLAUSE_END
        and sent.text.lstrip()[:1].islower()
    )


_CLAUSE_END = frozenset(",;:—–")


def _units(sents: Sequence[Sentence]) -> list[str]:
    """The texts of ``sents`` with each tail joined back onto the sentence it was cut from."""
    out: list[str] = []
    for i, s in enumerate(sents):
        if i and is_tail(sents[i - 1], s):
            out[-1] = f"{out[-1]} {s.text}"
        else:
            out.append(s.text)
    return out


def typed_result(
    doc: TranscriptDoc, verdicts: Sequence[rules.Verdict], extractor: str, version: str
) -> ExtractionResult:
    """The arguments of ``doc`` given a verdict per sentence: merged, made to stand alone, deduped."""
    groups = merge_groups(doc.sentences, verdicts, doc.speaker_of)
    args = [rule_argument(doc, sents, verdict, extractor, version) for sents, verdict in groups]
    from_title = title_argument(doc, extractor, version)
    if from_title is not None:
        args.append(from_title)
    return ExtractionResult(arguments=dedupe(args), extractor=extractor, version=version)


def rule_argument(
    doc: TranscriptDoc, sents: list[Sentence], verdict: rules.Verdict, extractor: str, version: str
) -> Argument:
    """An argument whose text is its sentences made to stand alone (attributed or cleaned)."""
    quote = " ".join(s.text for s in sents)
    if verdict.attributed:
        text = " ".join(rules.attribute(u, doc.commentator) for u in _units(sents))
    else:
        text = " ".join(rules.clean_text(u) for u in _units(sents))
    if text[-1:] in _CLAUSE_END:
        text = text[:-1].rstrip() + "."  # an argument that ends where a comma was cut
    return make_argument(
        doc,
        sents,
        type=verdict.type,
        text=text or quote,
        quote=quote,
        extractor=extractor,
        version=version,
        target=verdict.target,
        confidence=verdict.confidence,
    )


class ClassifierExtractor:
    """Offline default (v5): the rules' evidence and a sentence embedding, weighed by a classifier.

    The rules still decide who is speaking, the target, the rewritten text and which sentences
    merge; a logistic regression trained on the development set (:mod:`.classifier`) decides the
    type, because that is where rules tuned by hand did not carry over to new commentary.
    """

    name = "default"
    # 4: v3's classifier and weights; around it, two speakers' sentences never merge, replies that only
    # agree and the host steering the show are not arguments, and another person's "they" is kept.
    # 5: a call to action must ask something and is never someone else's plan relayed; signposts are
    # not arguments; the rest of a run-on cut at a comma stays with its argument
    version = "5"

    def __init__(
        self,
        model: classifier.SentenceModel | None = None,
        embed: Callable[[Sequence[str]], Any] | None = None,
        **options: Any,
    ):
        if options:
            raise ConfigError(f"the default extractor takes no options (got {', '.join(sorted(options))})")
        # Both are for training and cross-validation; users get the shipped weights and model.
        self._model = model
        self._embed = embed

    @property
    def model(self) -> classifier.SentenceModel:
        if self._model is None:
            self._model = classifier.load_model()
        return self._model

    def verdicts(self, sentences: Sequence[Sentence], commentator: str | None) -> list[rules.Verdict]:
        texts = [s.text for s in sentences]
        if not texts:
            return []
        summary = rules.is_summary(texts, commentator)
        ruled = [rules.classify(t, commentator, summary=summary) for t in texts]
        model = self.model
        vectors = (self._embed or classifier.embed)(texts) if model.uses_embedding else None
        probs = model.probabilities(classifier.features(texts, commentator, vectors, model.mode))
        out = []
        for text, rule, p in zip(texts, ruled, probs, strict=True):
            label = classifier.LABELS[int(p.argmax())]
            conf = float(p.max())
            if label == "call_to_action" and _channel_housekeeping(text):
                label = "other"  # "hit subscribe", "use code NATE": asks for the channel, not the world
            if label == "call_to_action" and relays(text, commentator, summary):
                label = _best(p, ("claim", "critique"))  # the story's news, as reported
            elif label == "call_to_action" and not asks(text, rule):
                label = _best(p, ("claim", "critique", "other"))
            if says_nothing(text) or signposts(text):
                label = "other"
            if label == rule.type:
                out.append(rules.Verdict(label, conf, rule.target, f"model:{rule.rule}", rule.attributed))
                continue
            # The model overruled the rules: keep the rules' reading of who speaks, find a target anew.
            attributed = rule.attributed or (
                summary and bool(rules.PRONOUN_START.match(rules.strip_filler(text)))
            )
            target = None if label in ("call_to_action", "other") else rules._proper_noun(text, commentator)
            out.append(rules.Verdict(label, conf, target, "model", attributed))
        return out

    def extract(self, doc: TranscriptDoc) -> ExtractionResult:
        verdicts = over_prose(doc.sentences, lambda ss: self.verdicts(ss, doc.commentator))
        return typed_result(doc, verdicts, self.name, self.version)
