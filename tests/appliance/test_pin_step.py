"""A PIN step in its phases: the token taken and the guess reserved, then the hash outside any
transaction, then the decision. What may change in between must not open a session."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from appliance import attempts, gate
from appliance.admin import revoke_card
from appliance.audit import Auditor
from appliance.bootstrap import initialise
from appliance.config import Settings
from appliance.db import make_engine, session_factory
from appliance.demo import seed_demo
from appliance.directory import Directory
from appliance.errors import ApiError
from appliance.facts import default_policy
from appliance.hashing import Verdict
from appliance.local import FAST_ARGON2
from appliance.login import LoginService
from appliance.pending import Pending
from appliance.replies import Denied, Locked, Ok
from appliance.store import Attempts, AuditEvent

ALICE_CARD = "04A1B2C3D4E5F6"
NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


class Rig:
    def __init__(
        self, settings: Settings, engine: Engine, clock: Callable[[], dt.datetime]
    ) -> None:
        self.settings, self.engine = settings, engine
        self.login = LoginService(settings, Directory(settings), clock)

    def run(self, step: Any) -> Any:
        with self.engine.connect() as connection:
            return step(self.login.tx(connection))

    def finish(self, pending: Pending[Any], checked: Any) -> Any:
        return self.run(lambda tx: pending.finish(tx, checked))

    def tap(self) -> str:
        return self.run(lambda c: self.login.tap(c, "k", ALICE_CARD)).state

    def pin(self, state: str, value: str = "1234") -> Any:
        return self.run(lambda c: self.login.pin(c, "k", state, value))

    def lock_alice(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(Attempts))
            connection.execute(
                insert(Attempts).values(
                    username="alice",
                    domain="DEMO",
                    failures=0,
                    locked_until=NOW + dt.timedelta(minutes=5),
                    last_failure_at=NOW,
                )
            )

    def events(self) -> list[str]:
        with self.engine.connect() as connection:
            return list(connection.scalars(select(AuditEvent.event).order_by(AuditEvent.id)))


def make_rig(
    tmp_path: Path, db_url: str | None = None, clock: Callable[[], dt.datetime] = lambda: NOW
) -> Rig:
    settings = initialise(tmp_path, db_url=db_url, extra_config={"argon2": dict(FAST_ARGON2)})
    engine = make_engine(settings.db_url)
    with session_factory(engine)() as db:
        seed_demo(db, settings.hash_cost, settings.keys, Auditor())
    return Rig(settings, engine, clock)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    made = make_rig(tmp_path)
    yield made
    made.engine.dispose()


def test_a_locked_users_pin_is_not_checked_and_does_not_count(rig: Rig):
    state = rig.tap()
    rig.lock_alice()  # by wrong PINs at another kiosk, after her tap here
    outcome = rig.pin(state)
    assert isinstance(outcome, Locked)  # answered before any hash: no Pending
    assert "pin_bad" not in rig.events()
    with pytest.raises(ApiError) as reused:
        rig.pin(state)
    assert reused.value.code == "state_invalid"


def test_a_lockout_that_began_while_the_pin_hashed_opens_no_session(rig: Rig):
    pending = rig.pin(rig.tap())
    assert isinstance(pending, Pending)
    rig.lock_alice()
    assert isinstance(rig.finish(pending, Verdict(True)), Locked)
    assert "login" not in rig.events()


def test_a_card_revoked_between_tap_and_pin_is_refused(rig: Rig):
    state = rig.tap()
    with session_factory(rig.engine)() as db:
        revoke_card(db, ALICE_CARD, rig.settings.keys, Auditor())
        db.commit()
    outcome = rig.pin(state)
    assert isinstance(outcome, Denied)
    assert outcome.reason == "card_revoked"


def test_the_token_is_taken_before_the_hash(rig: Rig):
    state = rig.tap()
    first = rig.pin(state)
    assert isinstance(first, Pending)
    with pytest.raises(ApiError) as second:  # a racing request with the same token
        rig.pin(state)
    assert second.value.code == "state_invalid"
    assert isinstance(rig.finish(first, Verdict(True)), Ok)


def reservations_race(rig: Rig, guesses: int) -> list[object]:
    """`guesses` threads reserve a guess at one name at the same moment."""
    policy = rig.run(lambda tx: default_policy(tx.db))
    barrier = threading.Barrier(guesses)
    results: list[object] = []

    def guess() -> None:
        barrier.wait()
        with rig.engine.begin() as connection:
            results.append(attempts.reserve(connection, "alice", "DEMO", policy, NOW))

    threads = [threading.Thread(target=guess) for _ in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_guesses_get_no_more_slots_than_the_policy_allows(rig: Rig):
    results = reservations_race(rig, 30)
    slots = sorted(r.number for r in results if isinstance(r, attempts.Slot))
    assert slots == [1, 2, 3, 4, 5]  # the default policy's max_attempts
    assert sum(isinstance(r, gate.Locked) for r in results) == 25
