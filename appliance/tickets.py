"""Spine tickets kept on the appliance: sealed at rest, found for a desktop session, replaced
at a restart, ended at a reset or delete.

A ticket is sealed with AES-GCM under a key derived from the server key (`secret.key`, never
in the database): a dump of the database holds no usable ticket. A ticket is never logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from appliance.db import Database, core
from appliance.keys import Keys
from appliance.spine import upsert_session
from appliance.store import Base

_t = Base.metadata.tables
_spine, _desktop, _users = _t["spine_sessions"], _t["desktop_sessions"], _t["users"]
_PURPOSE = b"tapkiosk spine ticket\0"

# the ticket API's one query: the desktop session, its user and their Spine session
_FOR_DESKTOP = (
    select(
        _desktop.c.user_id,
        _desktop.c.spine.label("may_use"),
        _users.c.username,
        _users.c.domain,
        _users.c.current_role.label("default_role"),
        _spine.c.ticket,
        _spine.c.ticket_until,
        _spine.c.role,
        _spine.c.method,
    )
    .join(_users, _users.c.id == _desktop.c.user_id)
    .outerjoin(_spine, _spine.c.user_id == _desktop.c.user_id)
    .where(
        _desktop.c.id == bindparam("sid"),
        _desktop.c.kiosk == bindparam("kiosk"),
        _desktop.c.ended_at.is_(None),
    )
)
_END = (
    update(_spine)
    .where(_spine.c.user_id == bindparam("uid"))
    .values(
        ticket=None,
        ticket_until=bindparam("at"),
        role=None,
        method=None,
        grace_until=bindparam("at"),
    )
)


_TICKET = ("ticket", "ticket_started_at", "ticket_until", "role", "kiosk", "method")
_STORE = {
    "sqlite": upsert_session(sqlite, _TICKET),
    "postgresql": upsert_session(postgresql, _TICKET),
}


def _aead(key: bytes, purpose: bytes) -> AESGCM:
    return AESGCM(hmac.new(key, purpose, hashlib.sha256).digest())


def seal(keys: Keys, ticket: str, *, purpose: bytes = _PURPOSE) -> str:
    """`ticket` sealed; another `purpose` seals other text (a step's reply) so that neither
    opens as the other."""
    nonce = os.urandom(12)
    sealed = _aead(keys.current, purpose).encrypt(nonce, ticket.encode(), purpose)
    return f"{keys.current_id}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(keys: Keys, stored: str, *, purpose: bytes = _PURPOSE) -> str | None:
    """The ticket, or None if no key in use sealed it (the key was deleted) or it was
    tampered with."""
    kid, _, data = stored.partition(":")
    key = keys.by_id(kid)
    if key is None:
        return None
    raw = base64.b64decode(data)
    try:
        return _aead(key, purpose).decrypt(raw[:12], raw[12:], purpose).decode()
    except InvalidTag:
        return None


@dataclass(frozen=True)
class Held:
    """A desktop session's view of its user's Spine session."""

    user_id: int
    username: str
    domain: str
    may_use: bool
    default_role: str | None
    sealed: str | None
    until: dt.datetime | None
    role: str | None
    method: str | None  # how the ticket was won: "card" or "vsc"

    def live(self, now: dt.datetime) -> bool:
        return self.sealed is not None and self.until is not None and self.until > now


def held(db: Database, session_id: str, kiosk: str) -> Held | None:
    row = core(db).execute(_FOR_DESKTOP, {"sid": session_id, "kiosk": kiosk}).first()
    if row is None:
        return None
    return Held(
        row.user_id,
        row.username,
        row.domain,
        row.may_use,
        row.default_role,
        row.ticket,
        row.ticket_until,
        row.role,
        row.method,
    )


def store(
    db: Database,
    user_id: int,
    kiosk: str,
    sealed: str,
    role: str | None,
    seconds: int,
    now: dt.datetime,
    method: str,
) -> tuple[dt.datetime, str | None]:
    """Put a new ticket in the user's Spine session (made if none); returns its end and the
    ticket it replaced (sealed), which the caller revokes only now that it is replaced."""
    connection = core(db)
    old = connection.execute(
        select(_spine.c.ticket).where(_spine.c.user_id == user_id)
    ).scalar_one_or_none()
    until = now + dt.timedelta(seconds=seconds)
    connection.execute(
        _STORE[connection.dialect.name],
        {
            "id": "sp_" + secrets.token_urlsafe(18),
            "user_id": user_id,
            "started_at": now,
            "grace_until": now,  # tap-and-go comes from logins (`appliance.spine`), not here
            "ticket": sealed,
            "ticket_started_at": now,
            "ticket_until": until,
            "role": role,
            "kiosk": kiosk,
            "method": method,
        },
    )
    return until, old


def set_role(db: Database, user_id: int, role: str) -> None:
    core(db).execute(update(_spine).where(_spine.c.user_id == user_id).values(role=role))


def end(db: Database, user_id: int, now: dt.datetime) -> str | None:
    """End the user's Spine session (ticket, role and tap-and-go grace); returns the sealed
    ticket it held, for the caller to revoke at the SSB."""
    connection = core(db)
    old = connection.execute(
        select(_spine.c.ticket).where(_spine.c.user_id == user_id)
    ).scalar_one_or_none()
    connection.execute(_END, {"uid": user_id, "at": now})
    return old
