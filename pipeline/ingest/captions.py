"""Caption and transcript files (WebVTT, SRT, plain text) turned into segments.

Captions are the cheap path to a transcript: a source that offers subtitles needs no
speech recognition, and a user with a transcript file can import it directly. Each format
needs its own care:

- WebVTT from YouTube's automatic captions "rolls": every cue repeats the line shown
  before it and adds the next, and between them sit 10 ms cues that repeat the text once
  more, with inline ``<00:00:01.520><c> word</c>`` timing tags. Read naively, every sentence
  would appear two or three times. Rolling files are detected by those tags and reduced to
  each new line once, starting when it first appeared. The same roll without the tags (the
  files other tools convert auto-captions into, VTT or SRT) is recognised by its repeated lines.
- SRT is simple blocks of index, time range and text, sometimes with ``<i>`` or ``{\\an8}``.
- Plain text has no times. It is split into sentences and each sentence is given a time
  from a speaking-rate estimate of 2.5 words per second (about 150 words per minute,
  typical for commentary), so links and ordering work; those times are estimates. Lines
  that start with a timestamp (``[01:02] text`` or ``00:01:02 text``, as
  ``argmap transcript --format txt`` writes) keep their real start times instead. A pasted
  article's title, headings, bylines, credit lines and list items are found first
  (:mod:`.structure`) and become cues of their own with their kind, never glued to a sentence.

The way back is :mod:`argmap.pipeline.present.transcripts`, in the forms these parsers read.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from argmap.pipeline.errors import MediaError
from argmap.pipeline.ingest.structure import SOUND_TAGS, SPEAKER_LABEL, blocks, strip_markup
from argmap.pipeline.text import CLAUSE_MARKS, clean_speech, decode_file_text, is_abbreviation
from argmap.store import Segment, Speaker

log = logging.getLogger(__name__)

#: speaking rate used to give untimed text plausible times (words per second)
WORDS_PER_SECOND = 2.5
CAPTION_SUFFIXES = {".vtt": "vtt", ".srt": "srt", ".txt": "txt", ".md": "txt", ".markdown": "txt"}


@dataclass
class Cue:
    start: float
    end: float
    text: str
    kind: str | None = None  # a structure line of imported text (argmap.store.SEGMENT_KINDS)


# Fractions of more than three digits ("00:00:05,1000", a tool's slip) are read as decimals.
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,9}))?"
_RANGE_RE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TAG_RE = re.compile(r"<[^>]*>")
_ASS_RE = re.compile(r"\{\\[^}]*\}")
_INLINE_TIME_RE = re.compile(r"<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}>")
_LEADING_TIME_RE = re.compile(rf"^\s*\[?\s*{_TIME}\s*(?:-{{1,2}}>?\s*[\d:.,]+\s*)?\]?\s*[-–:]?\s+")


_TIMING_LIKE = re.compile(r"^\s*\d+:\d[\d:.,]*\s*(?:-{1,2}>|[–—]>?|→)\s*\d+:\d")


def _broken_timing(line: str) -> bool:
    """A cue's timing line that does not parse ("00:00:08 -> 00:00:11", "00:00:05,1000 -->")."""
    return ("-->" in line or bool(_TIMING_LIKE.match(line))) and not _RANGE_RE.match(line)


def _seconds(h: str | None, m: str, s: str, frac: str | None) -> float:
    value = float(int(h or 0) * 3600 + int(m) * 60 + int(s))
    if frac:
        value += int(frac[:3].ljust(3, "0")) / 1000
    return value


_VOICE_RE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")


def _clean(line: str) -> str:
    # A WebVTT voice span names the speaker: keep it as the "Name: " prefix plain text uses.
    line = _VOICE_RE.sub(lambda m: f"{m.group(1).strip()}: ", line)
    line = _ASS_RE.sub("", _TAG_RE.sub("", line))
    return " ".join(_entities(line).split())


