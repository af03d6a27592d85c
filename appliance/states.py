"""Logins in progress: single-use state tokens that die with the entry timeout.

The token goes to the kiosk; the database keeps only its SHA-256, the step the login waits
for, the factors proven so far and the card it came with (keyed). A step takes its token
before any secret is hashed: deleting the row is what uses it, so two requests racing with
one token cannot both be checked, whichever server process they reach.

A user has at most one login in progress (a unique `user_id`): a new one replaces the old in
the same statement, so nobody holds several PIN steps of one user to guess at in parallel.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from appliance import errors
from appliance.db import Database, core
from appliance.gate import Factor
from appliance.hashing import token_digest
from appliance.store import AuthState, Base

StepName = Literal["pin", "password", "enroll_card", "enroll_pin"]
_states = Base.metadata.tables[AuthState.__tablename__]
_THIS = (_states.c.token_sha256 == bindparam("digest"), _states.c.kiosk == bindparam("name"))
# taking a token reads and deletes it at once; another kiosk's token, or one sent for another
# step, is not touched
_STEP_COLUMNS = ("step", "method", "user_id", "card_key", "proven", "bind_card", "expires_at")
_TAKE = (
    delete(_states)
    .where(*_THIS, _states.c.step == bindparam("wanted"))
    .returning(*(_states.c[name] for name in _STEP_COLUMNS))
)
_STEP = select(_states.c.step).where(*_THIS)
_END_KIOSKS = delete(_states).where(_states.c.kiosk == bindparam("name"))


def _issue(dialect: Any) -> Any:
    statement = dialect.insert(_states)
    columns = ("token_sha256", "kiosk", "step", "method", "card_key", "proven", "bind_card")
    replaced = {name: statement.excluded[name] for name in (*columns, "expires_at")}
    return statement.on_conflict_do_update(index_elements=[_states.c.user_id], set_=replaced)


_ISSUE = {"sqlite": _issue(sqlite), "postgresql": _issue(postgresql)}


@dataclass(frozen=True)
class Step:
    """A taken state token: what the login was waiting for, and what it has proven."""

    step: StepName
    method: str
    user_id: int | None
    card_key: str | None
    proven: frozenset[Factor]
    bind_card: bool

    # the hot path's copies, made directly: dataclasses.replace costs twice a constructor

    def asking(self, step: StepName, user_id: int) -> Step:
        """The next step of this login, for `user_id`."""
        return Step(step, self.method, user_id, self.card_key, self.proven, self.bind_card)

    def proving(self, proven: frozenset[Factor]) -> Step:
        return Step(self.step, self.method, self.user_id, self.card_key, proven, self.bind_card)


def _proven(text: str) -> frozenset[Factor]:
    return frozenset(item for item in text.split(",") if item)  # type: ignore[misc]


class StateTokens:
    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self.clock = clock

    def issue(self, db: Database, kiosk: str, step: Step, timeout: int) -> dict[str, Any]:
        token = secrets.token_urlsafe(32)
        connection = core(db)
        connection.execute(
            _ISSUE[connection.dialect.name],
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

    def end_kiosks(self, db: Database, kiosk: str) -> None:
        """A revoked kiosk's logins in progress end: re-adding the name starts afresh."""
        core(db).execute(_END_KIOSKS, {"name": kiosk})

    def take(self, db: Database, kiosk: str, token: str, wanted: StepName) -> Step:
        """Use the token (single use), before any secret is checked against it."""
        names = {"digest": token_digest(token), "name": kiosk, "wanted": wanted}
        row = core(db).execute(_TAKE, names).first()
        if row is None:  # unknown, another kiosk's, taken by another request, or another step
            other = core(db).execute(_STEP, names).scalar()
            if other is not None:
                raise errors.invalid_request(f"This login step needs {_needs(other)}.")
            raise errors.state_invalid()
        # unpacked (a Row resolves each attribute by name), in _STEP_COLUMNS' order
        step, method, user_id, card_key, proven, bind_card, expires_at = row
        # the caller commits the taking with its reserved guess, before any secret is checked
        if expires_at <= self.clock():
            db.commit()
            raise errors.state_expired()
        return Step(step, method, user_id, card_key, _proven(proven), bind_card)


def _needs(step: str) -> str:
    return {
        "pin": "a PIN factor",
        "password": "a password factor",
        "enroll_card": "a password factor with enroll card",
        "enroll_pin": "enroll pin",
    }.get(step, "another step")
