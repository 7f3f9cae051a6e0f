"""Search that answers: the default scope covers arguments and passages, arguments lead when a
passage is about as relevant, and natural questions about the shared seeds find the passage that
answers them in the top 3.

The questions are written for this test, paraphrasing rather than quoting. Their answers are
segments of the seed texts named by index and checked against the text hashes in
pipeline/data/seeds_labels.json, so no seed text is copied here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_extract import seed_video
from text_import import import_text

import argmap.pipeline.search.query as query_module
from argmap.pipeline.config import DEFAULT_SEARCH_SCOPE
from argmap.pipeline.extract.evaluate import SEED_LABELS
from argmap.pipeline.present.cli import cli
from argmap.pipeline.search.embed import build_passages
from argmap.pipeline.search.query import _ranked, search
from argmap.store import Argument, Store

ARTICLE, ELI = "article_meta_qwen.txt", "eli_video_summary.txt"

# question -> the seed segments any of which answers it
QUESTIONS: list[tuple[str, dict[str, tuple[int, ...]]]] = [
    ("Will Avocado be open or closed source?", {ELI: (1, 10)}),
    ("Which Chinese model is Meta using to build its new AI?", {ARTICLE: (1, 11, 12), ELI: (1, 5)}),
    ("What does Eli think about American export controls?", {ELI: (12,)}),
    ("When did Meta first release Llama?", {ARTICLE: (4,)}),
    ("Was the first Qwen based on Llama?", {ARTICLE: (9, 10)}),
    ("How much of the open model downloads come from China?", {ELI: (9,)}),
    ("How can viewers help Silicon Dojo?", {ELI: (21,)}),
    ("Could other Western companies copy what Meta did?", {ARTICLE: (35,)}),
    ("Who reported that Meta is training on Qwen?", {ARTICLE: (12,)}),
    ("Why is open development good for innovation?", {ELI: (6, 15, 16)}),
]


def test_default_scope_is_arguments_and_passages() -> None:
    assert DEFAULT_SEARCH_SCOPE == "all"
    help_text = CliRunner().invoke(cli, ["search", "--help"]).output
    assert "[default: all]" in help_text


def test_arguments_lead_only_when_about_as_relevant() -> None:
    # cosine similarities: a passage a hair above its argument falls behind it ...
    near = _ranked(
        [("passage:p", 0.51), ("argument:a", 0.50)], lambda k, s: s + 0.02 * k.startswith("argument:")
    )
    assert [k for k, _ in near] == ["argument:a", "passage:p"]
    assert dict(near) == {"passage:p": 0.51, "argument:a": 0.50}  # scores shown as measured
    # ... a clearly better passage stays ahead
    far = _ranked(
        [("passage:p", 0.60), ("argument:a", 0.50)], lambda k, s: s + 0.02 * k.startswith("argument:")
    )
    assert [k for k, _ in far] == ["passage:p", "argument:a"]


def test_fused_ranking_puts_the_argument_before_its_passage(store: Store, monkeypatch) -> None:
    lines = ["The new stadium deal is a terrible bargain for taxpayers.", "Thanks for watching."]
    video = seed_video(store, lines)
    segments = store.segments(store.transcript(video.id).id)
    passage = build_passages(segments)[0]
    store.save_passages(passage.transcript_id, [passage])
    argument = Argument(
        id=Argument.make_id(video.id, "default", "3", 0, lines[0]), video_id=video.id,
        transcript_id=passage.transcript_id, type="critique", text=lines[0], quote=lines[0], start=0.0,
        end=4.0, seg_first=0, seg_last=0, extractor="default", extractor_version="3",
    )  # fmt: skip
    store.save_arguments(video.id, "default", "3", [argument])
    # keyword search ranks the passage first, by a hair (BM25 scores of two tables)
    ranked = {"passage": [(passage.id, 2.02)], "argument": [(argument.id, 2.00)]}
    monkeypatch.setattr(query_module, "keyword_search", lambda s, kind, q, f, k: ranked[kind])
    monkeypatch.setattr(query_module, "has_vectors", lambda s, model: False)
    hits = search(store, "stadium deal taxpayers", limit=5)
    assert [h.kind for h in hits] == ["argument", "passage"]
    only_passages = search(store, "stadium deal taxpayers", scope="passages", limit=5)
    assert [h.kind for h in only_passages] == ["passage"]


@pytest.fixture(scope="module")
def seeds_store(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from argmap.pipeline.extract.run import extract_videos
    from argmap.pipeline.search.embed import embed_all

    path = tmp_path_factory.mktemp("answers") / "seeds.db"
    store = Store.open(path)
    for name, who in ((ARTICLE, "Tech News Desk"), (ELI, "Eli the Computer Guy")):
        _, segments = import_text(store, shared_dir / "seeds" / name, who)
        labels = json.loads(SEED_LABELS.read_text(encoding="utf-8"))[name]["segments"]
        # the gold indices below are only meaningful on the segments the labels were made for
        assert [hashlib.sha1(s.text.encode()).hexdigest()[:12] for s in segments] == [
            x["sha1"] for x in labels
        ]
    extract_videos(store)
    embed_all(store)
    store.close()
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("question", "gold"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_questions_find_their_answer_in_the_top_3(
    seeds_store: Path, question: str, gold: dict[str, tuple[int, ...]]
) -> None:
    store = Store.open(seeds_store, readonly=True)
    try:
        hits = search(store, question, limit=3)
    finally:
        store.close()
    answers = [
        h
        for h in hits
        for name, indices in gold.items()
        if h.video_id == "file:" + Path(name).stem
        and any(h.item.seg_first <= i <= (h.item.seg_last or h.item.seg_first) for i in indices)
    ]
    assert answers, [(h.kind, h.video_id, h.item.seg_first, h.item.seg_last) for h in hits]


def test_the_limit_counts_the_hits_people_are_shown(monkeypatch) -> None:
    """Loose hits the relevance judge leaves out do not use up --limit: the next relevant hit
    takes their place (a limit of 3 once showed 2 hits and cut off the best answer, fourth)."""
    import argmap.pipeline.search.relevance as relevance

    asked: list[int] = []
    ranked = ["loose-a", "good-b", "loose-c", "good-d", "good-e", "good-f"]

    def fake_search(store, query, *, limit, **options):  # the ranking, fixed
        asked.append(limit)
        return ranked[:limit]

    def fake_judge(store, query, hits):
        label = lambda h: "none" if h.startswith("loose") else "good"  # noqa: E731
        return [relevance.Judged(h, label(h), 0.5, (), 1.0) for h in hits]  # type: ignore[arg-type]

    monkeypatch.setattr(relevance, "search", fake_search)
    monkeypatch.setattr(relevance, "judge", fake_judge)
    answer = relevance.answers(None, "q", limit=3, scope="all", mode="hybrid")  # type: ignore[arg-type]
    assert [j.hit for j in answer.shown] == ["good-b", "good-d", "good-e"]
    assert answer.hidden == 2 and answer.found == 6 and asked == [9]
    everything = relevance.answers(None, "q", limit=3, scope="all", mode="hybrid", show_all=True)  # type: ignore[arg-type]
    # "show the 2 hidden" shows those two among the three: the same window, nothing else
    assert [j.hit for j in everything.shown] == ranked[:5] and everything.hidden == 0


@pytest.mark.slow
def test_a_question_that_names_its_answer_shows_it_though_it_shares_no_words() -> None:
    """ "What does Gary want viewers to do?" is answered by any call to action of Gary's, which
    shares no word with it and little meaning: the relevance judge had hidden all of them as
    too loosely related ("nothing stored is closely related")."""
    from argmap.pipeline.extract.offline import ClassifierExtractor
    from argmap.pipeline.extract.run import extract_video
    from argmap.pipeline.search.embed import embed_all
    from argmap.pipeline.search.relevance import answers

    store = Store.memory()
    gary = seed_video(
        store,
        [
            "The council plans to sell the Millbrook allotments to a housebuilder for two million pounds.",
            "I think the sale is the right call, because this town badly needs new homes.",
            "Write to your ward councillor and ask for a weekend shuttle bus to the new plots.",
        ],
        video_id="import:gary",
        commentator="Gary Marsh",
    )
    rachel = seed_video(
        store,
        [
            "Selling the allotments is a terrible mistake.",
            "Please sign the allotment association's petition before the end of April.",
        ],
        video_id="import:rachel",
        commentator="Rachel Dunne",
    )
    for video in (gary, rachel):
        extract_video(store, video, ClassifierExtractor())
    embed_all(store)
    shown = answers(store, "What does Gary want viewers to do?", limit=5, scope="all", mode="hybrid").shown
    texts = [j.hit.text for j in shown]
    assert any(t.startswith("Write to your ward councillor") for t in texts), texts
    assert not any("petition" in t for t in texts), texts  # Rachel's call is not what was asked