def _unix_newlines(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> list[str]:
    return _unix_newlines(text).split("\n")


_SKIP_BLOCKS = ("NOTE", "STYLE", "REGION", "WEBVTT")


def _timed_blocks(text: str) -> list[tuple[float, float, list[str]]]:
    """(start, end, raw text lines) for every cue, in file order.

    Read line by line rather than by blank-line blocks, because YouTube puts
    whitespace-only lines inside cues. A line right after a blank line and right before a
    time line is a cue identifier (an SRT index or a VTT cue id), not text.
    """
    out: list[tuple[float, float, list[str]]] = []
    current: list[str] | None = None
    after_blank = True
    skipping = False
    ident_candidate = False  # the last appended line came right after a blank line
    for line in _lines(text):
        m = _RANGE_RE.match(line)
        if m:
            # the line before a time line is the cue's id: after a blank line, or a bare SRT index
            # where the blank line was left out ("...rip-off.", "2", "00:00:04,000 --> ...")
            if current and (ident_candidate or current[-1].strip().isdigit()):
                current.pop()
            g = m.groups()
            start, end = _seconds(*g[:4]), _seconds(*g[4:])
            current = []
            out.append((start, max(start, end), current))
            after_blank = skipping = ident_candidate = False
            continue
        if _broken_timing(line):
            # A timing line that does not parse: its cue is dropped (read_caption_file warns), never
            # glued onto the last one, and neither is its id.
            if current and (ident_candidate or current[-1].strip().isdigit()):
                current.pop()
            current = None
            after_blank = ident_candidate = False
            continue
        if not line.strip():
            after_blank = True
            ident_candidate = False
            continue
        if after_blank and line.lstrip().startswith(_SKIP_BLOCKS):
            skipping = True
        ident_candidate = after_blank and not skipping
        after_blank = False
        if skipping or current is None:
            continue
        current.append(line)
    return out


_TimedBlock = tuple[float, float, list[str]]  # a cue's start, end and lines


def _cleaned(blocks: list[_TimedBlock]) -> list[_TimedBlock]:
    """Each cue's lines cleaned, the empty ones dropped: what roll detection and unrolling read."""
    return [(s, e, [line for line in (_clean(raw) for raw in lines) if line]) for s, e, lines in blocks]


_MID_TURN_RE = re.compile(r"\s+(?=>>\s)")


def _turns(start: float, end: float, lines: list[str]) -> list[Cue]:
    """One cue's cleaned lines as a cue per turn: a line that opens with a speaker label, ">>" or a
    dialogue dash, and a ">>" inside a line, start another speaker's words ("ANA: ...", then
    "BEN: They save money though." in one cue was all Ana's); time is shared by words."""
    groups: list[list[str]] = []
    for line in lines:
        for n, part in enumerate(_MID_TURN_RE.split(line)):
            turn = n > 0 or part.startswith((">>", "- ")) or SPEAKER_LABEL.match(part) is not None
            if groups and not turn:
                groups[-1].append(part)
            else:
                groups.append([part])
    texts = [" ".join(g) for g in groups]
    words = [max(1, len(t.split())) for t in texts]
    out, at = [], start
    for i, (text, n) in enumerate(zip(texts, words, strict=True)):
        until = end if i == len(texts) - 1 else at + (end - start) * n / sum(words)
        out.append(Cue(round(at, 3), round(until, 3), text))
        at = until
    return out


def parse_vtt(text: str) -> list[Cue]:
    blocks = _timed_blocks(text)
    cleaned = _cleaned(blocks)
    if _INLINE_TIME_RE.search(text) or _rolls(cleaned):
        return _unroll(cleaned)
    return [c for s, e, lines in cleaned for c in _turns(s, e, lines) if c.text]


def _rolls(cleaned: list[_TimedBlock]) -> bool:
    """Whether cues roll without timing tags, as auto-captions converted by other tools do (each
    cue's first line repeats the last line of the cue before, a line of three words or more): at
    least half of the neighbouring cues, and three times, which edited captions never do."""
    texts = [lines for _, _, lines in cleaned]
    pairs = [(a, b) for a, b in zip(texts, texts[1:], strict=False) if a and b]
    # a repeated "- Yes." is dialogue; a roll repeats lines of words
    repeats = sum(1 for a, b in pairs if len(b) > 1 and b[0] == a[-1] and len(b[0].split()) >= 3)
    return repeats >= 3 and repeats * 2 >= len(pairs)


def _unroll(cleaned: list[_TimedBlock]) -> list[Cue]:
    """Rolling captions: each line once, the first time it appears, timed by that cue; later
    repeats of a recent line are the roll, not new speech."""
    cues: list[Cue] = []
    recent: list[str] = []
    for start, end, lines in cleaned:
        for line in lines:
            if line in recent:
                continue
            cues.append(Cue(start, end, line))
            recent = (recent + [line])[-3:]
    # A rolled line stays on screen while the next one is written; it was said until then.
    for prev, nxt in zip(cues, cues[1:], strict=False):
        if prev.end > nxt.start:
            prev.end = max(prev.start, nxt.start)
    return cues


def parse_srt(text: str) -> list[Cue]:
    blocks = _timed_blocks(text)
    cleaned = _cleaned(blocks)
    if _rolls(cleaned):
        return _unroll(cleaned)
    return [c for s, e, lines in cleaned for c in _turns(s, e, lines) if c.text]


# The closing quote or bracket after a full stop stays with its sentence ("... model.” Now").
_SENTENCE_END_RE = re.compile(r"[.!?…](?:\s?»)?[\"'”’»)\]]*\s+")  # French sets » off: "fini. »"
_OPENERS = "\"'“‘«([¿¡"


def _sentence_pieces(text: str) -> list[str]:
    """``text`` cut after . ! ? … (and any closing quote) where the next word starts a sentence:
    a capital of any script ("Łódź", "Это"), a digit, an opening quote or bracket, ¿ or ¡."""
    out, last = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        nxt = text[m.end() : m.end() + 2]
        first = nxt.lstrip(_OPENERS)[:1] or nxt[:1]
        if first.isupper() or first.isdigit() or (nxt[:1] in _OPENERS and nxt[:1] != ""):
            out.append(text[last : m.end()])
            last = m.end()
    out.append(text[last:])
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences: break after . ! ? followed by a space and a capital or digit.

    Paragraph breaks always end a sentence; a period after a common abbreviation
    ("Dr.", "U.S.", "vs.") does not.
    """
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        # ">>" is someone else speaking: a sentence ends before it, whatever follows
        pieces = [p.strip() for turn in _MID_TURN_RE.split(flat) for p in _sentence_pieces(turn) if p.strip()]
        merged: list[str] = []
        for piece in pieces:
            joined = f"{merged[-1]} {piece}" if merged else piece
            if merged and merged[-1].endswith(".") and is_abbreviation(joined, len(merged[-1]) - 1):
                merged[-1] = joined
            else:
                merged.append(piece)
        out.extend(merged)
    return out


def _duration_of(text: str) -> float:
    return max(1, len(text.split())) / WORDS_PER_SECOND


#: an unpunctuated run of plain text is cut into cues of at most this many words, so each part
#: of a long paste gets its own time instead of one cue spanning twenty minutes
MAX_CUE_WORDS = 45


def _pieces(sentence: str) -> list[str]:
    """A sentence longer than MAX_CUE_WORDS as cues of at most that many words, each ending at
    a clause mark where one falls in its last two thirds: a cue edge is where a sentence may be
    cut later, and a cut inside a clause leaves both halves mid-phrase."""
    words = sentence.split()
    out: list[str] = []
    while len(words) > MAX_CUE_WORDS:
        marks = [i + 1 for i in range(MAX_CUE_WORDS // 3, MAX_CUE_WORDS) if words[i][-1] in CLAUSE_MARKS]
        cut = marks[-1] if marks else MAX_CUE_WORDS
        out.append(" ".join(words[:cut]))
        words = words[cut:]
    return [*out, " ".join(words)] if words else out


def without_times(text: str) -> str | None:
    """``text`` with each line's leading time stamp ("[00:06] ", "0:06 - ") taken off; None when
    its first line has one (then the first line was said, not a title above what was said)."""
    lines = _unix_newlines(text).split("\n")
    first = next((line for line in lines if line.strip()), "")
    if _LEADING_TIME_RE.match(first):
        return None
    return "\n".join(_LEADING_TIME_RE.sub("", line) for line in lines)


def _entities(line: str) -> str:
    """The character references captions and pasted HTML carry (WebVTT takes HTML's named ones:
    "&quot;", "&eacute;", "&#8217;"), as the characters they stand for; a no-break space is a space."""
    return html.unescape(line).replace("\xa0", " ")


_INLINE_BULLET_RE = re.compile(r"\s+([•▪●◦])\s+(?=\S)")


def parse_txt(text: str) -> list[Cue]:
    # A list pasted flat ("• one. • two.") is a list: each bullet on a line of its own, so the
    # marker is read as one and never kept inside a sentence
    text = _INLINE_BULLET_RE.sub(r"\n\1 ", _entities(strip_markup(_unix_newlines(text))))
    lines = [line for line in text.split("\n") if line.strip()]
    stamped = [(_LEADING_TIME_RE.match(line), line) for line in lines]
    if lines and sum(1 for m, _ in stamped if m) >= max(1, len(lines) // 2):
        return _parse_stamped_lines(stamped)
    cues = []
    clock = 0.0
    for block in blocks(text):
        sentences = split_sentences(block.text) if block.kind in (None, "credit") else [block.text]
        for n, sentence in enumerate(sentences):
            kind = block.kind
            pieces = _pieces(sentence)
            if kind is None and n == len(sentences) - 1 and not _CLOSED.search(sentence) and len(pieces) == 1:
                kind = "item"  # a paragraph's unpunctuated last line still ends its sentence
            for piece in pieces:
                length = _duration_of(piece)
                cues.append(Cue(round(clock, 3), round(clock + length, 3), piece, kind))
                clock += length
    return cues


_CLOSED = re.compile(r"[.!?…][\"'”’)\]]*$")


def _parse_stamped_lines(stamped: list[tuple[re.Match[str] | None, str]]) -> list[Cue]:
    cues: list[Cue] = []
    for m, line in stamped:
        if m is None:
            # An unstamped continuation line belongs to the cue before it.
            if cues:
                cues[-1].text = f"{cues[-1].text} {_clean(line)}".strip()
            continue
        body = _clean(line[m.end() :])
        if body:
            cues.append(Cue(_seconds(*m.groups()), 0.0, body))
    for cue, nxt in zip(cues, [*cues[1:], None], strict=True):
        estimate = cue.start + _duration_of(cue.text)
        cue.end = round(min(estimate, nxt.start) if nxt and nxt.start >= cue.start else estimate, 3)
    return cues


def parse_captions(text: str, fmt: str) -> list[Cue]:
    """Cues of a caption text in ``fmt`` (vtt, srt or txt); empty when it holds no text."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "vtt":
        return parse_vtt(text)
    if fmt == "srt":
        return parse_srt(text)
    if fmt == "txt":
        return parse_txt(text)
    raise MediaError(f"unknown caption format {fmt!r} (expected vtt, srt or txt)")


def read_caption_file(path: str | Path) -> list[Cue]:
    """Cues of a .vtt, .srt, .txt or .md file; a MediaError line when unreadable or empty."""
    path = Path(path)
    fmt = CAPTION_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise MediaError(f"{path.name}: not a caption file (expected .vtt, .srt, .txt or .md)")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise MediaError(f"cannot read {path}: {err.strerror or err}") from err
    text = decode_file_text(raw)
    if _looks_binary(text):
        raise MediaError(f"{path.name}: not a text file (it holds binary data)")
    cues = parse_captions(text, fmt)
    if fmt != "txt":
        broken = [n for n, line in enumerate(_lines(text), 1) if _broken_timing(line)]
        if broken:
            lines = ", ".join(map(str, broken[:5])) + (", ..." if len(broken) > 5 else "")
            log.warning("%s: left out %d cue(s) whose timing line does not parse (line %s)", path.name,
                        len(broken), lines)  # fmt: skip
    if not cues:
        what = "no text" if fmt == "txt" else "no caption text"
        raise MediaError(f"{path.name}: {what} found in the file (it is empty or holds only markup)")
    return cues


def _looks_binary(text: str) -> bool:
    """Bytes that are not text, decoded anyway (cp1252 decodes every byte): control characters
    and replacement marks in more than one character of twenty (random bytes give one in seven).
    Text may hold a stray one, and a hostile one terminal escapes (ESC, BEL), which cleaning
    removes; those do not count."""
    sample = text[:20000]
    odd = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in "\t\n\r\f\v\x1b\x07"))
    return odd * 20 > max(len(sample), 1)


