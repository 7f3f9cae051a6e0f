"""Caption parsing: WebVTT (plain and YouTube rolling), SRT, plain text, and import into the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.pipeline.errors import MediaError
from argmap.pipeline.ingest.captions import (
    WORDS_PER_SECOND,
    Cue,
    cues_to_segments,
    parse_captions,
    read_caption_file,
    speakers_from_labels,
    split_sentences,
)
from argmap.store import Transcript

PLAIN_VTT = """WEBVTT
Kind: captions

NOTE written by hand
00:00:09.000 --> 00:00:10.000 is not a cue

STYLE
::cue { color: yellow }

intro
00:00:01.000 --> 00:00:03.500 align:middle line:90%
<v Alice>The budget is <b>too</b> small.</v>

00:03.500 --> 00:06.250
We should fund
the schools first.

01:00:00.000 --> 01:00:02.000
An hour &amp; later.
"""

# Shaped like YouTube automatic captions: each cue repeats the line before it, inline
# word timings, 10 ms cues that repeat the text, whitespace-only lines (~) inside cues.
ROLLING_VTT = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.350 align:start position:0%
~
so<00:00:00.320><c> today</c><00:00:00.640><c> we</c><00:00:01.200><c> talk</c>

00:00:02.350 --> 00:00:02.360 align:start position:0%
so today we talk
~

00:00:02.360 --> 00:00:05.000 align:start position:0%
so today we talk
about<00:00:02.800><c> the</c><00:00:03.100><c> new</c><00:00:03.500><c> tax</c>

00:00:05.000 --> 00:00:05.010 align:start position:0%
about the new tax
~

00:00:05.010 --> 00:00:07.000 align:start position:0%
about the new tax
plan<00:00:05.500><c> and</c><00:00:06.000><c> why</c><00:00:06.500><c> it</c><00:00:06.800><c> fails</c>

00:00:07.000 --> 00:00:07.010 align:start position:0%
plan and why it fails
~
""".replace("\n~\n", "\n \n")

SRT = (
    "\ufeff1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>Hello</i> world,\r\n\r\n"
    "2\r\n00:00:03,600 --> 00:00:06,000\r\n{\\an8}this is a test\r\nof two lines.\r\n\r\n"
    "3\r\n00:00:06,000 --> 00:00:07,000\r\n42\r\n\r\n"
)


def texts(cues: list[Cue]) -> list[str]:
    return [c.text for c in cues]


def test_plain_vtt_cues_tags_and_times() -> None:
    cues = parse_captions(PLAIN_VTT, "vtt")
    assert texts(cues) == [
        "Alice: The budget is too small.",  # a WebVTT voice span names the speaker
        "We should fund the schools first.",
        "An hour & later.",
    ]
    assert [(c.start, c.end) for c in cues] == [(1.0, 3.5), (3.5, 6.25), (3600.0, 3602.0)]


def test_youtube_rolling_captions_are_deduplicated() -> None:
    cues = parse_captions(ROLLING_VTT, "vtt")
    assert texts(cues) == ["so today we talk", "about the new tax", "plan and why it fails"]
    assert [c.start for c in cues] == [0.0, 2.36, 5.01]
    joined = " ".join(texts(cues))
    assert joined.count("today") == 1 and joined.count("tax") == 1
    for prev, nxt in zip(cues, cues[1:], strict=False):
        assert prev.end <= nxt.start


_ROLL_LINES = [
    "so the council voted last night",
    "to close the old bridge to cars",
    "and i think that",
    "is a mistake",
]


