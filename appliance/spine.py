"""Spine sessions (the grace period of tap-and-go, roles) and the VSC notices shown at login.

A user has at most one Spine session. Only a login that proved two factors uses it, and opens
or refreshes its tap-and-go grace when the policy has one (`appliance.gate`); revoking a card,
disabling the user or logging out ends its grace at once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from appliance.db import Database, core
from appliance.replies import Role
from appliance.store import Base, SpineRole, SpineSession

_sessions = Base.metadata.tables[SpineSession.__tablename__]
_roles = Base.metadata.tables[SpineRole.__tablename__]
ROLES = (
    select(_roles.c.code, _roles.c.name)
    .where(_roles.c.user_id == bindparam("user_id"))
    .order_by(_roles.c.code)
)
_END_GRACE = (
    update(_sessions)
    .where(_sessions.c.user_id == bindparam("uid"))
    .where(_sessions.c.grace_until > bindparam("at"))
    .values(grace_until=bindparam("at"))
)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def upsert_session(dialect: Any, kept: tuple[str, ...]) -> Any:
    """Make the user's Spine session, or set `kept` of the one there: one statement, so two
    kiosks finishing one user's step at once share one row."""
    statement = dialect.insert(_sessions)
    return statement.on_conflict_do_update(
        index_elements=[_sessions.c.user_id],
        set_={name: statement.excluded[name] for name in kept},
    )


_GRACE = ("grace_until", "kiosk")
_UPSERTS = {
    "sqlite": upsert_session(sqlite, _GRACE).returning(_sessions.c.id),
    "postgresql": upsert_session(postgresql, _GRACE).returning(_sessions.c.id),
}


def open_grace(
    db: Database, user_id: int, grace_seconds: int, kiosk: str, now: dt.datetime
) -> dt.datetime:
    """Create or refresh the user's Spine session after a two-factor login; returns the end of
    its grace. One statement: two kiosks finishing one user's login at once share it."""
    grace_until = now + dt.timedelta(seconds=grace_seconds)
    connection = core(db)
    connection.execute(
        _UPSERTS[connection.dialect.name],
        {
            "id": "sp_" + secrets.token_urlsafe(18),
            "user_id": user_id,
            "kiosk": kiosk,
            "started_at": now,
            "grace_until": grace_until,
        },
    )
    return grace_until


def end_grace(db: Database, user_id: int, now: dt.datetime) -> None:
    """The card alone no longer signs this user in (logout, a revoked card, a disabled user)."""
    core(db).execute(_END_GRACE, {"uid": user_id, "at": now})


def roles(db: Database, user_id: int) -> list[Role]:
    return [
        Role(code=row.code, name=row.name) for row in core(db).execute(ROLES, {"user_id": user_id})
    ]


def current_role(chosen: str | None, offered: list[Role]) -> str | None:
    if chosen is not None:
        return chosen
    # one role leaves nothing to choose
    return offered[0].code if len(offered) == 1 else None
