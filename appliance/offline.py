"""Offline login, the appliance's half: who a kiosk may cache for offline login, and the
events a kiosk queued while no appliance answered, audited once each when they arrive.

The kiosk's half (its cache and queue) is `greeter.offline_cache`; docs/security.md says what
each side protects.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import select

from appliance.audit import Auditor
from appliance.db import Database, core
from appliance.gate import Factor, offline_cacheable
from appliance.models import EventUser, Strict
from appliance.replies import Offline
from appliance.spine import iso
from appliance.store import Base

_reports = Base.metadata.tables["offline_reports"]
# events in one upload: a kiosk sends a long queue in several, each well inside the body limit
MAX_EVENTS = 100


def offline_grant(
    policy: Any, proven: frozenset[Factor], bound_before: bool, now: dt.datetime
) -> Offline | None:
    """What the `ok` of a login that proved `proven` says of offline login, if the gate lets
    its kiosk cache it (`appliance.gate.offline_cacheable`). `policy`: a row with the
    policy's columns."""
    if not offline_cacheable(proven, bound_before, bool(policy.offline_login)):
        return None
    seconds = int(policy.offline_window_seconds)
    return Offline(window_seconds=seconds, until=iso(now + dt.timedelta(seconds=seconds)))


EventId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
OfflineOutcome = Literal["login", "bad_pin", "locked", "refused"]


class OfflineEvent(Strict):
    """One event a kiosk queued offline. `at`: when it happened by the kiosk's clock (kept as
    reported: an offline kiosk's clock may have drifted, and dropping the event would lose it)."""

    id: EventId
    at: dt.datetime
    event: OfflineOutcome
    user: EventUser


class OfflineUpload(Strict):
    events: list[OfflineEvent] = Field(min_length=1, max_length=MAX_EVENTS)


def record_upload(
    db: Database, auditor: Auditor, kiosk: str, upload: OfflineUpload, now: dt.datetime
) -> int:
    """Audit each event of `upload` not seen from `kiosk` before, as `offline_<event>` reported
    by that kiosk; the number newly audited. The caller commits: ids and lines land together."""
    ids = [event.id for event in upload.events]
    seen = set(
        core(db)
        .execute(
            select(_reports.c.event_id).where(
                _reports.c.kiosk == kiosk, _reports.c.event_id.in_(ids)
            )
        )
        .scalars()
    )
    fresh: dict[str, OfflineEvent] = {}
    for event in upload.events:
        if event.id not in seen:
            fresh.setdefault(event.id, event)
    if not fresh:
        return 0
    core(db).execute(
        _reports.insert(),
        [{"kiosk": kiosk, "event_id": key, "received_at": now} for key in fresh],
    )
    rows = [
        auditor.event(
            f"offline_{event.event}",
            at=now,
            kiosk=kiosk,
            username=event.user.lower(),
            reported_by="kiosk",
            happened_at=iso(_utc(event.at)),
            event_id=event.id,
        )
        for event in fresh.values()
    ]
    auditor.record_all(db, rows)
    return len(rows)


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
