"""The definition's vetoes over the classifier (``pipeline/extract/vetoes.py``) and the clean-up of an
argument's text: someone else's verdict passed on is a claim, the show's agenda and talk about the
talk are not arguments, a restart is said once, a repeated sentence is one argument."""

from __future__ import annotations

import pytest
from test_extract import doc_of

from argmap.pipeline.extract.offline import ClassifierExtractor


def types_by_quote(lines: list[str], commentator: str) -> dict[str, str]:
    """The default extractor's type for each argument of ``lines``, by its quote."""
    return {a.quote: a.type for a in ClassifierExtractor().extract(doc_of(lines, commentator)).arguments}


@pytest.mark.parametrize(
    ("text", "passed_on"),
    [
        ('Chief executive Owain Griffiths said the funding model was "simply broken".', True),
        ("Some people online are saying this is anti-progress, that the council hates young people.", True),
        ("I've seen a few YouTubers saying the council should just have built parking bays.", True),
        ("critics said the fee would shut out families on low incomes", True),
        ("Councillor Diaz said the budget was balanced on kids' backs, and honestly, she's right.", False),
        ("I said the plan was a disaster and I stand by it.", False),
        ("The council's plan is a disaster.", False),
        ("This ban is lazy policy.", False),
        ("Ministers announced nothing for months and then left the park authority to face it alone.", False),
    ],
)
def test_a_verdict_passed_on_is_hearsay_unless_endorsed(text: str, passed_on: bool) -> None:
    from argmap.pipeline.extract.vetoes import hearsay

    assert hearsay(text, "Dana Reyes", summary=False) is passed_on


def test_a_summarys_reporting_verb_stays_the_commentators_reading() -> None:
    from argmap.pipeline.extract.vetoes import hearsay

    assert not hearsay("He said the funding model was broken.", "Dana Reyes", summary=True)


def test_someone_elses_criticism_is_the_storys_fact_and_the_speakers_own_stays_a_critique() -> None:
    lines = [
        "Walking groups were quick to react to the announcement this morning.",
        'The ramblers\' chair, Sian Morgan, said the charge was "a disgrace that will shut out families".',
        "Honestly, charging people to walk up a hill is a disgrace and the park authority should be ashamed.",
    ]
    args = ClassifierExtractor().extract(doc_of(lines, "Dylan Hughes")).arguments
    types = {a.quote: a.type for a in args}
    assert types.get(lines[1]) == "claim", types
    assert types.get(lines[2]) == "critique", types


@pytest.mark.parametrize(
    ("text", "agenda"),
    [
        ("Today we're talking about the Eryri entry fee.", True),
        ("So today I want to look at the new scooter ban.", True),
        ("In this episode we're going to dig into the rate decision.", True),
        ("Today I'm looking at the plan, which is a mess.", False),
        ("Today the council voted to scrap the scooters.", False),
        ("We're talking about eight pounds a day for a family of four.", False),
        ("In today's video we'll look at the new budget.", True),
        ("In this video I'm going to tell you whether the Orion phone is worth your money.", True),
        ("In this video we're going to look at one of the biggest dams ever built: the Hoover Dam.", True),
        ("Today I'm looking at the plan: it is a mess and the council should be ashamed of it.", False),
        ("In this video I'll show you why the council is wrong.", False),
        ("Today I'm going to show you how the council wasted four million pounds.", False),
        ("Today I'm going to tell you the truth: Thames Water lied.", False),
        ("Let me start with where I think the club has got it right.", True),
        ("Let me start with why this plan is a disgrace.", False),
    ],
)
def test_the_show_announcing_its_topic_is_not_an_argument(text: str, agenda: bool) -> None:
    from argmap.pipeline.extract.vetoes import announces

    assert announces(text) is agenda


