"""The key point matcher: the shipped adapter is the one measured, it loads, and it matches.

The sentences below are written for this test (no dataset text): three key points on each of two
subjects, and one argument per key point worded away from it, so a right answer needs more than
shared words.
"""

from __future__ import annotations

import pytest

from argmap.pipeline import minilm as tuned
from argmap.pipeline.compare import matcher

#: sha256 of pipeline/data/matcher_lora.npz; a retrained adapter must update this and the figures
DIGEST = "72b4c27ea962845c0a0a28557fe5a59611086e61e06727ed01fb705faa232616"

KEY_POINTS = [
    "Remote work improves productivity.",
    "Remote work harms communication within teams.",
    "Remote work saves commuting time and money.",
    "Nuclear power is a low-carbon source of energy.",
    "Nuclear waste stays dangerous for thousands of years.",
    "Nuclear plants are too expensive to build.",
]
ARGUMENTS = [
    "People who stay at home get more done because nobody interrupts them every ten minutes.",
    "When everyone is at home, colleagues hardly talk and misunderstandings pile up.",
    "Not having to drive to the office every day saves me hours and a lot of fuel.",
    "Reactors emit almost no CO2 while running, so they help fight climate change.",
    "Spent fuel stays radioactive for millennia and nobody has a safe place to put it.",
    "New reactors keep going billions over budget and take decades to finish.",
]


def test_shipped_adapter_is_small_and_pinned() -> None:
    path = matcher.WEIGHTS
    assert path.is_file()
    assert path.stat().st_size < 5 * 1024 * 1024
    assert tuned.sha256(path) == DIGEST
    delta = tuned.read_delta(path)
    factors = [k for k in delta if k.endswith("::A")]
    # rank-16 LoRA on q/k/v/output and both feed-forward layers of all six MiniLM blocks
    assert len(factors) == 36
    assert all(delta[k].shape[0] == 16 for k in factors)
    assert all(f"{k[:-3]}::B" in delta for k in factors)
    assert 0.0 < float(delta["meta::threshold"]) < 1.0


@pytest.mark.slow
def test_matcher_ranks_the_right_key_point_first() -> None:
    m = matcher.load_matcher()
    scores = m.match_scores(ARGUMENTS, KEY_POINTS)
    assert scores.shape == (6, 6)
    assert list(scores.argmax(axis=1)) == list(range(6))
    vectors = m.encode(ARGUMENTS)
    assert vectors.dtype.name == "float32"
    assert abs(float((vectors**2).sum(axis=1).mean()) - 1.0) < 1e-4
    assert m.match_scores([], KEY_POINTS).shape == (0, 6)


@pytest.mark.slow
def test_the_delta_changes_the_encoder_and_plain_minilm_is_search_s() -> None:
    """An empty delta is exactly search's MiniLM; the shipped one moves the vectors."""
    from argmap.pipeline.search.embed import get_embedder

    plain = matcher.Matcher(None).encode(ARGUMENTS[:2])
    search = get_embedder().encode(ARGUMENTS[:2])
    assert abs(plain - search).max() < 1e-4
    tuned_vectors = matcher.load_matcher().encode(ARGUMENTS[:2])
    assert abs(tuned_vectors - plain).max() > 1e-2
