"""The Spine report, read from the audit: per user over a period, when Spine sessions were
created (and restarted), how often a login reused one, how often one went unused because the
login had not proved two factors, administrators' deletions and resets, and how often the
user's own kiosk ended one (card removed, or Spine idle).

`appliance spine report` and `GET /v1/admin/spine/report` print it as a table, CSV or JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from sqlalchemy import select

from appliance.audit import visible
from appliance.db import Database, core
from appliance.spine import iso
from appliance.store import Base

Format = Literal["table", "csv", "json"]
_audit = Base.metadata.tables["audit_events"]
# audit event -> the report's column
COUNTED = {
    "spine_created": "created",
    "spine_restarted": "restarted",
    "spine_reused": "reused",
    "spine_refused": "refused_single_factor",
    "spine_deleted": "deleted",
    "spine_reset": "reset",
    "spine_ended": "ended",  # by the user's own kiosk: card removed, or Spine idle
}
COLUMNS = ("user", *COUNTED.values(), "created_at")


@dataclass
class Line:
    user: str
    created: int = 0
    restarted: int = 0
    reused: int = 0
    refused_single_factor: int = 0
    deleted: int = 0
    reset: int = 0
    ended: int = 0
    created_at: list[str] = field(default_factory=list)


def report(
    db: Database, since: dt.datetime | None, until: dt.datetime | None, user: str | None = None
) -> list[Line]:
    query = select(_audit.c.at, _audit.c.username, _audit.c.event).where(
        _audit.c.event.in_(list(COUNTED))
    )
    if since is not None:
        query = query.where(_audit.c.at >= since)
    if until is not None:
        query = query.where(_audit.c.at < until)
    if user:
        query = query.where(_audit.c.username == user.strip().lower())
    lines: dict[str, Line] = {}
    for row in core(db).execute(query.order_by(_audit.c.id)):
        line = lines.setdefault(row.username, Line(row.username))
        column = COUNTED[row.event]
        setattr(line, column, getattr(line, column) + 1)
        if column in ("created", "restarted"):
            line.created_at.append(iso(row.at))
    return [lines[name] for name in sorted(lines)]


def render(lines: list[Line], form: Format) -> str:
    rows = [asdict(line) for line in lines]
    if form == "json":
        return json.dumps({"users": rows}, indent=2) + "\n"
    for row in rows:
        row["created_at"] = " ".join(row["created_at"])
    if form == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    # a name cannot break the table's lines
    table = [list(COLUMNS)] + [[visible(str(row[c])) for c in COLUMNS] for row in rows]
    widths = [max(len(cells[i]) for cells in table) for i in range(len(COLUMNS))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        + "\n"
        for cells in table
    )