@pytest.mark.parametrize(
    ("text", "nothing"),
    [
        ("We'll have to disagree on that one.", True),
        ("That's where I think we actually agree.", True),
        ("I don't buy that at all.", True),
        ("I don't think so.", True),
        ("I don't buy the fee at all.", False),
        ("We have to disagree with the council.", False),
    ],
)
def test_talk_about_the_talk_says_nothing(text: str, nothing: bool) -> None:
    from argmap.pipeline.extract.vetoes import says_nothing

    assert says_nothing(text) is nothing


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("honestly this is this is ridiculous", "honestly this is ridiculous"),
        ("and and because because the thing is, the thing is the park", "and because the thing is the park"),
        ("I I think the the plan failed", "I think the plan failed"),
        ("I think that that is wrong", "I think that that is wrong"),
        ("what it is is a scam", "what it is is a scam"),
        ("we had had enough", "we had had enough"),
        ("very very bad", "very very bad"),
        ("selling land is a one-off, and once it's gone it's gone forever", None),
        ("if it's broken, it's broken, and the council should say so", None),
        ("if it's a it's a scam, say so", "if it's a scam, say so"),
        ("once we lose it, it's over", None),
    ],
)
def test_a_restart_is_written_once_and_grammatical_doubles_stay(said: str, written: str | None) -> None:
    """``None``: the words stay as said (after "once" or "if" a clause said twice is the saying)."""
    from argmap.pipeline.extract.restarts import unstutter

    assert unstutter(said) == (written or said)


def test_argument_text_drops_restarts_and_the_quote_keeps_them() -> None:
    line = "Honestly this is this is ridiculous, the park should be free for everyone."
    args = ClassifierExtractor().extract(doc_of([line], "Dylan Hughes")).arguments
    assert len(args) == 1
    assert args[0].quote == line
    assert args[0].text.startswith("This is ridiculous, the park"), args[0].text


def test_a_pull_quote_repeating_the_body_is_one_argument() -> None:
    point = "A park that cannot maintain its own paths is not protecting anything."
    lines = [point, "The authority spends most of its budget on car parks.", f"“{point}”"]
    args = ClassifierExtractor().extract(doc_of(lines, "Megan Price")).arguments
    assert [a.quote for a in args].count(point) == 1
    assert not any(a.quote == lines[2] for a in args)


@pytest.mark.parametrize(
    ("text", "is_aside"),
    [
        (
            "Quick side note, my cat just walked across the keyboard, so if the video glitches, that's why.",
            True,
        ),
        ("Um, sorry, the dog's barking, give me a sec.", True),
        ("Sorry, the kettle's just clicked off, one second.", True),
        (
            "Quick aside, my cat just knocked a mug off the desk, so if you heard a crash, that was it.",
            True,
        ),
        ("A quick aside on the dog's licence fee: it doubled this year.", False),
        ("Now, the camera software is a different story, because it smooths every face into plastic.", False),
        ("Sorry, but the council's plan is a mess.", False),
        ("Sorry, but the keyboard on this laptop is awful and the webcam is worse.", False),
        ("By the way, this recording of the council meeting shows they knew.", False),
        ("By the way, the council never published the noise study.", False),
    ],
)
def test_an_aside_about_the_recording_is_not_an_argument(text: str, is_aside: bool) -> None:
    from argmap.pipeline.extract.vetoes import aside

    assert aside(text) is is_aside


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Here is what I'd ask you to do.", "signpost"),
        ("So here's what I want you to do.", "signpost"),
        ("That's my take on it.", "signpost"),
        ("Let's start with the fear everyone keeps raising about fly-tipping.", "agenda"),
        ("Hit like if you agree, and I'll see you on Friday.", "housekeeping"),
        ("If you found this useful, share it with someone who keeps arguing about it.", "housekeeping"),
        ("Chip in if you can, and share it with anyone who ever danced there.", None),
        ("Here's the thing, the council never asked us.", None),
        ("Let's be clear, the council never asked us.", None),
    ],
)
def test_lead_ins_closings_and_channel_asks_are_not_arguments(text: str, kind: str | None) -> None:
    from argmap.pipeline.extract.channel_talk import channel_housekeeping
    from argmap.pipeline.extract.vetoes import announces, signposts

    found = {
        "signpost": signposts(text),
        "agenda": announces(text),
        "housekeeping": channel_housekeeping(text),
    }
    hits = [k for k, hit in found.items() if hit]
    assert (kind in hits) if kind else not hits, hits


def test_an_everyday_order_still_asks() -> None:
    from argmap.pipeline.extract import rules
    from argmap.pipeline.extract.vetoes import asks

    for text in (
        "Order your free food caddy from the council website this week.",
        "Renew your permit online.",
    ):
        assert asks(text, rules.classify(text, None)), text


