"""A real headless Chromium (Debian's) driven by Playwright, for the page tests.

Playwright's own browser downloads need the network, so the tests drive /usr/bin/chromium,
which .ci/setup installs; without it the browser tests skip with that reason.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Module scope, not session: each test module imports this fixture and so owns a copy, and
# Playwright's sync API allows only one running instance at a time.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not executable:
        pytest.skip("chromium is not installed (bash .ci/setup installs Debian's)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(executable), args=ARGS, headless=True)
        yield b
        b.close()


class PageWatch:
    """Console errors, page errors and every request a page makes."""

    def __init__(self, page: Any):
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", lambda req: self.requests.append(req.url))