def _rolled(fmt: str) -> str:
    """Auto-captions as other tools convert them: each cue repeats the last line, no timing tags."""
    blocks = []
    for i, line in enumerate(_ROLL_LINES):
        shown = ([_ROLL_LINES[i - 1]] if i else []) + [line]
        start, end = f"00:00:{i * 3:02d}.000", f"00:00:{i * 3 + 3:02d}.000"
        timing = f"{start} --> {end}" if fmt == "vtt" else f"{start} --> {end}".replace(".", ",")
        blocks.append(("" if fmt == "vtt" else f"{i + 1}\n") + timing + "\n" + "\n".join(shown))
    return ("WEBVTT\n\n" if fmt == "vtt" else "") + "\n\n".join(blocks) + "\n"


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_rolling_captions_without_timing_tags_are_deduplicated(fmt: str) -> None:
    cues = parse_captions(_rolled(fmt), fmt)
    assert texts(cues) == _ROLL_LINES
    assert [c.start for c in cues] == [0.0, 3.0, 6.0, 9.0]


def test_a_line_repeated_once_in_edited_captions_is_kept() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:03,000\nNo.\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\nNo.\nI said no.\n\n"
        "3\n00:00:05,000 --> 00:00:07,000\nThe vote is on Friday.\n\n"
        "4\n00:00:07,000 --> 00:00:09,000\nWe will be there.\n"
    )
    assert texts(parse_captions(srt, "srt")) == [
        "No.",
        "No. I said no.",
        "The vote is on Friday.",
        "We will be there.",
    ]


def test_srt_with_bom_crlf_and_formatting() -> None:
    cues = parse_captions(SRT, "srt")
    assert texts(cues) == ["Hello world,", "this is a test of two lines.", "42"]
    assert [(c.start, c.end) for c in cues] == [(1.0, 3.5), (3.6, 6.0), (6.0, 7.0)]


def test_txt_sentences_get_speaking_rate_times() -> None:
    text = "Taxes are too high. Dr. Smith disagrees with that!\n\nIs the U.S. economy growing? Yes"
    cues = parse_captions(text, "txt")
    assert texts(cues) == [
        "Taxes are too high.",
        "Dr. Smith disagrees with that!",
        "Is the U.S. economy growing?",
        "Yes",
    ]
    assert cues[0].start == 0.0
    assert cues[0].end == pytest.approx(4 / WORDS_PER_SECOND)
    assert cues[1].start == cues[0].end
    assert cues[1].end - cues[1].start == pytest.approx(5 / WORDS_PER_SECOND)
    assert cues[-1].end == pytest.approx(sum(len(c.text.split()) for c in cues) / WORDS_PER_SECOND)


def test_txt_with_leading_timestamps_keeps_them() -> None:
    text = "[00:00:01] Hello there.\n[00:00:04] A second line\nthat continues.\n[01:02] Later on.\n"
    cues = parse_captions(text, "txt")
    assert texts(cues) == ["Hello there.", "A second line that continues.", "Later on."]
    assert [c.start for c in cues] == [1.0, 4.0, 62.0]
    assert cues[0].end == pytest.approx(1.0 + 2 / WORDS_PER_SECOND)
    assert all(c.end >= c.start for c in cues)


def test_split_sentences_keeps_numbers_and_abbreviations() -> None:
    assert split_sentences("It costs 3.5 billion. That is e.g. a lot vs. last year.") == [
        "It costs 3.5 billion.",
        "That is e.g. a lot vs. last year.",
    ]


def test_unknown_format_and_files(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="unknown caption format"):
        parse_captions("x", "ass")
    bad = tmp_path / "notes.docx"
    bad.write_text("x")
    with pytest.raises(MediaError, match="not a caption file"):
        read_caption_file(bad)
    empty = tmp_path / "empty.vtt"
    empty.write_text("WEBVTT\n\n")
    with pytest.raises(MediaError, match="no caption text"):
        read_caption_file(empty)
    with pytest.raises(MediaError, match="cannot read"):
        read_caption_file(tmp_path / "missing.srt")


