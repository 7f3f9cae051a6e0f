"""Which word piece stands for each word, when a tokenizer reads text split into words.

The sentence-end restorers (MiniLM's, all-mpnet-base-v2's) and their training read one state per
word: that of its last word piece, which has seen the whole word. A fast tokenizer says, for each
piece, which word it came from (``word_ids``); this turns that into one piece per word, in one
place for the restorers and the training script.
"""

from __future__ import annotations

from collections.abc import Iterable


def last_pieces(word_ids: Iterable[int | None]) -> dict[int, int]:
    """Word index -> index of its last piece, for every word the tokenizer reached (special
    tokens and padding, ``None``, are skipped; words cut off by truncation are absent)."""
    last: dict[int, int] = {}
    for piece, word in enumerate(word_ids):
        if word is not None:
            last[word] = piece
    return last
