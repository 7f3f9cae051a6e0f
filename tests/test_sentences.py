"""Sentence splitting over timed segments: text, times and segment ranges survive the re-cut."""

from __future__ import annotations

from argmap.pipeline.document import MAX_WORDS, split_sentences
from argmap.store import Segment


def segs(*items: tuple[float, float, str]) -> list[Segment]:
    return [
        Segment(id=f"t/{i}", transcript_id="t", video_id="v", idx=i, start=s, end=e, text=text)
        for i, (s, e, text) in enumerate(items)
    ]


def test_two_sentences_in_one_segment_get_interpolated_times():
    out = split_sentences(segs((10.0, 20.0, "First one is here. Second one is longer than that.")))
    assert [s.text for s in out] == ["First one is here.", "Second one is longer than that."]
    assert out[0].start == 10.0 and out[1].end == 20.0
    # the cut falls about 35% into the segment's characters, so its time does too
    assert 12.5 < out[0].end < 14.5 and out[0].end <= out[1].start
    assert out[0].seg_first == out[0].seg_last == 0


def test_sentence_running_over_segments_keeps_its_range():
    out = split_sentences(
        segs(
            (0.0, 3.0, "Hello everyone."),
            (3.0, 6.0, "Today the U.S. government and"),
            (6.0, 9.0, "Mr. Smith agreed."),
        )
    )
    assert [s.text for s in out] == ["Hello everyone.", "Today the U.S. government and Mr. Smith agreed."]
    second = out[1]
    assert (second.seg_first, second.seg_last) == (1, 2)
    assert second.start == 3.0 and second.end == 9.0
    assert [s.idx for s in out] == [0, 1]


def test_a_contraction_ends_a_sentence_and_an_initial_does_not():
    """The t of "won't" was read as an initial, like the J of "J. Kennedy", and two
    sentences became one argument."""
    out = split_sentences(
        segs(
            (0.0, 5.0, "Crime won't rise. The survey was a sham, and they didn't care."),
            (5.0, 9.0, "That's what it's. Ask J. Kennedy about it’s."),
            (9.0, 12.0, "Rain’s. Then sun."),
            (12.0, 16.0, "He told 'Dr. Smith' to go and asked ‘J. Kennedy’ too."),
            (16.0, 22.0, "She said no. Room No. 5 was shut on Jan. 5 by Lt. Col. Reed."),
        )
    )
    assert [s.text for s in out] == [
        "Crime won't rise.",
        "The survey was a sham, and they didn't care.",
        "That's what it's.",
        "Ask J. Kennedy about it’s.",
        "Rain’s.",
        "Then sun.",
        "He told 'Dr. Smith' to go and asked ‘J. Kennedy’ too.",
        "She said no.",
        "Room No. 5 was shut on Jan. 5 by Lt. Col. Reed.",
    ]


def test_question_and_exclamation_end_sentences_even_before_lowercase():
    out = split_sentences(segs((0.0, 4.0, "Is that right? and yes it is! so there.")))
    assert len(out) == 3


def test_unpunctuated_asr_output_is_cut_at_segment_edges():
    words = " ".join(["word"] * 20)
    out = split_sentences(segs(*[(i * 5.0, i * 5.0 + 5.0, words) for i in range(6)]))
    assert len(out) > 1
    assert all(len(s.text.split()) <= MAX_WORDS for s in out)
    assert out[0].start == 0.0 and out[-1].end == 30.0


def test_empty_segments_are_skipped():
    assert split_sentences(segs((0.0, 1.0, "  "))) == []
    out = split_sentences(segs((0.0, 1.0, ""), (1.0, 2.0, "Only this.")))
    assert out[0].seg_first == 1 and out[0].start == 1.0


def test_an_hour_of_unpunctuated_captions_is_cut_into_bounded_sentences():
    # Auto-captions carry no punctuation at all; every cut then comes from the MAX_WORDS rule.
    # (Its speed, once minutes per hour, is measured by benchmarks/bench_extract.py.)
    line = "the new policy is going to hurt the people who rely on the bus"
    items = [(i * 2.4, i * 2.4 + 2.4, line) for i in range(1500)]  # ~20,000 words
    out = split_sentences(segs(*items))
    assert len(out) > 400 and all(len(s.text.split()) <= MAX_WORDS for s in out)


def test_a_sentence_never_spans_two_speakers() -> None:
    from argmap.store import Segment

    segments = [
        Segment("t/0", "t", "v", 0, 0.0, 2.0, "So the council should", speaker_id="s-a"),
        Segment("t/1", "t", "v", 1, 2.0, 4.0, "absolutely not do that.", speaker_id="s-b"),
        Segment("t/2", "t", "v", 2, 4.0, 6.0, "Publish it all", speaker_id="s-b"),
        Segment("t/3", "t", "v", 3, 6.0, 8.0, "and soon.", speaker_id="s-b"),
    ]
    out = split_sentences(segments)
    assert [(s.text, s.seg_first, s.seg_last) for s in out] == [
        ("So the council should", 0, 0),
        ("absolutely not do that.", 1, 1),
        ("Publish it all and soon.", 2, 3),
    ]
