"""argmap.prompts: versioned LLM prompt templates, kept as files beside this module.

A template file is named ``<name>.v<version>.txt``. Loading one returns its text, its
version and a hash of the exact text, which every LLM-made row records as provenance.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

PROMPT_DIR = Path(__file__).parent
_NAME = re.compile(r"^(?P<name>[a-z0-9_]+)\.v(?P<version>\d+)\.txt$")


class PromptNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Template:
    name: str
    version: str
    text: str

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def render(self, **values: str) -> str:
        """Fill ``{{key}}`` slots. Values are inserted verbatim and never re-scanned for slots."""
        parts = re.split(r"(\{\{[a-z_]+\}\})", self.text)
        out = []
        for part in parts:
            m = re.fullmatch(r"\{\{([a-z_]+)\}\}", part)
            out.append(values[m.group(1)] if m else part)
        return "".join(out)


def available() -> dict[str, list[str]]:
    """Template names and their versions, oldest first."""
    found: dict[str, list[str]] = {}
    for path in sorted(PROMPT_DIR.glob("*.txt")):
        m = _NAME.match(path.name)
        if m:
            found.setdefault(m["name"], []).append(m["version"])
    return {k: sorted(v, key=int) for k, v in found.items()}


def load(name: str, version: str | None = None) -> Template:
    """A template by name; the newest version unless one is given."""
    versions = available().get(name)
    if not versions:
        raise PromptNotFound(f"no prompt template named {name!r} in {PROMPT_DIR}")
    chosen = version or versions[-1]
    path = PROMPT_DIR / f"{name}.v{chosen}.txt"
    if not path.exists():
        raise PromptNotFound(f"prompt {name!r} has no version {chosen}")
    return Template(name=name, version=chosen, text=path.read_text(encoding="utf-8"))
