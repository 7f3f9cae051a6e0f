"""The offline extractors: v7 (the default; a classifier weighs the rules' evidence and a
sentence embedding) and v1 (``--extractor rules``, the rules alone). Both type sentences, then
merge continuations into multi-sentence arguments that stand alone. A title, heading, byline or
credit line of an imported text is never an argument; a title that states a position becomes one
(:mod:`.title`). Version 3 (issue 10) changed what counts: the story's reported facts are claims,
channel housekeeping is not a call to action, and the classifier also reads caption-form text.
Versions 4 to 7 changed the rules around the same classifier (see ``ClassifierExtractor.version``).
Older rows stay in stores beside the new version's until they are re-extracted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from argmap.pipeline.document import Sentence, TranscriptDoc
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract import classifier, rules
from argmap.pipeline.extract.base import ExtractionResult, dedupe, make_argument
from argmap.pipeline.extract.channel_talk import advertises_or_closes, channel_housekeeping, sponsor_reads
from argmap.pipeline.extract.no_critique import bare_figure, praises, tallies, withholds
from argmap.pipeline.extract.targets import proper_noun
from argmap.pipeline.extract.title import title_argument
from argmap.pipeline.extract.vetoes import (
    announces,
    aside,
    asks,
    asks_a_body,
    complains,
    hearsay,
    how_to_steps,
    opens_with_order,
    poses,
    relays,
    says_nothing,
    signposts,
    turns,
)
from argmap.pipeline.sayers import SAYER_LOOKBACK, name_the_sayer
from argmap.pipeline.text import CLAUSE_MARKS, full_stop, word_key
from argmap.store import Argument

# A sentence opening like this continues the previous one's argument.
_CONTINUATION = re.compile(
    r"^(?:and|because|'cause|cause|so|which|also|plus|in fact|especially|that's why|this is why|"
    r"that is why|otherwise|even|not only|instead|and that|this|that|it|they|these|those|again|worse|"
    r"what's more|on top of that|moreover|furthermore)\b",
    re.I,
)
# ... unless it turns against it: "But, and it's a big but, the lad can finish." answers the
# critique before it (filler removal would leave "it's a big but ...", a continuation).
_CONTRAST = re.compile(
    r"^(?:but|however|yet|although|though|that said|having said that|on the other hand)\b", re.I
)
MAX_MERGE = 3
# the speaker's hedge before a view: "Honestly, I think ...", "I'd say ...", "I believe that ..."
_HEDGED = re.compile(
    r"^(?:(?:so|well|and|honestly|look|now)\b,?\s*)*i(?:['’]d| would)?\s+(?:really\s+)?(?:think|say|believe|"
    r"reckon|feel|guess)\b(?:\s+that\b)?,?\s*",
    re.I,
)
#: how the rest of a long sentence cut at a comma opens when it is a clause that may stand apart;
#: "and which was then pushed through ..." goes on with the relative clause before it, no clause of its own
_OWN_CLAUSE = re.compile(
    r"^(?:and|but|so|yet|or|because|'cause|while|whereas|although|though)\b(?!\s+(?:which|who|whom|whose)\b)",
    re.I,
)


#: how close the model's two readings must be for the rules' reading to decide between them
TIE_MARGIN = 0.1
_ARGUMENT_TYPES = ("claim", "critique", "call_to_action")


def _near_tie(p: Any, label: str, ruled: str) -> bool:
    if label == ruled or label not in _ARGUMENT_TYPES or ruled not in _ARGUMENT_TYPES:
        return False
    index = classifier.LABELS.index
    return float(p[index(label)]) - float(p[index(ruled)]) <= TIE_MARGIN


#: the model's probability of a claim at which a view passed on, read as nothing, is taken as one
RELAYED_CLAIM = 0.25


def _claim_odds(p: Any) -> float:
    return float(p[classifier.LABELS.index("claim")])


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
            and (verdict.type in ("other", groups[-1][1].type) or not _OWN_CLAUSE.match(sent.text))
        ):
            # The rest of a sentence that was cut at a comma: what it adds stays with the argument
            # ("..., and we're holding a rally on Thursday, before the meeting,"), whatever type it
            # reads as alone, unless it opens a clause of its own (", and the council should ..."):
            # "the usual impact assessment ..., will ruin the old town" is the middle of a list.
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
            and not _CONTRAST.match(sent.text.lstrip(" \"'“‘"))
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


# An answer that leans on the question before it: "Yeah, ...", "Absolutely not.", or a first
# clause that stops at its auxiliary ("I probably would, but ...", "It does.").
_ANSWER = re.compile(
    r"^(?:(?:so|well|and|honestly|look|okay|ok)\b,?\s*)*(?:(?:yes|yeah|yep|yup|no|nope|nah|absolutely|"
    r"definitely|of course|short answer)\b|(?:[\w'’]+\s+){0,3}(?:would|wouldn['’]t|do|don['’]t|does|"
    r"doesn['’]t|did|didn['’]t|is|isn['’]t|are|aren['’]t|was|wasn['’]t|will|won['’]t|can|can['’]t|should|"
    r"shouldn['’]t|have|haven['’]t)(?:\s+not)?\s*(?:[,.;!]|$))",
    re.I,
)


def question_answered(
    doc: TranscriptDoc, sent: Sentence, verdicts: Sequence[rules.Verdict]
) -> Sentence | None:
    """The question the speaker asked just before ``sent`` when ``sent`` answers it in words that
    need it ("So would I buy it again?" "Yeah, I probably would, but ..."), else None."""
    i = sent.idx
    if i == 0 or not _ANSWER.match(sent.text.lstrip(" \"'“‘")):
        return None
    asked = doc.sentences[i - 1]
    if verdicts[i - 1].type != "other" or not asked.text.rstrip(" \"'”’").endswith("?"):
        return None
    return asked if doc.speaker_of(asked) == doc.speaker_of(sent) else None


def is_tail(previous: Sentence, sent: Sentence) -> bool:
    """Whether ``sent`` is the rest of ``previous``'s sentence: a long run-on cut after a comma
    (:mod:`argmap.pipeline.document`), so it opens in lower case where the other ended on a mark."""
    return (
        previous.idx == sent.idx - 1
        and previous.text.rstrip()[-1:] in CLAUSE_MARKS
        and sent.text.lstrip()[:1].islower()
    )


def _units(sents: Sequence[Sentence]) -> list[str]:
    """The texts of ``sents`` with each tail joined back onto the sentence it was cut from."""
    out: list[str] = []
    for i, s in enumerate(sents):
        if i and is_tail(sents[i - 1], s):
            out[-1] = f"{out[-1]} {s.text}"
        else:
            out.append(s.text)
    return out


def _joined(units: Iterable[str]) -> str:
    """Sentences as one text; one without a closing mark (captions) gets a full stop before the next,
    so "only 36 are affordable This isn't ..." reads "only 36 are affordable. This isn't ..."."""
    out = [u for u in units if u]
    return " ".join([*map(full_stop, out[:-1]), *out[-1:]])


def typed_result(
    doc: TranscriptDoc, verdicts: Sequence[rules.Verdict], extractor: str, version: str
) -> ExtractionResult:
    """The arguments of ``doc`` given a verdict per sentence: merged, made to stand alone, deduped."""
    groups = merge_groups(doc.sentences, verdicts, doc.speaker_of)
    args = said_once(
        [
            rule_argument(doc, sents, verdict, extractor, version, question_answered(doc, sents[0], verdicts))
            for sents, verdict in groups
        ]
    )
    from_title = title_argument(doc, extractor, version)
    if from_title is not None:
        args.append(from_title)
    if doc.names:  # captions: names the store knows, written as written (the quote stays as said)
        args = [replace(a, text=doc.spelt(a.text)) for a in args]
    return ExtractionResult(arguments=dedupe(args), extractor=extractor, version=version)


def said_once(args: Sequence[Argument]) -> list[Argument]:
    """``args`` without the later copies of one text: an article's pull quote repeats a sentence
    of its body, a speaker a line; the map holds the point once, where it was first made."""
    seen: set[str] = set()
    out = []
    for a in args:
        key = word_key(a.text)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def rule_argument(
    doc: TranscriptDoc,
    sents: list[Sentence],
    verdict: rules.Verdict,
    extractor: str,
    version: str,
    asked: Sentence | None = None,
) -> Argument:
    """An argument whose text is its sentences made to stand alone (attributed or cleaned); an
    answer that needs its question (``asked``) has it before it in the text, not in the quote."""
    quote = " ".join(s.text for s in sents)
    if verdict.attributed:
        text = _joined(rules.attribute(u, doc.commentator) for u in _units(sents))
    else:
        text = _joined(rules.clean_text(u) for u in _units(sents))
        first = sents[0]
        earlier = doc.sentences[max(0, first.idx - SAYER_LOOKBACK) : first.idx]
        text = name_the_sayer(text, [s.text for s in earlier if doc.speaker_of(s) == doc.speaker_of(first)])
    if asked is not None:
        text = f"{rules.clean_text(asked.text)} {text}"
    if text[-1:] in CLAUSE_MARKS:
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
    """Offline default (v7): the rules' evidence and a sentence embedding, weighed by a classifier.

    The rules still decide who is speaking, the target, the rewritten text and which sentences
    merge; a logistic regression trained on the development set (:mod:`.classifier`) decides the
    type, because that is where rules tuned by hand did not carry over to new commentary.
    """

    name = "default"
    # 4: v3's classifier and weights; around it, two speakers' sentences never merge, replies that only
    # agree and the host steering the show are not arguments, and another person's "they" is kept.
    # 5: a call to action must ask something and is never someone else's plan relayed; signposts are
    # not arguments; the rest of a run-on cut at a comma stays with its argument
    # 6: someone else's verdict passed on unendorsed is a claim; the show's agenda and talk about the
    # talk are not arguments, nor is an aside about the recording; restarts are written once; a
    # repeated sentence is one argument
    # 7: where the model's two likeliest argument types are within TIE_MARGIN the rules decide; an
    # order after naming whom it is for is a call to action; a host's "In this video I ..." does not
    # make the transcript a summary; the steps of a method, sponsor reads and closing the segment
    # are not arguments; a sentence opening on "But" never merges into the one before; a view
    # passed on that the model reads as nothing is a claim when it gives a claim RELAYED_CLAIM
    # 8: a question the model reads as a claim is no argument; an order by its grammar is a call to
    # action whatever the model reads; more of a method's steps are found
    # 9: a mild complaint ("that annoyed me", "my gripe", "I wasn't impressed") is a critique;
    # "In other news," opens like "If you missed it,"
    # 10: an argument's text writes auto-captions' pronoun "i" as "I" (the quote stays as said); a
    # target is never a day or month, nor the news source ("According to Bloomberg, Meta ..."); an
    # answer that needs its question ("Would I buy it again? I probably would ...") has it in its text;
    # "I think the council should ..." is a call when the model reads the body so; "Today Alex and I
    # are arguing about ..." is the show's agenda; "not good enough" is a complaint
    # 11: the classifier also learns from the 80 compare stories (eight other writers), dev weighing
    # three times a story sentence (benchmarks/train_extractor.py)
    # 12: praise with no negative word, negation or turn is a claim, not a critique ("the council made
    # the right call"); a verdict relayed under its sayer's office ("Opposition councillor Nadia
    # Sheikh called the vote a betrayal") or with "disputes", "warned", "denied" ... is news, a claim; a
    # target that opens the sentence keeps its first word ("Harrow Vale") and is never who said it; in
    # captions, an argument's text writes the names the store knows with their capitals
    # 14: narration that turns ("X talks about openness, but the consultation was a joke") judges;
    # declining to advise ("I'm not going to tell you what to do", "that's up to you") is no
    # argument; an order the model reads as nothing is still a call ("Come on the march on
    # Saturday"); "tickets sold out" is no complaint; "share this with ..." asks for the channel; a
    # sayer named after what was said with any reporting verb ("..., Mark Hale told reporters") is
    # not the target
    # 15: credit given at a sentence's start is praise with a negation in it ("Credit to the manager,
    # he never once blamed the players"); news that someone would not comment or disclose is a
    # claim ("Neither the club nor the developer would disclose the fee"); "well done" is no filler;
    # a "she" who said something is named from the sentences before ('..., Laura Fenn told reporters')
    # 16: a body named by its kind and told what to do is asked, where the model read a claim ("Every
    # other supermarket should follow ...", "The information commissioner needs to stop ...")
    # 17: "The other thing people are scared of is the council loan." turns to the next topic; praise
    # said by denying its opposite ("that's not nothing", "no small feat") is no critique
    # 18: an order after a count, a plea, a correction or a colon is still an order ("First: come
    # down on the first weekend", "Please, please fill it in", "Not scrap it, delay it", "this one's
    # for the council: publish the data"); "acting like that's nothing, it is not nothing" judges
    # 19: a question posed to be answered ("So what should you do?") and a favour done ("so you
    # don't have to") ask nothing; a count before an order needs no comma ("third read the papers");
    # "once it's gone it's gone" is no restart
    # 20: an order on a verb that is also a noun, with what it acts on ("file a complaint", "test your
    # alarm", "object to the sale"); a sign-off in the same breath ("anyway that's my take") is no
    # part of an argument's text
    # 21: a statement with a tag ("..., right?", "..., isn't it?") is no question; a few words that
    # only turn to the next topic ("Same with the fan advisory board.", "What about the petition?")
    # are no argument; a count before an ask of a body needs no comma ("second thing the board needs
    # to ..."); "let's say it's ..." supposes and asks nothing; a sponsor read runs from its opening to
    # its offer; a price alone ("It's £640 to £730.") is a figure, no critique
    # 22: a conjunction, a question word or a bare "this" before a should is nobody asked ("This
    # should worry everyone"); a body named "if you're watching" is told what follows ("Brasswing,
    # if you're watching, patch in an offline mode"); "That's why X should" asks; "let's be honest",
    # "let's not pretend", "you don't get to ..." and "I don't want a regulator deciding ..." ask
    # nothing; "grab a drink" settles the audience in; "they've said ..." passes words on (not "they
    # announced it on a bank holiday"); "X is fine" is no complaint, "not innocent" is one; a figure
    # alone or one word that judges nothing ("Eighty dollars.", "None.") is no argument
    version = "22"

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

    def verdicts(
        self,
        sentences: Sequence[Sentence],
        commentator: str | None,
        spelt: Callable[[str], str] | None = None,
    ) -> list[rules.Verdict]:
        """A verdict per sentence. ``spelt`` writes the names a caption text lacks capitals for
        (:meth:`TranscriptDoc.spelt`): who relays whose words, and whom a sentence is about, are
        read from capitals ("Gareth Pryce said ..."), the model from the words as said."""
        texts = [s.text for s in sentences]
        if not texts:
            return []
        named = [spelt(t) for t in texts] if spelt is not None else texts
        summary = rules.is_summary(texts, commentator)
        ruled = [rules.classify(t, commentator, summary=summary) for t in texts]
        model = self.model
        vectors = (self._embed or classifier.embed)(texts) if model.uses_embedding else None
        probs = model.probabilities(classifier.features(texts, commentator, vectors, model.mode))
        unhedged = self._unhedged_calls(texts, ruled, commentator)
        no_argument = how_to_steps(texts) | sponsor_reads(texts)  # a method's steps, an advert's lines
        out = []
        for i, (text, rule, p) in enumerate(zip(texts, ruled, probs, strict=True)):
            label = classifier.LABELS[int(p.argmax())]
            said = named[i]
            if rule.rule == "addressed":
                label = "call_to_action"  # "My message to the council: scrap it." names whom it asks
            elif _near_tie(p, label, rule.type):
                label = rule.type  # the model cannot tell them apart; the rules' evidence can
            if rule.rule == "question" and (label == "claim" or label == "call_to_action" and poses(text)):
                # "Why should any company pay the same for less time?" asks, argues nothing; "What
                # should you do?" poses the question its answer follows
                label = "other"
            elif (
                rule.rule == "imperative"
                and label != "call_to_action"
                and opens_with_order(text)
                and (
                    label != "other" or len(text.split()) > 3  # "Get over it.", "Go figure.": exclaimed
                )
            ):
                # "If you need long range, skip it", "Come on the march on Saturday": an order by its
                # grammar, whatever the model reads
                label = "call_to_action"
            elif label == "claim" and i in unhedged:
                label = "call_to_action"  # "I think the council should fund it": a call, said mildly
            elif label == "claim" and rule.rule == "modal" and asks_a_body(text):
                # "The airport has to publish the noise maps": a body told what to do, where the model
                # knew too few kinds of body ("supermarket", "commissioner") to read it as a call
                label = "call_to_action"
            elif label in ("claim", "other") and complains(text) and not hearsay(said, commentator, summary):
                label = "critique"  # "Another thing that annoyed me is the weight": a judgement, mildly put
            if label == "call_to_action" and channel_housekeeping(text):
                label = "other"  # "hit subscribe", "use code NATE": asks for the channel, not the world
            if label == "call_to_action" and relays(said, commentator, summary):
                label = _best(p, ("claim", "critique"))  # the story's news, as reported
            elif label == "call_to_action" and not asks(text, rule):
                label = _best(p, ("claim", "critique", "other"))
            if label == "other" and hearsay(said, commentator, summary) and _claim_odds(p) >= RELAYED_CLAIM:
                # "Some people on Twitter are saying he's a one-season wonder": the story's fact that
                # it is said is a claim by the definition, when the model gives it a fair chance
                label = "claim"
            if label == "critique" and hearsay(said, commentator, summary):
                label = "claim"  # someone else's verdict, passed on: the story's fact that it was said
            elif label == "other" and rule.rule == "report-narration" and turns(text):
                # "X talks about openness, but the consultation was a joke": narration, then a verdict
                label = _best(p, ("claim", "critique"))
            elif label == "other" and praises(text):
                label = "claim"  # "this is the right decision": a verdict the speaker stands behind
            elif label == "critique" and (praises(text) or tallies(text) or withholds(text)):
                # "the council made the right call": an evaluation, not a negative one; "The vote
                # was five to two.", "The club would not disclose the fee.": the story, as news
                label = "claim"
            conf = float(p[classifier.LABELS.index(label)])
            if rule.rule == "addressed":
                conf = max(conf, rule.confidence)
            if (
                i in no_argument
                or advertises_or_closes(text)
                or says_nothing(text)
                or bare_figure(text)
                or signposts(text)
                or announces(text)
                or aside(text)
            ):
                label = "other"
            if label == rule.type:
                target = rule.target
                if target is None and said != text and label in ("claim", "critique"):
                    target = proper_noun(said, commentator)
                out.append(rules.Verdict(label, conf, target, f"model:{rule.rule}", rule.attributed))
                continue
            # The model overruled the rules: keep the rules' reading of who speaks, find a target anew.
            attributed = rule.attributed or (
                summary and bool(rules.PRONOUN_START.match(rules.strip_filler(text)))
            )
            target = None if label in ("call_to_action", "other") else proper_noun(said, commentator)
            out.append(rules.Verdict(label, conf, target, "model", attributed))
        return out

    def _unhedged_calls(
        self, texts: Sequence[str], ruled: Sequence[rules.Verdict], commentator: str | None
    ) -> set[int]:
        """The sentences that open on the speaker's hedge ("I think", "I'd say") before a body the
        rules read as someone urged to act ("the council should fund it") and the model, reading
        that body without the hedge, takes for a call to action: a hedge marks the speaker's own
        view, which the model had learnt as a claim's sign, whatever followed it."""
        hedged = {i: _HEDGED.sub("", t, count=1) for i, t in enumerate(texts) if ruled[i].rule == "modal"}
        hedged = {i: body for i, body in hedged.items() if body != texts[i]}
        if not hedged:
            return set()
        bodies = list(hedged.values())
        vectors = (self._embed or classifier.embed)(bodies) if self.model.uses_embedding else None
        probs = self.model.probabilities(classifier.features(bodies, commentator, vectors, self.model.mode))
        calls = classifier.LABELS.index("call_to_action")
        return {i for i, p in zip(hedged, probs, strict=True) if int(p.argmax()) == calls}

    def extract(self, doc: TranscriptDoc) -> ExtractionResult:
        spelt = doc.spelt if doc.names else None
        verdicts = over_prose(doc.sentences, lambda ss: self.verdicts(ss, doc.commentator, spelt))
        return typed_result(doc, verdicts, self.name, self.version)
