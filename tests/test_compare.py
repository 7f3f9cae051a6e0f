"""Compare: shared claims grouped across commentators, off-topic kept out, clashes marked.

The store is seeded from tests/data/compare/: three commentators on one story (Meta using
Alibaba's Qwen to train Avocado), written so that two agree on some points, one denies the
main claim, two clash over whether Avocado is closed, and one also talks about her kitchen.
Each line of a file is one transcript segment and one argument of the given type.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from text_import import import_text

from argmap.pipeline.compare.clustering import cluster, compare, negated
from argmap.pipeline.search.embed import embed_all
from argmap.store import Argument, Commentator, Segment, Store, Transcript, Video

DATA = Path(__file__).parent / "data" / "compare"
_LINE = re.compile(r"^(\d+):(\d+) (\w+) \| (.+)$")


def load_transcript(store: Store, path: Path) -> list[Argument]:
    """One annotated transcript file into commentator, video, segments and arguments."""
    meta: dict[str, str] = {}
    lines: list[tuple[float, str, str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#"):
            key, _, value = raw[1:].partition(":")
            meta[key.strip()] = value.strip()
        elif m := _LINE.match(raw):
            lines.append((int(m[1]) * 60 + int(m[2]), m[3], m[4]))
    commentator = Commentator(id=Commentator.make_id(meta["commentator"]), name=meta["commentator"])
    store.upsert_commentator(commentator)
    video = Video(
        id="test:" + path.stem,
        source_url=meta["url"],
        webpage_url=meta["url"],
        title=meta["title"],
        commentator_id=commentator.id,
        published=meta["published"],
    )
    store.upsert_video(video)
    transcript = Transcript(id=Transcript.make_id(video.id, "import"), video_id=video.id, source="import")
    segments = [
        Segment(
            id=Segment.make_id(transcript.id, i),
            transcript_id=transcript.id,
            video_id=video.id,
            idx=i,
            start=start,
            end=start + 12.0,
            text=text,
        )
        for i, (start, _, text) in enumerate(lines)
    ]
    store.save_transcript(transcript, segments)
    arguments = [
        Argument(
            id=Argument.make_id(video.id, "test", "1", i, text),
            video_id=video.id,
            transcript_id=transcript.id,
            type=kind,
            text=text,
            quote=text,
            start=start,
            end=start + 12.0,
            seg_first=i,
            seg_last=i,
            extractor="test",
            extractor_version="1",
        )
        for i, (start, kind, text) in enumerate(lines)
    ]
    store.save_arguments(video.id, "test", "1", arguments)
    return arguments


@pytest.fixture
def seeded(store: Store) -> Store:
    for path in sorted(DATA.glob("*.txt")):
        load_transcript(store, path)
    return store


def _point_with(result, needle: str):
    for kp in result.key_points + result.unique:
        if any(needle in m.argument.text for m in kp.members):
            return kp
    raise AssertionError(f"no key point holds {needle!r}")


def test_negation_cues() -> None:
    assert negated("Meta is not using Qwen")
    assert negated("Avocado won't be open")
    assert not negated("Meta is using Qwen")
    assert not negated("It is not untrue that Meta uses Qwen")


def test_cluster_is_threshold_driven_and_deterministic() -> None:
    import numpy as np

    v = np.array([[1, 0, 0], [0.99, 0.14, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    assert cluster(v, 0.9) == [[0, 1], [2], [3]]
    assert cluster(v, 0.9) == cluster(v.copy(), 0.9)
    assert cluster(v, 0.999) == [[0], [1], [2], [3]]
    assert cluster(v[:0], 0.5) == []


@pytest.mark.slow
def test_compare_groups_shared_claims_and_marks_clashes(seeded: Store) -> None:
    embed_all(seeded)
    result = compare(seeded)

    qwen = _point_with(result, "Meta is using Alibaba's Qwen")
    names = {m.commentator for m in qwen.members}
    assert {"Dana Reyes", "Marco Bianchi"} <= names
    assert qwen in result.key_points
    # Priya denies it: if her denial lands in the same key point it must be a clash, not agreement.
    if "Priya Nair" in names:
        assert qwen.stances["Priya Nair"] == "criticises"
        priya = next(m.argument.id for m in qwen.members if m.commentator == "Priya Nair")
        assert all(
            r.relation == "contrasts"
            for r in qwen.relations
            if priya in (r.source_argument_id, r.target_argument_id)
        )

    llama = _point_with(result, "built on top of Meta's own Llama")
    assert {m.commentator for m in llama.members} == {"Dana Reyes", "Marco Bianchi"}
    assert all(r.relation == "agrees" for r in llama.relations)

    closed = _point_with(result, "Avocado will be a closed model")
    assert {m.commentator for m in closed.members} == {"Dana Reyes", "Marco Bianchi"}
    clash = [r for r in closed.relations if r.relation == "contrasts"]
    assert clash and clash[0].method == "rule:negation-mismatch"
    assert closed.stances == {"Dana Reyes": "asserts", "Marco Bianchi": "criticises"}

    # Off-topic talk never joins a shared key point and is reported as unique to Priya.
    sourdough = _point_with(result, "sourdough")
    assert sourdough not in result.key_points
    assert sourdough in result.unique and sourdough.key_point.commentators == 1
    for kp in result.key_points:
        assert kp.key_point.commentators >= 2
        assert "sourdough" not in kp.key_point.label

    # Members carry what a reader needs to jump to the moment.
    member = qwen.members[0].as_dict()
    assert member["url"].startswith("https://www.youtube.com/watch?v=") and "t=" in member["url"]
    assert member["commentator"] and member["quote"] and member["type"] in ("claim", "critique")


@pytest.mark.slow
def test_compare_is_deterministic_stored_and_rerunnable(seeded: Store) -> None:
    embed_all(seeded)
    first = compare(seeded).as_dict()
    counts = seeded.counts()
    second = compare(seeded).as_dict()
    assert first == second
    assert seeded.counts() == counts  # same run replaced, nothing piled up
    stored = seeded.rows("select * from key_points where run_id = ?", [first["run_id"]])
    assert len(stored) == len(first["key_points"]) + len(first["unique"])
    relations = seeded.rows("select relation, method from argument_relations where key_point_id is not null")
    assert {r["relation"] for r in relations} == {"agrees", "contrasts"}
    assert all(r["method"].startswith("rule:") for r in relations)
    members = seeded.rows("select count(*) as n from key_point_members")[0]["n"]
    assert members == sum(kp["size"] for kp in first["key_points"] + first["unique"])


@pytest.mark.slow
def test_compare_topic_and_commentator_filters(seeded: Store) -> None:
    embed_all(seeded)
    topical = compare(seeded, topic="Meta training Avocado with Qwen")
    texts = [m["text"] for kp in topical.as_dict()["key_points"] for m in kp["members"]]
    assert any("Qwen" in t for t in texts)
    all_texts = [m.argument.text for kp in topical.key_points + topical.unique for m in kp.members]
    assert not any("sourdough" in t or "espresso" in t for t in all_texts)

    two = compare(seeded, commentators=["dana reyes", "Priya Nair"])
    names = {m.commentator for kp in two.key_points + two.unique for m in kp.members}
    assert names == {"Dana Reyes", "Priya Nair"}

    # a looser threshold merges more, a stricter one less
    loose = compare(seeded, threshold=0.3, save=False)
    strict = compare(seeded, threshold=0.9, save=False)
    assert len(loose.key_points) + len(loose.unique) < len(strict.key_points) + len(strict.unique)


def test_compare_bad_options(store: Store) -> None:
    from argmap.pipeline.errors import ConfigError

    with pytest.raises(ConfigError):
        compare(store, threshold=1.5)
    with pytest.raises(ConfigError):
        compare(store, commentators=["Nobody Here"])


@pytest.mark.slow
def test_shared_seeds_claim_lands_in_one_key_point(store: Store, shared_dir: Path) -> None:
    from argmap.pipeline.extract.run import extract_videos

    seeds = shared_dir / "seeds"
    import_text(store, seeds / "article_meta_qwen.txt", "Tech Desk")
    import_text(store, seeds / "eli_video_summary.txt", "Eli the Computer Guy")
    outcomes = extract_videos(store)
    assert all(o.status != "failed" for o in outcomes), outcomes
    embed_all(store)

    # The story both tell: Meta now uses Alibaba's Chinese model. Eli states it with the Avocado
    # detail; the article reports the Avocado sourcing as news (labelled `other` in
    # seeds_labels.json, and the default extractor agrees), and makes the claim in its own
    # words: "the fact that Meta is now turning to a Chinese model ... highlights ...".
    def eli_tells_story(text: str) -> bool:
        t = text.casefold()
        return "qwen" in t and "meta" in t and "avocado" in t

    def article_tells_story(text: str) -> bool:
        t = text.casefold()
        return "meta" in t and ("qwen" in t or "chinese model" in t)

    # Asked about the story, as a user would (`argmap compare --topic ...`). Untargeted, at the
    # default threshold, Eli's story sentence (cosine 0.67-0.69 to the article's two story
    # claims) falls just outside the article's cluster under average linkage; with extractor v1
    # it only joined because v1 mistyped the article's news report as a critique.
    for topic in ("Meta uses Alibaba's Qwen to train its Avocado model",):
        result = compare(store, topic=topic)
        both = [
            kp
            for kp in result.key_points
            if any(article_tells_story(m.argument.text) for m in kp.members if m.commentator == "Tech Desk")
            and any(
                eli_tells_story(m.argument.text)
                for m in kp.members
                if m.commentator == "Eli the Computer Guy"
            )
        ]
        assert len(both) == 1, [
            (kp.key_point.label, [m.commentator for m in kp.members])
            for kp in result.key_points + result.unique
        ]
        assert both[0].stances.keys() == {"Tech Desk", "Eli the Computer Guy"}


def _key_points(store: Store) -> dict[str, dict]:  # type: ignore[type-arg]
    """Stored key points with their members, each member's voice named by compare's own rule."""
    from argmap.pipeline.compare.clustering import Member
    from argmap.store.queries import arguments_in_context

    voice = {a.id: Member(a, 0.0, "", False).commentator_id for a in arguments_in_context(store)}
    rows = store.rows("select * from key_points")
    out = {r["id"]: {**r, "prevalence": json.loads(r["prevalence"]), "members": {}} for r in rows}
    for m in store.rows("select key_point_id, argument_id from key_point_members"):
        out[m["key_point_id"]]["members"][m["argument_id"]] = voice[m["argument_id"]]
    return out


def _two_voices(store: Store, video_id: str) -> None:
    """The video becomes a conversation: two speakers, each linked to a person, taking turns."""
    from argmap.store import Person, Speaker

    people = [Person(id=f"p-{n}", name=n, named=True) for n in ("Ana", "Bo")]
    store.upsert("persons", people)
    speakers = [
        Speaker(
            id=Speaker.make_id(video_id, p.name),
            video_id=video_id,
            label=p.name,
            source="voice",
            person_id=p.id,
        )
        for p in people
    ]
    store.upsert("speakers", speakers)
    for seg in store.segments(store.transcript(video_id).id):  # type: ignore[union-attr]
        store.db["segments"].update(seg.id, {"speaker_id": speakers[seg.idx % 2].id})  # type: ignore[union-attr]


def test_re_extracting_the_same_arguments_keeps_the_comparison(seeded: Store) -> None:
    """A forced re-run of the same extractor version makes the same arguments: every key point,
    member and relation a comparison stored for them stays as it was."""
    _tiny_embeddings(seeded)
    compare(seeded, model="tiny-test-model", threshold=0.9)
    tables = ("key_points", "key_point_members", "argument_relations", "compare_runs")
    before = {t: seeded.rows(f"select * from {t} order by 1, 2") for t in tables}
    assert before["key_points"] and before["argument_relations"]
    for video in ("test:dana_reyes", "test:marco_bianchi"):
        seeded.save_arguments(video, "test", "1", seeded.arguments(video))
    assert {t: seeded.rows(f"select * from {t} order by 1, 2") for t in tables} == before
    # made differently (same quote, another type): its old place in the comparison goes
    dana = seeded.arguments("test:dana_reyes")
    member = {r["argument_id"] for r in before["key_point_members"]}
    changed = next(a for a in dana if a.id in member and a.type != "critique")
    seeded.save_arguments(
        "test:dana_reyes", "test", "1", [replace(a, type="critique") if a is changed else a for a in dana]
    )
    assert seeded.rows("select * from key_point_members where argument_id = ?", [changed.id]) == []
    assert [a.type for a in seeded.arguments("test:dana_reyes") if a.id == changed.id] == ["critique"]


def test_arguments_that_go_leave_other_commentators_key_points_recounted(seeded: Store) -> None:
    """The recount is compare's own: a conversation's voices count one by one, not as one channel."""
    _two_voices(seeded, "test:marco_bianchi")
    _tiny_embeddings(seeded)
    compare(seeded, model="tiny-test-model", threshold=0.9)
    before = _key_points(seeded)
    for kp in before.values():  # as compare wrote them
        assert kp["prevalence"] == dict(Counter(kp["members"].values()))
    assert any({"p-Ana", "p-Bo"} & set(kp["prevalence"]) for kp in before.values())
    dana = seeded.arguments("test:dana_reyes")
    gone = {a.id for a in dana[2:]}
    seeded.save_arguments("test:dana_reyes", "test", "1", dana[:2])
    after = _key_points(seeded)
    orphans = seeded.rows(
        """select count(*) as n from key_point_members m left join arguments a on a.id = m.argument_id
           where a.id is null"""
    )
    assert orphans[0]["n"] == 0
    recounted = 0
    for kp_id, kp in before.items():
        left = {a: who for a, who in kp["members"].items() if a not in gone}
        if kp["label_argument_id"] in gone or not left:
            assert kp_id not in after  # its label (and --update's vector) came from what went
            continue
        now = after[kp_id]
        assert now["members"] == left
        prevalence = dict(Counter(left.values()))
        assert (now["size"], now["commentators"]) == (len(left), len(prevalence))
        assert now["prevalence"] == prevalence
        recounted += len(left) < len(kp["members"])
    assert recounted  # some key point lost a member of Dana's and kept the others'


def _tiny_embeddings(store: Store) -> None:
    """Vectors from a stand-in model, for tests of what compare stores rather than how well it groups."""
    import numpy as np

    from argmap.pipeline.search.embed import embed_video

    class Tiny:  # enough of an Embedder for clustering: one-hot on the first word's length
        name = "tiny-test-model"

        def encode(self, texts, batch_size=64):  # type: ignore[no-untyped-def]
            out = np.zeros((len(texts), 4), dtype=np.float32)
            for i, t in enumerate(texts):
                out[i, len(t.split()[0]) % 4] = 1.0
            return out

    for video in ("test:dana_reyes", "test:marco_bianchi", "test:priya_nair"):
        embed_video(store, store.video(video), Tiny())  # type: ignore[arg-type]


def test_compare_records_its_run(seeded: Store) -> None:
    _tiny_embeddings(seeded)
    first = compare(seeded, model="tiny-test-model", threshold=0.9, commentators=["Priya Nair", "dana reyes"])
    runs = seeded.rows("select * from compare_runs")
    assert len(runs) == 1
    run = runs[0]
    assert run["run_id"] == first.run_id and run["model"] == "tiny-test-model"
    assert run["threshold"] == 0.9 and run["topic"] is None and run["min_commentators"] == 2
    assert run["arguments"] == first.arguments > 0
    assert json.loads(run["commentators"]) == ["Priya Nair", "dana reyes"]
    # the same run again replaces its row (newer time), a different threshold adds a run
    compare(
        seeded,
        model="tiny-test-model",
        threshold=0.9,
        commentators=["Priya Nair", "dana reyes"],
        min_commentators=1,
    )
    again = seeded.rows("select * from compare_runs")
    assert (
        len(again) == 1 and again[0]["created_at"] > run["created_at"] and again[0]["min_commentators"] == 1
    )
    second = compare(seeded, model="tiny-test-model", threshold=0.5)
    assert [r["run_id"] for r in seeded.compare_runs()] == [second.run_id, first.run_id]  # newest first
    kp_runs = {r["run_id"] for r in seeded.rows("select distinct run_id from key_points")}
    assert kp_runs == {first.run_id, second.run_id}


def test_compare_run_row_and_key_points_are_written_together(
    seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tiny_embeddings(seeded)
    compare(seeded, model="tiny-test-model", threshold=0.9)
    before = seeded.counts(), seeded.rows("select * from compare_runs")

    def broken(run: dict) -> None:  # type: ignore[type-arg]
        raise RuntimeError("disk full")

    monkeypatch.setattr(seeded, "save_compare_run", broken)
    with pytest.raises(RuntimeError):
        compare(seeded, model="tiny-test-model", threshold=0.9)
    assert (seeded.counts(), seeded.rows("select * from compare_runs")) == before  # rolled back whole


def test_re_extracting_everything_drops_the_emptied_run(seeded: Store) -> None:
    _tiny_embeddings(seeded)
    emptied = compare(seeded, model="tiny-test-model", threshold=0.9, commentators=["Dana Reyes"])
    untouched = compare(
        seeded, model="tiny-test-model", threshold=0.9, commentators=["Marco Bianchi", "Priya Nair"]
    )
    compare(seeded, model="tiny-test-model", threshold=0.5)  # all three: loses some key points or all
    seeded.save_arguments("test:dana_reyes", "test", "1", [])  # every argument of the first run goes
    runs = {r["run_id"]: r["key_points"] for r in seeded.compare_runs()}
    assert emptied.run_id not in runs  # no run row left without key points to show
    assert untouched.run_id in runs
    # every remaining row has key points, and every key point's run has its row
    assert all(n > 0 for n in runs.values())
    kp_runs = {r["run_id"] for r in seeded.rows("select distinct run_id from key_points")}
    assert kp_runs == set(runs)


def test_m005_gives_earlier_runs_a_row(tmp_path: Path) -> None:

    from argmap.store import KeyPoint, KeyPointMember
    from argmap.store.migrations import migrations

    store = Store.open(tmp_path / "old.db")
    db = store.db
    args = load_transcript(store, DATA / "dana_reyes.txt")
    # Back to a store as an argmap before runs had rows: m005 undone, its record forgotten.
    db.execute("DROP TRIGGER key_points_drop_empty_run")
    db.execute("DROP TABLE compare_runs")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_compare_runs'")
    store.upsert(
        "key_points",
        [KeyPoint("kp-old", "run-old", args[0].text, args[0].id, 2, 1, "the story", {})],
    )
    store.upsert(
        "key_point_members",
        [KeyPointMember("kp-old", a.id, 1.0, "asserts") for a in args[:2]],
        pk=("key_point_id", "argument_id"),
    )
    migrations.apply(db)
    runs = store.compare_runs()
    assert [(r["run_id"], r["topic"], r["arguments"], r["key_points"]) for r in runs] == [
        ("run-old", "the story", 2, 1)
    ]