_HEADER_LANGUAGE = re.compile(r"^Language:\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", re.M)


def header_language(path: str | Path) -> str | None:
    """The language a WebVTT file's header names (``Language: en``, as YouTube writes it), as
    its primary code; None for other formats or no such line before the first cue."""
    path = Path(path)
    if path.suffix.lower() != ".vtt":
        return None
    try:
        head = decode_file_text(path.read_bytes()[:4096]).split("-->", 1)[0]
    except OSError:
        return None
    m = _HEADER_LANGUAGE.search(head)
    return m.group(1).lower() if m else None


def cues_to_segments(cues: list[Cue], *, transcript_id: str, video_id: str) -> list[Segment]:
    """Segments in time order with monotonic starts and end >= start; empty cues dropped."""
    # Caption files come from strangers: a cue may carry terminal escapes or invisible characters.
    ordered = sorted((c for c in cues if clean_speech(c.text)), key=lambda c: c.start)
    segments = []
    prev_start = 0.0
    for idx, cue in enumerate(ordered):
        start = max(0.0, cue.start, prev_start)
        end = max(start, cue.end)
        segments.append(
            Segment(
                id=Segment.make_id(transcript_id, idx),
                transcript_id=transcript_id,
                video_id=video_id,
                idx=idx,
                start=round(start, 3),
                end=round(end, 3),
                text=clean_speech(cue.text),
                kind=cue.kind,
            )
        )
        prev_start = start
    return segments


