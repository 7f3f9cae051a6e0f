"""Names in captions are written as the store has seen them written: an argument read from lower-case
captions says "Marcus Byrne", not "Marcus byrne", once an article with that name is in the store; the
quote keeps the words as said. The texts below are written for this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from argmap.pipeline.name_casing import name_spellings, restore_names
from argmap.pipeline.present.cli import cli
from argmap.store import Store


def test_runs_of_capitalised_words_and_odd_cases_are_names() -> None:
    spellings = name_spellings(
        ["The Friends of Elmfield Lido", "Council leader Marcus Byrne said so.", "NHS", "OpenAI", "Meta"],
        titles=["Why the Harrow Vale vote was wrong", "Elmfield Lido Closing Is A HUGE Mistake"],
    )
    for name in ("Friends of Elmfield Lido", "Elmfield Lido", "Marcus Byrne", "NHS", "OpenAI", "Harrow Vale"):
        assert spellings[name.lower()] == name, spellings
    # one capitalised word may be a plain word; a title-case title's runs are its style; so is
    # its first word, and shouting is not a name
    assert "meta" not in spellings and "council" not in spellings and "huge" not in spellings
    assert not any(k.startswith(("why", "closing", "is a")) for k in spellings), spellings


def test_names_are_restored_only_where_written_in_lower_case() -> None:
    spellings = name_spellings(["Marcus Byrne", "Bank of England"])
    assert restore_names("Marcus byrne says the bank of england is wrong", spellings) == (
        "Marcus Byrne says the Bank of England is wrong"
    )
    assert restore_names("marcus byrnes and marcus byrne's", spellings) == "marcus byrnes and Marcus Byrne's"
    # cased by whoever wrote it: left as written
    assert restore_names("MARCUS BYRNE resigned", spellings) == "MARCUS BYRNE resigned"
    assert restore_names("on tuesday in march", {}) == "on tuesday in march"
    assert restore_names("on tuesday in march", name_spellings([])) == "on Tuesday in march"


ARTICLE = """Council votes to close the Millbrook pool

Council leader Marcus Byrne said the pool loses money every year. The Friends of Millbrook Pool
dispute the figure and have started a petition.
"""

CAPTIONS = (
    "so the council voted on tuesday to close the pool and marcus byrne keeps saying it loses money "
    "every year but it had forty thousand visits last year which is the busiest in a decade and i think "
    "closing it is a huge mistake so please sign the friends of millbrook pool petition the link is below"
)


@pytest.mark.slow
def test_an_argument_from_captions_writes_the_names_the_store_knows(tmp_path: Path) -> None:
    db = tmp_path / "argmap.db"
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "captions.txt").write_text(CAPTIONS, encoding="utf-8")
    for name, who in (("article.txt", "Millbrook Herald"), ("captions.txt", "Tom Ade")):
        out = CliRunner().invoke(cli, ["ingest", "--db", str(db), "--commentator", who, str(tmp_path / name)])
        assert out.exit_code == 0, out.output
    store = Store.open(db)
    try:
        said = [a for a in store.arguments() if "marcus byrne" in a.quote or "petition" in a.quote]
    finally:
        store.close()
    assert said, "the captions' arguments"
    texts = " ".join(a.text for a in said)
    assert "Marcus Byrne" in texts and "Tuesday" in texts, texts
    assert all(a.quote == a.quote.lower() for a in said), "the quote stays as said"
