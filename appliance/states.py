"""Logins in progress: single-use state tokens that die with the entry timeout.

The token goes to the kiosk; the database keeps only its SHA-256, the step the login waits
for, the factors proven so far and the card it came with (keyed). A step takes its token
before any secret is hashed: deleting the row is what uses it, so two requests racing with
one token cannot both be checked, whichever server process they reach.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Row, bindparam, delete, insert, select

from appliance import errors
from appliance.db import Database, core
from appliance.gate import Factor
from appliance.hashing import token_digest
from appliance.store import AuthState, Base

StepName = Literal["pin", "password", "enroll_card", "enroll_pin"]
_states = Base.metadata.tables[AuthState.__tablename__]
_INSERT = insert(_states)
_FIND = select(_states).where(_states.c.token_sha256 == bindparam("digest"))
_USE = delete(_states).where(_states.c.token_sha256 == bindparam("digest"))
_END_USERS = delete(_states).where(_states.c.user_id == bindparam("user_id"))
_END_KIOSKS = delete(_states).where(_states.c.kiosk == bindparam("kiosk"))


@dataclass(frozen=True)
class Step:
    """A taken state token: what the login was waiting for, and what it has proven."""

    step: StepName
    method: str
    user_id: int | None
    card_key: str | None
    proven: frozenset[Factor]
    bind_card: bool


def _proven(text: str) -> frozenset[Factor]:
    return frozenset(item for item in text.split(",") if item)  # type: ignore[misc]


class StateTokens:
    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self.clock = clock

    def issue(self, db: Database, kiosk: str, step: Step, timeout: int) -> dict[str, Any]:
        token = secrets.token_urlsafe(32)
        core(db).execute(
            _INSERT,
            {
                "token_sha256": token_digest(token),
                "kiosk": kiosk,
                "step": step.step,
                "method": step.method,
                "user_id": step.user_id,
                "card_key": step.card_key,
                "proven": ",".join(sorted(step.proven)),
                "bind_card": step.bind_card,
                "expires_at": self.clock() + dt.timedelta(seconds=timeout),
            },
        )
        return {"state": token, "expires_in": timeout}

    def end_users(self, db: Database, user_id: int) -> None:
        """A new login of this user began: the logins it left half-finished end, so one user
        never has several PIN or password steps open to guess at."""
        core(db).execute(_END_USERS, {"user_id": user_id})

    def end_kiosks(self, db: Database, kiosk: str) -> None:
        """A revoked kiosk's logins in progress end: re-adding the name starts afresh."""
        core(db).execute(_END_KIOSKS, {"kiosk": kiosk})

    def take(self, db: Database, kiosk: str, token: str, wanted: StepName) -> Step:
        """Use the token (single use), before any secret is checked against it."""
        row = self._read(db, kiosk, token, wanted)
        result = core(db).execute(_USE, {"digest": token_digest(token)})
        if result.rowcount != 1:  # another request took it first
            db.rollback()
            raise errors.state_invalid()
        return _step(row)

    def _read(self, db: Database, kiosk: str, token: str, wanted: StepName) -> Row[Any]:
        digest = token_digest(token)
        row = core(db).execute(_FIND, {"digest": digest}).first()
        if row is None or row.kiosk != kiosk:
            raise errors.state_invalid()
        if row.expires_at <= self.clock():
            core(db).execute(_USE, {"digest": digest})
            db.commit()
            raise errors.state_expired()
        if row.step != wanted:
            raise errors.invalid_request(f"This login step needs {_needs(row.step)}.")
        return row


def _step(row: Row[Any]) -> Step:
    return Step(row.step, row.method, row.user_id, row.card_key, _proven(row.proven), row.bind_card)


def _needs(step: str) -> str:
    return {
        "pin": "a PIN factor",
        "password": "a password factor",
        "enroll_card": "a password factor with enroll card",
        "enroll_pin": "enroll pin",
    }.get(step, "another step")