def test_openers_that_point_at_the_news_are_dropped_from_the_argument_text() -> None:
    from argmap.pipeline.extract.rules import clean_text

    assert clean_text("So if you missed it, the council voted on Tuesday.") == "The council voted on Tuesday."
    assert clean_text("As you've probably heard, the fee is eight pounds.") == "The fee is eight pounds."
    kept = "If you missed the vote, ask the council."
    assert clean_text(kept) == kept


def test_the_steps_of_a_method_are_not_calls_to_action() -> None:
    from argmap.pipeline.extract.vetoes import how_to_steps

    recipe = [
        "So first, heat a little oil in a wide pan.",
        "Add the sliced leeks and let them soften for five minutes.",
        "You want them soft, not brown.",
        "Then tip in the stock and stir.",
        "Let that simmer for twenty minutes.",
    ]
    assert how_to_steps(recipe) == {0, 1, 3, 4}
    # Orders to the world are not steps, and two steps alone are no method.
    campaign = ["Call your MP.", "Write to the council.", "Sign the petition.", "Add your name today."]
    assert how_to_steps(campaign) == set()
    assert how_to_steps(recipe[:2]) == set()
    # The same verbs opening on a noun, a name or a figure of speech, and orders to the world
    commentary = [
        "Transfer spending this summer was reckless.",
        "Press conferences under this manager have become a joke.",
        "Beat Villa on Saturday and we're back in the top four.",
        "Cook said on stage that the company cares about repair.",
        "Screw that, honestly, this is planned obsolescence.",
        "Put it this way: the consultants cost more than the library.",
        "Add to that the cost of energy.",
        "Spread the word to every parent at the school gates.",
        "Put your name down to speak at the meeting.",
        "Press your local councillor for a straight answer.",
    ]
    assert how_to_steps(commentary) == set()
    # steps done a certain way ("roughly chop"), after a wait ("After three hours, strain it") and with
    # the kitchen's other verbs (skim, strain, bring, break) are steps too
    stock = [
        "Break the carcass up a little so it fits in the pot.",
        "Next, roughly chop one onion and two carrots.",
        "Bring it up to a gentle simmer.",
        "Skim off any foam that rises to the top.",
        "After three hours, strain it through a fine sieve.",
        "Honestly, store-bought stock is a waste of money.",
    ]
    assert how_to_steps(stock) == {0, 1, 2, 3, 4}
    assert how_to_steps(["Cut the tax on fuel.", "Break the cartel.", "Bring the troops home."]) == set()


@pytest.mark.parametrize(
    ("text", "vetoed"),
    [
        ("These cases are drop-tested, and they're forty percent off with the link below.", True),
        ("Thanks to Shellguard for sponsoring this video.", True),
        ("Well, we'll have to leave it there.", True),
        ("I've put a link to the consultation below, please respond before Friday.", False),
        ("This video is sponsored by Shellguard.", True),
        ("Use my code NINA20 for a free month.", True),
        ("The audit, link in the description, shows the cabinet knew.", False),  # a source cited
        ("The industry report was sponsored by the water companies, so of course it found nothing.", False),
        ("Shares in the parent company are 60 percent off their peak.", False),
        ("We'll have to leave it there, but the minister must act before the summer.", False),
        ("The code is broken and the council knows it.", False),
        ("The battery is genuinely excellent.", False),
    ],
)  # fmt: skip
def test_a_sponsor_read_or_the_close_of_a_segment_is_not_an_argument(text: str, vetoed: bool) -> None:
    from argmap.pipeline.extract.channel_talk import advertises_or_closes

    assert advertises_or_closes(text) is vetoed


