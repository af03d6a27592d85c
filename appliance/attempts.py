"""Guesses at a secret, counted per username and domain on every path, taken before the
hash: a guess reserves its slot in one atomic statement, so requests racing in parallel, on
any number of kiosks and server processes, never check more secrets than the policy allows.

A right secret ends the count, in a statement that fails if a lockout began meanwhile (the
lock is checked again before a session is issued). A wrong one keeps its slot; the one in
the last slot locks the account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, bindparam, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite

from appliance.db import Database, core
from appliance.gate import Locked, PolicyFacts, lockout_due
from appliance.store import Base

_attempts = Base.metadata.tables["attempts"]
_c = _attempts.c
_THIS = and_(_c.username == bindparam("name"), _c.domain == bindparam("dom"))
_OPEN = or_(_c.locked_until.is_(None), _c.locked_until <= bindparam("now"))


def _reserve(dialect: Any) -> Any:
    statement = dialect.insert(_attempts).values(
        username=bindparam("name"),
        domain=bindparam("dom"),
        failures=1,
        locked_until=None,
        last_failure_at=bindparam("now"),
    )
    return statement.on_conflict_do_update(
        index_elements=[_c.username, _c.domain],
        set_={"failures": _c.failures + 1, "last_failure_at": statement.excluded.last_failure_at},
        where=and_(_c.failures < bindparam("most"), _OPEN),
    ).returning(_c.failures)


_RESERVE = {"sqlite": _reserve(sqlite), "postgresql": _reserve(postgresql)}
_RELEASE = delete(_attempts).where(_THIS, _OPEN)
_LOCK = update(_attempts).where(_THIS).values(failures=0, locked_until=bindparam("lock_end"))
_FORGET = delete(_attempts).where(_THIS)
# counts that stopped a day ago (no lockout running) are forgotten
_STALE = delete(_attempts).where(_c.last_failure_at < bindparam("before"), _OPEN.self_group())


class Slot:
    """A reserved guess: `number` counts it among the user's unproven guesses."""

    def __init__(self, username: str, domain: str, number: int) -> None:
        self.username, self.domain, self.number = username, domain, number


def reserve(
    db: Database, username: str, domain: str, policy: PolicyFacts, now: dt.datetime
) -> Slot | Locked:
    """A slot for one guess, or `Locked` when the account is locked or all its slots are
    taken by guesses still being checked."""
    connection = core(db)
    number = connection.execute(
        _RESERVE[connection.dialect.name],
        {"name": username, "dom": domain, "now": now, "most": policy.max_attempts},
    ).scalar()
    if number is None:
        return Locked(now + dt.timedelta(seconds=policy.lockout_seconds))
    return Slot(username, domain, number)


def wrong(db: Database, slot: Slot, policy: PolicyFacts, now: dt.datetime) -> Locked | None:
    """The guess in `slot` was wrong: it stays counted; in the last slot it locks."""
    if not lockout_due(slot.number, policy):
        return None
    until = now + dt.timedelta(seconds=policy.lockout_seconds)
    core(db).execute(_LOCK, {"name": slot.username, "dom": slot.domain, "lock_end": until})
    return Locked(until)


def right(db: Database, slot: Slot, policy: PolicyFacts, now: dt.datetime) -> Locked | None:
    """The guess was right: the count ends, unless a lockout began while it was checked."""
    names = {"name": slot.username, "dom": slot.domain, "now": now}
    if core(db).execute(_RELEASE, names).rowcount == 1:
        return None
    return Locked(now + dt.timedelta(seconds=policy.lockout_seconds))


def forget(db: Database, username: str, domain: str) -> None:
    """An administrator's unlock."""
    core(db).execute(_FORGET, {"name": username, "dom": domain})


def forget_stale(db: Database, now: dt.datetime) -> None:
    core(db).execute(_STALE, {"before": now - dt.timedelta(days=1), "now": now})
