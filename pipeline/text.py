"""Text every layer shares: cleaning what strangers wrote, and saying where something was said.

Titles, descriptions, transcripts and LLM output all come from outside; :func:`clean_line`
and :func:`clean_text` are the one place that makes them safe to store and print (no
terminal escapes, no invisible or bidi characters, capped length).

Links open a video at a moment, the "where was it said" half of every answer. YouTube
understands ``t=<seconds>`` in the query string; for anything else argmap uses a W3C media
fragment (``#t=<seconds>``), which browsers honour for direct media URLs. :func:`clock` is
the one way a moment is written for people.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from argmap.store import Video

MEDIA_EXTENSIONS = frozenset(
    {".mp3", ".m4a", ".mp4", ".m4v", ".wav", ".flac", ".ogg", ".oga", ".opus", ".webm", ".mkv"}
    | {".mov", ".aac", ".avi", ".mka", ".wma", ".wmv"}
)
_YOUTUBE_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "music.youtube.com")


#: marks after which a clause ends inside a sentence: where a run-on may be cut, and what an
#: argument cut there may end on (a colon is left out: what follows it belongs to it)
CLAUSE_MARKS = ",;—–"
#: the number words from two up, as a regex alternation: figures said or captioned in words
#: ("eleven votes", "four point two million"); "one" is left to each caller, as it is as often a
#: pronoun ("no one", "the one I liked")
NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    "thousand|million|billion"
)
#: a counted thing that opens a point: "second thing ...", "one more thing ..."
COUNT_THING = r"(?:first|second|third|fourth|fifth|next|last|final|another|one more) thing"
# A count that opens a point: "First, ...", "And third, ...", "Last but not least, ...", "Number
# two: ...", and as captions say it, before an ask of a body, "second thing the board needs to ...";
# not "First, second and third place went to ...", which counts nothing, nor "Last thing the fans
# need is ...", whose count is its subject. A heading or a gist states the point without it.
COUNT_LEAD = re.compile(
    r"^(?:(?:and|so)\s+)?(?:(?:first(?:ly| of all)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|last(?:ly)?|"
    r"last,? but not least|finally|next|number (?:one|two|three|four|five))\s*[:,]"
    r"(?!\s*(?:second|third|fourth|and|or|but)\b)|"
    rf"{COUNT_THING},?"
    r"(?=\s+(?:the|our|your|their|every|all)\s+(?:[\w'’-]+\s+){0,3}?(?:should|must|needs? to|has to|"
    r"have to|ought to|had better)\s+(?!do\b|be\b)(?!.*\b(?:is|was)\b)))\s*",
    re.I,
)
#: a dash and a name (up to four capitalised words), then a comma or the end: who said the quote
#: before it ('"..." — Cllr Ruth Adeyemi, council leader')
DASH_ATTRIBUTION = re.compile(r"\s*[—–-]{1,2}\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}(?:,|\s*$)")


def word_key(text: str) -> str:
    """``text``'s words, lower-cased, one space apart: what two texts that differ only in case,
    punctuation and spacing have in common (a pull quote and the sentence it repeats)."""
    return " ".join(re.findall(r"\w+", text.lower()))


def video_url(video: Video) -> str:
    return video.webpage_url or video.source_url


def timestamp_url(video: Video, seconds: float | None) -> str:
    """The video's page URL, opened at ``seconds`` (whole seconds, rounded down); for a media
    file found on a page or in a feed, the file's URL, which a browser opens at that moment."""
    base = video_url(video)
    if seconds is None:
        return base
    t = max(0, int(seconds))
    parts = urlsplit(base)
    if parts.scheme in ("http", "https") and parts.hostname in _YOUTUBE_HOSTS:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        query.append(("t", f"{t}s"))
        return urlunsplit(parts._replace(query=urlencode(query), fragment=""))
    # A web page or feed episode page that carries a media file ignores #t=; the file itself opens
    # at that moment in any browser (a media fragment), so a moment links the file.
    media = urlsplit(video.source_url)
    if (
        video.id.startswith("generic:")
        and media.scheme in ("http", "https")
        and PurePosixPath(media.path).suffix.lower() in MEDIA_EXTENSIONS
    ):
        parts = media
    return urlunsplit(parts._replace(fragment=f"t={t}"))


