"""Key point analysis in compare: selection and matching, relations by meaning, updates.

The fast tests pin the selection and matching arithmetic on made-up vectors; the slow ones run
the shipped matcher and relation model on hand-written commentary (tests/data/compare and
tests/data/compare_negation: three commentators who agree using negations and disagree without
them) and on the shared seeds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner
from test_compare import DATA, load_transcript

from argmap.pipeline.compare.kpa import (
    absorb_one_sided,
    assign,
    is_candidate,
    kpa_compare,
    select_key_points,
)
from argmap.store import Store

NEGATION = Path(__file__).parent / "data" / "compare_negation"


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _clustered(sizes: list[int], seed: int = 3) -> tuple[np.ndarray, list[int]]:
    gen = np.random.default_rng(seed)
    centres = _unit(gen.standard_normal((len(sizes), 64)))
    rows, truth = [], []
    for k, size in enumerate(sizes):
        rows += [centres[k] + gen.standard_normal(64) * 0.05 for _ in range(size)]
        truth += [k] * size
    return _unit(np.array(rows)), truth


def test_selection_covers_each_point_once_and_drops_thin_ones() -> None:
    matrix, truth = _clustered([6, 4, 1])
    every = list(range(len(matrix)))
    chosen = select_key_points(matrix, every, every, 0.8, np.zeros((0, 64), dtype=np.float32))
    assert sorted(truth[c] for c in chosen) == [0, 1]  # one per point; a lone argument is no key point
    groups = assign(matrix, matrix[chosen], 0.8)
    members = {k: sorted(i for i, _ in found) for k, found in groups.items()}
    assert sorted(members.values()) == [list(range(6)), list(range(6, 10))]
    assert 10 not in {i for found in groups.values() for i, _ in found}  # matches none: its own point


def test_selection_skips_what_an_earlier_key_point_says() -> None:
    matrix, truth = _clustered([5, 5])
    every = list(range(len(matrix)))
    taken = matrix[[0]]  # an update: the first point already has its key point
    chosen = select_key_points(matrix, every, every, 0.8, taken)
    assert [truth[c] for c in chosen] == [1]


def test_a_point_two_commentators_word_differently_is_one_key_point() -> None:
    gen = np.random.default_rng(5)
    a, c, other = _unit(gen.standard_normal((3, 64)))
    b = _unit((a + 0.6 * other)[None])[0]  # the same point in other words: about 0.86 from a
    rows = [centre + gen.standard_normal(64) * 0.02 for centre in (a, a, a, b, b, b, c, c, c)]
    matrix = _unit(np.array(rows))
    every = list(range(len(matrix)))
    chosen = select_key_points(matrix, every, every, 0.8, np.zeros((0, 64), dtype=np.float32))
    assert len(chosen) == 3  # each wording matches itself best: the point is split in two
    voices = ["x"] * 3 + ["y"] * 3 + ["x"] * 3
    keep = absorb_one_sided(matrix, chosen, matrix[chosen], 0.8, voices)
    groups = assign(matrix, matrix[chosen][keep], 0.8)
    members = sorted(sorted(i for i, _ in found) for found in groups.values())
    assert members == [[0, 1, 2, 3, 4, 5], [6, 7, 8]]  # shared; x's own point stays x's
    # One commentator: each wording is theirs, nothing to fold.
    assert absorb_one_sided(matrix, chosen, matrix[chosen], 0.8, ["x"] * 9) == [0, 1, 2]


def test_candidates_are_short_and_self_contained() -> None:
    from types import SimpleNamespace

    def arg(text: str) -> object:
        return SimpleNamespace(text=text, quote=text)

    assert is_candidate(arg("Bike lanes raise sales at local shops."))  # type: ignore[arg-type]
    assert not is_candidate(arg("It raises them."))  # type: ignore[arg-type]
    assert not is_candidate(arg("And that is why the shops did better."))  # type: ignore[arg-type]
    assert not is_candidate(arg(" ".join(["word"] * 40)))  # type: ignore[arg-type]


def _load(store: Store, folder: Path) -> Store:
    for path in sorted(folder.glob("*.txt")):
        load_transcript(store, path)
    return store


def _sides(result) -> dict[tuple[str, ...], dict[frozenset[str], str]]:
    """Per key point (its members' texts), the relation between each pair of commentators."""
    names = {}
    for kp in result.key_points:
        ids = {m.argument.id: m.commentator for m in kp.members}
        names[tuple(sorted(m.argument.text for m in kp.members))] = {
            frozenset((ids[r.source_argument_id], ids[r.target_argument_id])): r.relation
            for r in kp.relations
        }
    return names


@pytest.mark.slow
@pytest.mark.parametrize(
    "point",
    [
        "traffic",
        "keep",
        # The relation model is surer that "have not hurt local shops at all; their sales went up"
        # contrasts with "selling more than before" than that "have cut sales" does (under
        # sides.CONTRAST_AT, so taken as agreeing). Before that cut it was right here, and wrong
        # on most unsure contrasts in commentary (README, compare): a known miss, kept in view.
        pytest.param(
            "sales", marks=pytest.mark.xfail(strict=True, reason="unsure contrast, see CONTRAST_AT")
        ),
    ],
)
def test_agreeing_with_negations_and_disagreeing_without_them(store: Store, point: str) -> None:
    result = kpa_compare(_load(store, NEGATION))
    sides = _sides(result)
    assert len(sides) == 3, [kp.key_point.label for kp in result.key_points]
    for kp in result.key_points:
        assert {m.commentator for m in kp.members} == {"Ada Lowe", "Ben Okafor", "Cora Diaz"}
        assert all(r.method.startswith("stance-towards-key-point:model:") for r in kp.relations)
    (texts,) = [texts for texts in sides if any(point in t.lower() for t in texts)]
    assert sides[texts] == {
        frozenset({"Ada Lowe", "Ben Okafor"}): "agrees",
        frozenset({"Ada Lowe", "Cora Diaz"}): "contrasts",
        frozenset({"Ben Okafor", "Cora Diaz"}): "contrasts",
    }, texts


@pytest.mark.slow
def test_kpa_groups_shared_claims_and_marks_the_denial(store: Store) -> None:
    result = kpa_compare(_load(store, DATA))
    by_label = {kp.key_point.label: kp for kp in result.key_points}
    qwen = [kp for kp in result.key_points if any("Qwen" in m.argument.text for m in kp.members)]
    assert qwen, list(by_label)
    # Someone denies the main claim: the key point shows a clash, and the denier disputes it.
    assert any(r.relation == "contrasts" for kp in qwen for r in kp.relations)
    # Stored: the run and its rows are what compare returned.
    runs = store.compare_runs()
    assert runs[0]["run_id"] == result.run_id and runs[0]["model"].startswith("kpa:")


@pytest.mark.slow
def test_update_matches_only_new_arguments_and_keeps_the_rest(store: Store) -> None:
    from argmap.store.queries import argument_relations as store_relations
    from argmap.store.queries import run_key_points

    paths = sorted(NEGATION.glob("*.txt"))
    for path in paths[:2]:
        load_transcript(store, path)
    first = kpa_compare(store)
    before = {
        kp.key_point.id: {m.argument_id for m in kp.members} for kp in run_key_points(store, first.run_id)
    }
    scores = {r.id: r.score for r in store_relations(store)}
    assert scores and all(s is not None and 0.5 <= s <= 1 for s in scores.values())
    load_transcript(store, paths[2])
    updated = kpa_compare(store, update=True)
    assert updated.run_id == first.run_id
    after = {
        kp.key_point.id: {m.argument_id for m in kp.members} for kp in run_key_points(store, first.run_id)
    }
    for kp_id, members in before.items():
        assert members <= after[kp_id]  # nothing taken away
    new = {a for kp_id, members in after.items() for a in members - before.get(kp_id, set())}
    cora = {a.id for a in store.arguments("test:" + paths[2].stem)}
    assert new & cora  # the new video's arguments joined
    earlier = {a for members in before.values() for a in members}
    assert not new & earlier  # and no member of the stored run moved
    # ... nor did the judge's confidence in it (an update once wrote 1.0 over every stored score)
    kept = {r.id: r.score for r in store_relations(store) if r.id in scores}
    assert kept == {k: v for k, v in scores.items() if k in kept} and kept


@pytest.mark.slow
def test_cli_compare_with_the_users_key_points(tmp_path: Path) -> None:
    from argmap.pipeline.present.cli import cli

    db = tmp_path / "argmap.db"
    store = Store.open(db)
    _load(store, NEGATION)
    store.close()
    points = tmp_path / "points.txt"
    points.write_text(
        "# ours\nBike lanes help local shops.\nBike lanes make traffic worse.\n", encoding="utf-8"
    )
    out = CliRunner().invoke(cli, ["compare", "--db", str(db), "--key-points", str(points), "--json"])
    assert out.exit_code == 0, out.output
    import json

    data = json.loads(out.stdout)
    labels = {kp["label"] for kp in data["key_points"]}
    assert labels <= {"Bike lanes help local shops.", "Bike lanes make traffic worse."} and labels
    traffic = [
        kp for kp in data["key_points"] + data["unique"] if kp["label"] == "Bike lanes make traffic worse."
    ]
    assert traffic, data
    # Another file of key points is another run: the first one stays for export and the web view.
    other = tmp_path / "other.txt"
    other.write_text("Bike lanes help local shops.\n", encoding="utf-8")
    again = CliRunner().invoke(cli, ["compare", "--db", str(db), "--key-points", str(other), "--json"])
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)["run_id"]
    store = Store.open(db)
    try:
        assert {data["run_id"], second} <= {r["run_id"] for r in store.compare_runs()} and second != data[
            "run_id"
        ]
    finally:
        store.close()


