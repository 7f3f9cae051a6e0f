"""argmap's cache folder, and building a model folder in it once, safely.

Models that a registry can only carry in pieces (Whisper base in two packages, all-mpnet-base-v2
in five) are joined into one folder under the cache on first use and reused afterwards. Two
processes may start at once and either may crash half-way, so a folder is built under a
temporary name and renamed into place: a later run never trusts a half-written model.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from argmap.pipeline.errors import ModelError


def cache_dir() -> Path:
    """argmap's cache root: $ARGMAP_CACHE, else $XDG_CACHE_HOME/argmap, else ~/.cache/argmap."""
    explicit = os.environ.get("ARGMAP_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return root / "argmap"


def build_once(
    target: Path, complete: Callable[[Path], bool], fill: Callable[[Path], None], what: str
) -> Path:
    """``target``, built by ``fill(folder)`` unless ``complete(target)`` already holds.

    ``fill`` writes into a fresh temporary folder beside ``target``; it is checked with
    ``complete`` and renamed into place. A stale folder at ``target`` (an older layout, a copy
    that fails ``complete``) is replaced. Errors come back as :class:`ModelError` naming ``what``.
    """
    if complete(target):
        return target
    root = target.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=root))
    except OSError as err:
        raise ModelError(f"could not build {what} in {root}: {err}") from err
    try:
        fill(work)
        if not complete(work):
            raise ModelError(f"building {what} in {target} produced an incomplete folder")
        work.chmod(0o755)  # mkdtemp's 0700 would keep a shared cache from other users
        if complete(target):
            return target  # another process built it meanwhile; its folder may be in use
        if target.exists():
            stale = Path(tempfile.mkdtemp(prefix=".stale-", dir=root))
            os.replace(target, stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.replace(work, target)
        except OSError:
            # Another process won the race and put a complete folder in place first.
            if not complete(target):
                raise
    except OSError as err:
        raise ModelError(f"could not build {what} in {root}: {err}") from err
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return target


def join_pieces(pieces: Sequence[Path], joined: Path) -> None:
    """Write the files ``pieces``, in order, as one file ``joined`` (a model a registry carries cut
    into packages)."""
    with open(joined, "wb") as out:
        for piece in pieces:
            with open(piece, "rb") as src:
                shutil.copyfileobj(src, out, length=8 * 1024 * 1024)
