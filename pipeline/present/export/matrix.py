"""The stance matrix: key points as rows, commentators as columns, who takes which side.

"Where do these commentators agree, and where do they clash?" is the question argmap exists to
answer, and a graph answers it badly: the eye has to follow edges. A table answers it at a glance,
so both places that show a compare run lead with one: ``argmap serve``'s compare page and the
HTML export (which is also serve's map page). They render it here, once, from the same
:class:`Matrix`: each cell is that column's stance on the key point (asserts / disputes / calls to
act) with links to the moments it was said, and each row is marked agree, clash or mixed from the
relations the run stored.

The two callers differ only in where a moment link goes (the web view's player, or the video's
own site in a file that leaves the machine) and in what a column head links to, so those arrive
here as ready HTML (:attr:`Said.moment`, :attr:`Column.header`) made by the caller; every other
text is escaped here.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from argmap.pipeline.compare.clustering import STANCE_LABELS, majority_stance
from argmap.pipeline.text import clock
from argmap.store.records import ArgumentInContext

from .model import ArgMap, MapArgument, voice_of

#: how each key point member stance reads in a cell (the store's words are not the reader's)
AGREEING = ("agrees", "supports")
CLASHING = ("contrasts", "attacks")
#: the schemes a moment link in an exported file may use; anything else stays text
LINK_SCHEMES = ("http", "https", "file")


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def stance_badge(value: str) -> str:
    """A stance as the coloured word the pages and the export show."""
    return f'<span class="stance {esc(value)}">{esc(STANCE_LABELS.get(value, value))}</span>'


def verdict(stances: Iterable[str], relations: Counter[str]) -> str:
    """agree, clash or mixed: from the run's relations inside the key point, else the stances."""
    agree = sum(relations[r] for r in AGREEING)
    clash = sum(relations[r] for r in CLASHING)
    if agree or clash:
        return "mixed" if agree and clash else ("clash" if clash else "agree")
    kinds = set(stances)
    return "clash" if "criticises" in kinds and len(kinds) > 1 else "agree"


@dataclass(frozen=True)
class Column:
    """One voice: a commentator, or a person in a video with several speakers.

    Two columns are the same voice when their ``key`` is; ``header`` is the HTML its head shows
    (a link on the web view, the escaped name in an export)."""

    key: str
    name: str = field(compare=False)
    header: str = field(compare=False)


@dataclass(frozen=True)
class Said:
    """One argument in a cell: its stance on the key point, its text, its moment link (HTML), and
    how sure the judge was of the stance (which breaks a tie, as in `argmap compare`)."""

    stance: str
    text: str
    moment: str
    sure: float | None = None


@dataclass
class Row:
    """A key point and what each voice said about it; ``relations`` counts the run's relations
    inside it by kind."""

    label: str
    cells: dict[Column, list[Said]]
    relations: Counter[str] = field(default_factory=Counter)
    #: voices of the run on this key point that the page leaves out (a filtered map)
    elsewhere: list[str] = field(default_factory=list)

    @property
    def voices(self) -> int:
        return len(self.cells) + len(self.elsewhere)

    @property
    def verdict(self) -> str:
        return verdict((s.stance for said in self.cells.values() for s in said), self.relations)


