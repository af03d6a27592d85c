"""Who is turned away at login, and why: a disabled account, a lockout, and the wrong PINs and
passwords that count towards one. Each refusal is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from appliance.audit import Auditor
from appliance.db import Database, core
from appliance.queries import RESET_FAILURES
from appliance.spine import iso
from appliance.store import User

Reply = dict[str, Any]


def user_brief(user: User) -> dict[str, str]:
    return {"username": user.username, "display_name": user.display_name}


class Refusals:
    def __init__(self, audit: Auditor, clock: Callable[[], dt.datetime]) -> None:
        self.audit = audit
        self.clock = clock

    def locked(self, db: Session, kiosk: str, user: User, now: dt.datetime) -> Reply | None:
        if user.locked_until is not None and user.locked_until > now:
            self.audit.record(db, "refused_locked", at=now, kiosk=kiosk, username=user.username)
            return {"status": "locked", "until": iso(user.locked_until), "user": user_brief(user)}
        return None

    def denied(self, db: Session, kiosk: str, user: User, reason: str, message: str) -> Reply:
        self.audit.record(
            db, "denied", at=self.clock(), kiosk=kiosk, username=user.username, reason=reason
        )
        db.commit()  # some callers commit their own work first; this is the record's own
        return {"status": "denied", "reason": reason, "message": message}

    def count_failure(self, db: Session, user: User, kiosk: str, factor: str) -> Reply | None:
        """Count a wrong PIN/password; at the policy's limit lock the user. Returns `locked`."""
        now = self.clock()
        count = db.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_attempts=User.failed_attempts + 1)
            .returning(User.failed_attempts)
        ).scalar_one()
        self.audit.record(db, f"{factor}_bad", at=now, kiosk=kiosk, username=user.username)
        policy = user.policy
        if count >= policy.max_attempts:
            until = now + dt.timedelta(seconds=policy.lockout_seconds)
            db.execute(
                update(User).where(User.id == user.id).values(failed_attempts=0, locked_until=until)
            )
            self.audit.record(db, "lockout", at=now, kiosk=kiosk, username=user.username)
            return {"status": "locked", "until": iso(until), "user": user_brief(user)}
        user.failed_attempts = count
        return None

    def reset(self, db: Database, user_id: int) -> None:
        """A proven factor: the failures so far no longer count."""
        core(db).execute(RESET_FAILURES, {"user_id": user_id})

    def gate(self, db: Session, kiosk: str, user: User, now: dt.datetime) -> Reply | None:
        if user.disabled:
            return self.denied(db, kiosk, user, "user_disabled", "This account is disabled.")
        return self.locked(db, kiosk, user, now)
