"""Logins in progress: single-use state tokens that die with the entry timeout.

The token goes to the kiosk; the database keeps only its SHA-256 and what the login waits for.
Deleting the row is what uses the token, so two requests racing with one token cannot both win,
whichever server process they reach.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, bindparam, delete, insert, select

from appliance import errors
from appliance.db import Database, core
from appliance.hashing import token_digest
from appliance.store import AuthState, Base, User

_states = Base.metadata.tables[AuthState.__tablename__]
_INSERT = insert(_states)
_FIND = select(_states).where(_states.c.token_sha256 == bindparam("digest"))
_USE = delete(_states).where(_states.c.token_sha256 == bindparam("digest"))


@dataclass(frozen=True)
class Step:
    """A consumed state token: what the login was waiting for."""

    step: str  # pin | password | enroll_card | enroll_pin
    method: str
    user_id: int | None
    card_id: str | None
    failures: int


class StateTokens:
    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self.clock = clock

    def issue(
        self,
        db: Database,
        kiosk: str,
        step: str,
        timeout: int,
        *,
        method: str = "",
        user: User | None = None,
        user_id: int | None = None,
        card_id: str | None = None,
        failures: int = 0,
    ) -> dict[str, Any]:
        token = secrets.token_urlsafe(32)
        core(db).execute(
            _INSERT,
            {
                "token_sha256": token_digest(token),
                "kiosk": kiosk,
                "step": step,
                "method": method,
                "user_id": user.id if user else user_id,
                "card_id": card_id,
                "failures": failures,
                "expires_at": self.clock() + dt.timedelta(seconds=timeout),
            },
        )
        return {"state": token, "expires_in": timeout}

    def peek(self, db: Database, kiosk: str, token: str, wanted: str) -> Step:
        return self.peek_joined(db, kiosk, token, wanted, _FIND)[0]

    def peek_joined(
        self, db: Database, kiosk: str, token: str, wanted: str, query: Select[Any]
    ) -> tuple[Step, Row[Any]]:
        """`peek`, reading the state with `query`: a select of the state's row and whatever
        the step needs joined to it, by `digest`."""
        now = self.clock()
        digest = token_digest(token)
        row = core(db).execute(query, {"digest": digest}).first()
        if row is None or row.kiosk != kiosk:
            raise errors.state_invalid()
        if row.expires_at <= now:
            core(db).execute(_USE, {"digest": digest})
            db.commit()
            raise errors.state_expired()
        if row.step != wanted:
            raise errors.invalid_request(f"This login step needs {_needs(row.step)}.")
        return Step(row.step, row.method, row.user_id, row.card_id, row.failures), row

    def consume(self, db: Database, token: str) -> None:
        """Delete the token; losing a race for it means it was already used."""
        result = core(db).execute(_USE, {"digest": token_digest(token)})
        if result.rowcount != 1:
            db.rollback()
            raise errors.state_invalid()


def _needs(step: str) -> str:
    return {
        "pin": "a PIN factor",
        "password": "a password factor",
        "enroll_card": "a password factor with enroll card",
        "enroll_pin": "enroll pin",
    }.get(step, "another step")