def test_pointing_at_the_screen_says_nothing() -> None:
    from argmap.pipeline.extract.vetoes import says_nothing

    assert says_nothing("Look at that.") and says_nothing("Oh, there we go!")
    assert not says_nothing("Look at the price.")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Every other supermarket should follow their lead and drop the scheme.", True),
        ("The information commissioner needs to stop this rollout today.", True),
        ("I think regulators should ban it outright.", True),
        ("Broadcasters must publish the complaints they get.", True),
        # what a body is bound to do, or is expected to get, asks nothing of it
        ("Companies have to make money.", False),
        ("These are targets that councils must meet by next spring.", False),
        ("The club should get around ten million for him.", False),
        ("The airline should recover by the summer.", False),
        ("The industry has to be careful here.", False),
        ("Prices should settle next year.", False),
    ],
)
def test_a_body_named_by_its_kind_is_asked_to_act(text: str, asked: bool) -> None:
    from argmap.pipeline.extract.vetoes import asks_a_body

    assert asks_a_body(text) is asked


def test_a_call_on_a_watchdog_or_a_chain_is_a_call_to_action() -> None:
    lines = [
        "Fairmart says the cameras cut shoplifting by a third in its trial stores.",
        "Every other supermarket should follow Fairmart and publish its error rates.",
        "The information commissioner needs to stop this rollout until there's a proper review.",
        "Companies have to make money, I get that.",
    ]
    types = types_by_quote(lines, "Kerry Walsh")
    assert types[lines[1]] == types[lines[2]] == "call_to_action"
    assert types.get(lines[3]) != "call_to_action"


def test_an_order_after_a_count_a_plea_a_correction_or_a_colon_is_still_an_order() -> None:
    lines = [
        "So what do I want from you guys?",
        "First: come down on the first weekend.",
        "And second, this one's for the council, and I'm emailing the mayor too: publish the footfall data "
        "every single month.",
        "Not scrap it, delay it, until blue-badge access is properly sorted.",
        "Please, please fill it in.",
        "Finally, the council voted to keep the bus lane.",
        "The message from the count was simple: we lost.",
    ]
    types = types_by_quote(lines, "Dana Okafor")
    assert [types.get(line) for line in lines[1:5]] == ["call_to_action"] * 4, types
    assert types.get(lines[5]) != "call_to_action" and types.get(lines[6]) != "call_to_action"


def test_not_nothing_said_against_someone_who_made_light_of_it_still_judges() -> None:
    from argmap.pipeline.extract.no_critique import praises

    assert praises("Forty percent fewer thefts is not nothing.")
    assert not praises("The council is acting like that's nothing, it is not nothing.")
    assert not praises("They waved it away, but forty percent is not nothing.")


def test_a_count_without_a_comma_still_opens_an_order() -> None:
    """Captions and quick speech drop the comma after "first": "third read the cabinet papers"."""
    lines = [
        "The council meets on the fourteenth of May.",
        "First ask your councillor to back an independent valuation before anything is signed.",
        "Third read the cabinet papers yourself, they're online.",
        "First time buyers are priced out of this town already.",
        "First sign of trouble came in June, when the boiler failed.",
        "Last call for tickets is Friday at noon.",
    ]
    types = types_by_quote(lines, "Priya Nandakumar")
    assert [types.get(line) for line in lines[1:3]] == ["call_to_action"] * 2, types
    assert all(types.get(line) != "call_to_action" for line in lines[3:]), types


def test_a_question_posed_to_be_answered_or_a_favour_done_asks_nothing() -> None:
    lines = [
        "This week I read through the cabinet papers on the allotment sale so you don't have to.",
        "The council wants to sell the site to a developer for two point four million.",
        "So what should you do?",
        "Write to your ward councillor before the meeting on the fourteenth.",
        "Why not come along to the meeting yourself?",
    ]
    types = types_by_quote(lines, "Gary Marsh")
    assert types.get(lines[0]) != "call_to_action" and lines[2] not in types, types
    assert types.get(lines[3]) == types.get(lines[4]) == "call_to_action", types
    from argmap.pipeline.extract.vetoes import poses

    assert poses("So how can we stop it?") and poses("What should the council do now?")
    assert not poses("What are you waiting for?") and not poses("What about writing to your MP?")


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("so it's, you know, barely five years old", "so it's barely five years old"),
        ("the fee is, like, a rounding error", "the fee is a rounding error"),
        ("It's got that sort of, um, woolly sound", "It's got that sort of woolly sound"),
        # between two clauses one comma stays
        (
            "older residents with big gardens, you know, raking is hard work",
            "older residents with big gardens, raking is hard work",
        ),
        ("If you don't know Castle Rise, um, lucky you.", "If you don't know Castle Rise, lucky you."),
        ("Companies, like Apple, do this all the time.", "Companies, like Apple, do this all the time."),
        ("That's just how it is, you know, nobody listens.", "That's just how it is, nobody listens."),
    ],
)
def test_a_filler_set_off_by_commas_takes_them_with_it_inside_a_clause(said: str, written: str) -> None:
    from argmap.pipeline.extract.restarts import unset_filler

    assert unset_filler(said) == written


