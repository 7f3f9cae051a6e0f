"""Spoken forms the default extractor must read as a listener does. v21: a statement with a tag
("..., right?") asserts it; a few words that only turn to the next topic ("Same with the fan advisory
board.") argue nothing; a count before an ask ("second thing the board needs to ...") still asks;
"let's say" supposes and asks nothing; a sponsor read runs over several sentences; a price alone
("It's £640 to £730.") is a figure, not a complaint. v22: framing ("let's be honest") and rebukes
("you don't get to ...") ask nothing; "grab a drink" is the channel's talk; "X is fine" praises; "they've
said" passes words on, "they announced it" does not."""

from __future__ import annotations

import pytest
from test_vetoes import types_by_quote


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("But you're still paying less than the league average of £765, right?", False),
        ("It's going to be the people using the stadium, isn't it?", False),
        ("The council knew about the cracks in 2019, didn't they?", False),
        ("That was a mess from start to finish, wasn't it?", False),
        ("Is it fair, right?", True),  # too short to assert anything before its tag
        # a question already, before its tag
        ("Why should fans pay more for less, eh?", True),
        ("Is that really fair to the fans, right?", True),
        ("Isn't it the fans who pay the wages, right?", True),
        # ... but a statement that opens like one is still a statement
        ("What they did to the fans was shameful, wasn't it?", False),
        ("Will Harding has been a disaster as chairman, hasn't he?", False),
        ("Who signed that off?", True),
        ("Have you seen your own energy bill?", True),
    ],
)
def test_a_tag_question_asserts_what_comes_before_its_tag(text: str, question: bool) -> None:
    from argmap.pipeline.extract.rules import classify

    assert (classify(text).rule in ("question", "question-cta")) is question


def test_a_tag_question_stays_an_argument() -> None:
    line = "But you're still paying less than the Albion League average of £765, right?"
    lines = ["Look, the club has done its sums on this one.", line]
    assert types_by_quote(lines, "Marcus Hale").get(line) == "claim"


@pytest.mark.parametrize(
    ("text", "turns"),
    [
        ("Same with the fan advisory board.", True),
        ("What about the petition?", True),
        ("And then the petition.", True),
        ("And the petition.", True),
        ("As for the away fee.", True),
        ("Moving on to the stadium plans.", True),
        # what happened, or a question with a clause, says something
        ("And then the club folded.", False),
        ("And then the council lied.", False),
        ("Then the money ran out.", False),
        ("What about the families who lose their homes?", False),
        ("Same with the board, they never listen.", False),
        ("same with the council they never listen", False),  # captions: no comma before the clause
        ("What about the money they promised?", False),
        ("How about the owners pay up?", False),  # a suggestion
        ("So what about the council's lies?", False),  # judges on its way
        ("Same goes for the club's greedy owners.", False),
        ("And the council lies.", False),
        ("And the fans pay.", False),
        ("And then the advisory board.", False),  # two words after "and then" may say what happens
        ("The council lied.", False),
    ],
)
def test_a_few_words_that_only_turn_to_the_next_topic_are_a_signpost(text: str, turns: bool) -> None:
    from argmap.pipeline.extract.vetoes import signposts

    assert signposts(text) is turns


def test_a_turn_to_the_next_topic_is_not_an_argument() -> None:
    lines = [
        "The away fee is a booking fee and every club charges one.",
        "Same with the fan advisory board.",
        "They were briefed in April and they knew the price was going up.",
    ]
    quotes = types_by_quote(lines, "Marcus Hale")
    assert "Same with the fan advisory board." not in quotes
    assert lines[0] in quotes and lines[2] in quotes


@pytest.mark.parametrize(
    "text",
    [
        "Second thing the board needs to freeze prices for one season.",
        "And one more thing the government should scrap this tax.",
        "next thing the league needs to enforce the cap",
    ],
)
def test_a_count_before_an_ask_without_a_comma_still_asks(text: str) -> None:
    from argmap.pipeline.extract.rules import classify

    verdict = classify(text)
    assert (verdict.type, verdict.rule) == ("call_to_action", "modal")