def timecode(seconds: float, sep: str | None = None, *, always_hours: bool = True) -> str:
    """A fixed-width time for files: ``HH:MM:SS`` (AIF, Argdown), or with milliseconds after
    ``sep`` (``.`` for WebVTT, ``,`` for SRT). ``always_hours=False`` writes ``MM:SS`` under an
    hour, without the fraction."""
    if sep is None:
        h, rest = divmod(max(0, int(seconds)), 3600)
        m, s = divmod(rest, 60)
        frac = ""
    else:
        ms = int(round(max(0.0, seconds) * 1000))
        h, rest = divmod(ms, 3_600_000)
        m, rest = divmod(rest, 60_000)
        s, ms = divmod(rest, 1000)
        frac = f"{sep}{ms:03d}"
    if not always_hours and not h:
        return f"{m:02d}:{s:02d}"
    return f"{h:02d}:{m:02d}:{s:02d}{frac}"


def clock(seconds: float | None) -> str:
    """A moment as people write it: ``m:ss``, or ``h:mm:ss`` from an hour on."""
    s = max(0, int(seconds or 0))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


# -- text from strangers --------------------------------------------------------------------

MAX_TITLE = 300
MAX_NAME = 120
MAX_DESCRIPTION = 20_000
# Terminal escape sequences: CSI (ESC [ or the 8-bit CSI), OSC (up to BEL or ST), and the
# two-character ones. Removed whole, so no stray "[31m" is left behind.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")


def _printable(text: str, keep: str = "") -> str:
    """``text`` without escape sequences and without control, format (bidi overrides,
    zero-width), private-use or unassigned characters, except those in ``keep``."""
    import unicodedata

    text = _ESCAPES.sub("", unicodedata.normalize("NFC", text))
    out = []
    for i, ch in enumerate(text):
        if ch in keep:
            out.append(ch)
        elif ch in "\t\n\r\x0b\x0c\x85\u2028\u2029":
            out.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs", "Cn"):
            out.append(ch)
        elif ch == "\u200d" and out and i + 1 < len(text) and _joins_emoji(out[-1], text[i + 1]):
            out.append(ch)  # the joiner inside one emoji ("🙅‍♂️"), never a hidden one in words
    return "".join(out)


def _joins_emoji(before: str, after: str) -> bool:
    import unicodedata

    def symbol(ch: str) -> bool:
        return unicodedata.category(ch) == "So" or ch == "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff"

    return symbol(before) and symbol(after)


