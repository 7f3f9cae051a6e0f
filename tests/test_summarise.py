"""The default extractive summary, SummariseStage and `argmap summary`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_extract import seed_video
from text_import import import_text

from argmap.pipeline.document import load_document
from argmap.pipeline.errors import ExtractionError
from argmap.pipeline.present.cli import cli
from argmap.pipeline.stages import StageContext
from argmap.pipeline.summarise.default import VERSION, default_summary, rank_sentences
from argmap.pipeline.summarise.run import SummariseStage, summarise_video
from argmap.store import Store, Summary, Transcript, Video

TALK = [
    "Hey everyone, welcome back to the show.",
    "Today we are talking about the new downtown stadium deal.",
    "The city agreed to pay four hundred million dollars for the stadium.",
    "I think the stadium deal is a terrible bargain for taxpayers.",
    "Stadium subsidies almost never pay back the public money they cost.",
    "Economists have studied stadium subsidies for decades and the money rarely comes back.",
    "By the way, my cat knocked over the microphone earlier.",
    "The team owner will keep the parking and ticket revenue from the stadium.",
    "So the public pays for the stadium and the owner keeps the revenue.",
    "You should tell the council to put the stadium deal to a public vote.",
    "Thanks for watching and see you next week.",
]


def test_centrality_prefers_sentences_that_share_the_topic():
    from argmap.pipeline.document import Sentence

    sents = [
        Sentence(0, "Stadium subsidies cost taxpayers money.", 0, 1, 0, 0),
        Sentence(1, "My cat likes fish.", 1, 2, 1, 1),
        Sentence(2, "The stadium subsidies never pay back taxpayers.", 2, 3, 2, 2),
        Sentence(3, "Subsidies for the stadium cost money.", 3, 4, 3, 3),
    ]
    scores = rank_sentences(sents)
    assert scores[1] == min(scores)
    assert abs(sum(scores) - 1.0) < 1e-3


def test_default_summary_has_gist_paragraph_and_timed_key_points(store: Store):
    video = seed_video(store, TALK)
    doc = load_document(store, video)
    summary = default_summary(doc)
    assert summary.gist.startswith("Dana Reyes") and "stadium" in summary.gist.lower()
    assert summary.paragraph
    starts = {s.start for s in doc.sentences}
    points = summary.key_points
    assert 2 <= len(points) <= 6
    assert all(kp["start"] in starts for kp in points)
    assert [kp["start"] for kp in points] == sorted(kp["start"] for kp in points)
    texts = " ".join(kp["text"] for kp in points)
    assert "cat" not in texts and "Thanks for watching" not in texts
    assert summary.extractor == "default" and summary.id == summary.make_id(video.id, "default", VERSION)


def test_stage_stores_and_is_idempotent(store: Store):
    stage = SummariseStage()
    assert stage.name == "summarise" and stage.requires == ("transcribe",)
    video = seed_video(store, TALK)
    stage.open(StageContext(store))
    stage.run(StageContext(store), video)
    stage.run(StageContext(store), video)
    stage.close()
    assert store.is_done(video.id, "summarise")
    assert store.rows("select count(*) n from summaries")[0]["n"] == 1


def test_missing_transcript_is_a_named_error_and_silence_is_said(store: Store):
    video = store.upsert_video(Video(id="file:silent", source_url="/tmp/s.wav", title="silence"))
    with pytest.raises(ExtractionError, match="no transcript"):
        summarise_video(store, video)
    store.save_transcript(Transcript(Transcript.make_id(video.id, "asr"), video.id, "asr"), [])
    summary = summarise_video(store, video)
    assert "no speech" in summary.gist and summary.key_points == []
    assert store.is_done(video.id, "summarise")


def test_summary_command_json(db_path: Path):
    store = Store.open(db_path)
    video = seed_video(store, TALK)
    store.close()
    result = CliRunner().invoke(cli, ["summary", "--db", str(db_path), video.id, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["commentator"] == "Dana Reyes" and data["gist"]
    assert all(kp["url"].endswith(f"&t={int(kp['start'])}s") for kp in data["key_points"])
    text = CliRunner().invoke(cli, ["summary", "--db", str(db_path), video.id])
    assert data["gist"] in text.output and "&t=" in text.output
    missing = CliRunner().invoke(cli, ["summary", "--db", str(db_path), "nope"])
    assert missing.exit_code == 1 and "no video" in missing.output


def test_summaries_follow_the_arguments_they_are_built_on(db_path: Path):
    """`argmap extract` (re)made arguments but left the summary made from the old ones, and `argmap
    summary` kept showing a summary from an older summariser version ("9" sorted above "10")."""
    from dataclasses import replace as copy

    store = Store.open(db_path)
    video = seed_video(store, TALK)
    store.close()
    runner = CliRunner()
    first = runner.invoke(cli, ["extract", "--db", str(db_path), "--json"])
    assert first.exit_code == 0, first.output
    assert [o["summarised"] for o in json.loads(first.output)] == [True]  # none existed
    again = json.loads(runner.invoke(cli, ["extract", "--db", str(db_path), "--json"]).output)
    assert [(o["status"], o["summarised"]) for o in again] == [("unchanged", False)]
    forced = runner.invoke(cli, ["extract", "--db", str(db_path), "--force"])
    assert "summary made again" in forced.output

    store = Store.open(db_path)
    current = store.summary(video.id)
    assert current is not None and current.extractor_version == VERSION
    # Versions are numbers: a summary by version 10 is newer than one by version 9.
    newer = str(int(VERSION) + 1)
    store.save_summary(copy(current, id=Summary.make_id(video.id, "default", newer), extractor_version=newer))
    assert store.summary(video.id).extractor_version == newer
    # A video whose only summary is an older version's: `argmap summary` makes it again.
    other = seed_video(store, TALK, video_id="youtube:other")
    stale = copy(
        current, id=Summary.make_id(other.id, "default", "1"), video_id=other.id, extractor_version="1"
    )
    store.save_summary(copy(stale, gist="stale"))
    store.close()
    shown = json.loads(runner.invoke(cli, ["summary", "--db", str(db_path), other.id, "--json"]).output)
    assert shown["gist"] != "stale" and shown["extractor_version"] == VERSION


def test_eli_summary_gist_names_eli_and_his_main_claim(store: Store, shared_dir: Path):
    video, _ = import_text(store, shared_dir / "seeds" / "eli_video_summary.txt", "Eli the Computer Guy")
    summary = summarise_video(store, video)
    assert summary.gist.startswith("Eli")
    assert any(word in summary.gist for word in ("critiques", "criticizes", "argues"))
    times = {s.start for s in load_document(store, video).sentences}
    assert all(kp["start"] in times for kp in summary.key_points)


@pytest.mark.parametrize(
    ("sentence", "clause"),
    [
        ("I think the plan will strand nurses.", "the plan will strand nurses."),
        ("So, I believe that NASA is late.", "NASA is late."),
        ("Honestly the city is wrong.", "the city is wrong."),
        ("I am tired of waiting.", "I am tired of waiting."),
        ("Most buses run empty.", "most buses run empty."),
    ],
)
def test_gist_clause_drops_hedges_and_keeps_i_and_acronyms(sentence: str, clause: str):
    from argmap.pipeline.summarise.gist_wording import _as_clause

    assert _as_clause(sentence) == clause


def test_hedged_main_claim_reads_as_a_clause_in_the_gist(store: Store):
    video = seed_video(store, TALK)
    gist = default_summary(load_document(store, video)).gist
    assert "that i think" not in gist.lower() and "that so" not in gist.lower()


# -- issue 10: gists that read well, key points that cover the arguments ------------------------


def _extracted(store: Store, name: str, who: str, shared_dir: Path):
    from argmap.pipeline.extract.run import extract_videos

    video, segments = import_text(store, shared_dir / "seeds" / name, who)
    extract_videos(store, [video.id])
    return video, segments


def _reads_as_one_sentence(gist: str, who: str) -> None:
    assert gist.startswith(who) and gist.endswith(".") and gist.count(". ") == 0, gist
    for bad in ("criticises that", "objects that what", "that that", "argues that i ", " .", ".."):
        assert bad not in gist.lower(), gist


@pytest.mark.slow
def test_eli_gist_states_his_thesis_and_key_points_cover_his_arguments(store: Store, shared_dir: Path):
    video, segments = _extracted(store, "eli_video_summary.txt", "Eli the Computer Guy", shared_dir)
    summary = summarise_video(store, video)
    _reads_as_one_sentence(summary.gist, "Eli the Computer Guy")
    # the title's thesis, its headline capitals undone but China and USA kept as names
    title = segments[0].text
    thesis = title.rsplit(" - ", 1)[-1]
    assert summary.gist == f"Eli the Computer Guy argues that {thesis[:9]}{thesis[9:].lower()}."
    args = store.arguments(video.id)
    kinds = {a.type for a in args}
    starts = {kp["start"] for kp in summary.key_points}
    by_start = {a.start: a for a in args}
    assert {by_start[s].type for s in starts} == kinds  # every type argued is among the key points
    # a critique of US policy is a key point, and the points reach past the opening sentences
    assert any(by_start[s].type == "critique" and "US" in by_start[s].text for s in starts)
    opening = sorted(s.start for s in segments)[len(summary.key_points)]
    assert max(starts) > opening
    assert summary.key_points[0]["text"].startswith("Title: ")


@pytest.mark.slow
def test_article_gist_never_starts_from_a_heading(store: Store, shared_dir: Path):
    video, segments = _extracted(store, "article_meta_qwen.txt", "Tech News Desk", shared_dir)
    summary = summarise_video(store, video)
    _reads_as_one_sentence(summary.gist, "Tech News Desk argues that ")
    structure = [s.text for s in segments if s.kind]
    texts = [summary.gist, summary.paragraph, *(kp["text"] for kp in summary.key_points)]
    assert not any(line in text for line in structure for text in texts)


def test_nothing_argued_is_said_plainly(store: Store):
    video = seed_video(
        store,
        [
            "Hey everyone, welcome back to the channel.",
            "I'm recording from the kitchen today because the studio is being painted.",
            "Thanks so much for watching, and see you next week.",
        ],
    )
    # what nobody has extracted yet, the cue rules read (they take the kitchen for a claim) ...
    assert "argues" in default_summary(load_document(store, video)).gist
    # ... extraction that ran and found nothing is believed
    store.save_arguments(video.id, "default", "3", [])
    summary = default_summary(load_document(store, video))
    assert summary.gist == "No argument found: Dana Reyes makes no claim, criticism or call to action here."
    assert "argues" not in summary.paragraph and summary.paragraph.startswith("What is said: ")
    assert [kp["text"] for kp in summary.key_points] == [
        "I'm recording from the kitchen today because the studio is being painted."
    ]


@pytest.mark.parametrize(
    ("kind", "text", "origin", "gist"),
    [
        ("call_to_action", "Please write to your MP before Friday.", None,
         "Dana Reyes urges viewers to write to their MP before Friday."),
        ("call_to_action", "Don't buy the season pass in the first week.", None,
         "Dana Reyes urges viewers not to buy the season pass in the first week."),
        ("call_to_action", "The council should publish the business case.", None,
         "Dana Reyes argues that the council should publish the business case."),
        ("critique", "Honestly, the consultation was a joke.", None,
         "Dana Reyes objects that the consultation was a joke."),
        ("claim", "I think Harbour City will cut fares within a year. And more.", None,
         "Dana Reyes argues that Harbour City will cut fares within a year."),
        ("call_to_action", "Harbour City Must Cap Rents Now", "title",
         "Dana Reyes argues that Harbour City must cap rents now."),
        ("critique", "Dana Reyes criticizes the mayor's budget.", None,
         "Dana Reyes criticizes the mayor's budget."),
        ("critique", "Opposition councillor Gareth Pryce said the vote ignored the petition.", None,
         "Dana Reyes reports that opposition councillor Gareth Pryce said the vote ignored the petition."),
        ("claim", "I said the vote ignored the petition.", None,
         "Dana Reyes argues: “I said the vote ignored the petition.”"),
        ("critique", "The minister never told parliament the truth about the cuts.", None,
         "Dana Reyes objects that the minister never told parliament the truth about the cuts."),
        ("call_to_action", "Keep Our Libraries Staffed", "title",
         "Dana Reyes urges: “Keep our libraries staffed.”"),
        ("call_to_action", "Save Our NHS", "title", "Dana Reyes urges: “Save our NHS.”"),
        ("call_to_action", "Stop HS2 Now", "title", "Dana Reyes urges viewers to stop HS2 now."),
        ("call_to_action", "If your fixed rate ends this year, please don't just roll over.", None,
         "Dana Reyes urges: “If your fixed rate ends this year, please don't just roll over.”"),
        # a question and its answer are one point; "argues that is it worth it? No." is no sentence
        ("claim", "Would I buy it again? I probably would, but only for the motor.", None,
         "Dana Reyes argues: “Would I buy it again? I probably would, but only for the motor.”"),
        ("claim", "Is it worth it? No. The price is absurd.", None,
         "Dana Reyes argues: “Is it worth it? No.”"),
        # the modal rule reads "budget for better" as "... better": a conditional call is quoted whole
        ("call_to_action", "If you're buying one, budget for better brake pads from day one.", None,
         "Dana Reyes urges: “If you're buying one, budget for better brake pads from day one.”"),
        ("call_to_action", "My message to the council: scrap it.", None,
         "Dana Reyes urges: “My message to the council: scrap it.”"),
        ("critique", "US policy on chips is a mistake.", None,
         "Dana Reyes objects that US policy on chips is a mistake."),
        ("claim", "Fluoride in Kestrel Vale's water is the right call.", "title",
         "Dana Reyes argues that fluoride in Kestrel Vale's water is the right call."),
        ("claim", "Harbour City will close two depots in May, the transport board announced on Monday.", None,
         "Dana Reyes reports that Harbour City will close two depots in May, the transport board announced "
         "on Monday."),
        ("claim", "In other news, Harbour City will reopen the footbridge on Friday.", None,
         "Dana Reyes argues that Harbour City will reopen the footbridge on Friday."),
        ("claim", "Harbour City will close two depots, and I said that was a mistake.", None,
         "Dana Reyes argues: “Harbour City will close two depots, and I said that was a mistake.”"),
        # a count is the point's place, not the point (captions say it without a comma)
        ("call_to_action", "second thing the board needs to freeze prices for one season", None,
         "Dana Reyes argues that the board needs to freeze prices for one season."),
        ("critique", "First of all, the council lied about the budget.", None,
         "Dana Reyes objects that the council lied about the budget."),
    ],
)  # fmt: skip
def test_gist_sentences(kind: str, text: str, origin: str | None, gist: str):
    from argmap.pipeline.summarise.default import Point
    from argmap.pipeline.summarise.gist_wording import gist_of

    names = frozenset({"Harbour", "City", "MP"})
    assert gist_of(Point(kind, text, 0.0, 1.0, "Dana Reyes", origin), "Dana Reyes", names) == gist


@pytest.mark.parametrize(
    ("who", "text", "gist"),
    [
        ("The speaker", "The secret is a squeeze of lemon right at the end.",
         "The speaker argues that the secret is a squeeze of lemon right at the end."),
        ("Al Moreno", "Also the fares are far too high.",
         "Al Moreno objects that the fares are far too high."),
        ("Al Moreno", "Al Moreno criticises the fares.", "Al Moreno criticises the fares."),
    ],
)  # fmt: skip
def test_a_gist_names_its_speaker_unless_the_sentence_already_does(who: str, text: str, gist: str):
    from argmap.pipeline.summarise.default import Point
    from argmap.pipeline.summarise.gist_wording import gist_of

    kind = "critique" if "fares" in text else "claim"
    assert gist_of(Point(kind, text, 0.0, 1.0, who), who, frozenset()) == gist


def test_key_points_cover_each_type_before_more_of_one():
    from argmap.pipeline.summarise.default import Point, cover

    topics = [
        "bus fares rose",
        "trams run late",
        "parking costs more",
        "cycle lanes filled",
        "taxis vanished",
    ]
    claims = [Point("claim", f"In town the {t} again this spring.", i, i, None) for i, t in enumerate(topics)]
    critique = Point("critique", "The council's transport plan is a shambles.", 9.0, 9.0, None)
    chosen, main = cover([*claims, critique], 3)
    assert 5 in chosen and len(chosen) == 3
    assert main == 5  # the one critique is the position, the claims are what it stands on
    # near-copies add nothing: covering them once is enough
    same = [Point("claim", "Bus fares rose again this spring.", i, i, None) for i in range(6)]
    assert len(cover(same, 4)[0]) == 1


def test_key_points_prefer_the_speakers_own_view_to_a_relayed_fact_and_a_title_takes_no_place():
    from argmap.pipeline.summarise.default import Point, cover

    who = "Tom Hale"
    points = [
        Point("claim", "The phone ban in schools is overdue.", 0.0, 0.0, who, "title"),
        Point("claim", "The ministry announced that phones will be banned in every school.", 5, 9, who),
        Point("claim", "According to the ministry, forty schools already tried the phone ban.", 10, 14, who),
        Point("claim", "I think the phone ban will help kids concentrate in every school.", 15, 19, who),
        Point("critique", "The ministry gave schools no money for lockers, which is lazy.", 20, 24, who),
        Point("call_to_action", "Parents should back their school on the phone ban.", 25, 29, who),
    ]
    chosen, main = cover(points, 4, None)
    assert main == 0 and set(chosen) == {0, 3, 4, 5}


def test_a_one_voice_video_is_summarised_under_its_commentator_not_its_unnamed_speaker(store: Store):
    """Diarization names the one voice "Speaker 1 of <title>" until the user names it; the gist
    then says who the reader knows: the commentator. With several voices, the speaker speaks."""
    from dataclasses import replace

    from argmap.pipeline.extract.run import extract_videos

    video = seed_video(store, TALK)
    extract_videos(store, [video.id])
    doc = load_document(store, video)
    assert doc.arguments and doc.commentator
    unnamed = f"Speaker 1 of {video.title}"
    one_voice = replace(
        doc, speakers={"s1": unnamed}, arguments=[replace(a, speaker=unnamed) for a in doc.arguments]
    )
    gist = default_summary(one_voice).gist
    assert gist.startswith(doc.commentator) and "Speaker 1" not in gist, gist
    two_voices = replace(one_voice, speakers={"s1": unnamed, "s2": "Speaker 2 of the same"})
    assert default_summary(two_voices).gist.startswith(unnamed)
    # one voice: its key points need no name; two whose arguments both count: each is named
    assert all("speaker" not in kp for kp in default_summary(one_voice).key_points)
    second = "Speaker 2 of the same"
    half = [replace(a, speaker=second if n % 2 else unnamed) for n, a in enumerate(doc.arguments)]
    key_points = default_summary(replace(two_voices, arguments=half)).key_points
    assert {kp["speaker"] for kp in key_points} == {unnamed, second}


def test_a_first_person_gist_is_quoted_not_put_in_the_readers_mouth():
    from argmap.pipeline.summarise.default import Point
    from argmap.pipeline.summarise.gist_wording import gist_of

    gist = gist_of(
        Point("critique", "Honestly, I am tired of waiting for the bus.", 0, 1, "Dana"), "Dana", frozenset()
    )
    assert gist == "Dana objects: “I am tired of waiting for the bus.”"
    hedged = gist_of(
        Point("claim", "I think the plan will strand nurses.", 0, 1, "Dana"), "Dana", frozenset()
    )
    assert hedged == "Dana argues that the plan will strand nurses."  # the hedge goes, no "I" is left


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("The council's transport plan is a shambles.", True),
        ("I'm sure they did, who wouldn't.", False),
        ("That's exactly why the pilot should be extended.", False),
        ("Will hospitals cope with a four-day week?", False),
        ("So honestly, rents in the city centre doubled in five years.", True),
        ("Tell them about the early shifts.", False),
        ("Write to your MP before Friday.", True),
        ("Rents doubled in the city this year.", True),
        ("The ban is a mistake that hurts farmers.", True),
        ("There is no evidence the ban works.", True),
        ("Because the council ignored our villages.", False),  # the reason, without its claim
        ("Because the council ignored our villages, we should vote them out.", True),
        ("I think they got this wrong.", False),  # who "they" are, only the talk knows
        ("I think the Bank got this wrong.", True),
        ("I think this ban is a huge mistake.", True),  # "this ban" names what it judges
        ("I think that's only half right, because the cap limits it.", False),  # "that" is not "that ..."
        ("This is a huge mistake.", False),
        ("That was the worst signing of the decade.", False),
    ],
)
def test_which_points_stand_alone_as_a_gist(text: str, alone: bool):
    from argmap.pipeline.summarise.gist_wording import stands_alone

    assert stands_alone(text) is alone


def test_the_gist_of_a_hosted_conversation_is_the_hosts_position():
    from argmap.pipeline.summarise.default import Point, cover

    topics = ["rota", "staffing", "overtime"]
    guest = [
        Point("critique", f"The employers' lobby was wrong about {t} costs.", i, i, "Guest")
        for i, t in enumerate(topics)
    ]
    host = [
        Point("claim", "Hospitals can run a shorter week by staggering the rotas.", 5, 5, "Host"),
        Point("claim", "Nurses already work three or four long shifts a week.", 6, 6, "Host"),
    ]
    guest = [Point(p.type, p.text, p.start + 10, p.end + 10, p.who) for p in guest]
    points = [*host, *guest]
    assert points[cover(points, 3)[1]].who == "Guest"  # without a host, the closing critique leads
    assert points[cover(points, 3, host="Host")[1]].who == "Host"


def test_a_summary_before_extraction_keeps_someone_elses_they() -> None:
    from test_extract import doc_of

    lines = [
        "They predicted chaos at the depots and we got faster bus services instead.",
        "I think the council was right to ignore the lobby on this one.",
        "They said the whole network would collapse within a month and it never did.",
    ]
    summary = default_summary(doc_of(lines))
    texts = [summary.gist, *(kp["text"] for kp in summary.key_points)]
    assert not any("Priya Raman predicted" in t or "Priya Raman said" in t for t in texts), texts


def test_the_gist_is_the_commentators_position_not_the_view_they_answer():
    from argmap.pipeline.summarise.default import Point, cover

    points = [
        Point("claim", "The scooter ban is the right call for a town centre this crowded.", 0, 1, None),
        Point("claim", "Scooters left on the pavement are a menace to anyone with a pram.", 2, 3, None),
        Point("critique", "Some people online are saying this ban is anti-progress.", 4, 5, None),
    ]
    chosen, main = cover(points, 3)
    assert points[main].text.startswith("The scooter ban"), points[main]
    assert 2 in chosen  # still a key point: what the video answers is part of what it says


def test_a_verdict_in_the_speakers_own_voice_can_be_the_gist():
    from argmap.pipeline.summarise.default import Point, cover

    points = [
        Point("critique", "Most fly-tipping is done by rogue traders, not by households.", 0, 1, None),
        Point("claim", "I think three-weekly collection is the right decision for Brenmoor.", 2, 3, None),
        Point("claim", "Three-weekly collection saves the council two million a year.", 4, 5, None),
        Point("claim", "Recycling rates climbed in every town that moved to three-weekly bins.", 6, 7, None),
    ]
    assert cover(points, 3)[1] == 1  # a verdict, not the closing fact ("climbed in every town")
    opening = [replace(p, start=t, end=t + 1) for t, p in enumerate([points[1], points[0], *points[2:]])]
    assert cover(opening, 3)[1] == 0  # said first, it is still the position


def test_the_paragraph_is_the_speakers_sentences_not_the_titles_label(store: Store):
    """The title's thesis leads the gist and is labelled among the key points; the paragraph that
    reads as prose had "Title: Three nil at home, board must act." as its first sentence."""
    said = [
        "That substitution lost us the game, simple as that.",
        "The manager has no plan and the players know it.",
        "The board should sack him before the derby.",
    ]
    video = seed_video(store, said)
    from argmap.pipeline.extract.run import extract_videos

    store.update_video(video.id, {"title": "Three nil at home, board must act"})
    extract_videos(store, [video.id])
    summary = default_summary(load_document(store, store.video(video.id)))
    assert "board must act" in summary.gist.lower()
    assert "Title:" not in summary.paragraph and "board must act" not in summary.paragraph.lower()
    assert summary.paragraph and set(summary.paragraph.replace(". ", ".\n").splitlines()) <= set(said)
    assert any(kp["text"] == "Title: Board must act." for kp in summary.key_points)


def test_a_gist_reports_a_shouted_word_in_lower_case_and_keeps_acronyms():
    """The gist read "Priya Raman objects that the levy is NOT what the NHS trusts asked for"."""
    lines = [
        "The hospital parking levy is NOT what the NHS trusts asked for, and it will not raise a penny.",
        "Thanks for watching, see you next week.",
    ]
    from test_extract import doc_of

    gist = default_summary(doc_of(lines)).gist
    assert "NOT" not in gist and " not what the NHS trusts" in gist, gist


NEWS = """Rovers confirm move to Tanner's Wharf
By Nadia Okafor | Harbridge Post

