"""The offline extractors: v4 (the default; a classifier weighs the rules' evidence and a
sentence embedding) and v1 (``--extractor rules``, the rules alone). Both type sentences, then
merge continuations into multi-sentence arguments that stand alone. A title, heading, byline or
credit line of an imported text is never an argument; a title that states a position becomes one
(:mod:`.title`). Version 3 (issue 10) changed what counts: the story's reported facts are claims,
channel housekeeping is not a call to action, and the classifier also reads caption-form text.
Version 2 rows stay in stores beside version 3's until they are re-extracted."""

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


def says_nothing(text: str) -> bool:
    """A short reply (eight words or fewer, no order: "Vote no." is one) with no word of content,
    or one beside an acknowledgement ("Exactly, fair point"); "It's a scam." still says something."""
    words = re.findall(r"[\w'’]+", rules.strip_filler(text).lower().replace("’", "'"))
    if len(words) > 8 or (words and words[0] in rules.IMPERATIVE_VERBS):
        return False
    content = sum(w not in _REPLY_WORDS for w in words)
    return content == 0 or (content == 1 and any(w in _ACKNOWLEDGING for w in words))


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
        text = " ".join(rules.attribute(s.text, doc.commentator) for s in sents)
    else:
        text = " ".join(rules.clean_text(s.text) for s in sents)
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
    """Offline default (v4): the rules' evidence and a sentence embedding, weighed by a classifier.

    The rules still decide who is speaking, the target, the rewritten text and which sentences
    merge; a logistic regression trained on the development set (:mod:`.classifier`) decides the
    type, because that is where rules tuned by hand did not carry over to new commentary.
    """

    name = "default"
    # 4: v3's classifier and weights; around it, two speakers' sentences never merge, replies that only
    # agree and the host steering the show are not arguments, and another person's "they" is kept
    version = "4"

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
            if says_nothing(text):
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
