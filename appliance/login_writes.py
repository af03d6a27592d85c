"""The rows a login writes besides its session: a card moved to the current key, a card bound,
a PIN set, a password verifier renewed. Core statements built once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from appliance.db import core
from appliance.directory import Proof
from appliance.facts import Found
from appliance.login_tx import Tx
from appliance.store import Base

_t = Base.metadata.tables
_cards, _users, _pins = _t["cards"], _t["users"], _t["pin_verifiers"]
_MOVE_CARD = (
    update(_cards)
    .where(_cards.c.card_key == bindparam("old"))
    .values(card_key=bindparam("new"), key_id=bindparam("kid"))
)
_BIND_CARD = _cards.insert()
_PASSWORD = (
    update(_users)
    .where(_users.c.id == bindparam("user_id"))
    .values(password_verifier=bindparam("v"))
)


def _set_pin(dialect: Any) -> Any:
    statement = dialect.insert(_pins)
    return statement.on_conflict_do_update(
        index_elements=[_pins.c.user_id],
        set_={"verifier": statement.excluded.verifier, "set_at": statement.excluded.set_at},
    )


_SET_PIN = {"sqlite": _set_pin(sqlite), "postgresql": _set_pin(postgresql)}


def move_card(tx: Tx, old: str, new: str, key_id: str) -> None:
    """A card bound under a retired key, moved over to the current one."""
    core(tx.db).execute(_MOVE_CARD, {"old": old, "new": new, "kid": key_id})


def bind_card(
    tx: Tx,
    kiosk: str,
    found: Found,
    card_key: str,
    key_id: str,
    now: dt.datetime,
    *,
    pending: bool,
) -> bool:
    """Bind the login's card to its user; False if someone bound it first."""
    connection = core(tx.db)
    try:
        with connection.begin_nested():
            connection.execute(
                _BIND_CARD,
                {
                    "card_key": card_key,
                    "key_id": key_id,
                    "user_id": found.user.id,
                    "enrolled_at": now,
                    "enrolled_kiosk": kiosk,
                    "pending": pending,
                },
            )
    except IntegrityError:
        return False
    tx.note(
        "card_enrolled",
        at=now,
        kiosk=kiosk,
        username=found.username,
        card_key=card_key,
        pending=pending,
    )
    return True


def set_pin(tx: Tx, found: Found, verifier: str, at: dt.datetime) -> None:
    """The user's PIN verifier, made or replaced (a new PIN, or one rehashed at its check)."""
    connection = core(tx.db)
    row = {"user_id": found.user.id, "verifier": verifier, "set_at": at}
    connection.execute(_SET_PIN[connection.dialect.name], row)


def renew_password(tx: Tx, found: Found, proof: Proof) -> None:
    if proof.renewed:
        core(tx.db).execute(_PASSWORD, {"user_id": found.user.id, "v": proof.renewed})
