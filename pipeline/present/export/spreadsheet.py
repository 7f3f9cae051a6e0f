"""The CSV export: one row per argument, for spreadsheets.

A spreadsheet is the one target that runs what it imports (a cell starting with ``=`` is a
formula), so this writer's job is as much neutralising cells as laying out columns.
"""

from __future__ import annotations

import csv
import io

from .model import ArgMap

CSV_COLUMNS = [
    "argument_id",
    "commentator",
    "said_by",
    "video_id",
    "video_title",
    "type",
    "text",
    "quote",
    "start",
    "end",
    "url",
    "key_points",
    "relations",
]


def _csv_cell(value: str) -> str:
    # Spreadsheets run a cell starting with = + - @ (or a tab/CR) as a formula; the usual
    # neutraliser is a leading apostrophe, which they display but do not evaluate.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(m: ArgMap) -> str:
    key_points: dict[str, list[str]] = {}
    for kp in m.key_points:
        for member in kp.members:
            key_points.setdefault(member["argument_id"], []).append(kp.label)
    # Each relation on both of its rows, as "<relation> <other argument id>" ("... by" when this
    # row is the target), so a spreadsheet user can follow it with a lookup on argument_id.
    relations: dict[str, list[str]] = {}
    for r in m.relations:
        relations.setdefault(r.source, []).append(f"{r.relation} {r.target}")
        relations.setdefault(r.target, []).append(f"{r.relation} by {r.source}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for a in m.arguments:
        writer.writerow(
            [
                a.id,
                _csv_cell(a.commentator),
                # the voice in a conversation ("Sam (Trail Talk)"), as listings and compare show it
                _csv_cell(a.argument.said_by_label),
                a.video_id,
                _csv_cell(a.video_title),
                a.type,
                _csv_cell(a.text),
                _csv_cell(a.quote),
                f"{a.start:.2f}",
                f"{a.end:.2f}",
                a.url,
                _csv_cell(" | ".join(key_points.get(a.id, []))),
                _csv_cell(" | ".join(relations.get(a.id, []))),
            ]
        )
    return buf.getvalue()
