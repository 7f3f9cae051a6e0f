"""Imported text keeps its structure: titles, headings, bylines, credit lines and list items are
lines of their own, never glued to a sentence, never the start of an argument; a title that
states a position becomes an argument at 0:00 marked as coming from the title.

The article below is written for this test; the shared seeds are read from ../shared at test
time and never copied (the checks on them count kinds and compare segment ranges, not text).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from text_import import import_text

from argmap.pipeline.document import load_document, split_sentences
from argmap.pipeline.extract.registry import get_extractor
from argmap.pipeline.extract.title import position, title_argument
from argmap.pipeline.ingest.captions import cues_to_segments, parse_captions
from argmap.pipeline.ingest.structure import blocks, line_kind
from argmap.pipeline.present.cli import cli
from argmap.store import Store

ARTICLE = """Harbour City Should Scrap the Tram Extension
By Dana Reyes
Dana Reyes | Harbour Post Transport Desk
March 3, 2025

The council approved the tram extension on Tuesday by nine votes to four. The line would run
from the docks to the university and cost an estimated 240 million pounds, according to the
council's own report.

Why the Numbers Do Not Add Up
The report assumes that ridership will double within three years. No tram line in the region
has ever managed that.

What residents told us
Three things came up again and again:
- the buses that would be cut to pay for it
- the two years of roadworks on the high street
1. the fares, which nobody has published