def test_a_timing_line_that_does_not_parse_loses_only_its_cue_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    srt = tmp_path / "slip.srt"
    srt.write_text(
        "1\n00:00:00,000 --> 00:00:03,000\nthe levy should go\n\n"
        "2\n00:00:03,000 --> 00:00:05,1000\nbecause it hurts guest houses\n\n"  # four digits: read as 5.1
        "3\n00:00:05,1000 --> 00:00:08,000\nand families go elsewhere\n\n"
        "4\n00:00:08 -> 00:00:11,000\nthis cue cannot be placed\n\n"
        "5\n00:00:11,000 --> 00:00:13,000\nwrite this week\n"
    )
    with caplog.at_level("WARNING"):
        cues = read_caption_file(srt)
    assert [(c.start, c.text) for c in cues] == [
        (0.0, "the levy should go"),
        (3.0, "because it hurts guest houses"),
        (5.1, "and families go elsewhere"),
        (11.0, "write this week"),
    ]
    assert "slip.srt: left out 1 cue(s) whose timing line does not parse (line 14)" in caplog.text


def test_read_caption_file_by_suffix_and_legacy_encoding(tmp_path: Path) -> None:
    srt = tmp_path / "old.SRT"
    srt.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nCaf\u00e9 cr\u00e8me\n".encode("cp1252"))
    assert texts(read_caption_file(srt)) == ["Café crème"]
    vtt = tmp_path / "auto.en.vtt"
    vtt.write_text(ROLLING_VTT, encoding="utf-8")
    assert len(read_caption_file(vtt)) == 3


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_files_saved_as_unicode_by_windows_editors_are_read(tmp_path: Path, encoding: str) -> None:
    """Notepad's "Unicode" is UTF-16 with a byte-order mark; SRT and pasted text in it read as text."""
    mark = "\ufeff" if encoding == "utf-16-be" else ""
    srt = tmp_path / "talk.srt"
    srt.write_bytes(
        (mark + "1\r\n00:00:01,000 --> 00:00:02,000\r\nCaf\u00e9 cr\u00e8me \u2013 ok\r\n").encode(encoding)
    )
    assert texts(read_caption_file(srt)) == ["Café crème \u2013 ok"]
    txt = tmp_path / "talk.txt"
    txt.write_bytes((mark + "The tariffs are a mistake. We must fund research.\n").encode(encoding))
    assert " ".join(texts(read_caption_file(txt))).startswith("The tariffs are a mistake.")


def test_title_of_a_short_legacy_encoded_text_keeps_its_last_letter(tmp_path: Path) -> None:
    from argmap.pipeline.ingest.sources import _text_title

    article = tmp_path / "a.txt"
    for text in (
        "Best of Paris: Caf\u00e9",
        "Best of Paris: Caf\u00e9\r\n",
    ):  # its one accent is the last letter
        article.write_bytes(text.encode("cp1252"))
        assert _text_title(article) == "Best of Paris: Caf\u00e9"


def test_a_head_cut_inside_a_character_still_decodes() -> None:
    from argmap.pipeline.text import decode_file_text

    text = "Caf\u00e9 \u2013 title\nmore"
    for encoding in ("utf-8", "utf-16"):
        raw = text.encode(encoding)
        for cut in range(len(raw)):
            head = decode_file_text(raw[:cut], head=True)
            assert text.startswith(head.rstrip("\ufffd")), (encoding, cut, head)


def test_cues_to_segments_orders_and_ids() -> None:
    cues = [Cue(5.0, 6.0, "second"), Cue(1.0, 2.0, " first "), Cue(7.0, 6.5, "third"), Cue(8.0, 9.0, "  ")]
    segments = cues_to_segments(cues, transcript_id="file:x/captions", video_id="file:x")
    assert [s.text for s in segments] == ["first", "second", "third"]
    assert [s.idx for s in segments] == [0, 1, 2]
    assert segments[0].id == "file:x/captions/00000"
    assert segments[2].end == segments[2].start == 7.0
    assert all(s.avg_logprob is None and s.words is None for s in segments)


