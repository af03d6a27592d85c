"""A PIN step read, then hashed outside any transaction, then decided: what may change between."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from appliance.audit import Auditor
from appliance.bootstrap import initialise
from appliance.db import make_engine, session_factory
from appliance.demo import seed_demo
from appliance.directory import Directory
from appliance.errors import ApiError
from appliance.local import FAST_ARGON2
from appliance.login import LoginService, PinAttempt, pin_is_right
from appliance.store import AuditEvent, User

ALICE_CARD = "04A1B2C3D4E5F6"
NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def db_and_login(tmp_path: Path) -> Iterator[tuple[Session, LoginService]]:
    settings = initialise(tmp_path, extra_config={"argon2": dict(FAST_ARGON2)})
    engine = make_engine(settings.db_url)
    with session_factory(engine)() as db:
        seed_demo(db, settings.hash_cost, Auditor(settings.secret))
        db.commit()
        yield db, LoginService(settings, Directory(settings), lambda: NOW)
    engine.dispose()


def _lock_alice(db: Session, until: dt.datetime | None) -> None:
    db.execute(update(User).where(User.username == "alice").values(locked_until=until))
    db.commit()


def _alice(db: Session) -> User:
    return db.scalars(select(User).where(User.username == "alice")).one()


def _pin_read_while_locked(db: Session, login: LoginService) -> tuple[str, PinAttempt]:
    """Alice taps, is locked (by wrong PINs at another kiosk), then her PIN step is read."""
    tap = login.card(db, "k", ALICE_CARD)
    _lock_alice(db, NOW + dt.timedelta(minutes=5))
    return tap["state"], login.pin_attempt(db, "k", tap["state"])


def test_a_locked_users_pin_is_not_checked_and_does_not_count(
    db_and_login: tuple[Session, LoginService],
):
    db, login = db_and_login
    state, attempt = _pin_read_while_locked(db, login)
    assert not attempt.open
    assert not pin_is_right(attempt, "1234")  # the right PIN, but a locked user is not hashed
    reply = login.pin_wrong(db, "k", state, attempt)
    assert reply["status"] == "locked"
    db.expire_all()
    assert _alice(db).failed_attempts == 0
    events = db.scalars(select(AuditEvent.event).order_by(AuditEvent.id)).all()
    assert events[-1] == "refused_locked"
    assert "pin_bad" not in events


def test_an_unlock_while_the_pin_hashes_starts_the_login_again(
    db_and_login: tuple[Session, LoginService],
):
    db, login = db_and_login
    state, attempt = _pin_read_while_locked(db, login)
    _lock_alice(db, None)  # the admin unlocks her before the step is decided
    with pytest.raises(ApiError) as refused:
        login.pin_wrong(db, "k", state, attempt)
    assert refused.value.code == "state_invalid"
    db.expire_all()
    assert _alice(db).failed_attempts == 0


def test_a_right_pin_counts_once_when_two_requests_race_with_one_state(
    db_and_login: tuple[Session, LoginService],
):
    db, login = db_and_login
    tap = login.card(db, "k", ALICE_CARD)
    first = login.pin_attempt(db, "k", tap["state"])
    second = login.pin_attempt(db, "k", tap["state"])  # both read before either decides
    assert login.pin_ok(db, "k", tap["state"], first)["status"] == "ok"
    with pytest.raises(ApiError) as refused:
        login.pin_ok(db, "k", tap["state"], second)
    assert refused.value.code == "state_invalid"