# The four points both seed commentators make (issue 9): for each, what an argument of the article
# and one of Eli's say when they make it (the article tells the story as "a Chinese model").
SEED_POINTS: dict[str, tuple[Callable[[str], bool], Callable[[str], bool]]] = {
    "Meta uses Qwen to train Avocado": (
        lambda t: "meta" in t and ("qwen" in t or "chinese model" in t),
        lambda t: "qwen" in t and ("meta" in t or "avocado" in t),
    ),
    "Chinese firms built on Llama": (
        lambda t: "llama" in t and any(w in t for w in ("chin", "alibaba", "qwen")),
        lambda t: "llama" in t and any(w in t for w in ("chin", "alibaba", "qwen")),
    ),
    "open development is how progress works": (
        lambda t: "open" in t and any(w in t for w in ("exchange", "innovation", "evolv")),
        lambda t: any(w in t for w in ("supposed to work", "evolution", "experimentation", "explore")),
    ),
    "Chinese models are catching up": (
        lambda t: any(w in t for w in ("rapid progress", "gap", "reversal")),
        lambda t: any(w in t for w in ("improved", "traction", "influence", "catch")),
    ),
}


@pytest.mark.slow
def test_seeds_share_their_common_points(store: Store, shared_dir: Path) -> None:
    from text_import import import_text

    from argmap.pipeline.extract.run import extract_videos

    seeds = shared_dir / "seeds"
    import_text(store, seeds / "article_meta_qwen.txt", "Tech Desk")
    import_text(store, seeds / "eli_video_summary.txt", "Eli the Computer Guy")
    assert all(o.status != "failed" for o in extract_videos(store))
    result = kpa_compare(store)
    shared = [
        (
            {m.argument.text.casefold() for m in kp.members if m.commentator == "Tech Desk"},
            {m.argument.text.casefold() for m in kp.members if m.commentator == "Eli the Computer Guy"},
        )
        for kp in result.key_points
    ]
    found = {
        point
        for point, (desk_says, eli_says) in SEED_POINTS.items()
        for desk, eli in shared
        if any(desk_says(t) for t in desk) and any(eli_says(t) for t in eli)
    }
    # Issue 9 asks for all four, and all four are shared. Without folding one-sided key points
    # (absorb_one_sided) "open development" was split into the article's wording and Eli's.
    assert len(found) == 4, (
        sorted(found),
        [(kp.key_point.label, [m.argument.text for m in kp.members]) for kp in result.key_points],
    )


