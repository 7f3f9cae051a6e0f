"""Key point headings: the anchor argument's statement without its spoken frame (compare/wording.py)."""

from __future__ import annotations

import pytest

from argmap.pipeline.compare.wording import key_point_wording


@pytest.mark.parametrize(
    ("said", "heading"),
    [
        ("Third, don't buy the Gen 4 just because they're rushing you.",
         "Don't buy the Gen 4 just because they're rushing you."),
        ("Here's what really bugs me: their own product page said it was built to last a decade.",
         "Their own product page said it was built to last a decade."),
        ("So, my verdict: I think the council is treating tenants like a revenue stream.",
         "The council is treating tenants like a revenue stream."),
        ("I think lawmakers need to force companies to print a support date on the box.",
         "Lawmakers need to force companies to print a support date on the box."),
        ("And finally, if you bought one last year, ask for a refund.",
         "If you bought one last year, ask for a refund."),
        ("I think iPhones are overpriced.", "iPhones are overpriced."),
    ],
)  # fmt: skip
def test_the_frame_goes_and_the_statement_stays(said: str, heading: str) -> None:
    assert key_point_wording(said) == heading


@pytest.mark.parametrize(
    "said",
    [
        "Hearthly made one mistake: it chose a cheap chip.",  # a claim's colon, not a frame
        'The spokesperson said: "We will not change course."',
        "I think so.",  # nothing would be left to stand alone
        "The council should publish the valuation before anything is signed.",
    ],
)
def test_a_statement_without_a_frame_is_unchanged(said: str) -> None:
    assert key_point_wording(said) == said
