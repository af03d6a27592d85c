"""Spine sessions (grace for tap-and-go, roles) and the VSC notices shown at login."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.store import SpineSession, User

VSC_WARNING_DAYS = 30


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def session_of(db: Session, user: User) -> SpineSession | None:
    return db.scalars(select(SpineSession).where(SpineSession.user_id == user.id)).one_or_none()


def in_grace(db: Session, user: User, now: dt.datetime) -> SpineSession | None:
    session = session_of(db, user)
    if session is not None and session.grace_until > now:
        return session
    return None


def open_session(db: Session, user: User, kiosk: str, now: dt.datetime) -> SpineSession:
    """Create or refresh the user's Spine session after a full login."""
    grace_until = now + dt.timedelta(seconds=user.policy.grace_seconds)
    session = session_of(db, user)
    if session is None:
        session = SpineSession(
            id="s_" + secrets.token_urlsafe(18),
            user_id=user.id,
            kiosk=kiosk,
            started_at=now,
            grace_until=grace_until,
        )
        db.add(session)
    else:
        session.grace_until = grace_until
        session.kiosk = kiosk
    return session


def current_role(user: User) -> str | None:
    if user.current_role is not None:
        return user.current_role
    # one role leaves nothing to choose
    return user.roles[0].code if len(user.roles) == 1 else None


def spine_payload(session: SpineSession, user: User) -> dict[str, Any]:
    return {
        "grace_until": iso(session.grace_until),
        "roles": [{"code": role.code, "name": role.name} for role in user.roles],
        "role": current_role(user),
    }


def notices(user: User, today: dt.date) -> list[dict[str, Any]]:
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


def ok_reply(session: SpineSession, user: User, method: str, now: dt.datetime) -> dict[str, Any]:
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