# -- speakers named in the text ------------------------------------------------------------------

_TURN_MARK_RE = re.compile(r"^>>\s*")


def _label(text: str) -> str | None:
    m = SPEAKER_LABEL.match(text)
    if m is None:
        return None
    name = m.group("bracketed") or m.group("name")
    if m.group("bracketed") and any(word in SOUND_TAGS for word in name.casefold().split()):
        return None  # "[Crowd Cheering]" describes a sound
    return name


_HONORIFICS = frozenset({"DR", "MR", "MRS", "MS", "ST"})


def _as_name(label: str) -> str:
    """A label as a name: broadcast captions shout theirs ("JORDAN:", "DR O'NEILL:"); an
    acronym without a vowel ("BBC") stays as written."""
    words = label.split()
    if not all(w.isupper() for w in words if any(c.isalpha() for c in w)):
        return label

    def spoken(word: str) -> str:
        letters = re.sub(r"[\W\d_]", "", word)
        # a name has a vowel and four letters or more, or is a three-letter one like "SAM", "DEV"
        # (consonant, vowel, consonant) or "ANA", "EVE" (vowel, consonant, vowel); "BBC", "CEO"
        # and "JO" stay as written
        three = r"[^AEIOUY][AEIOUY][^AEIOUY]|[AEIOU][^AEIOUY][AEIOU]"
        named = word in _HONORIFICS or (
            re.search(r"[AEIOUYÀ-ÖØ-Ý]", letters) is not None
            and (len(letters) >= 4 or re.fullmatch(three, letters) is not None)
        )
        return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), word) if named else word

    return " ".join(spoken(w) for w in words)