def test_a_clash_follows_the_stances_the_key_point_shows() -> None:
    # Ana's closest member asserts but most of hers dispute; Ben asserts. The key point shows Ana
    # "criticises", so the two must be shown as clashing, not agreeing.
    from argmap.pipeline.compare.clustering import Member, majority_stance
    from argmap.pipeline.compare.sides import key_point_with_relations as _key_point
    from argmap.store import ArgumentInContext, Commentator, Video

    def member(who: str, n: int, stance: str, similarity: float) -> Member:
        c = Commentator(Commentator.make_id(who), who)
        video = Video(f"v-{who}", f"https://example.org/{who}", who, commentator_id=c.id)
        arg = ArgumentInContext(
            "argument", f"a-{who}-{n}", video, c, "claim", f"text {who} {n}", "q", n, n + 1
        )
        return Member(arg, similarity, stance, False, 0.9)

    scored = [
        member("Ana", 1, "asserts", 0.95),
        member("Ana", 2, "criticises", 0.7),
        member("Ana", 3, "criticises", 0.6),
        member("Ben", 1, "asserts", 0.9),
    ]
    result = _key_point("run", None, "label", "a-Ana-1", scored, "model:test")
    assert result.stances == {"Ana": "criticises", "Ben": "asserts"}
    (relation,) = result.relations
    assert relation.relation == "contrasts"
    assert {relation.source_argument_id, relation.target_argument_id} == {"a-Ana-1", "a-Ben-1"}
    assert majority_stance(["asserts", "criticises"]) == "asserts"  # a tie keeps the point's side