def test_vtt_import_is_stored_with_times_and_rerun_is_identical(store, tmp_path: Path) -> None:
    from argmap.store import Video

    path = tmp_path / "talk.vtt"
    path.write_text(PLAIN_VTT, encoding="utf-8")
    video = Video(id="file:talk", source_url=str(path), title="talk")
    store.upsert_video(video)
    transcript = Transcript(id=Transcript.make_id(video.id, "import"), video_id=video.id, source="import")
    for _ in range(2):
        segments = cues_to_segments(read_caption_file(path), transcript_id=transcript.id, video_id=video.id)
        store.save_transcript(transcript, segments)
    stored = store.segments(transcript.id)
    assert [(s.start, s.end, s.text) for s in stored] == [
        (1.0, 3.5, "Alice: The budget is too small."),  # one voice span: kept as text
        (3.5, 6.25, "We should fund the schools first."),
        (3600.0, 3602.0, "An hour & later."),
    ]
    assert store.counts()["segments"] == 3
    hits = store.rows("select rowid from segments_fts where segments_fts match 'schools'")
    assert len(hits) == 1


def _srt(cues: list[str]) -> str:
    """An SRT file of ``cues``, two seconds each."""
    return "".join(
        f"{i + 1}\n00:00:{i * 2:02d},000 --> 00:00:{i * 2 + 2:02d},000\n{c}\n\n" for i, c in enumerate(cues)
    )


def _said(text: str, fmt: str) -> tuple[list[tuple[str | None, str]], list[str]]:
    """(speaker label or None, text) of each segment of a caption text, and the speakers found."""
    segments = cues_to_segments(parse_captions(text, fmt), transcript_id="t", video_id="v")
    labelled, speakers = speakers_from_labels(segments, "v")
    by_id = {s.id: s.label for s in speakers}
    return [(by_id.get(s.speaker_id or ""), s.text) for s in labelled], [s.label for s in speakers]


def test_speaker_labels_become_speakers_when_used_more_than_once() -> None:
    text = (
        "[00:01] Dana Reyes: The subsidy is a mistake.\n"
        "[00:05] Note: this line is not a speaker.\n"
        "[00:09] >> TOM: We should vote against it.\n"
        "[00:14] Dana Reyes: And soon.\n"
        "[00:18] TOM: Agreed.\n"
        "[00:22] >> Someone else talks now.\n"
    )
    said, speakers = _said(text, "txt")
    assert sorted(speakers) == ["Dana Reyes", "Tom"]  # a shouted label is a name to show
    assert said == [
        ("Dana Reyes", "The subsidy is a mistake."),
        (None, "Note: this line is not a speaker."),
        ("Tom", "We should vote against it."),
        ("Dana Reyes", "And soon."),
        ("Tom", "Agreed."),
        (None, "Someone else talks now."),
    ]
    _, shouted = _said("[00:01] DR O'NEILL: Yes.\n[00:03] BBC: No.\n[00:05] DR O'NEILL: Yes.\n"
                       "[00:07] BBC: No.\n", "txt")  # fmt: skip
    assert sorted(shouted) == ["BBC", "Dr O'Neill"]
    from argmap.pipeline.ingest.captions import _as_name

    assert [_as_name(n) for n in ("JOSÉ", "ÉMILE ZOLA", "CEO", "ABC NEWS", "DEV", "ANA", "SPEAKER 2")] == [
        "José", "Émile Zola", "CEO", "ABC News", "Dev", "Ana", "Speaker 2"
    ]  # fmt: skip