@dataclass
class Matrix:
    """A compare run's key points as a table; rows with one voice are listed apart (:meth:`alone`)."""

    rows: list[Row]

    @property
    def shared(self) -> list[Row]:
        return [r for r in self.rows if r.voices >= 2]

    @property
    def lone(self) -> list[Row]:
        return [r for r in self.rows if r.voices == 1]

    @property
    def columns(self) -> list[Column]:
        found = {c for r in self.shared for c in r.cells}
        return sorted(found, key=lambda c: (c.name.casefold(), c.key))

    def summary(self, outside: int | None = None) -> str:
        """The line over the table; ``outside``: how many of the run's arguments joined no key
        point (points nobody else made), where known."""
        shared, lone = len(self.shared), len(self.lone)
        line = (
            f"{shared} key point{'' if shared == 1 else 's'} shared by two or more commentators, "
            f"{lone} point{'' if lone == 1 else 's'} made by one alone"
        )
        if outside:
            line += f", {outside} argument{'' if outside == 1 else 's'} in no key point (made by nobody else)"
        return line

    def table(self, *, empty: str = "<p>This run holds no key points.</p>") -> str:
        """The legend and the table; a sentence saying why when no key point is shared (``empty``,
        HTML, when there is no key point at all)."""
        if not self.shared:
            if self.rows:
                return (
                    "<p>No key point in this run is shared by two commentators: try <code>argmap compare "
                    "--threshold 0.5</code> for looser grouping.</p>"
                )
            return empty
        columns = self.columns
        legend = " ".join(stance_badge(s) for s in STANCE_LABELS)
        out = [
            f'<p class="legend">{legend} · <span class="verdict agree">agree</span> '
            '<span class="verdict clash">clash</span> <span class="verdict mixed">mixed</span></p>',
            '<div class="matrix-wrap"><table class="matrix" id="matrix"><thead><tr>'
            '<th scope="col">key point</th>',
        ]
        out.extend(f'<th scope="col">{c.header}</th>' for c in columns)
        filtered = any(r.elsewhere for r in self.shared)
        if filtered:
            out.append('<th scope="col">also in the run (not shown)</th>')
        out.append("</tr></thead><tbody>")
        for row in self.shared:
            if len(row.cells) >= 2:
                v = row.verdict
                label = f'{esc(row.label)} <span class="verdict {v}">{v}</span>'
            else:  # agreement is between voices, and only one of them is shown
                v, label = "", esc(row.label)
            out.append(f'<tr class="kp {v}"><th scope="row">{label}</th>')
            out.extend(_cell(row.cells.get(c, [])) for c in columns)
            if filtered:
                others = esc(", ".join(row.elsewhere)) if row.elsewhere else '<span class="meta">—</span>'
                out.append(f'<td class="cell elsewhere">{others}</td>')
            out.append("</tr>")
        out.append("</tbody></table></div>")
        return "".join(out)

    def alone(self) -> str:
        """The points one voice made alone, each with its first moment; empty when there are none."""
        if not self.lone:
            return ""
        out = ['<h2>Argued by one commentator only</h2><ul class="unique">']
        for row in self.lone:
            who, said = next(iter(row.cells.items()))
            stance = stance_badge(majority_stance([s.stance for s in said], [s.sure for s in said]))
            out.append(
                f"<li>only <strong>{who.header}</strong> {stance}: {esc(row.label)} {said[0].moment}</li>"
            )
        out.append("</ul>")
        return "".join(out)


def _cell(said: list[Said]) -> str:
    if not said:
        return '<td class="cell empty"><span class="meta">—</span></td>'
    # the stance `argmap compare` prints for this voice: the same count, and the same tie rule
    top = majority_stance([s.stance for s in said], [s.sure for s in said])
    # each moment under its own stance: a disputing moment listed under "asserts" plays the opposite
    order = [top] + [s.stance for s in said if s.stance != top]
    groups = []
    for stance in dict.fromkeys(order):
        links = " ".join(s.moment for s in said if s.stance == stance)
        groups.append(f"{stance_badge(stance)} {links}")
    texts = "".join(f"<li>{esc(s.text)}</li>" for s in said)
    return (
        f'<td class="cell {esc(top)}">{" ".join(groups)}'
        f"<details><summary>what they said</summary><ul>{texts}</ul></details></td>"
    )


# -- the matrix of an exported map ------------------------------------------------------------


def voice_column(a: ArgumentInContext) -> Column:
    """The column of an argument's voice (:func:`.model.voice_of`)."""
    key, name = voice_of(a)
    return Column(key, name, esc(name))


def moment_link(a: MapArgument) -> str:
    """A moment as a link to the video's own page at that time (the file may be opened anywhere),
    or the time alone when the video has no address a browser opens."""
    text = clock(a.start)
    if urlsplit(a.url).scheme.lower() not in LINK_SCHEMES:
        return f'<span class="t">{esc(text)}</span>'
    return (
        f'<a class="moment ext" href="{esc(a.url)}" target="_blank" rel="noopener noreferrer" '
        f'title="{esc(a.video_title)} at {esc(text)}">{esc(text)}</a>'
    )


def map_matrix(m: ArgMap, moment: Callable[[MapArgument], str] = moment_link) -> Matrix:
    """The matrix of the key points on a map, in the map's order; ``moment`` makes each link."""
    by_id = {a.id: a for a in m.arguments}
    relations: dict[str, Counter[str]] = {}
    for r in m.relations:
        if r.key_point_id:
            relations.setdefault(r.key_point_id, Counter())[r.relation] += 1
    rows = []
    for kp in m.key_points:
        cells: dict[Column, list[Said]] = {}
        for member in kp.members:
            a = by_id.get(member["argument_id"])
            if a is not None:
                said = Said(member["stance"], a.text, moment(a), member.get("confidence"))
                cells.setdefault(voice_column(a.argument), []).append(said)
        if cells:
            rows.append(Row(kp.label, cells, relations.get(kp.id, Counter()), kp.elsewhere))
    return Matrix(rows)