def test_a_tie_goes_to_the_side_the_judge_was_surer_of() -> None:
    """One member on each side of the point: the tie went to the point's side however unsure the
    judge was of it, so "We'll never fill a ground that size" (a sure contrast) beside a restatement
    of what the club claims (an unsure agreement) showed its speaker agreeing that the ground will
    be filled. Over the 80 compare training stories: links right 0.403 -> 0.410, extracted."""
    from argmap.pipeline.compare.clustering import Member, majority_stance
    from argmap.pipeline.compare.sides import key_point_with_relations
    from argmap.store import ArgumentInContext, Commentator, Video

    def member(who: str, n: int, stance: str, sure: float) -> Member:
        c = Commentator(Commentator.make_id(who), who)
        video = Video(f"v-{who}", f"https://example.org/{who}", who, commentator_id=c.id)
        arg = ArgumentInContext(
            "argument", f"a-{who}-{n}", video, c, "claim", f"text {who} {n}", "q", n, n + 1
        )
        return Member(arg, 0.9 - n / 10, stance, False, sure)

    scored = [
        member("Ana", 1, "asserts", 0.55),
        member("Ana", 2, "criticises", 0.8),
        member("Ben", 1, "asserts", 0.9),
    ]
    result = key_point_with_relations("run", None, "label", "a-Ben-1", scored, "model:test")
    assert result.stances == {"Ana": "criticises", "Ben": "asserts"}
    assert [r.relation for r in result.relations] == ["contrasts"]
    # an even tie, or one no judge read, still keeps the point's side; more members still outvote
    assert majority_stance(["criticises", "asserts"], [0.7, 0.7]) == "asserts"
    assert majority_stance(["criticises", "asserts"], [None, None]) == "asserts"
    assert majority_stance(["criticises", "asserts", "asserts"], [0.99, 0.5, 0.5]) == "asserts"