def test_turns_inside_a_cue_or_a_line_are_turns() -> None:
    """Meeting tools' "Speaker 1:" labels, a second labelled speaker inside one cue, a ">>" inside
    a line and a dialogue dash: each was kept in the quote of somebody else's argument."""
    said, names = _said("Speaker 1: The grant is too small.\nSpeaker 2: The budget cannot stretch.\n"
                        "Speaker 1: Then cut roads.\nSpeaker 2: Roads matter.\n", "txt")  # fmt: skip
    assert said == [("Speaker 1", "The grant is too small."), ("Speaker 2", "The budget cannot stretch."),
                    ("Speaker 1", "Then cut roads."), ("Speaker 2", "Roads matter.")]  # fmt: skip
    assert sorted(names) == ["Speaker 1", "Speaker 2"]
    cue = _srt(["ANA: The bus cuts hurt.\nBEN: They save money.", "ANA: No excuse.", "BEN: It is tiny."])
    said, _ = _said(cue, "srt")
    assert said == [("Ana", "The bus cuts hurt."), ("Ben", "They save money."), ("Ana", "No excuse."),
                    ("Ben", "It is tiny.")]  # fmt: skip
    cues = parse_captions(_srt(["THE MINISTER FAILED. >> WE DISAGREE.", "- Fine them.\n- No."]), "srt")
    assert texts(cues) == ["THE MINISTER FAILED.", ">> WE DISAGREE.", "- Fine them.", "- No."]
    assert cues[0].end == cues[1].start and cues[1].end == 2.0  # the cue's time, shared by words
    said, _ = _said(">> The closure is a betrayal. >> I understand the anger.\n>> Then repair it.\n", "txt")
    assert [t for _, t in said] == [
        "The closure is a betrayal.",
        "I understand the anger.",
        "Then repair it.",
    ]


def test_a_turn_of_several_sentences_is_its_speakers_to_the_end() -> None:
    text = (
        "Ana Ruiz: Welcome back. Today it is the bridge tolls. Ben, you hate them.\n"
        "Ben Okafor: I do. They hit night workers hardest. And the money vanishes into a fund nobody sees. "
        "A fifth of it—\n"
        "Ana Ruiz: It's in the council's own figures, though.\n"
        "Ben Okafor: Fine. But a fifth is still a lot.\n"
    )
    said, _ = _said(text, "txt")
    assert said[:3] == [("Ana Ruiz", "Welcome back."), ("Ana Ruiz", "Today it is the bridge tolls."),
                        ("Ana Ruiz", "Ben, you hate them.")]  # fmt: skip
    assert ("Ben Okafor", "And the money vanishes into a fund nobody sees.") in said
    assert ("Ben Okafor", "A fifth of it—") in said  # cut off, and not glued to Ana's reply
    assert ("Ana Ruiz", "It's in the council's own figures, though.") in said
    assert all(who is not None for who, _ in said), said
    assert not any("Ana Ruiz:" in t or "Ben Okafor:" in t for _, t in said)


def test_bracketed_speaker_labels_and_sound_tags_in_srt() -> None:
    cues = ["[Music]", "[Sam] If the toll money is ring-fenced", "[Sam] for buses, fine.", "[Dee]: Taxis are",
            "[Dee] public transport too.", "[Music] and we are back", "[Sam] Thanks, Dee."]  # fmt: skip
    said, speakers = _said(_srt(cues), "srt")
    assert sorted(speakers) == ["Dee", "Sam"]  # [Music] is a sound, not a speaker
    assert said[1:5] == [("Sam", "If the toll money is ring-fenced"), ("Sam", "for buses, fine."),
                         ("Dee", "Taxis are"), ("Dee", "public transport too.")]  # fmt: skip
    assert said[-1] == ("Sam", "Thanks, Dee.")


