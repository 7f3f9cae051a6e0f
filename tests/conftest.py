"""Fixtures shared by every test module.

Stage-specific fixtures (the loopback media server, generated speech) live in their own
modules under tests/ and are imported here so any test can ask for them by name.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from argmap.store import Store

# isort: split
# Loopback media server with generated speech (ingest tests); tests/ is on sys.path here.
from media_server import media_server, media_site  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# Nothing in the test suite may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def store() -> Store:
    """A fresh, fully migrated in-memory database."""
    s = Store.memory()
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "argmap.db"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (the shared sample data sits beside the checkout)")
    return SHARED


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave artefacts worth looking at (screenshots, exports)."""
    out = REPO / "test-output"
    out.mkdir(exist_ok=True)
    return out
