"""Markdown is imported as text: ``#`` headings (and underlined ones) are headings, the first the
title, and inline marks leave their words only, so "## What the council decided" is never a claim
and "# Council votes ..." never a call to action. A ``.md`` file is imported like a ``.txt``, in a
folder too; a text saved under a name argmap does not read gets a line saying so.

The article below is written for this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from argmap.pipeline.errors import MediaError
from argmap.pipeline.ingest.captions import read_caption_file
from argmap.pipeline.ingest.structure import blocks, markdown_inline
from argmap.pipeline.present.cli import cli
from argmap.store import Store

ARTICLE = """---
layout: post
tags: [council, pools]
---

# Council votes to close the Millbrook pool

*By Ruth Okoye, Local Affairs Desk*

The council voted seven to five on Monday to close the **Millbrook pool** and sell the site.
The pool has been run by the council since [1952](https://example.org/history).

## What the council decided

![The pool in summer](pool.jpg)
The repair bill is put at £1.8 million, according to the council's report.

- the pool closes in October
- the site goes to auction in the spring

Our view
--------

> The council should wait for an independent survey before it sells anything.

* * *

Photograph: the pool on a summer afternoon. Credit: Dev Patel / Millbrook Herald
"""


def test_markdown_headings_are_headings_and_marks_leave_their_words() -> None:
    found = blocks(ARTICLE)
    kinds = [(b.kind, b.text) for b in found]
    assert kinds[0] == ("title", "Council votes to close the Millbrook pool")
    assert ("heading", "What the council decided") in kinds
    assert ("heading", "Our view") in kinds
    assert not any("#" in text or "**" in text or "](" in text or "---" in text for _, text in kinds)
    assert not any("layout" in text for _, text in kinds), "front matter is settings, not words"
    prose = " ".join(text for kind, text in kinds if kind is None)
    assert "close the Millbrook pool and sell the site" in prose and "since 1952." in prose
    assert "The council should wait for an independent survey" in prose and "> " not in prose
    assert [text for kind, text in kinds if kind == "item"] == [
        "the pool closes in October",
        "the site goes to auction in the spring",
    ]
    assert kinds[-1][0] == "credit", kinds[-1]


def test_inline_marks_only_around_words() -> None:
    assert markdown_inline("a **big** and *small* [link](http://x.org) `code`") == "a big and small link code"
    # not inside words or sums, and a caption's ">>" (another speaker) stays
    assert markdown_inline("snake_case and 2*3*4") == "snake_case and 2*3*4"
    assert markdown_inline(">> and then she said") == ">> and then she said"


def test_a_hard_wrapped_paragraph_over_a_rule_keeps_its_lines() -> None:
    text = "The first line of a paragraph\nthat wraps onto a second line.\n---\nMore text here.\n"
    found = blocks(text)
    assert not any(b.kind == "heading" for b in found), found
    assert "that wraps onto a second line." in " ".join(b.text for b in found)


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_a_markdown_file_imports_with_its_structure(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"millbrook-pool{suffix}"
    path.write_text(ARTICLE, encoding="utf-8")
    cues = read_caption_file(path)
    assert cues[0].kind == "title" and cues[0].text == "Council votes to close the Millbrook pool"
    assert [c.text for c in cues if c.kind == "heading"] == ["What the council decided", "Our view"]
    assert not any(c.text.startswith("#") for c in cues)


def test_a_folder_of_markdown_is_ingested_and_named_by_its_titles(tmp_path: Path) -> None:
    from argmap.pipeline.ingest.sources import SourceOptions, expand

    folder = tmp_path / "Millbrook Herald"
    folder.mkdir()
    (folder / "pool.md").write_text(ARTICLE, encoding="utf-8")
    (entry,) = list(expand(str(folder), SourceOptions()))
    assert entry.kind == "import" and entry.video.title == "Council votes to close the Millbrook pool"


@pytest.mark.slow
def test_no_argument_starts_with_a_markdown_heading(tmp_path: Path) -> None:
    path = tmp_path / "pool.md"
    path.write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "argmap.db"
    out = CliRunner().invoke(cli, ["ingest", "--db", str(db), "--commentator", "Millbrook Herald", str(path)])
    assert out.exit_code == 0, out.output
    store = Store.open(db)
    try:
        texts = [a.text for a in store.arguments()]
    finally:
        store.close()
    assert texts and not any(t.startswith(("#", "What the council", "Our view")) for t in texts), texts
    assert any("independent survey" in t for t in texts), texts


def test_a_text_under_another_name_is_told_to_be_renamed(tmp_path: Path) -> None:
    from argmap.pipeline.ingest.transcribe import decode_channels

    path = tmp_path / "notes.rst"
    path.write_text("Some notes about the pool.\nIt should stay open.\n", encoding="utf-8")
    with pytest.raises(MediaError, match=r"it is text; argmap reads text as \.txt or \.md"):
        decode_channels(path)


@pytest.mark.slow
def test_a_text_renamed_as_told_is_imported_not_skipped(tmp_path: Path) -> None:
    """The same bytes are the same video, so the renamed file used to be skipped as failed for good
    (and --force read the old name again)."""
    db = tmp_path / "argmap.db"
    odd = tmp_path / "notes.rst"
    odd.write_text("The pool should stay open.\nThe council ignored the survey.\n", encoding="utf-8")
    first = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(odd)])
    assert "rename it (permanent)" in first.output, first.output
    renamed = odd.rename(tmp_path / "notes.txt")
    again = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(renamed)])
    assert again.exit_code == 0 and "done: 1," in again.output, again.output
    store = Store.open(db)
    try:
        assert [a.text for a in store.arguments()], "the renamed text was imported"
    finally:
        store.close()
    # a copy of what already worked is still skipped
    copy = tmp_path / "copy.txt"
    copy.write_bytes(renamed.read_bytes())
    third = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(copy)])
    assert "skipped (already processed): 1" in third.output, third.output