@pytest.mark.parametrize(
    "text",
    [
        "One more thing you should know is that the club is broke.",
        "Another thing we have to remember is that the council lied to us.",
    ],
)
def test_a_count_before_what_the_listener_should_know_asks_nothing(text: str) -> None:
    from argmap.pipeline.extract.rules import classify

    assert classify(text).type != "call_to_action"


def test_a_count_before_an_ask_is_a_call_to_action_in_captions() -> None:
    lines = [
        "first thing go and sign the supporters trust petition",
        "second thing the board needs to freeze prices for one season",
    ]
    assert types_by_quote(lines, "Dev") == dict.fromkeys(lines, "call_to_action")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Let's just say it's bold.", False),
        ("Let's say you earn thirty thousand a year.", False),
        ("Let's say Rovers win the league next year.", False),
        ("Let's say the club sells ten thousand more tickets.", False),
        ("Let's say no to this scheme.", True),
        ("Let's say goodbye to this government at the next election.", True),
        ("Let's say sorry to the fans.", True),
        ("Let's get it to twenty thousand signatures before the meeting.", True),
    ],
)
def test_lets_say_supposes_and_asks_nothing(text: str, asks: bool) -> None:
    from argmap.pipeline.extract.rules import classify
    from argmap.pipeline.extract.vetoes import asks as asks_anything

    rule = classify(text)
    assert (rule.type == "call_to_action") is asks
    assert asks_anything(text, rule) is asks


def test_a_sponsor_read_over_several_sentences_is_not_an_argument() -> None:
    read = [
        "today's video is sponsored by tacklo grip socks",
        "if you play sunday league like me and you're sick of sliding around in your boots",
        "tacklo have got you covered use code millfield for 15 percent off",
    ]
    after = "the club has put season tickets up fourteen percent and that is just greedy"
    quotes = types_by_quote([*read, after], "Dev")
    assert list(quotes) == [after]


def test_a_sponsor_read_ends_at_its_offer_or_at_its_opening() -> None:
    from argmap.pipeline.extract.channel_talk import sponsor_reads

    texts = [
        "This video is sponsored by Shellguard.",
        "Their cases are drop-tested to three metres.",
        "Use code NATE for 20 percent off.",
        "Now, the council's plan is a disaster.",
    ]
    assert sponsor_reads(texts) == {0, 1, 2}
    # no offer within reach: only the opening, the show goes on
    no_offer = [texts[0], *[f"The council's plan fails on point {n}." for n in range(8)], texts[2]]
    assert sponsor_reads(no_offer) == {0}
    # the host back on the story, a figure from the news, an ask of the world: the read is over
    back = [texts[0], "Anyway, back to the club.", "The owners are greedy.", texts[2]]
    assert sponsor_reads(back) == {0}
    peak = [texts[0], "The whole plan is a disgrace.", "Shares are now 20 percent off their peak."]
    assert sponsor_reads(peak) == {0}
    asked = [texts[0], "Residents should vote them out.", texts[2]]
    assert sponsor_reads(asked) == {0}
    # a curly apostrophe opens one too
    assert sponsor_reads(["Today’s video is sponsored by Tacklo.", *texts[1:3]]) == {0, 1, 2}
    # an offer that names a sign-up is still the offer; a free trial is one too
    signup = [texts[0], "Most news outlets are biased.", "Sign up with my link and get 40 percent off."]
    assert sponsor_reads(signup) == {0, 1, 2}
    trial = [texts[0], "Most football books are rubbish but this one is great.", "Start your free trial."]
    assert sponsor_reads(trial) == {0, 1, 2}


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("It's £640 to £730.", True),
        ("That's 4,000 pounds.", True),
        ("It's only £640 to £730.", False),  # "only" judges
        ("It's £640 to £730, which is outrageous.", False),
    ],
)
def test_a_price_alone_is_a_figure(text: str, figure: bool) -> None:
    from argmap.pipeline.extract.no_critique import tallies

    assert tallies(text) is figure


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Let's not pretend everyone's building a museum.", False),
        ("Let's be honest, nobody reads the terms.", False),
        ("Let's face it, the price was always going up.", False),
        ("Let's not forget that they promised a freeze.", False),
        ("You don't get to post record profits and then tell 900 people you can't afford them.", False),
        ("but you don't get to charge us more and give us less", False),
        ("I don't want a government office deciding how games get built.", False),
        # ... still asks
        ("Let's not give up on the petition.", True),
        ("Let's not forget to vote on Thursday.", True),
        ("I don't want anyone pre-ordering this game.", True),
        ("I don't want a single one of you pre-ordering this.", True),
        ("You don't get to charge us more, so boycott the game until they reverse it.", True),
        ("Let's remember that when we vote in May.", True),
        ("Don't pre-order.", True),
    ],
)
def test_framing_and_rebukes_ask_nothing(text: str, asks: bool) -> None:
    from argmap.pipeline.extract.rules import classify
    from argmap.pipeline.extract.vetoes import asks as asks_anything

    assert asks_anything(text, classify(text)) is asks


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Grab a drink, because we're going to go through this calmly.", True),
        ("So grab yourself a coffee, this one is long.", True),
        ("Buckle up.", True),
        ("Get a coffee, get your veg, get your keys cut.", False),  # the high street, not the show
    ],
)
def test_settling_the_audience_in_is_the_channels_talk(text: str, channel: bool) -> None:
    from argmap.pipeline.extract.channel_talk import channel_housekeeping

    assert channel_housekeeping(text) is channel


