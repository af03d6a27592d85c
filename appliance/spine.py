"""Spine sessions (grace for tap-and-go, roles) and the VSC notices shown at login."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from appliance.db import Database, core
from appliance.store import Base, SpineSession, User

VSC_WARNING_DAYS = 30
_sessions = Base.metadata.tables[SpineSession.__tablename__]


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RoleView(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


class UserView(Protocol):
    """What a login's reply tells of its user: an ORM `User`, or `SignedIn` from Core rows."""

    @property
    def username(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def registration_authority(self) -> bool: ...
    @property
    def vsc_expires(self) -> dt.date | None: ...
    @property
    def current_role(self) -> str | None: ...
    @property
    def roles(self) -> Sequence[RoleView]: ...


class SessionView(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def grace_until(self) -> dt.datetime: ...


@dataclass(frozen=True)
class Role:
    code: str
    name: str


@dataclass(frozen=True)
class SignedIn:
    username: str
    domain: str
    display_name: str
    registration_authority: bool
    vsc_expires: dt.date | None
    current_role: str | None
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class OpenSession:
    id: str
    grace_until: dt.datetime


def in_grace(db: Session, user: User, now: dt.datetime) -> SpineSession | None:
    session = db.scalars(select(SpineSession).where(SpineSession.user_id == user.id)).first()
    if session is not None and session.grace_until > now:
        return session
    return None


def _upsert(dialect: str) -> Any:
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    statement = insert(_sessions)
    refreshed = {"grace_until": statement.excluded.grace_until, "kiosk": statement.excluded.kiosk}
    return statement.on_conflict_do_update(
        index_elements=[_sessions.c.user_id], set_=refreshed
    ).returning(_sessions.c.id)


_UPSERTS = {dialect: _upsert(dialect) for dialect in ("sqlite", "postgresql")}


def open_session(
    db: Database, user_id: int, grace_seconds: int, kiosk: str, now: dt.datetime
) -> OpenSession:
    """Create or refresh the user's Spine session after a full login. One statement: two
    kiosks finishing the same user's login at once share one session, and neither fails."""
    grace_until = now + dt.timedelta(seconds=grace_seconds)
    connection = core(db)
    session_id = connection.execute(
        _UPSERTS[connection.dialect.name],
        {
            "id": "s_" + secrets.token_urlsafe(18),
            "user_id": user_id,
            "kiosk": kiosk,
            "started_at": now,
            "grace_until": grace_until,
        },
    ).scalar_one()
    return OpenSession(session_id, grace_until)


def current_role(user: UserView) -> str | None:
    if user.current_role is not None:
        return user.current_role
    # one role leaves nothing to choose
    return user.roles[0].code if len(user.roles) == 1 else None


def spine_payload(session: SessionView, user: UserView) -> dict[str, Any]:
    return {
        "grace_until": iso(session.grace_until),
        "roles": [{"code": role.code, "name": role.name} for role in user.roles],
        "role": current_role(user),
    }


def notices(user: UserView, today: dt.date) -> list[dict[str, Any]]:
    if user.vsc_expires is None:
        return []
    days_left = (user.vsc_expires - today).days
    if days_left < 0:
        return [
            {
                "code": "vsc_expired",
                "message": "Your virtual smartcard has expired. "
                "Please see your Registration Authority.",
            }
        ]
    if days_left <= VSC_WARNING_DAYS:
        unit = "day" if days_left == 1 else "days"
        return [
            {
                "code": "vsc_expiring",
                "days_left": days_left,
                "message": f"Your virtual smartcard expires in {days_left} {unit}.",
            }
        ]
    return []


def ok_reply(session: SessionView, user: UserView, method: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "status": "ok",
        "session": {
            "id": session.id,
            "method": method,
            "user": {
                "username": user.username,
                "domain": user.domain,
                "display_name": user.display_name,
                "registration_authority": user.registration_authority,
            },
            "spine": spine_payload(session, user),
        },
        "notices": notices(user, now.date()),
    }