def test_a_relayed_fact_is_related_to_an_opinion_only_where_one_denies_the_other() -> None:
    """Members that only relay the story (:mod:`argmap.pipeline.compare.side_taking`): a
    commentator's stance and relations come from their members that take a side where they have
    any; a report and an opinion are related only where one of them is negated (a denial)."""
    from argmap.pipeline.compare.clustering import Member
    from argmap.pipeline.compare.sides import key_point_with_relations
    from argmap.store import ArgumentInContext, Commentator, Video

    def member(who: str, stance: str, similarity: float, takes_side: bool, negated: bool = False) -> Member:
        c = Commentator(Commentator.make_id(who), who)
        video = Video(f"v-{who}", f"https://example.org/{who}", who, commentator_id=c.id)
        n = len(stance) + int(similarity * 100)
        arg = ArgumentInContext("argument", f"a-{who}-{n}", video, c, "claim", f"{who} {n}", "q", n, n + 1)
        return Member(arg, similarity, stance, negated, 0.9, takes_side)

    ana_fact, ana = member("Ana", "criticises", 0.95, False), member("Ana", "asserts", 0.7, True)
    ben = member("Ben", "criticises", 0.9, True)
    cy, di = member("Cy", "asserts", 0.9, False), member("Di", "asserts", 0.8, False)
    eve = member("Eve", "criticises", 0.85, False, negated=True)  # "X is not true": a denial
    result = key_point_with_relations(
        "run", None, "label", ana.argument.id, [ana_fact, ana, ben, cy, di, eve], "m"
    )
    # Ana's closest member is a report; what she argues is what her stance and relations show.
    assert result.stances == {
        "Ana": "asserts",
        "Ben": "criticises",
        "Cy": "asserts",
        "Di": "asserts",
        "Eve": "criticises",
    }
    shown = {
        frozenset(w.split("-")[1] for w in (r.source_argument_id, r.target_argument_id)): r.relation
        for r in result.relations
    }
    assert shown == {
        frozenset(("Ana", "Ben")): "contrasts",  # two opinions
        frozenset(("Cy", "Di")): "agrees",  # two reports, as judged
        frozenset(("Cy", "Eve")): "contrasts",
        frozenset(("Di", "Eve")): "contrasts",
        frozenset(("Ana", "Eve")): "contrasts",  # Eve's report denies what Ana argues
        frozenset(("Ben", "Eve")): "agrees",
    }  # and no relation between an opinion and a plain report (Ana or Ben with Cy or Di)


def test_a_sourced_report_and_another_telling_agree_unless_one_denies_it() -> None:
    """The article's "..., the club's board confirmed on Tuesday evening." and a commentator's
    "The board has voted to sell the ground and move us out to an old gasworks" (neither taking a
    side) were shown as a clash, the judge reading the bitter wording as against. Two unsourced
    statements of fact still clash as judged ("traffic got quicker" / "traffic got worse")."""
    from argmap.pipeline.compare.clustering import Member
    from argmap.pipeline.compare.sides import key_point_with_relations
    from argmap.store import ArgumentInContext, Commentator, Video

    def member(who: str, text: str, stance: str, negated: bool = False) -> Member:
        c = Commentator(Commentator.make_id(who), who)
        video = Video(f"v-{who}", f"https://example.org/{who}", who, commentator_id=c.id)
        arg = ArgumentInContext("argument", f"a-{who}", video, c, "claim", text, "q", 1, 2)
        return Member(arg, 0.8, stance, negated, 0.7, False)

    post = member("Post", "The depot will close in May, the bus company confirmed on Friday.", "asserts")
    ann = member("Ann", "They've voted to shut our depot and ship the buses off to a car park.", "criticises")
    cy = member("Cy", "The depot is not closing at all, whatever you have read.", "criticises", negated=True)
    result = key_point_with_relations("run", None, "label", post.argument.id, [post, ann, cy], "m")
    shown = {frozenset(w.split("-")[1] for w in (r.source_argument_id, r.target_argument_id)): r.relation
             for r in result.relations}  # fmt: skip
    assert shown == {
        frozenset(("Post", "Ann")): "agrees",  # the same news, told twice
        frozenset(("Post", "Cy")): "contrasts",  # a denial
        frozenset(("Ann", "Cy")): "agrees",  # unsourced, as judged
    }, shown
    # unsourced tellings are left as judged
    plain = member("Dee", "Since the depot moved, buses have run on time.", "asserts")
    other = member("Eli", "Since the depot moved, the buses have been late every day.", "criticises")
    result = key_point_with_relations("run", None, "label", plain.argument.id, [plain, other], "m")
    assert [r.relation for r in result.relations] == ["contrasts"]


