"""The structure of a pasted article or plain-text transcript: which lines are not prose.

An article copied from a news site is more than sentences. Its first line is a title, sections
open with headings ("From Leader to Learner"), a byline ("By Dana Reyes", "Dana Reyes | Tech News
Desk") sits under the title, a credit line ("Images are credited to the original source") closes
it, and lists carry markers ("- ", "1. ", "• "). None of these ends in a full stop, so a sentence
splitter that only looks at punctuation glues a heading onto the sentence after it ("From Leader to
Learner The fact that Meta ...") and that sentence becomes a claim that starts with a heading.

This module reads a plain text line by line and returns :class:`Block` s: each structure line on
its own with its kind (``title``, ``heading``, ``byline``, ``credit``, see
:data:`argmap.store.SEGMENT_KINDS`), each list item on its own (``item``, its marker removed), and
the prose between them as paragraphs. The import then cuts paragraphs into sentences; structure
lines stay single segments with their kind, so the transcript still shows them and every later
stage can keep them out of arguments (a title may still state a position: see
:mod:`argmap.pipeline.extract.title`).

Markdown, the form many articles and notes are saved in, says outright what plain text leaves to
guessing: a ``#`` line (or a line underlined with ``===`` / ``---``) is a heading, the first one the
title; its inline marks (``**bold**``, ``[text](link)``, ``![image](...)``, `` `code` ``, a ``> `` quote)
are not words anyone said, so they are dropped and the words kept.

The rules for plain lines are deliberately conservative, because a false heading takes a real
sentence out of the arguments: a heading is a short line without closing punctuation, not ending on
a function word, that stands between sentences (after a finished sentence or a blank line, before a
capitalised line) and is either title-cased or at most eight words long. Hard-wrapped prose (a line
that stops mid-sentence) fails the "after a finished sentence" test on every line but the first of
its paragraph, and that first line is long and not title-cased.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argmap.pipeline.text import DASH_ATTRIBUTION

#: the longest line read as a heading or title (words)
MAX_HEADING_WORDS = 14
#: a sentence-cased line of at most this many words between sentences is still a heading
MAX_PLAIN_HEADING_WORDS = 8
#: the longest standfirst (the summing-up line under a headline)
MAX_STANDFIRST_WORDS = 40


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_SMALL_WORDS = _set(
    "a an the and or nor but for of to in on at by with from as vs via into onto over per than is are be "
    "its it's this that"
)
# Headings do not end on these; a hard-wrapped line often does ("... to approve the").
_OPEN_ENDINGS = _SMALL_WORDS | _set("was were has have had will would can could should if when who which")

_LIST_MARKER = re.compile(r"^\s*(?:[-*•·–—▪●◦]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+(?=\S)")
_CREDIT = re.compile(
    r"\b(?:inspired by content from|rephrased for originality|images? (?:are |is )?(?:credited|courtesy)|"
    r"(?:photo|image|picture)s? (?:by|courtesy|credit)|all rights reserved|originally (?:published|appeared)|"
    r"this (?:article|story|post|piece) (?:was|is|has been) (?:first |originally )?(?:published|written|"
    r"produced|inspired|updated|adapted)|copyright \d{4}|©|\(c\) \d{4}|additional reporting by|"
    r"editing by|written with the help of|generated with the help of)\b|"
    r"[.!?]\s+(?:photo(?:graph)?s?|images?|pictures?|credits?)\s*:\s*\S",
    re.IGNORECASE,
)
# A picture's caption and credit: "Photograph: ... . Credit: Ray Ostrowski / Kestrel Gazette". It
# looks like a speaker's turn ("Dana: ..."), so it is checked first.
_PICTURE_LABEL = re.compile(
    r"^(?:photo(?:graph)?s?|images?|pictures?|illustrations?|credits?)\s*:\s*\S", re.I
)
# A site's links to elsewhere, pasted with the article: "Read more: ...", "Related: ...".
_NAV_LINE = re.compile(
    r"^(?:read more|read next|also read|read also|related(?: articles?| stories| coverage)?|see also|"
    r"more on this(?: story)?|more from \w+(?: \w+)?)\s*[:|–—»>-]\s*\S",
    re.IGNORECASE,
)
# The same label alone on its line heads a list of links or share buttons, one per line.
_NAV_HEAD = re.compile(
    r"^(?:read more|read next|also read|read also|related(?: articles?| stories| coverage| posts?)?|see also|"
    r"more on this(?: story)?|more from \w+(?: \w+)?|share this(?: article| post| story)?|share|"
    r"follow us|you (?:may|might) also like)\s*:?$",
    re.IGNORECASE,
)
_SAID = re.compile(
    r"(?i)(?:i|i'm|i've|we|we're|you|you're|they|they're|he|she|it|it's|let's|please|don't|do|go|vote|stop|"
    r"sign|write|call|join|tell|get|make|come|read|watch|support|back|keep|save|ask|send|email|share)\b"
)
_BYLINE = re.compile(
    r"^(?i:by|written by|words by|reported by|reporting by|posted by|author:?)\s+"
    r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|der|den|van|von|da|di|du|la|le|al|bin|and|&))*"
    r"\s*(?:[,|•·–—-]\s*.{0,60})?$"
)
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated)\s*:?\s*(?:on\s+)?)?(?:\w+day,?\s+)?"
    r"(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?"
    r"\d{4}\b.{0,30}$|^\d+\s+min(?:ute)?s?\s+read$",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2}(?:\s+\d{1,3})?"
#: a turn of a transcript: "Dana Reyes: ...", "DANA: ...", "[Dana] ..." or "[Dana]: ..." (one to
#: three capitalised words, and a number: "Speaker 1:", as meeting tools export), after an
#: optional ">>" (YouTube's "someone else speaks now")
SPEAKER_LABEL = re.compile(rf"^(?:>>\s*)?(?:\[(?P<bracketed>{_NAME})\]:?|(?P<name>{_NAME}):)\s+(?=\S)")
#: bracketed sound descriptions of subtitles for the deaf: never a speaker
_SOUND_TEXT = """music applause laughter laughs laughing cheering cheers crosstalk inaudible unintelligible
    silence noise foreign background sighs sighing coughs coughing pause static beep beeping chuckles
    chuckling gasps gasping groans groaning clapping crowd playing ringing rings phone door knocking
    footsteps whispers whispering screams screaming sniffles giggles giggling inhales exhales buzzing
    thunder wind rain engine horn siren singing song instrumental intro outro silent indistinct"""
SOUND_TAGS = frozenset(_SOUND_TEXT.split())
# Where a news story was filed: a place in capitals, maybe a region and an agency, then a dash.
_DATELINE = re.compile(
    r"^(?P<where>[A-Z][A-Z'.-]{2,}(?:\s+[A-Z][A-Z'.-]+){0,3}(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?"
    r"(?:,?\s+\w{3,9}\.?\s+\d{1,2})?(?:\s*\([A-Z][\w .&-]{1,30}\))?)\s*[—–-]{1,2}\s+(?=[A-Z\"“‘'0-9])"
)
_TERMINAL = re.compile(r"[.!?…:;,][\"'”’)\]]*$")
_WORD = re.compile(r"[A-Za-z][\w'’&.-]*")


# Markup pasted with a text is not speech ("<div class=...>"); "x < 5" and a chat log's "<Dana> hi"
# are left alone, so only HTML's own element names count. A script or style element goes whole:
# its content is code, not words ("alert('pwned')" in a title).
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|article|aside|b|blockquote|body|br|code|div|em|figcaption|figure|font|footer|form|h[1-6]|"
    r"head|header|hr|html|i|iframe|img|input|li|link|main|mark|meta|nav|ol|p|pre|s|script|section|small|"
    r"source|span|strong|style|sub|sup|table|tbody|td|th|thead|tr|u|ul|video)\b(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)  # an HTML comment, often in Markdown
_HIDDEN_ELEMENT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def strip_markup(text: str) -> str:
    """``text`` without HTML elements' tags, and without script and style elements at all."""
    return _HTML_TAG.sub(" ", _HIDDEN_ELEMENT.sub(" ", _MD_COMMENT.sub(" ", text)))


