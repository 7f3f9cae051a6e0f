"""Sentence ends restored in unpunctuated text (auto-captions): the caption form, the shipped
model's quality on the held-out transcripts (never used to train or choose it), and how the
sentence splitter uses it."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from argmap.pipeline import sentence_ends
from argmap.pipeline.document import MAX_WORDS, split_sentences
from argmap.pipeline.extract.caption_eval import to_captions
from argmap.pipeline.sentence_ends import WEIGHTS, caption_form, is_unpunctuated, load_model
from argmap.store import Segment

DATA = Path(__file__).parent / "data" / "argeval"
REPO = Path(__file__).resolve().parent.parent


def test_caption_form_is_what_auto_captions_write() -> None:
    assert (
        caption_form("Don't panic: it's Meta’s move, not Alibaba's!")
        == "don't panic it's meta's move not alibaba's"
    )
    assert caption_form("The U.S. cut rates by 0.5%.") == "the u s cut rates by 0 5"
    assert caption_form("“Quoted” — and 'single' too") == "quoted and single too"


def test_which_texts_count_as_unpunctuated() -> None:
    caption = "so the council voted last night and honestly i think they got it wrong again this time"
    assert is_unpunctuated(caption)
    assert not is_unpunctuated("The council voted last night. Honestly, I think they got it wrong again.")
    assert not is_unpunctuated("too short to matter")


def test_the_shipped_model_is_small_and_loads() -> None:
    assert WEIGHTS.stat().st_size < 1_000_000
    model = load_model()
    assert model is not None and 0.0 < model.threshold < 1.0
    assert model.ends([]) == [] and model.ends(["one"]) == [0]


def _heldout_caption_docs() -> list[tuple[list[str], set[int]]]:
    out = []
    for line in (DATA / "heldout.jsonl").read_text(encoding="utf-8").splitlines():
        words, ends = [], set()
        for seg in json.loads(line)["segments"]:
            words += caption_form(seg["text"]).split()
            ends.add(len(words) - 1)
        ends.discard(len(words) - 1)
        out.append((words, ends))
    return out


def test_heldout_sentence_ends_come_back() -> None:
    # Boundary precision / recall measured on held-out caption form: 0.553 / 0.480 (README);
    # a model that cut nowhere, or everywhere, fails here.
    model = load_model()
    assert model is not None
    tp = fp = fn = 0
    for words, gold in _heldout_caption_docs():
        predicted = set(model.ends(words)) - {len(words) - 1}
        tp += len(gold & predicted)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.48 and recall >= 0.42


def test_captions_are_cut_into_sentences_not_45_word_runs() -> None:
    line = (DATA / "heldout.jsonl").read_text(encoding="utf-8").splitlines()[0]
    caption = to_captions(json.loads(line))
    segments = [
        Segment(f"t/{i}", "t", "v", i, s["start"], s["end"], s["text"])
        for i, s in enumerate(caption.doc["segments"])
    ]
    sentences = split_sentences(segments)
    lengths = [len(s.text.split()) for s in sentences]
    assert all(n <= MAX_WORDS for n in lengths)
    assert 6 <= statistics.median(lengths) <= 25
    # cut inside cues, not only at their edges: caption cues ignore sentences
    edges = {
        len(" ".join(s["text"] for s in caption.doc["segments"][: i + 1]).split())
        for i in range(len(segments))
    }
    ends, at = set(), 0
    for n in lengths:
        at += n
        ends.add(at)
    assert ends - edges


def test_without_the_model_sentences_are_cut_by_length_as_before(monkeypatch) -> None:
    monkeypatch.setattr(sentence_ends, "load_model", lambda path=WEIGHTS: None)
    words = " ".join(["word"] * 20)
    segments = [Segment(f"t/{i}", "t", "v", i, i * 5.0, i * 5.0 + 5.0, words) for i in range(6)]
    out = split_sentences(segments)
    assert [len(s.text.split()) for s in out] == [40, 40, 40]


def test_training_labels_sentence_ends_and_adds_spoken_openers() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import train_sentence_ends as train
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    doc = [["the", "bill", "passed"], ["so", "what", "now"], ["we", "wait"]]
    labels = [label for _, label in train.gaps(doc)]
    assert labels == [0, 0, 1, 0, 0, 1, 0]
    spoken = train.spoken([[["a", "written", "claim"]] * 200], like=[doc])
    firsts = {s[0] for s in spoken[0]}
    assert "so" in firsts and "a" in firsts  # openers added at about the rate "like" has them
