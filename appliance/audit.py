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

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

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


def format_event(event: AuditEvent) -> str:
    parts = [
        event.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        event.event,
        f"kiosk={event.kiosk or '-'}",
        f"user={event.username or '-'}",
    ]
    if event.card_hash:
        parts.append(f"card={event.card_hash[:12]}")
    if event.detail:
        parts.append(event.detail)
    return " ".join(parts)
