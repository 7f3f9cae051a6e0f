"""Key point headings: the anchor argument's statement without its spoken frame (compare/wording.py)."""

from __future__ import annotations

import pytest

from argmap.pipeline.compare.wording import key_point_wording


@pytest.mark.parametrize(
    ("said", "heading"),
    [
        ("Third, don't buy the Gen 4 just because they're rushing you.",
         "Don't buy the Gen 4 just because they're rushing you."),
        ("second thing the board needs to freeze prices for one season",
         "The board needs to freeze prices for one season"),
        ("Here's what really bugs me: their own product page said it was built to last a decade.",
         "Their own product page said it was built to last a decade."),
        ("So, my verdict: I think the council is treating tenants like a revenue stream.",
         "The council is treating tenants like a revenue stream."),
        ("I think lawmakers need to force companies to print a support date on the box.",
         "Lawmakers need to force companies to print a support date on the box."),
        ("And finally, if you bought one last year, ask for a refund.",
         "If you bought one last year, ask for a refund."),
        ("I think iPhones are overpriced.", "iPhones are overpriced."),
        ("I feel like the council ignored everyone.", "The council ignored everyone."),
        ("Last, but not least, keep your receipts.", "Keep your receipts."),
    ],
)  # fmt: skip
def test_the_frame_goes_and_the_statement_stays(said: str, heading: str) -> None:
    assert key_point_wording(said) == heading


@pytest.mark.parametrize(
    "said",
    [
        "Hearthly made one mistake: it chose a cheap chip.",  # a claim's colon, not a frame
        # a count that is the subject, not a place in a list
        "Last thing the fans need is another price rise.",
        "Next thing the council does is raise rents.",
        # a lead-in that takes a side, or says who said it, is part of the statement
        "I disagree with people who say: the lido is a money pit.",
        "Their CEO told me: the Gen 2 will get updates until 2030.",
        "My problem is not the price: it's the lack of support.",
        # no hedge: "I believe in", "I think about", one set off by a comma
        "I believe in second chances for the club's board.",
        "I think about this every time the price goes up.",
        "I think, and I could be wrong, the club will move.",
        "First, second and third place all went to Hearthly products.",
        'The spokesperson said: "We will not change course."',
        "I think so.",  # nothing would be left to stand alone
        "The council should publish the valuation before anything is signed.",
    ],
)
def test_a_statement_without_a_frame_is_unchanged(said: str) -> None:
    assert key_point_wording(said) == said
