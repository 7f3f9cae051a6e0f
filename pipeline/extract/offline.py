"""The offline extractors: v2 (the default; a classifier weighs the rules' evidence and a
sentence embedding) and v1 (``--extractor rules``, the rules alone). Both type sentences, then
merge continuations into multi-sentence arguments that stand alone."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from argmap.pipeline.document import Sentence, TranscriptDoc
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract import classifier, rules
from argmap.pipeline.extract.base import ExtractionResult, dedupe, make_argument
from argmap.store import Argument

# A sentence opening like this continues the previous one's argument.
_CONTINUATION = re.compile(
    r"^(?:and|because|'cause|cause|so|which|also|plus|in fact|especially|that's why|this is why|"
    r"that is why|otherwise|even|not only|instead|and that|this|that|it|they|these|those|again|worse|"
    r"what's more|on top of that|moreover|furthermore)\b",
    re.I,
)
MAX_MERGE = 3


class RuleExtractor:
    """Offline, model-free extractor (v1, ``--extractor rules``): sentence rules, then merging."""

    name = "default"
    version = "1"

    def __init__(self, **options: Any):
        if options:
            raise ConfigError(f"the default extractor takes no options (got {', '.join(sorted(options))})")

    def extract(self, doc: TranscriptDoc) -> ExtractionResult:
        verdicts = rules.classify_all([s.text for s in doc.sentences], doc.commentator)
        return typed_result(doc, verdicts, self.name, self.version)


def merge_groups(
    sentences: Sequence[Sentence], verdicts: Sequence[rules.Verdict]
) -> list[tuple[list[Sentence], rules.Verdict]]:
    """Typed sentences into arguments: a continuation of the same type joins the one before."""
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
    groups = merge_groups(doc.sentences, verdicts)
    args = [rule_argument(doc, sents, verdict, extractor, version) for sents, verdict in groups]
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
    """Offline default (v2): the rules' evidence and a sentence embedding, weighed by a classifier.

    The rules still decide who is speaking, the target, the rewritten text and which sentences
    merge; a logistic regression trained on the development set (:mod:`.classifier`) decides the
    type, because that is where rules tuned by hand did not carry over to new commentary.
    """

    name = "default"
    version = "2"

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
        return typed_result(doc, self.verdicts(doc.sentences, doc.commentator), self.name, self.version)
