"""Desktop sessions: one per login, with a fresh unguessable id, owned by the kiosk that
signed the user in. Only that kiosk (or an administrator) may act on it."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update

from appliance.db import Database, core
from appliance.store import Base, DesktopSession

_desktop = Base.metadata.tables[DesktopSession.__tablename__]
_INSERT = insert(_desktop)
_OWNED = select(_desktop).where(
    _desktop.c.id == bindparam("id"),
    _desktop.c.kiosk == bindparam("kiosk"),
    _desktop.c.ended_at.is_(None),
)
_END = update(_desktop).where(_desktop.c.id == bindparam("sid")).values(ended_at=bindparam("at"))
_END_KIOSKS = (
    update(_desktop)
    .where(_desktop.c.kiosk == bindparam("name"), _desktop.c.ended_at.is_(None))
    .values(ended_at=bindparam("at"))
)


def open_desktop(
    db: Database, user_id: int, kiosk: str, method: str, now: dt.datetime, *, spine: bool = False
) -> str:
    """`spine`: this login may open or reuse the user's Spine session (`gate.spine_use`)."""
    session_id = "s_" + secrets.token_urlsafe(24)
    core(db).execute(
        _INSERT,
        {
            "id": session_id,
            "user_id": user_id,
            "kiosk": kiosk,
            "method": method,
            "started_at": now,
            "spine": spine,
        },
    )
    return session_id


def owned(db: Database, session_id: str, kiosk: str) -> Row[Any] | None:
    """The session if `kiosk` holds it and it has not ended; another kiosk's session reads
    the same as none at all."""
    return core(db).execute(_OWNED, {"id": session_id, "kiosk": kiosk}).first()


def end(db: Database, session_id: str, now: dt.datetime) -> None:
    core(db).execute(_END, {"sid": session_id, "at": now})


def end_kiosks(db: Database, kiosk: str, now: dt.datetime) -> None:
    core(db).execute(_END_KIOSKS, {"name": kiosk, "at": now})
