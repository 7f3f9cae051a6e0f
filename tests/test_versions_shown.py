"""A video re-extracted with another extractor version keeps the old rows beside the new ones (m010
records which ran last), but listings, compare and search show each argument once: the last run's.
Before, an upgrade from v5 to v6 showed every argument twice, and compare matched each to its twin."""

from __future__ import annotations

import pytest
from test_extract import COMMENTARY, seed_video

from argmap.pipeline.compare.clustering import load_arguments
from argmap.pipeline.extract.offline import ClassifierExtractor
from argmap.pipeline.extract.run import extract_videos
from argmap.pipeline.search.embed import embed_all
from argmap.pipeline.search.query import search
from argmap.store import Store
from argmap.store.queries import arguments_in_context, count_arguments, last_extractions


def test_the_last_extraction_is_what_every_read_shows(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    video = seed_video(store, COMMENTARY)
    extract_videos(store)
    first = {a.id for a in arguments_in_context(store)}
    assert first and count_arguments(store) == len(first)

    current = ClassifierExtractor.version
    monkeypatch.setattr(ClassifierExtractor, "version", "99")
    extract_videos(store)
    assert len(store.arguments(video.id)) == 2 * len(first)  # both versions stay stored
    shown = arguments_in_context(store)
    assert {a.extractor_version for a in shown} == {"99"} and len(shown) == len(first)
    assert count_arguments(store) == len(first)
    assert {a.extractor_version for a in load_arguments(store, None)} == {"99"}
    assert len(arguments_in_context(store, current=False)) == 2 * len(first)
    assert last_extractions(store, [video.id]) == {video.id: ("default", "99")}

    # the rules run last is what shows (rules rows are stored as default version 1)
    extract_videos(store, extractor="rules")
    assert {a.extractor_version for a in arguments_in_context(store)} == {"1"}
    every = arguments_in_context(store, extractor="default", current=False)
    assert {a.extractor_version for a in every} == {"1", current, "99"}

    # running the old version again (its rows unchanged) makes it the one shown again
    monkeypatch.setattr(ClassifierExtractor, "version", current)
    extract_videos(store, force=True)
    assert {a.id for a in arguments_in_context(store)} == first


@pytest.mark.slow
def test_search_finds_each_argument_once_after_a_new_version(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_video(store, COMMENTARY)
    extract_videos(store)
    monkeypatch.setattr(ClassifierExtractor, "version", "99")
    extract_videos(store)
    embed_all(store)
    hits = search(store, COMMENTARY[3], scope="arguments", limit=10)
    assert hits and {h.item.extractor_version for h in hits} == {"99"}
    assert len({h.quote for h in hits}) == len(hits)


def test_removing_a_video_removes_its_extraction_record(store: Store) -> None:
    video = seed_video(store, COMMENTARY)
    extract_videos(store)
    store.remove_video(video.id)
    assert last_extractions(store, [video.id]) == {}