@pytest.mark.parametrize(
    ("text", "praise"),
    [
        ("Eighty dollars is fine.", True),
        ("So the brief was reasonable.", True),
        ("The price is perfectly fair.", True),
        ("That is fine.", False),  # a reply
        ("The price is not fair.", False),
        ("The price is fine, but the fee is a scam.", False),
        ("Nothing about this price is fair.", False),
        ("Nobody thinks the price is reasonable.", False),
    ],
)
def test_a_price_called_fine_is_no_complaint(text: str, praise: bool) -> None:
    from argmap.pipeline.extract.no_critique import praises

    assert praises(text) is praise


def test_not_innocent_complains() -> None:
    from argmap.pipeline.extract.vetoes import complains

    assert complains("And Halcyon are not innocent here either.")
    assert complains("and the league isn't entirely blameless")
    assert not complains("The jury found him innocent.")


@pytest.mark.parametrize(
    ("text", "passed_on"),
    [
        ("They've said it's for the shared-world events and anti-cheat.", True),
        ("They said the online rule is there to stop piracy.", True),
        ("They reported, using public records, that the developer had received permission.", True),
        # "he" and "she" may be the commentator of a summary not known for one (captions)
        ("She said minimum pricing for alcohol is a tax on the poor.", False),
        # what they did, judged, is no one's words passed on
        ("And they announced it on a bank holiday, hoping nobody would notice, classic.", False),
        ("They posted it on social media with no explanation.", False),
        ("They wrote every episode themselves.", False),
        # ... nor where the speaker adds a verdict or an ask of their own
        ("They said it's for anti-cheat, which is a lie.", False),
        ("They told us nothing for months.", False),
        ("They told us to wait, but don't wait, refund it today.", False),
    ],
)
def test_a_pronoun_passes_on_words_not_deeds(text: str, passed_on: bool) -> None:
    from argmap.pipeline.extract.vetoes import hearsay

    assert hearsay(text, "Dana Reyes", False) is passed_on
    assert not hearsay(text, "Dana Reyes", True)  # a summary's "She said" is the commentator


@pytest.mark.parametrize(
    ("text", "nothing"),
    [("None.", True), ("Maybe.", True), ("Eighty dollars.", True), ("Theft.", False), ("Rigged.", False)],
)
def test_a_hedge_or_a_figure_alone_is_no_argument(text: str, nothing: bool) -> None:
    from argmap.pipeline.extract.no_critique import bare_figure
    from argmap.pipeline.extract.vetoes import says_nothing

    assert (says_nothing(text) or bare_figure(text)) is nothing
