"""The Argdown export: key points as statements their member arguments support or attack.

Argdown gives meaning to nearly every punctuation character, so this module is mostly its
escaping rules; they are kept apart from the other writers because they are Argdown's alone.
"""

from __future__ import annotations

import re

from .model import ATTACKING, TYPE_LABELS, ArgMap, MapArgument, hms

# Characters that open an Argdown element anywhere in a line (tags, mentions, references, links,
# emphasis, comments, data); prose punctuation ("it's", "5%", "a - b") reads as written.
_ARGDOWN_MARKUP = set("\\@#*_[](){}<>/:")
# Every character the lexer gives a meaning to: a word that looks like a link or a path
# ("http://...") is escaped in full, since the lexer reads one even through single escapes.
_ARGDOWN_SPECIAL = _ARGDOWN_MARKUP | set(",.;-+=!~`|\"'&%$^?")


def _argdown_text(text: str) -> str:
    words = text.split()  # a newline would end the statement and start a new element
    return " ".join(
        "".join("\\" + ch if ch in (_ARGDOWN_SPECIAL if "/" in w or "\\" in w else _ARGDOWN_MARKUP) else ch
                for ch in w)
        for w in words
    )  # fmt: skip


def _argdown_title(text: str) -> str:
    # Titles sit inside [..] or <..>: keep letters, digits and single spaces only.
    cleaned = " ".join(re.sub(r"[^\w ]+", " ", text, flags=re.UNICODE).replace("_", " ").split())
    return cleaned or "untitled"


def _argdown_url(url: str) -> str:
    # A link ends at the first ')' and may not hold spaces.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def to_argdown(m: ArgMap) -> str:
    """One section per key point: the key point is a statement, its member arguments support
    (``+``) or attack (``-``) it; argument-to-argument relations follow as ``+``/``-`` lines."""
    voices = _voice_titles(m)
    titles = _argument_titles(m, voices)
    lines = ["===", "title: argmap export", "===", ""]
    placed: set[str] = set()

    def define(a: MapArgument) -> str:
        tags = f" #{a.type.replace('_', '-')} #({voices[a.said_by]})"
        link = f" [{hms(a.start)}]({_argdown_url(a.url)})"
        if a.id in placed:
            return f"<{titles[a.id]}>"
        placed.add(a.id)
        return f"<{titles[a.id]}>: {_argdown_text(a.text)}{link}{tags}"

    for n, kp in enumerate(m.key_points, start=1):
        kp_title = f"Key point {n}"
        lines += [f"# {_argdown_text(kp.label)}", "", f"[{kp_title}]: {_argdown_text(kp.label)}"]
        for member in kp.members:
            sign = "-" if member["stance"] in ATTACKING else "+"
            lines.append(f"  {sign} {define(m.argument(member['argument_id']))}")
        lines.append("")
    rest = [a for a in m.arguments if a.id not in placed]
    if rest or m.relations:
        lines += ["# Arguments and relations", ""]
    for a in rest:
        lines += [define(a), ""]
    for r in m.relations:
        sign = "-" if r.relation in ATTACKING else "+"
        # "<A>\n  + <B>" reads "B supports A": the relation's source goes underneath.
        lines += [f"<{titles[r.target]}>", f"  {sign} <{titles[r.source]}>", ""]
    return "\n".join(lines).rstrip() + "\n"


def _voice_titles(m: ArgMap) -> dict[str, str]:
    """Each voice's name as Argdown may write it, never shared by two voices: "Ann (A)" and
    "Ann A" clean to the same words, and one tag would read as one person."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for who in dict.fromkeys(a.said_by for a in m.arguments):
        base = title = _argdown_title(who)
        n = 1
        while title.casefold() in taken:
            n += 1
            title = f"{base} {n}"
        taken.add(title.casefold())
        out[who] = title
    return out


def _argument_titles(m: ArgMap, voices: dict[str, str]) -> dict[str, str]:
    titles: dict[str, str] = {}
    count: dict[str, int] = {}
    for a in m.arguments:
        base = f"{voices[a.said_by]} {TYPE_LABELS.get(a.type, a.type)}"
        count[base] = count.get(base, 0) + 1
        titles[a.id] = f"{base} {count[base]}"
    return titles