The council should publish the full business case before a single rail is laid.
Photos by Sam Okafor. All rights reserved.
"""


def kinds(text: str) -> list[tuple[str | None, str]]:
    return [(c.kind, c.text) for c in parse_captions(text, "txt")]


def test_article_lines_are_recognised() -> None:
    found = kinds(ARTICLE)
    by_kind: dict[str | None, list[str]] = {}
    for kind, text in found:
        by_kind.setdefault(kind, []).append(text)
    assert by_kind["title"] == ["Harbour City Should Scrap the Tram Extension"]
    assert by_kind["byline"] == ["By Dana Reyes", "Dana Reyes | Harbour Post Transport Desk", "March 3, 2025"]
    assert by_kind["heading"] == ["Why the Numbers Do Not Add Up", "What residents told us"]
    assert by_kind["item"] == [
        "Three things came up again and again:",
        "the buses that would be cut to pay for it",
        "the two years of roadworks on the high street",
        "the fares, which nobody has published",
    ]
    assert by_kind["credit"] == ["Photos by Sam Okafor.", "All rights reserved."]
    # Hard-wrapped prose is joined back into sentences, none of them taken for a heading.
    prose = by_kind[None]
    assert prose[0] == "The council approved the tram extension on Tuesday by nine votes to four."
    assert prose[1].startswith("The line would run from the docks") and prose[1].endswith("own report.")
    assert "The council should publish the full business case before a single rail is laid." in prose


@pytest.mark.parametrize(
    ("line", "prev", "nxt", "kind"),
    [
        ("Looking Ahead", "It was a good year.", "Next year will be harder.", "heading"),
        ("Looking ahead", "It was a good year.", "Next year will be harder.", "heading"),
        # a hard-wrapped line stops mid-sentence: the line before it did not end a sentence
        ("council voted to approve the", "On Tuesday the", "new budget.", None),
        ("Council Voted", "On Tuesday the", "New budget.", None),
        # two sentences on one line, a speaker's turn, a line ending on a function word
        ("Is it growing? Yes", None, None, None),
        ("Dana: we should go now", "Fine.", "Sam: why", None),
        ("The plan is going to the", "Done.", "Council.", None),
        ("This article was originally published by the Harbour Post.", None, None, "credit"),
        ("By Jane van der Berg, Science Editor", None, "Text.", "byline"),
        # links to elsewhere pasted with an article; a sentence that merely mentions reading is prose
        ("Read more: Ashby Cross retail park plans 600 extra parking spaces", "Done.", None, "credit"),
        ("Related: Bus fares to rise in April", "Done.", "Next.", "credit"),
        ("You can read more about the plan on the council website.", "Done.", None, None),
        (
            "Listen: this decision will hurt every family in the town, and we should fight it.",
            "Done.",
            None,
            None,
        ),
    ],
)
def test_line_kinds(line: str, prev: str | None, nxt: str | None, kind: str | None) -> None:
    assert line_kind(line, prev, nxt) == kind


def test_a_plain_transcript_has_no_structure() -> None:
    text = "So welcome back everyone.\nToday I want to talk about rent.\nRents went up again this year.\n"
    assert [b.kind for b in blocks(text)] == [None]
    lower = "so yeah the rent thing\nit is just out of control\nand nobody is doing anything\n"
    assert [b.kind for b in blocks(lower)] == [None]


def test_a_sentence_cased_heading_between_blank_lines_is_a_heading() -> None:
    text = (
        "Library to become digital hub\n\nBy Helen Marsh\n\nThe cabinet backed the plan last week.\n\n"
        "What is changing\n\nUnder the plan, set out in a cabinet paper:\n\n- Opening hours would double.\n\n"
        "Supporters say hours will double\n\nThe leader said the branch had lost visitors.\n\n"
        "and that is what they told us\n\nNobody asked the staff.\n"
    )
    kinds = [(b.kind, b.text) for b in blocks(text)]
    assert ("heading", "What is changing") in kinds and (
        "heading",
        "Supporters say hours will double",
    ) in kinds
    assert (None, "and that is what they told us") in kinds  # lower case: speech, not a heading
    said = blocks(
        "The cabinet backed it.\n\nVote no on Thursday\n\nThey cut our hours again\n\nIt goes on.\n"
    )
    assert [b.kind for b in said] == [None] * 4  # an order or a person's line is said, not a heading


def test_share_and_related_footers_are_credits_and_a_quote_keeps_its_speaker() -> None:
    text = (
        "Loot boxes are not gambling\n\nBy Owen Pryor\n\nThe studio added paid shells last week.\n\n"
        '"We designed shells so that nobody has to pay."\n— Hannah Voss, CEO of Brightmoss Games\n\n'
        "Parents already have the tools they need.\n\n"
        "Share this:\nTwitter\nEmail\n\nRelated:\nAre battle passes the new loot boxes?\n"
        "Five family settings every parent should know\n"
    )
    kinds = [(b.kind, b.text) for b in blocks(text)]
    assert kinds[-6:] == [("credit", "Share this:"), ("credit", "Twitter"), ("credit", "Email"),
                          ("credit", "Related:"), ("credit", "Are battle passes the new loot boxes?"),
                          ("credit", "Five family settings every parent should know")]  # fmt: skip
    segments = cues_to_segments(parse_captions(text, "txt"), transcript_id="t", video_id="v")
    quoted = [s.text for s in split_sentences(segments) if "Hannah Voss" in s.text]
    assert quoted == [
        '"We designed shells so that nobody has to pay." — Hannah Voss, CEO of Brightmoss Games'
    ]


def test_a_lead_in_to_a_list_is_not_an_argument() -> None:
    from argmap.pipeline.extract.vetoes import signposts

    assert signposts("Under the plan, set out in a cabinet paper published on the council's website:")
    assert not signposts("The plan is simple: scrap the kiosks.")


def test_headings_are_sentences_of_their_own() -> None:
    segments = cues_to_segments(parse_captions(ARTICLE, "txt"), transcript_id="t", video_id="v")
    sentences = split_sentences(segments)
    by_text = {s.text: s for s in sentences}
    heading = by_text["Why the Numbers Do Not Add Up"]
    assert heading.kind == "heading" and heading.is_structure
    assert heading.seg_first == heading.seg_last
    assert not any(s.text.startswith("Why the Numbers") and s is not heading for s in sentences)
    items = [s for s in sentences if s.kind == "item"]
    assert len(items) == 4 and not any(s.is_structure for s in items)


def test_structure_never_starts_or_joins_an_argument(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "tram.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    video, segments = import_text(store, path, "Harbour Post")
    structure = {s.idx for s in segments if s.kind in ("heading", "byline", "credit")}
    result = get_extractor("rules").extract(load_document(store, video))
    assert result.arguments
    for argument in result.arguments:
        assert not structure & set(range(argument.seg_first, argument.seg_last + 1)), argument.quote
    titled = [a for a in result.arguments if a.origin == "title"]
    assert [(a.type, a.start, a.quote) for a in titled] == [
        ("call_to_action", 0.0, "Harbour City Should Scrap the Tram Extension")
    ]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("USA and China Should Work Together", "call_to_action"),
        ("Stop Subsidising Stadiums", "call_to_action"),
        ("The Stadium Deal Is a Disaster", "critique"),
        ("Why Open Models Will Win", "claim"),
        ("Meta Embraces Qwen in Strategic AI Shift", None),
        ("Is the Tram Worth It?", None),
        ("Tech news", None),
        ("The Eastgate library 'digital hub' plan doesn't add up", "critique"),
        ("have your say before 14 March", "call_to_action"),
        ("Why fluoride in the water is the right call", "claim"),
        ("Eastgate library to become 'digital hub' as council pushes ahead with kiosk plan", None),
        ("Pebble Isle's new loot boxes are gambling for kids", "claim"),
        ("Brightmoss was right to add Mystery Shells, and the outrage is overblown", "claim"),
        ("Here is what we know", None),
        ("Sign of the Times", None),
        ("Back to School 2024", None),
        ("Call of Duty Review", None),
        ("Fight Club at 25", None),
        ("Join the Club", None),
        ("End of an Era", None),
        ("How the Panama Canal was built", None),
        ("How Rail Fares Are Set", None),
        ("How Big Tech is ruining search", "critique"),
        ("How Ofwat Failed Us", "critique"),
        ("How the Housing Market Is Rigged Against Young People", "critique"),
        ("How the Budget Is Spent", None),
        ("board must act", "call_to_action"),
        ("Three nil at home", None),
    ],
)
def test_which_titles_state_a_position(title: str, kind: str | None) -> None:
    assert position(title) == kind


def test_title_argument_from_the_video_title(store: Store) -> None:
    # Captions of a video hold no title line: the video's own title is read instead.
    from test_extract import seed_video

    video = seed_video(store, ["Rents rose again this year.", "Landlords are charging what they like."])
    store.update_video(video.id, {"title": "Rent Update | The City Must Cap Rents Now"})
    doc = load_document(store, store.video(video.id))
    argument = title_argument(doc, "default", "3")
    assert argument is not None and argument.origin == "title"
    assert (argument.type, argument.quote, argument.start) == (
        "call_to_action",
        "The City Must Cap Rents Now",
        0.0,
    )
    assert argument.seg_first == doc.segments[0].idx
    # a title that asks why argues what follows; the text starts a sentence, the quote is as written
    store.update_video(video.id, {"title": "Rent Update: why the city must cap rents now"})
    argument = title_argument(load_document(store, store.video(video.id)), "default", "3")
    assert argument is not None and argument.quote == "why the city must cap rents now"
    assert argument.text == "The city must cap rents now."


def test_seed_article_headings_and_credits(store: Store, shared_dir: Path) -> None:
    video, segments = import_text(store, shared_dir / "seeds" / "article_meta_qwen.txt", "Tech News Desk")
    counts: dict[str | None, int] = {}
    for seg in segments:
        counts[seg.kind] = counts.get(seg.kind, 0) + 1
    # One title, five section headings, the closing credit line's three sentences.
    assert (counts.get("title"), counts.get("heading"), counts.get("credit")) == (1, 5, 3)
    structure = {s.idx for s in segments if s.kind}
    for extractor in ("default", "rules"):
        result = get_extractor(extractor).extract(load_document(store, video))
        for argument in result.arguments:
            covered = set(range(argument.seg_first, argument.seg_last + 1))
            assert not structure & covered, (extractor, argument.quote[:60])
        # The news headline names the story but states no position.
        assert not any(a.origin == "title" for a in result.arguments)


def test_seed_title_thesis_is_an_argument(db_path: Path, shared_dir: Path) -> None:
    store = Store.open(db_path)
    video, segments = import_text(
        store, shared_dir / "seeds" / "eli_video_summary.txt", "Eli the Computer Guy"
    )
    assert segments[0].kind == "title"
    result = get_extractor("rules").extract(load_document(store, video))
    store.save_arguments(video.id, result.extractor, result.version, result.arguments)
    store.close()
    out = CliRunner().invoke(cli, ["arguments", "--db", str(db_path), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    titled = [r for r in rows if r["origin"] == "title"]
    assert len(titled) == 1 and titled[0]["type"] == "call_to_action" and titled[0]["start"] == 0.0
    assert titled[0]["seg_first"] == 0
    # the title's thesis is the part after the dash, not the headline before it
    title_text = segments[0].text
    assert titled[0]["quote"] != title_text and title_text.endswith(titled[0]["quote"])
    assert all(r["origin"] is None for r in rows if r is not titled[0])
    listing = CliRunner().invoke(cli, ["arguments", "--db", str(db_path)])
    assert "(from the title)" in listing.output


def test_a_text_file_is_named_by_its_title_line(tmp_path: Path) -> None:
    from argmap.pipeline.ingest.sources import SourceOptions, expand

    path = tmp_path / "tram-article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    (entry,) = list(expand(str(path), SourceOptions()))
    assert entry.video.title == "Harbour City Should Scrap the Tram Extension"
    (given,) = list(expand(str(path), SourceOptions(title="My notes")))
    assert given.video.title == "My notes"
    plain = tmp_path / "notes.txt"
    plain.write_text("rents went up again and nobody is doing anything about it\n", encoding="utf-8")
    (untitled,) = list(expand(str(plain), SourceOptions()))
    assert untitled.video.title == "notes"


def test_a_sentence_cased_first_line_over_punctuated_prose_is_the_title() -> None:
    from argmap.pipeline.ingest.structure import blocks

    text = "Three-weekly bins in Brenmoor are the right call\nHi everyone, Ruth here. The council voted."
    assert [b.kind for b in blocks(text)] == ["title", None]
    # a hard-wrapped first line of prose is not a title, nor is unpunctuated speech
    wrapped = "The council voted on Tuesday to move to three weekly collections and\nI think that is right."
    assert [b.kind for b in blocks(wrapped)] == [None]
    assert [b.kind for b in blocks("so today we look at the bins\nand the council voted")] == [None]


def test_a_title_part_of_scene_and_position_keeps_the_position() -> None:
    from argmap.pipeline.extract.title import parts

    assert parts("Three nil at home, board must act") == ["board must act"]
    assert parts("Meta Copies Qwen - USA and China Should Work Together") == [
        "Meta Copies Qwen",
        "USA and China Should Work Together",
    ]
    # both halves or neither stating a position: the part stays whole
    assert parts("Rents, wages and prices") == ["Rents, wages and prices"]


NEWS = """Port of Elsham to close two of its four ferry berths by 2027
By Tom Okafor, Transport Editor
The harbour board says the berths lose money, but hauliers warn of queues on the bypass