def test_a_call_joins_a_statements_key_point_only_on_a_clearly_better_match() -> None:
    from argmap.pipeline.compare.kpa import CROSS_KIND_MARGIN, _anchor_kinds

    gen = np.random.default_rng(7)
    kp = _unit(gen.standard_normal((1, 64)))
    noise = gen.standard_normal((3, 64))
    noise = _unit(noise - (noise @ kp.T) * kp)  # orthogonal to the key point
    close = 0.8 + CROSS_KIND_MARGIN / 2  # clears the threshold, not the threshold plus the margin
    rows = _unit(close * kp + np.sqrt(1 - close**2) * noise)  # three arguments at `close` from the key point
    acts = np.array([0, 1, 1], dtype=np.int8)  # a statement, two calls to action
    kinds = _anchor_kinds(np.array([0], dtype=np.int8), [0])  # the key point is a statement's
    assert sorted(i for i, _ in assign(rows, kp, 0.8)[0]) == [0, 1, 2]
    assert sorted(i for i, _ in assign(rows, kp, 0.8, (acts, kinds))[0]) == [0]
    # a user's key point (no anchor) takes any kind; scores are reported as measured
    found = assign(rows, kp, 0.8, (acts, _anchor_kinds(acts, [None])))[0]
    assert sorted(i for i, _ in found) == [0, 1, 2] and all(abs(s - close) < 1e-3 for _, s in found)


def test_arguments_no_key_point_took_are_counted_per_voice() -> None:
    """Two channels' unnamed "Speaker 1"s are two people, not one count under one name."""
    from argmap.pipeline.compare.clustering import alone_by_voice
    from argmap.store import ArgumentInContext, Commentator, Video

    def arg(channel: str, n: int, person: str) -> ArgumentInContext:
        c = Commentator(Commentator.make_id(channel), channel)
        video = Video(f"v-{channel}", f"https://example.org/{channel}", channel, commentator_id=c.id)
        return ArgumentInContext(
            "argument", f"a-{channel}-{n}", video, c, "claim", f"text {n}", "q", n, n + 1,
            person_id=person, person="Speaker 1", video_speakers=2,
        )  # fmt: skip

    items = [arg("Ana Talks", 1, "p-1"), arg("Ana Talks", 2, "p-1"), arg("Ben Pod", 1, "p-2")]
    assert alone_by_voice(items, []) == {"Speaker 1 (Ana Talks)": 2, "Speaker 1 (Ben Pod)": 1}


def test_an_ask_against_is_the_other_side_of_an_ask() -> None:
    from argmap.pipeline.compare.sides import asks_against, asks_the_opposite, is_call

    assert is_call("People should sign the petition to save the pool") and is_call("Scrap the fee.")
    assert not is_call("The repair estimate is inflated")
    assert asks_the_opposite("I'd say, don't sign that petition.", "People should sign the petition")
    assert not asks_the_opposite("Please sign the petition.", "People should sign the petition")
    # the negation of a reason given for the ask is not the ask's
    assert not asks_against("Sign the petition, because otherwise they won't listen.")
    assert asks_against("The council should not sell the site until the survey is in.")
    assert asks_against("I'm asking you not to sign it.")
    # voting down is an ask against, and two against-words cancel
    assert asks_the_opposite(
        "Write to the planning committee and tell them to reject the application.",
        "People should write to the committee and ask them to approve the plans",
    )
    assert asks_against("You must vote no on Measure B.")
    assert asks_against("Tell them to vote this down at the planning committee in March.")
    assert not asks_against("Don't let the committee block the new stadium.")
    # two asks joined: their against-words do not cancel; an "and" inside one ask joins its words
    assert asks_against("Don't panic, and don't rush out to buy anything.")
    assert not asks_the_opposite("Don't panic, and don't rush out to buy one.", "Don't buy the new model yet")
    assert not asks_against("Come to the meeting and don't let them block it.")
    assert not asks_against("Don't let the council and the developers block the new pool.")
    # asks to keep on are against nothing
    assert not asks_the_opposite("Don't give up and don't stop fighting for the lido.", "Keep the lido open")
    assert not asks_against("Don't wait and don't hesitate, sign the petition now.")


