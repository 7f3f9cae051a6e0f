"""Who a sentence asks (extractor v22): a modal asks whoever stands before it, but a conjunction, a
question word or a bare "this" before a should is nobody ("This should worry everyone" expects), and
a body named with "if you're watching" is told what follows, whatever its verb."""

from __future__ import annotations

import pytest
from test_vetoes import types_by_quote


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Ofcom should step in before the next auction.", "Ofcom"),
        ("That has to change.", "That"),
        ("It should be raised, and tied to inflation.", "It"),
        ("Now Harrowfield needs to promise it will never happen again.", "Harrowfield"),
        ("The fine is tiny, and it should be doubled.", "it"),
        ("If they're trimming payouts, that money should go back into the artist pool.", "that money"),
        ("what congress should do is set a clear list that gets reviewed in public.", "congress"),
        ("That's why Halcyon should put the warning on every store page.", "Halcyon"),
        ("I think the fund should reopen that part of the deal.", "the fund"),
        # nobody is asked
        ("This should worry everyone.", None),
        ("that should speed things up massively.", None),
        ("Paying is a form of verification, because you have to give a card.", None),
        ("What should happen now?", None),
        ("Today we need to talk about vapes.", None),
        ("So painful cuts now are better than a rescue later.", None),
    ],
)
def test_the_rules_read_a_modal_as_asking_whoever_stands_before_it(text: str, who: str | None) -> None:
    from argmap.pipeline.extract.rules import CTA_MODAL

    m = CTA_MODAL.search(text)
    assert (m.group("who") if m else None) == who


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Brasswing, if you're watching, patch in an offline mode for the campaign.", "Brasswing"),
        ("and brasswing if you're watching patch in an offline mode", "brasswing"),  # captions
        ("Vaultly, if you're watching, honour what your founder said.", "Vaultly"),
        ("And Lumenline, if you're watching, and I know you are, publish a timeline.", "Lumenline"),
        # thanks, a greeting, or a statement is no order
        ("Malcolm, if you're watching this, thank you, from all of us.", None),
        ("So, brother, if you're listening, and I know you're not, I win.", None),
        ("Mum, if you're watching, hi!", None),
        ("Brasswing, if you're watching, you should be ashamed.", None),
        ("Brasswing, if you're watching, what were you thinking?", None),
        ("Valve, if you're watching, shame on you.", None),
        ("Valve, if you're watching, your launcher is a mess.", None),
        ("Quick note if you're watching on mobile the link is pinned below.", None),
        ("For anyone, if you're watching from Canada, prices differ.", None),
        ("Mum if you're watching don't worry.", None),
    ],
)
def test_a_body_named_if_watching_is_told_what_follows(text: str, who: str | None) -> None:
    from argmap.pipeline.extract.rules import classify

    rule = classify(text)
    assert (rule.target if rule.rule == "addressed" else None) == who


def test_a_call_to_a_named_body_survives_the_classifier_in_captions() -> None:
    line = "and brasswing if you're watching patch in an offline mode for the campaign"
    lines = ["so where did the money go it went to the shareholders", line]
    assert types_by_quote(lines, "Tobi").get(line) == "call_to_action"