def voice_names(path: str | Path) -> frozenset[str]:
    """The names a WebVTT file's voice spans give (``<v Dee>``): speakers however often they speak."""
    if Path(path).suffix.lower() != ".vtt":
        return frozenset()
    try:
        text = decode_file_text(Path(path).read_bytes())
    except OSError:
        return frozenset()
    return frozenset(" ".join(m.group(1).split()) for m in _VOICE_RE.finditer(text))


def speakers_from_labels(
    segments: list[Segment], video_id: str, voices: frozenset[str] = frozenset()
) -> tuple[list[Segment], list[Speaker]]:
    """Segments whose text opens with a speaker label ("Dana Reyes: ...", "[Dana] ...") lose the
    label and point at a speaker; in a dialogue of two or more labelled speakers the segments
    after one, up to the next label, are that speaker's too (a transcript names the speaker once
    per turn, and a turn runs over several sentences or cues).

    A label is taken as a speaker only when it opens at least two segments, so "Note: ..." is
    left alone, or when a WebVTT voice span gave it (``voices``). ``>>`` (YouTube's "someone
    else speaks now") is dropped from the text and ends the turn, since it does not say who; so
    do a "- " dialogue dash, a one-off label, a title, heading or credit line.
    """
    labels = [_label(s.text) for s in segments]
    counts = Counter(label for label in labels if label)
    # Only a dialogue (two or more labelled speakers) hands a turn on to unlabelled lines: a text
    # with one recurring "Update:" or one labelled guest among unlabelled lines must not give
    # everything after it to that label.
    for name in voices & set(counts):
        counts[name] = max(counts[name], 2)  # a voice span says who speaks, even once
    carry = sum(1 for n in counts.values() if n >= 2) >= 2
    speakers: dict[str, Speaker] = {}
    out = []
    current: Speaker | None = None
    for seg, label in zip(segments, labels, strict=True):
        text = seg.text
        if label and counts[label] >= 2:
            current = speakers.setdefault(
                label, Speaker(id=Speaker.make_id(video_id, f"captions:{label}"), video_id=video_id,
                               label=_as_name(label), source="captions")
            )  # fmt: skip
            text = SPEAKER_LABEL.sub("", text, count=1)
        elif text.startswith(">>"):
            current, text = None, _TURN_MARK_RE.sub("", text)
        elif text.startswith("- ") and len(text) > 2:
            current, text = None, text[2:].lstrip()  # a dialogue dash: someone else, not a word said
        elif not carry or label or (seg.kind is not None and seg.kind != "item"):
            current = None  # "Note: ..." (label-shaped, used once) ends a turn
        if current is None:
            out.append(replace(seg, text=text) if text != seg.text else seg)
            continue
        current.seconds = round(current.seconds + seg.end - seg.start, 2)
        out.append(replace(seg, text=text, speaker_id=current.id))
    return out, list(speakers.values())