ELSHAM — The harbour board will close berths three and four when their leases end in 2027, its chair
said on Tuesday.

The board said the two berths lost 4 million pounds last year. Hauliers say the queues will
reach the town centre.
"""


def test_a_news_article_headline_standfirst_and_dateline_are_context() -> None:
    """A headline over its byline is the title (the year at its end is no hard-wrapped line), the
    line that sums the story up under them is context, and the place the story was filed is not
    the start of its first claim."""
    from argmap.pipeline.ingest.structure import blocks

    found = [(b.kind, b.text) for b in blocks(NEWS)]
    assert found[:5] == [
        ("title", "Port of Elsham to close two of its four ferry berths by 2027"),
        ("byline", "By Tom Okafor, Transport Editor"),
        ("heading", "The harbour board says the berths lose money, but hauliers warn of queues on the "
         "bypass"),
        ("byline", "ELSHAM"),
        (None, "The harbour board will close berths three and four when their leases end in 2027, its chair "
         "said on Tuesday."),
    ]  # fmt: skip
    assert [kind for kind, _ in found[5:]] == [None]
    # an agency dateline needs no headline; a shout at the start of speech is no dateline
    assert [
        b.kind for b in blocks("LONDON (Reuters) - Fares will rise by 5% in March. The rail firms agreed.")
    ] == [
        "byline",
        None,
    ]
    assert [b.kind for b in blocks("WOW — that was a game. I can't believe it.")] == [None]
    # a line under a title that runs into unpunctuated speech is the speech, not a standfirst
    spoken = (
        "Port of Elsham to close two berths\n\nSo the harbour board is closing two berths\n\nand honestly"
    )
    assert [b.kind for b in blocks(spoken)][1:] == [None, None]