# -- Markdown --------------------------------------------------------------------------------

_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_RULE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^)\s]+)(?:\s+\"[^\"\n]*\")?\)")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# One star or underscore around words ("*really*"), not inside a word ("snake_case", "2*3*4").
_MD_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])([^*_\n]+?)(?<=[^\s*_])\1(?![\w*])")
_MD_CODE = re.compile(r"`+([^`\n]+)`+")
# "> quoted": Markdown's quote; ">>" is a caption's change of speaker and stays.
_MD_QUOTE = re.compile(r"^ {0,3}>(?!>)[ \t]?")


def markdown_inline(line: str) -> str:
    """``line`` without Markdown's inline marks: images dropped, links and emphasis as their words."""
    line = _MD_QUOTE.sub("", line)
    line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub(" ", line))
    line = _MD_STRONG.sub(r"\2", line)
    return _MD_CODE.sub(r"\1", _MD_EMPHASIS.sub(r"\2", line))


def markdown_heading(line: str, nxt: str | None) -> str | None:
    """The heading's words when ``line`` is a Markdown heading (``# ...``, or a line underlined by
    ``nxt``), else None."""
    m = _ATX_HEADING.match(line)
    if m:
        return m.group("text").strip() or None
    if nxt is not None and line.strip() and _SETEXT_RULE.match(nxt) and not _LIST_MARKER.match(line):
        return line.strip()
    return None


