"""Offline login, the appliance's half: who a kiosk may cache for offline login, and the
events a kiosk queued while no appliance answered, audited once each when they arrive.

The kiosk's half (its cache and queue) is `greeter.offline_cache`; docs/security.md says what
each side protects.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy.dialects import postgresql, sqlite

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
    fresh: dict[str, OfflineEvent] = {}
    for event in upload.events:
        fresh.setdefault(event.id, event)
    # one statement decides what is new: a concurrent upload of the same ids (a kiosk's retry
    # while the first is still running) waits on the other's rows and skips them, where a
    # read-then-insert would fail one of them on the unique key
    connection = core(db)
    inserted = set(
        connection.execute(_insert_new(connection.dialect.name, kiosk, now, list(fresh))).scalars()
    )
    fresh = {key: event for key, event in fresh.items() if key in inserted}
    if not fresh:
        return 0
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


def _insert_new(dialect: str, kiosk: str, now: dt.datetime, ids: list[str]) -> Any:
    """Insert the ids not yet seen from `kiosk`, returning those it inserted."""
    module: Any = {"sqlite": sqlite, "postgresql": postgresql}[dialect]
    return (
        module.insert(_reports)
        .values([{"kiosk": kiosk, "event_id": key, "received_at": now} for key in ids])
        .on_conflict_do_nothing(index_elements=[_reports.c.kiosk, _reports.c.event_id])
        .returning(_reports.c.event_id)
    )


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
