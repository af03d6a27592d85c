"""One login request's connection, and the audit lines its decisions made (`Tx`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from appliance.audit import Auditor
from appliance.db import Database


class Tx:
    """One request's connection, and the audit lines its decisions made: written in one
    statement at each commit, so a decision and its record land together."""

    def __init__(self, db: Database, audit: Auditor, clock: Callable[[], dt.datetime]) -> None:
        self.db, self.audit, self.clock = db, audit, clock
        self.lines: list[dict[str, Any]] = []
        # a named step's decision commits with its record (appliance.steps), not before
        self.deferred = False

    def note(self, event: str, **fields: Any) -> None:
        if "at" not in fields:  # not setdefault: that would read the clock every time
            fields["at"] = self.clock()
        self.lines.append(self.audit.event(event, **fields))

    def commit(self) -> None:
        if self.lines:
            self.audit.record_all(self.db, self.lines)
            self.lines = []
        if not self.deferred:
            self.db.commit()