@dataclass(frozen=True)
class Block:
    """A run of text that the import treats as one unit: prose (``kind`` None) or a line of a kind."""

    text: str
    kind: str | None = None


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _title_cased(line: str) -> bool:
    words = _words(line)
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    if not content:
        return False
    capitals = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitals / len(content) >= 0.75


def _heading_shaped(line: str) -> bool:
    """Short, no closing punctuation (a title-cased question is allowed), no open ending."""
    words = line.split()
    if not 1 <= len(words) <= MAX_HEADING_WORDS or not _words(line):
        return False
    if line.endswith("?"):
        if not _title_cased(line):
            return False
    elif _TERMINAL.search(line):
        return False
    if re.search(r"[.!?…][\"'”’)\]]*\s+[\"'“‘(]?[A-Z]", line):
        return False  # two sentences on one line ("Is it growing? Yes") are prose
    last = re.sub(r"[^\w'’-]", "", words[-1]).lower()
    return last not in _OPEN_ENDINGS


def _ends_sentence(line: str | None) -> bool:
    return line is None or not line.strip() or bool(re.search(r"[.!?…][\"'”’)\]]*$", line.strip()))


def _starts_prose(line: str | None) -> bool:
    if not line or not line.strip():
        return False
    first = line.strip()[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘("


def _is_byline(line: str) -> bool:
    line = line.strip()
    if len(line.split()) <= 16 and (_BYLINE.match(line) or _DATE_LINE.match(line)):
        return True
    if "|" in line and not _TERMINAL.search(line):
        parts = [p.strip() for p in line.split("|")]
        return all(p and len(p.split()) <= 8 for p in parts) and len(parts) <= 4
    return False


def _standfirst(line: str, nxt: str | None, after: str) -> bool:
    """A line under the title or byline that sums the story up without a closing mark ("City hall
    says 10,101 flats will return to residents, but owners vow a legal fight"), set off by a blank
    line from punctuated prose: the article's context, not its first sentence. Speech written down
    without punctuation has no punctuated prose after it, so it stays text."""
    if nxt and nxt.strip():
        return False
    if not line[:1].isupper() or _TERMINAL.search(line) or len(line.split()) > MAX_STANDFIRST_WORDS:
        return False
    return bool(after and _starts_prose(after) and re.search(r"[.!?…][\"'”’)\]]*(?:\s|$)", after))


def dateline(paragraph: str) -> tuple[str, str] | None:
    """(dateline, the rest) when a news paragraph opens on where it was filed ("BARCELONA — ...",
    "LONDON (Reuters) - ..."): the place is context, and no claim starts with it."""
    m = _DATELINE.match(paragraph)
    if m is None or not paragraph[m.end() :].strip():
        return None
    return m.group("where").strip(), paragraph[m.end() :].strip()


def line_kind(
    line: str, prev: str | None, nxt: str | None, *, first: bool = False, after: str | None = None
) -> str | None:
    """The kind of one stripped, non-empty line given its neighbours (None: prose); ``after`` is
    the next non-blank line, where a blank line follows this one."""
    words = len(line.split())
    if _NAV_LINE.match(line) and words <= 25:
        return "credit"  # before the speaker check: "Related: ..." is a link, not a speaker
    if _PICTURE_LABEL.match(line) and words <= 60:
        return "credit"
    if SPEAKER_LABEL.match(line):
        return None  # "Dana: we should go" is a turn of a transcript, not a heading
    if _CREDIT.search(line) and words <= 60:
        return "credit"
    if _is_byline(line):
        return "byline"
    if not _heading_shaped(line):
        return None
    if first and (nxt is None or not nxt.strip() or _starts_prose(nxt)):
        # A lower-case first line is speech written down without punctuation, not a title; a
        # capitalised one without a closing mark, over punctuated prose, is ("Three-weekly bins are
        # the right call", then "Hi everyone, ...").
        if _title_cased(line) or (line[0].isupper() and (nxt is None or not nxt.strip())):
            return "title"
        last = re.sub(r"[^\w'’-]", "", line.split()[-1]).lower()  # "by 2028" ends on the year
        # a hard-wrapped first line of prose; over a byline, a headline may run a little longer
        wrapped = last in _SMALL_WORDS or (len(line.split()) > 12 and not (nxt and _is_byline(nxt)))
        # over punctuated prose, or over its byline ("By Marta Vidal, Housing Correspondent")
        over_text = nxt is not None and (re.search(r"[.!?…]", nxt) or _is_byline(nxt))
        return "title" if line[0].isupper() and not wrapped and over_text else None
    between = _ends_sentence(prev) and (nxt is None or not nxt.strip() or _starts_prose(nxt))
    if not between:
        return None
    # A sentence-cased heading is short and opens the prose after it, directly or after a blank
    # line ("What is changing", blank, "Under the plan, ..."); a line of its own that opens on a
    # person or an order is said, not a heading ("They cut our hours again", "Vote no on Thursday").
    opens = _starts_prose(nxt) or (
        not (nxt or "").strip() and line[0].isupper() and _starts_prose(after) and not _SAID.match(line)
    )
    if _title_cased(line) or (words <= MAX_PLAIN_HEADING_WORDS and opens):
        return "heading"
    return None


def _read_markdown(lines: list[str]) -> list[bool]:
    """Rewrite ``lines`` in place without Markdown's marks (front matter, rules, inline marks) and
    say which are headings. A ``---`` underlines a heading only under a line of its own, since
    under hard-wrapped prose it is a rule."""
    if lines and lines[0] == "---" and "---" in lines[1:40]:
        for k in range(lines.index("---", 1) + 1):  # YAML front matter: settings, not words
            lines[k] = ""
    marked = [False] * len(lines)
    for i, line in enumerate(lines):
        if not line:
            continue
        alone = i == 0 or not lines[i - 1]
        nxt = lines[i + 1] if i + 1 < len(lines) and alone else None
        heading = markdown_heading(line, nxt)
        if heading is not None:
            lines[i], marked[i] = markdown_inline(heading).strip(), True
            if not _ATX_HEADING.match(line):
                lines[i + 1] = ""  # the underline
        elif _THEMATIC_BREAK.match(line):
            lines[i] = ""
        else:
            lines[i] = markdown_inline(line).strip()
    return marked


def blocks(text: str) -> list[Block]:
    """Structure lines, list items and prose paragraphs of a plain text, in order."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    marked = _read_markdown(lines)
    out: list[Block] = []
    paragraph: list[str] = []
    seen_text = False

    def flush() -> None:
        if paragraph:
            text = " ".join(" ".join(paragraph).split())
            filed = dateline(text) if not any(b.kind is None for b in out) else None
            if filed and (any(b.kind in ("title", "byline") for b in out) or "(" in filed[0]):
                out.extend([Block(filed[0], "byline"), Block(filed[1])])
            else:
                out.append(Block(text))
            paragraph.clear()

    footer = False  # under a "Related:" or "Share this:" line, up to the next blank line
    after_of: list[str | None] = [None] * len(lines)  # the next non-blank line after each
    following: str | None = None
    for i in range(len(lines) - 1, -1, -1):
        after_of[i] = following
        if lines[i]:
            following = lines[i]
    for i, line in enumerate(lines):
        if not line:
            flush()
            footer = False
            continue
        if marked[i]:  # the writer said it is a heading; the first one names the text
            flush()
            out.append(Block(" ".join(line.split()), "heading" if seen_text else "title"))
            seen_text = True
            continue
        if _NAV_HEAD.match(line) or (footer and len(line.split()) <= MAX_HEADING_WORDS):
            flush()
            out.append(Block(" ".join(line.split()), "credit"))
            footer, seen_text = True, True
            continue
        footer = False
        prev = lines[i - 1] if i > 0 else None
        # The line after a blank or a list item reads as following a finished sentence.
        if prev is not None and (not prev or _LIST_MARKER.match(prev)):
            prev = None
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        marker = _LIST_MARKER.match(line)
        if marker and paragraph and paragraph[-1][-1:] in '"”' and DASH_ATTRIBUTION.match(line):
            paragraph.append(line)  # '— Hannah Voss, CEO': who said the quote above, not a list item
            continue
        if marker and not (line.lstrip()[0].isdigit() and paragraph and not _ends_sentence(paragraph[-1])):
            flush()
            item = line[marker.end() :].strip()
            if item:
                out.append(Block(item, "item"))
            seen_text = True
            continue
        if SPEAKER_LABEL.match(line) or line.startswith(">>"):
            flush()  # a new turn: never joined to the last one, finished or cut off ("A fifth—")
        kind = line_kind(
            line, prev if not paragraph else paragraph[-1], nxt, first=not seen_text, after=after_of[i]
        )
        if kind is None and not paragraph and out and out[-1].kind in ("title", "byline"):
            below = lines[i + 2 :]  # the paragraph after the blank line, hard-wrapped or not
            below = below[: below.index("")] if "" in below else below
            kind = "heading" if _standfirst(line, nxt, " ".join(below)) else None
        seen_text = True
        if kind is not None:
            flush()
            out.append(Block(" ".join(line.split()), kind))
            continue
        paragraph.append(line)
    flush()
    return out


def title_line(text: str) -> str | None:
    """The text's title when its first line is one (what a pasted article is called)."""
    found = blocks(strip_markup(text[:8192]))
    return found[0].text if found and found[0].kind == "title" else None


__all__ = ["SOUND_TAGS", "SPEAKER_LABEL", "Block", "blocks", "line_kind", "strip_markup", "title_line"]