def test_naming_something_is_not_a_call_to_action() -> None:
    """ "Sure, let's call it a ransom note, because that's definitely a reasonable thing to say."
    mocks a name for the policy; "Let's call the council tomorrow" and "call them out" still ask."""
    lines = [
        "The company will stop updating the old thermostats in March.",
        "Sure, let's call it a ransom note, because that's definitely a reasonable thing to say.",
        "Let's call the council tomorrow and demand answers.",
        "Let's call them out on it at the meeting.",
    ]
    types = types_by_quote(lines, "Ben Okafor")
    assert types.get(lines[1]) != "call_to_action", types
    assert types.get(lines[2]) == types.get(lines[3]) == "call_to_action", types


def test_an_order_on_a_verb_that_is_also_a_noun_needs_its_object() -> None:
    """Orders: "File a complaint", "Test your smoke alarm"; "File sharing is ...", "Test results came
    back ...", "Set in 1920, ...": statements that open on the same words."""
    lines = [
        "Hearthly is ending support for the Gen 2 thermostat on the first of March.",
        "Second, file a complaint with the FTC, it takes five minutes.",
        "Test your smoke alarm this weekend, it takes a minute.",
        "Object to the sale before the consultation closes on the thirtieth.",
        "Set your schedule on the device itself and it'll keep running for years.",
        "Test results from the lab came back on Friday and the levels were normal.",
        "Record numbers of people turned up to the meeting on Tuesday night.",
        "File sharing is still everywhere, whatever the studios say about it.",
        "Set up in 2019, the friends group has raised forty thousand pounds for repairs.",
        "Claim that the lido loses money is simply false, the accounts show a profit.",
    ]
    types = types_by_quote(lines, "Nate Calloway")
    assert [types.get(line) for line in lines[1:5]] == ["call_to_action"] * 4, types
    assert all(types.get(line) != "call_to_action" for line in lines[5:]), types
    from argmap.pipeline.extract.rules import _imperative

    for statement in (
        "Set up costs would be twelve million",
        "Report to the cabinet last month said",
        "Cover up is the right word for it",
        "Third, set up time was under ten minutes",
    ):
        assert not _imperative(statement.split()), statement


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("The council has one chance to get this right anyway that's my take.",
         "The council has one chance to get this right."),
        ("the council has one chance to get this right anyway that's my take",
         "the council has one chance to get this right"),
        ("Don't sell it cheap and don't sell it in a rush, and that's it from me.",
         "Don't sell it cheap and don't sell it in a rush."),
        ("They should publish the valuation first - thanks for watching!",
         "They should publish the valuation first."),
        ("That's my take on it, and I think most people agree.", None),  # said at the start, a view
        ("The club got it wrong and that's all there is to it.", None),
        ("That's my take.", None),  # nothing left: the extractor's housekeeping
        ("The ticket prices doubled last spring and that was it for me.", None),  # the last straw
        ("Vote no on Measure B. Thanks for watching.", "Vote no on Measure B."),
        ("The council is wrong on this, anyway, that's my two cents, see you next week.",
         "The council is wrong on this."),
    ],
)  # fmt: skip
def test_a_sign_off_in_the_same_breath_is_no_part_of_the_argument(said: str, written: str | None) -> None:
    from argmap.pipeline.extract.restarts import without_sign_off

    assert without_sign_off(said) == (written or said)


def test_argument_text_drops_a_sign_off_and_the_quote_keeps_it() -> None:
    line = "I think the council has one chance to get this right, anyway, that's my take."
    args = ClassifierExtractor().extract(doc_of([line], "Priya Nandakumar")).arguments
    assert [a.quote for a in args] == [line]
    assert "my take" not in args[0].text and args[0].text.endswith("right."), args[0].text