def test_a_long_unpunctuated_paste_is_cut_into_timed_cues_and_markup_dropped() -> None:
    from argmap.pipeline.ingest.captions import MAX_CUE_WORDS

    run_on = " ".join(f"word{i}" for i in range(200))
    text = f'<div class="post"><b>Fares</b></div>\n{run_on}\nIf x < 5 and y > 3 the fare is free.\n'
    cues = parse_captions(text, "txt")
    assert all(len(c.text.split()) <= MAX_CUE_WORDS for c in cues)
    assert " ".join(c.text for c in cues).split()[:2] == ["Fares", "word0"]
    assert "<div" not in " ".join(c.text for c in cues) and "x < 5 and y > 3" in cues[-1].text
    assert parse_captions("<Dana> the toll is too high.\n", "txt")[0].text == "<Dana> the toll is too high."
    scripted = "Notes <script>alert('pwned')</script> from the <b>board</b> meeting\n\nThe board must act.\n"
    assert "alert" not in " ".join(c.text for c in parse_captions(scripted, "txt"))
    from argmap.pipeline.ingest.structure import title_line

    assert title_line(scripted) == "Notes from the board meeting"
    for prev, nxt in zip(cues, cues[1:], strict=False):
        assert prev.end == nxt.start  # one after another, each with its own time
    assert cues[-1].end > 200 / WORDS_PER_SECOND


def test_one_recurring_label_never_claims_the_lines_after_it() -> None:
    text = (
        "Update: the council has responded to our questions.\n\n"
        "Critics say the plan was rushed. The plan should be scrapped.\n\n"
        "Update: the vote is now on Friday.\n\n"
        "Residents are angry about it.\n"
    )
    said = dict((line, who) for who, line in _said(text, "txt")[0])
    assert said["Critics say the plan was rushed."] is None and said["Residents are angry about it."] is None
    cues = [
        "JOHN: We need the bridge.",
        "So do we.",
        "JOHN: Now.",
        "[Chuckles] Well, fine.",
        "[Chuckles] Really fine.",
    ]
    labelled, speakers = _said(_srt(cues), "srt")
    assert speakers == ["John"]  # "[Chuckles]" is a sound
    assert [who is not None for who, _ in labelled] == [True, False, True, False, False]


def test_short_dialogue_that_repeats_a_reply_is_not_a_roll() -> None:
    cues = ["- Are you coming?\n- Yes.", "- Yes.\n- Good. Then go.", "Go.", "Go.\nNow!"]
    assert texts(parse_captions(_srt(cues), "srt")) == [
        "- Are you coming?",
        "- Yes.",
        "- Yes.",
        "- Good. Then go.",
        "Go.",
        "Go. Now!",
    ]  # fmt: skip  (each dash is another speaker's turn: a cue of its own)


def test_a_long_punctuated_sentence_is_cut_into_cues_at_its_commas() -> None:
    from argmap.pipeline.ingest.captions import MAX_CUE_WORDS

    clause = "we have had people come in who are in crisis and need somebody to talk to,"
    run_on = " ".join([clause] * 6).rstrip(",") + "."
    cues = parse_captions(run_on + "\n", "txt")
    assert len(cues) > 1 and all(len(c.text.split()) <= MAX_CUE_WORDS for c in cues)
    assert all(c.text.endswith(",") for c in cues[:-1]), [c.text for c in cues]
    assert " ".join(c.text for c in cues) == run_on
    # no clause mark to cut at: cut at the limit, nothing lost
    bare = " ".join(f"w{i}" for i in range(100))
    assert " ".join(c.text for c in parse_captions(bare + ".\n", "txt")) == bare + "."


def test_plain_text_sentences_end_where_the_transcript_splitter_ends_them() -> None:
    """An import cut "President J." / "F." / "Kennedy" and glued "she said no. The council ...":
    one rule for abbreviations, the same one the sentence splitter uses."""
    from argmap.pipeline.ingest.captions import split_sentences

    text = "President J. F. Kennedy spoke. She said no. The council met on Jan. 5 with Lt. Col. Reed."
    assert split_sentences(text) == [
        "President J. F. Kennedy spoke.", "She said no.", "The council met on Jan. 5 with Lt. Col. Reed."
    ]  # fmt: skip