Harbridge Rovers will leave Castle Lane and move to a new stadium, the club's board confirmed on Tuesday.

The stadium is expected to cost £180 million, most of it from the club's owner.

Critics said the consultation was rushed and that the traffic plan was not good enough.

Council leader Priya Shah said the loan would be repaid from the rent on the land.

The supporters' trust will march from Castle Lane to the town hall on Saturday.
"""


def test_a_news_reports_gist_is_its_lead_reported(store: Store, tmp_path: Path):
    """The gist of a bylined article was its last paragraph's march notice, "argued"."""
    from argmap.pipeline.extract.run import extract_videos
    from argmap.pipeline.summarise.default import reads_as_news

    def summary_of(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        video, _ = import_text(store, path, "Harbridge Post")
        extract_videos(store, [video.id])
        doc = load_document(store, video)
        return reads_as_news(doc), summarise_video(store, video).gist

    news, gist = summary_of("news.txt", NEWS)
    assert news and gist.startswith("Harbridge Post reports that Harbridge Rovers will leave Castle Lane"), (
        gist
    )
    # a column speaks in the writer's own voice; a transcript has no byline
    column = NEWS.replace("The stadium is", "I think the move is a mistake, and the stadium is")
    assert not summary_of("column.txt", column)[0]
    assert not summary_of("talk.txt", NEWS.split("\n", 2)[2])[0]


def test_a_news_report_with_only_its_titles_thesis_still_has_a_main_point():
    from argmap.pipeline.summarise.default import Point, cover

    points = [Point("claim", "Rovers must stay at Castle Lane.", 0, 0, None, "title")]
    assert cover(points, 3, lead=True) == ([0], 0)


def test_key_points_hear_each_voice_of_a_debate(monkeypatch: pytest.MonkeyPatch):
    from argmap.pipeline.summarise import default
    from argmap.pipeline.summarise.default import Point, cover, voices_heard

    # one host argues every type, the other only claims: a type's place alone never reaches her
    kofi = [
        Point("critique", "The trust's petition is a waste of everybody's time.", 0, 0, "Kofi"),
        Point("call_to_action", "Renew your season ticket before the deadline.", 1, 1, "Kofi"),
        *[
            Point("claim", f"The rise is defensible because {t} went up this year.", i, i, "Kofi")
            for i, t in enumerate(["energy", "stewarding", "policing", "insurance"], start=2)
        ],
    ]
    lena = [
        Point("claim", "The away fee gets round the league's cap on away tickets.", 10, 10, "Lena"),
        Point("claim", "The advisory board saw the final price two days before.", 11, 11, "Lena"),
    ]
    points = [*kofi, *lena]
    assert voices_heard(points) == ["Kofi", "Lena"]
    assert "Lena" in {points[i].who for i in cover(points, 3, host="Kofi")[0]}
    # with one place more, not at the cost of a type: the one critique and the one call are there too
    chosen = cover(points, 4, host="Kofi")[0]
    assert "Lena" in {points[i].who for i in chosen}
    assert {points[i].type for i in chosen} == {"claim", "critique", "call_to_action"}
    monkeypatch.setattr(default, "VOICE_SHARE", 1.0)  # without it, only Kofi is heard
    assert {points[i].who for i in cover(points, 3, host="Kofi")[0]} == {"Kofi"}
    monkeypatch.undo()
    # her point is one that stands alone, not a few words turning to the next topic
    fragment = Point("critique", "And then the advisory board.", 12, 12, "Lena")
    with_fragment = [*kofi, *lena, fragment]
    heard = [i for i in cover(with_fragment, 3, host="Kofi")[0] if with_fragment[i].who == "Lena"]
    assert heard and all(with_fragment[i] is not fragment for i in heard)
    # a voice with one passing remark is not a side of the debate
    assert voices_heard([*kofi, *lena[:1]]) == ["Kofi"]
    assert voices_heard(kofi) == []