def clean_line(value: Any, limit: int | None = MAX_TITLE) -> str:
    """One safe line for a title or name: markup and entities resolved, invisible and
    control characters dropped, whitespace collapsed, at most ``limit`` characters."""
    import html

    if value is None:
        return ""
    text = str(value)
    if len(text) > 4 * (limit or 0) + 1000 and limit:
        text = text[: 4 * limit + 1000]  # no need to scan 100 KB to keep 300 characters
    text = html.unescape(_TAG.sub(" ", text))
    text = " ".join(_printable(text).split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text


def clean_speech(value: Any) -> str:
    """Transcript text as it may be stored and printed: escape sequences and invisible or
    control characters dropped, whitespace collapsed. Unlike :func:`clean_line` it keeps
    ``<`` and ``&`` as written (people say "a < b") and has no length cap."""
    return " ".join(_printable(str(value or "")).split())


def clean_text(value: Any, limit: int = MAX_DESCRIPTION) -> str | None:
    """A description: markup reduced to text with its line breaks, escapes and control
    characters dropped, capped."""
    import html

    if value is None:
        return None
    text = str(value)[: limit * 2].replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"<br\s*/?>|</(?:p|div|li|h[1-6])>", "\n", text, flags=re.IGNORECASE)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in _printable(text, keep="\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text or None


def decode_file_text(raw: bytes, *, head: bool = False, legacy: bool = True) -> str:
    """The text of a file a user made: UTF-16 when it starts with a byte-order mark (Windows
    editors save "Unicode" so), else UTF-8 with or without its mark, else (``legacy``)
    Windows-1252, in which every byte decodes (old subtitle files are often Latin-1); without
    ``legacy``, bytes that are not such text raise UnicodeDecodeError. ``head``: ``raw`` is the
    file's first block, which may end half way through a character."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw[: len(raw) - len(raw) % 2 if head else None].decode(
            "utf-16", errors="replace" if legacy else "strict"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if head and err.start >= len(raw) - 3:
            return raw[: err.start].decode("utf-8-sig")
        if not legacy:
            raise
        return raw.decode("cp1252", errors="replace")


# Words after which a full stop does not end a sentence ("Mr. Smith", "e.g. this", "U.S. policy",
# "Lt. Col. Reed", "Jan. 5"). "may" is left out: "the vote is in May." ends one.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co",
    "corp", "gov", "sen", "rep", "gen", "approx", "fig", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m",
    "lt", "col", "capt", "sgt", "maj", "cpl", "adm", "cmdr", "mt", "ave", "rd", "dept", "univ", "vol",
    "rev", "hon", "pres", "supt", "messrs",
})  # fmt: skip
#: abbreviations only before a number: "No. 5", "Nos. 3 and 4"; "she said no." ends a sentence
_BEFORE_NUMBERS = frozenset({"no", "nos"})


def is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``text[dot]`` belongs to an abbreviation or an initial, not a
    sentence end."""
    if text[dot] != ".":
        return False
    m = re.search(r"([A-Za-z.'’]+)$", text[max(0, dot - 24) : dot])
    if not m:
        return False
    word = m.group(1).lower().strip(".").lstrip("'’")  # an opening quote is not part of the word
    if "'" in word or "’" in word:
        return False  # "it won't." ends a sentence: the t of a contraction is not an initial
    if word in _BEFORE_NUMBERS:
        return text[dot + 1 :].lstrip()[:1].isdigit()
    if word in ABBREVIATIONS:
        return True
    # Single initials ("J. F. Kennedy") are not sentence ends.
    return len(word) == 1 and word.isalpha()


# Auto-captions write the pronoun "i": with an English contraction it is always the pronoun; alone,
# only before a word English puts after it, since "i" is a word of its own in Italian, Swedish,
# Polish and more ("i think" is English, "i bambini" and "i morgon" are not).
_LOWER_I = re.compile(
    r"\bi(?=['’](?:m|ve|ll|d)\b|\s+(?:am|was|have|had|think|thought|do|did|don['’]?t|didn['’]?t|can|"
    r"can['’]?t|could|will|would|should|just|really|mean|guess|feel|felt|know|knew|said|say|want|"
    r"wanted|love|hate|believe|agree|disagree|also|never|still|see|saw|get|got|need|must|might|went|"
    r"told|wonder|hope|like|remember|personally|honestly|actually|definitely|totally)\b)"
)


def full_stop(text: str) -> str:
    """``text`` closed with a full stop where it ends on a word (a caption's sentence, a heading),
    so what follows it reads as a sentence of its own; a mark it has already is kept."""
    return f"{text}." if text[-1:].isalnum() else text


def capitalised(text: str) -> str:
    """``text`` with a capital first letter, unless its first word is written with a capital
    inside it ("iPhone", "eBay", "iOS"): those are names, spelt as their owners spell them; and
    with the pronoun "I" that auto-captions write as "i"."""
    text = _LOWER_I.sub("I", text)
    first = text.split(" ", 1)[0]
    if not text or any(c.isupper() for c in first[1:]):
        return text
    return text[:1].upper() + text[1:]


# Words a sentence opens on with a capital that are no part of a name after them ("If Harbridge
# Rovers ...", "Yesterday Harrow Vale council ...").
_OPENER_WORDS = """the a an so but and or if when while then now well also still yet this that these
    those my our your their his her its here there there's what why how who where which it it's they we
    you he she yesterday today tonight tomorrow meanwhile however overall last next every each some many
    most all both after before since until because although though as at in on for from with without by
    of to under over between during according not no even only just maybe perhaps again later earlier
    first second third once instead otherwise indeed sure yes look listen okay ok right like"""
_OPENERS = frozenset(_OPENER_WORDS.split())


def may_open_name(word: str) -> bool:
    """Whether a capitalised word that opens a sentence may be the first word of a name that goes
    on after it ("Harrow Vale council voted ...", "Harbridge Rovers will ..."): not a function word,
    pronoun or sentence adverb ("Honestly", "Yesterday")."""
    plain = word.lower().replace("’", "'")
    return plain not in _OPENERS and not plain.endswith("ly")


_CONTENT_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’-]+")
_STOP_WORDS = """the a an and or but of to in on at for with by from as is are was were be been being it its
    this that these those he she they we you i his her their our your my me him them us not no so if then
    than there here what which who whom how why when where about into over also just like very really can
    could would should will shall may might must do does did done has have had having all any some more most
    much many such only own same too up down out off again further once um uh yeah okay right know think going
    gonna"""
_STOP = frozenset(_STOP_WORDS.split())


def content_tokens(text: str) -> list[str]:
    """The words of ``text`` that carry content (lower case, stop words left out)."""
    return [t for t in _CONTENT_TOKEN.findall(text.lower()) if t not in _STOP]
