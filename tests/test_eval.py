"""`argmap eval`: span-overlap scoring, the dataset reader, and the default extractor's measured quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from argmap.pipeline.document import TranscriptDoc
from argmap.pipeline.errors import ConfigError
from argmap.pipeline.extract.base import ExtractionResult, make_argument
from argmap.pipeline.extract.evaluate import (
    Span,
    evaluate,
    evaluate_file,
    format_table,
    gold_spans,
    load_dataset,
    score,
)
from argmap.pipeline.present.cli import cli

DATA = Path(__file__).parent / "data" / "argeval"


def seg(t: float, text: str, label: str) -> dict:
    return {"start": t, "end": t + 3.0, "text": text, "label": label}


SAMPLE = [
    {
        "id": "s1",
        "commentator": "Priya",
        "topic": "transit",
        "split": "dev",
        "segments": [
            seg(0, "Hey folks, Priya here.", "other"),
            seg(3, "The new bus lanes are a total failure.", "critique"),
            seg(6, "And the city wasted millions on them.", "critique"),
            seg(9, "I think trams will be cheaper in the long run.", "claim"),
            seg(12, "Go to the council meeting on Monday and speak up.", "call_to_action"),
            seg(15, "The meeting starts at six.", "other"),
        ],
    },
    {
        "id": "s2",
        "commentator": "Tom",
        "topic": "football",
        "split": "dev",
        "segments": [
            seg(0, "In this video, Tom reviews the weekend's matches.", "other"),
            seg(3, "He criticizes the referee for two missed penalties.", "critique"),
            seg(6, "He argues that video review will fix the problem.", "claim"),
            seg(9, "He urges fans to sign the petition.", "call_to_action"),
        ],
    },
]


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    path = tmp_path / "sample.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in SAMPLE) + "\n", encoding="utf-8")
    return path


def test_gold_spans_merge_consecutive_same_labels():
    assert gold_spans(SAMPLE[0]["segments"]) == [
        Span("critique", 1, 2),
        Span("claim", 3, 3),
        Span("call_to_action", 4, 4),
    ]


def test_overlap_scoring_by_hand():
    gold = [Span("critique", 1, 2), Span("claim", 3, 3), Span("call_to_action", 4, 4)]
    pred = [Span("critique", 2, 2), Span("critique", 3, 3), Span("claim", 5, 5)]
    report = score([(gold, pred)])
    # any type: preds 1 and 2 overlap gold spans, pred 3 does not; golds 1 and 2 are found
    assert report["detection"]["precision"] == round(2 / 3, 3)
    assert report["detection"]["recall"] == round(2 / 3, 3)
    # typed: only pred 1 is right; only gold 1 is found
    assert report["typed"]["precision"] == round(1 / 3, 3) and report["typed"]["recall"] == round(1 / 3, 3)
    assert report["per_type"]["critique"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": round(2 * 0.5 / 1.5, 3),
        "predicted": 2,
        "gold": 1,
        "correct_predicted": 1,
        "found_gold": 1,
    }
    assert report["per_type"]["call_to_action"]["recall"] == 0.0


class OracleExtractor:
    """Predicts exactly the gold labels: a perfect score is the only right answer."""

    name = "oracle"
    version = "1"

    def __init__(self, labels: dict[str, list[str]]):
        self.labels = labels

    def extract(self, doc: TranscriptDoc) -> ExtractionResult:
        labels = self.labels[doc.video_id.removeprefix("eval:")]
        args = [
            make_argument(
                doc, [s], type=labels[s.seg_first], text=s.text, quote=s.text, extractor="oracle", version="1"
            )
            for s in doc.sentences
            if labels[s.seg_first] != "other"
        ]
        return ExtractionResult(args, "oracle", "1")


def test_an_oracle_scores_one_and_the_confusion_is_diagonal():
    labels = {d["id"]: [s["label"] for s in d["segments"]] for d in SAMPLE}
    report = evaluate(SAMPLE, OracleExtractor(labels))
    assert report["typed"]["f1"] == 1.0 and report["sentence_accuracy"] == 1.0
    assert report["confusion"]["critique"]["critique"] == 3
    assert sum(report["confusion"]["other"].values()) == 3


def test_default_extractor_on_the_sample_and_cli_output(sample_path: Path):
    report = evaluate_file(sample_path)
    assert report["sentences"] == 10 and report["per_type"]["critique"]["gold"] == 2
    assert report["detection"]["recall"] >= 0.8
    runner = CliRunner()
    table = runner.invoke(cli, ["eval", str(sample_path)])
    assert table.exit_code == 0, table.output
    assert "precision" in table.output and "call_to_action" in table.output
    as_json = json.loads(runner.invoke(cli, ["eval", str(sample_path), "--json"]).output)
    assert set(as_json) >= {"detection", "typed", "per_type", "confusion", "sentence_accuracy"}


def test_malformed_datasets_fail_with_the_line_number(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(SAMPLE[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.jsonl:2"):
        load_dataset(bad)
    wrong = tmp_path / "wrong.jsonl"
    doc = {**SAMPLE[0], "segments": [seg(0, "x", "opinion")]}
    wrong.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(wrong)])
    assert result.exit_code == 1 and "unknown label 'opinion'" in result.output


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "dev.jsonl").exists(), reason="labelled dataset not present")
@pytest.mark.parametrize(
    ("split", "detection", "typed"),
    # README, extractor v13: dev (fitted on it) 0.982 / 0.937, held-out 0.971 / 0.855, new topics
    # 0.952 / 0.849 (v12 alike but dev 0.980 / 0.935; v11 new topics 0.839; v10: 0.988 / 0.958,
    # 0.981 / 0.868, 0.972 / 0.802)
    [("dev", 0.96, 0.92), ("heldout", 0.94, 0.80), ("newtopics", 0.93, 0.80)],
)
def test_default_extractor_quality_floor(split: str, detection: float, typed: float):
    # Floors sit a little under the figures reported in README, so a regression in the
    # classifier, its weights or the rules it reads shows.
    from argmap.pipeline.extract.classifier import EMBED_MODEL
    from argmap.pipeline.search.embed import get_embedder

    get_embedder(EMBED_MODEL).load()  # once per process, not part of extraction time
    report = evaluate_file(DATA / f"{split}.jsonl")
    assert report["extractor"] == "default v22"
    assert report["detection"]["f1"] >= detection
    assert report["typed"]["f1"] >= typed


@pytest.mark.slow
def test_heldout_caption_form_per_type_precision_and_recall():
    # README: held-out in caption form with the default restorer (all-mpnet-base-v2 head) and
    # extractor v11, typed F1 0.796; per type precision / recall claim 0.759 / 0.914, critique
    # 0.633 / 0.682, call to action 0.833 / 1.000. With the MiniLM restorer (the fallback): 0.820;
    # 0.784 / 0.943, 0.667 / 0.773, 0.909 / 0.833. The floors hold for both. (v10 with the default
    # restorer: 0.845; 0.833 / 0.914, 0.697 / 0.773, 0.905 / 1.000: v11 gave some of dev's writer's
    # reading of a judgement for other writers', README "Extractor training data".)
    report = evaluate_file(DATA / "heldout.jsonl", captions=True)
    caption = report["caption_form"]
    assert caption["typed"]["f1"] >= 0.76
    floors = {"claim": (0.73, 0.87), "critique": (0.58, 0.64), "call_to_action": (0.7, 0.75)}
    for kind, (precision, recall) in floors.items():
        assert caption["per_type"][kind]["precision"] >= precision, kind
        assert caption["per_type"][kind]["recall"] >= recall, kind
    # Sentence by sentence, how much of the punctuated run's arguments the caption form gives
    # back: measured exact 0.655, near 0.705, overlap 0.863; whole arguments exact 0.654, near
    # 0.708 (MiniLM: 0.604, 0.647, 0.856; 0.600, 0.646). README says why exact is low: the
    # restored sentence ends.
    recovered = caption["recovery"]["all"]
    assert recovered["sentences"] == sum(
        caption["recovery"][t]["sentences"] for t in ("claim", "critique", "call_to_action")
    )
    assert (
        recovered["overlap_rate"] >= 0.79
        and recovered["near_rate"] >= 0.56
        and recovered["exact_rate"] >= 0.53
    )
    whole = recovered["arguments"]
    assert (
        whole["arguments"] > 100 and whole["exact_rate"] >= 0.53 and whole["near_rate"] >= whole["exact_rate"]
    )
    # the splitter's ends in caption form (its cuts by length included): measured 0.844 / 0.869
    # (MiniLM 0.778 / 0.823)
    ends = caption["sentence_ends"]
    assert ends["precision"] >= 0.73 and ends["recall"] >= 0.77
    from argmap.pipeline import mpnet

    # the larger restorer wherever its packages are (CI: .ci/setup installs them)
    expected = "all-mpnet-base-v2 + head" if mpnet.parts() else "all-MiniLM-L6-v2 + LoRA"
    assert caption["restorer"] == expected
    table = format_table(report)
    assert f"({expected})" in table
    assert "caption form" in table and "recovered from caption form" in table
    assert "same type and span" in table and "sentence ends restored" in table


@pytest.mark.skipif(not (DATA / "dev.jsonl").exists(), reason="labelled dataset not present")
@pytest.mark.parametrize(("split", "floor"), [("dev", 0.8), ("heldout", 0.75)])
def test_rules_v1_quality_floor(split: str, floor: float):
    report = evaluate_file(DATA / f"{split}.jsonl", "rules")
    assert report["detection"]["f1"] >= floor
    assert report["typed"]["f1"] >= floor - 0.2