def test_a_point_one_commentator_disputes_alone_says_so() -> None:
    from argmap.pipeline.compare.clustering import alone_line

    kp = SimpleNamespace(
        members=[SimpleNamespace(commentator="Tom Ade")],
        stances={"Tom Ade": "criticises"},
        key_point=SimpleNamespace(label="Closing the pool is the right decision"),
    )
    assert alone_line(kp) == "only Tom Ade disputed: Closing the pool is the right decision"  # type: ignore[arg-type]
    kp.stances = {"Tom Ade": "asserts"}
    assert alone_line(kp).startswith("only Tom Ade argued: ")  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_call_against_the_users_call_is_a_clash(tmp_path: Path, store: Store) -> None:
    said = {
        "tom": (
            "Tom Ade",
            "00:10 call_to_action | Please sign the petition to save the pool, the link is below.",
        ),
        "priya": (
            "Priya Raman",
            "00:12 call_to_action | I'd say, don't sign that petition to save the pool.",
        ),
    }
    for stem, (name, line) in said.items():
        path = tmp_path / f"{stem}.txt"
        path.write_text(
            f"# commentator: {name}\n# title: The pool vote\n# url: https://example.org/{stem}\n"
            f"# published: 2026-03-02\n{line}\n",
            encoding="utf-8",
        )
        load_transcript(store, path)
    result = kpa_compare(store, key_points=["People should sign the petition to save the pool"], save=False)
    (kp,) = result.key_points
    assert kp.stances == {"Tom Ade": "calls_for_action", "Priya Raman": "criticises"}, kp.stances
    assert [r.relation for r in kp.relations] == ["contrasts"]


def test_a_relayed_claim_takes_no_side_and_an_answer_given_is_no_negation() -> None:
    """An article's "X said ..." and "According to ..." pass on the story (the side-taking model
    read some as the writer's own and compare showed the article disputing its own fact); "58 per
    cent said no to the move" restates a survey, and counted as a denial of it."""
    from types import SimpleNamespace

    from argmap.pipeline.compare.clustering import negated
    from argmap.pipeline.compare.sides import relays_news, side_taking_of

    relayed = [
        "Council leader Priya Shah said the loan would be repaid over 25 years from the rent.",
        "According to the club, most of the money will come from the owner.",
    ]
    own = ["The loan will be repaid from the rent, and that is the right way to do it."]
    assert all(relays_news(t) for t in relayed) and not any(relays_news(t) for t in own)
    # the source put last, as news does; not the writer's own "as I said", nor a relative clause
    assert relays_news(
        "The depot will close in May, with forty jobs lost, the bus company confirmed on Friday."
    )
    assert relays_news("The repairs will cost two million pounds, the council's report says.")
    assert not relays_news("The depot should never have closed, as I said at the time.")
    assert not relays_news("The depot closed in May, which nobody at the council has said out loud.")
    items = [SimpleNamespace(type="claim", text=t) for t in [*relayed, *own]]
    items.append(SimpleNamespace(type="call_to_action", text="According to me, you should sign it."))
    sided = side_taking_of(items, {0, 1, 2, 3}, None)  # type: ignore[arg-type]
    assert sided == {0: False, 1: False, 2: True, 3: True}
    assert not negated("Fifty-eight per cent of its members said no to the move.")
    assert negated("There is no plan for the traffic.") and negated("The club won't say.")


def test_an_unsure_contrast_counts_as_agreeing() -> None:
    from types import SimpleNamespace

    from argmap.pipeline.compare.sides import CONTRAST_AT, Judge, member_sides

    def judge(pairs: list[tuple[str, str]]) -> list[tuple[str, float]]:
        return [("contrasts", float(a)) for a, _ in pairs]

    items = [
        SimpleNamespace(text=str(c), commentator_id=f"c{n}", by_person=False, type="claim")
        for n, c in enumerate((CONTRAST_AT - 0.05, CONTRAST_AT + 0.05))
    ]
    groups = {0: [(0, 0.9), (1, 0.9)]}
    sides = member_sides(items, [("label", None)], groups, Judge("t", judge, contrast_at=CONTRAST_AT))  # type: ignore[arg-type]
    assert sides[(0, 0)] == ("agrees", 0.5) and sides[(0, 1)] == ("contrasts", CONTRAST_AT + 0.05)
    # a judge without the cut (an LLM, the negation rule) is taken at its word
    sides = member_sides(items, [("label", None)], groups, Judge("t", judge))  # type: ignore[arg-type]
    assert sides[(0, 0)][0] == "contrasts"