def test_binary_bytes_named_txt_are_refused(tmp_path: Path) -> None:
    """cp1252 decodes any byte: 3 KB of random bytes was imported as a transcript of mojibake."""
    from argmap.pipeline.errors import MediaError
    from argmap.pipeline.ingest.captions import read_caption_file

    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 12)
    with pytest.raises(MediaError, match="junk.txt: not a text file"):
        read_caption_file(junk)
    prose = tmp_path / "prose.txt"
    prose.write_bytes(
        ("Caf\u00e9 prices rose.\x07 A stray bell.\n" + "Still text, in cp1252.\n" * 3).encode("cp1252")
    )
    assert read_caption_file(prose)


def test_an_srt_without_blank_lines_keeps_its_indexes_out_of_the_text() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:03,000\nThe cap is a rip-off.\n"
        "2\n00:00:04,000 --> 00:00:06,000\nRefund us.\n"
    )
    assert texts(parse_captions(text, "srt")) == ["The cap is a rip-off.", "Refund us."]
    assert texts(parse_captions(text.replace("\n", "\r\n"), "srt")) == ["The cap is a rip-off.", "Refund us."]


def test_a_voice_span_names_its_speaker_even_once(tmp_path: Path) -> None:
    """`<v Dee>` said who speaks; used once, it was read as a one-off "Dee:" label and dropped."""
    from argmap.pipeline.ingest.captions import read_caption_file, voice_names

    vtt = tmp_path / "bins.vtt"
    vtt.write_text(
        "WEBVTT\n\n00:00.000 --> 00:03.000\n<v Ben>Three-weekly bins are a bad idea.\n\n"
        "00:03.000 --> 00:06.000\n<v Dee>Recycling went up where they tried it.\n\n"
        "00:06.000 --> 00:09.000\n<v Ben>Consult first.\n",
        encoding="utf-8",
    )
    segments = cues_to_segments(read_caption_file(vtt), transcript_id="t", video_id="v")
    labelled, speakers = speakers_from_labels(segments, "v", voice_names(vtt))
    by_id = {s.id: s.label for s in speakers}
    assert [(by_id.get(s.speaker_id or ""), s.text) for s in labelled] == [
        ("Ben", "Three-weekly bins are a bad idea."),
        ("Dee", "Recycling went up where they tried it."),
        ("Ben", "Consult first."),
    ]


def test_a_sentence_may_start_with_any_script_or_an_inverted_mark() -> None:
    """Only A-Z and Latin-1 capitals started a sentence: "¿Quién ...?", "Łódź ..." and "Это ..."
    were glued to the sentence before, in quotes and arguments."""
    from argmap.pipeline.ingest.captions import split_sentences

    assert split_sentences("The budget is short. ¿Quién paga? ¡Nadie! Łódź said no. Это провал.") == [
        "The budget is short.", "¿Quién paga?", "¡Nadie!", "Łódź said no.", "Это провал."
    ]  # fmt: skip
    assert split_sentences("« C'est fini. » Les syndicats refusent.") == [
        "« C'est fini. »",
        "Les syndicats refusent.",
    ]


def test_a_pasted_text_decodes_the_entities_captions_decode() -> None:
    assert texts(parse_captions("Scrap the scheme &amp; refund drivers.\n", "txt")) == [
        "Scrap the scheme & refund drivers."
    ]


def test_named_and_numeric_character_references_are_decoded() -> None:
    """WebVTT takes HTML's named references: "&quot;" stayed in every argument and export."""
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana>It&#8217;s &quot;fine&quot;, caf&eacute; &amp; all"
    assert texts(parse_captions(vtt, "vtt")) == ['Ana: It’s "fine", café & all']
    assert texts(parse_captions("A&nbsp;fair &quot;deal&quot;.\n", "txt")) == ['A fair "deal".']


def test_a_list_pasted_flat_is_read_as_a_list() -> None:
    """A bullet pasted mid-line ("... bakers. • The levy ...") stayed inside one quote."""
    cues = parse_captions("• The levy hurts bakers. • The levy hurts florists.\n", "txt")
    assert texts(cues) == ["The levy hurts bakers.", "The levy hurts florists."]
