"""The audit trail: every decision with kiosk, user and time; never a secret or raw card id."""

from __future__ import annotations

import datetime as dt
import json
from contextvars import ContextVar
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from appliance.db import Database, core
from appliance.store import AuditEvent, Base

# a Core insert run on the session's connection: audit lines are written on every request
_INSERT = insert(Base.metadata.tables[AuditEvent.__tablename__])

# the kiosk's id for the tap a request belongs to (its X-Tap-Id header, random per tap): set by
# the API for one request, kept in the detail of every audit event that request writes, so IT
# can match the kiosk's `card` line with the appliance's lines of the same tap
request_tap: ContextVar[str | None] = ContextVar("request_tap", default=None)


class Auditor:
    """Writes audit events into the caller's transaction (so a decision and its record agree)."""

    def record(
        self,
        db: Database,
        event: str,
        *,
        at: dt.datetime,
        kiosk: str = "",
        username: str = "",
        card_key: str | None = None,
        **detail: Any,
    ) -> None:
        row = self.event(event, at=at, kiosk=kiosk, username=username, card_key=card_key, **detail)
        self.record_all(db, [row])

    def record_all(self, db: Database, events: list[dict[str, Any]]) -> None:
        """Several decisions of one request in one statement."""
        core(db).execute(_INSERT, events)

    def event(
        self,
        event: str,
        *,
        at: dt.datetime,
        kiosk: str = "",
        username: str = "",
        card_key: str | None = None,
        **detail: Any,
    ) -> dict[str, Any]:
        """An audit event's row, for `record_all`; a card is named by half its lookup key
        (`appliance.keys`), never by its id."""
        tap = request_tap.get()
        if tap:
            detail = {**detail, "tap": tap}
        return {
            "at": at,
            "kiosk": kiosk,
            "username": username,
            "event": event,
            "card_hash": card_key[:32] if card_key else "",
            "detail": json.dumps(detail, sort_keys=True) if detail else "",
        }


def recent(db: Session, *, limit: int, username: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if username:
        query = query.where(AuditEvent.username == username.strip().lower())
    return list(reversed(db.scalars(query).all()))


# how much of a card's HMAC the audit shows: enough to tell cards apart
CARD_PREFIX = 12


def _escape(char: str) -> str:
    if char in "\t\n\r\\":
        return char.encode("unicode_escape").decode("ascii")
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str, *, spaces: bool = True) -> str:
    """`text` with every character that is not plainly visible written as an escape (`\\n`,
    `\\x1b`, `\\u2028`): controls, line and paragraph separators, format marks, lone
    surrogates, the backslash itself and, unless `spaces`, whitespace. Whatever a row holds, it
    can neither break its line nor pass for another field."""
    return "".join(
        char if char.isprintable() and char != "\\" and (spaces or char != " ") else _escape(char)
        for char in text
    )


def _detail(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        detail = json.loads(text)
    except ValueError:
        detail = None
    # the appliance writes JSON objects; anything else is shown, not lost
    return detail if isinstance(detail, dict) else {"text": text}


def event_record(event: AuditEvent) -> dict[str, Any]:
    """An audit event as plain values (`appliance audit --json` prints one a line)."""
    return {
        "at": event.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "event": event.event,
        "kiosk": event.kiosk,
        "user": event.username,
        "card": event.card_hash[:CARD_PREFIX] or None,
        "detail": _detail(event.detail),
    }


def format_json(event: AuditEvent) -> str:
    # ASCII only: every control, separator and non-ASCII character is a JSON escape
    return json.dumps(event_record(event), ensure_ascii=True)


def format_event(event: AuditEvent) -> str:
    """One line: time, event, kiosk=, user=, card= (if any) and the detail (JSON)."""
    record = event_record(event)
    parts = [
        record["at"],
        visible(record["event"], spaces=False),
        f"kiosk={visible(record['kiosk'], spaces=False) or '-'}",
        f"user={visible(record['user'], spaces=False) or '-'}",
    ]
    if record["card"]:
        parts.append(f"card={visible(record['card'], spaces=False)}")
    if event.detail:
        parts.append(visible(event.detail))
    return " ".join(parts)
