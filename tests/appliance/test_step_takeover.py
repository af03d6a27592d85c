"""Taking over a step whose instance went quiet (`appliance.steps`), in process on SQLite with a
clock the test moves: two `Steps` stand for two instances sharing the database. Instance A
takes a step and never finishes it; once its lease has run out, B takes it over and judges the
factor sent again, for every kind of secret step, without taking or counting anything again.
If A comes back and decides after all, its decision is not kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from appliance.api import dispatch
from appliance.errors import ApiError
from appliance.login_tx import Tx
from appliance.models import AuthRequest
from appliance.pending import Held, Outcome, Pending
from appliance.replies import BadFactor, Continue, Enroll, Ok, Reply, UnknownCard
from appliance.steps import LEASE_SECONDS, Steps
from appliance.store import Attempts, DesktopSession, Policy
from tests.appliance.test_pin_step import ALICE_CARD, NOW, Rig, make_rig

CAROL_CARD = "04C0FFEE000001"
NEW_CARD = "04BEEF00000077"
BOB = {"password": "bob-demo-pass", "domain": "DEMO"}  # published demo credentials


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now

    def pass_lease(self) -> None:
        self.now += dt.timedelta(seconds=LEASE_SECONDS + 1)


class Fleet:
    """One database, one login service, two instances' step records."""

    def __init__(self, rig: Rig, clock: Clock) -> None:
        self.rig, self.clock = rig, clock
        self.a = Steps(rig.settings.keys, self.clock)
        self.b = Steps(rig.settings.keys, self.clock)
        self.step_id = "step-0001"

    def send(self, instance: Steps, body: dict[str, Any]) -> Outcome:
        """Phase one of `body` under the step id, as the API runs it."""
        request = AuthRequest.model_validate(body)

        def step(tx: Tx, held: Held | None) -> Outcome:
            return dispatch(self.rig.login, tx, "k", request, held)

        return self.rig.run(lambda tx: instance.run(tx, "k", self.step_id, request, step))

    def decide(self, outcome: Outcome) -> Reply:
        if not isinstance(outcome, Pending):
            return outcome
        checked = outcome.check()
        return self.rig.run(lambda tx: outcome.finish(tx, checked))

    def taken_over(self, body: dict[str, Any]) -> Reply:
        """A takes the step and dies; B cannot take it while A's lease lasts, then does."""
        assert isinstance(self.send(self.a, body), Pending)
        with pytest.raises(ApiError) as running:
            self.send(self.b, body)
        assert running.value.code == "step_running"
        self.clock.pass_lease()
        return self.decide(self.send(self.b, body))

    def count(self, what: Any) -> int:
        with self.rig.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(what)) or 0)

    def failures(self) -> int:
        with self.rig.engine.connect() as connection:
            return int(connection.scalar(select(func.sum(Attempts.failures))) or 0)


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    clock = Clock()
    rig = make_rig(tmp_path, clock=clock)
    yield Fleet(rig, clock)
    rig.engine.dispose()


def tap(fleet: Fleet, card: str) -> Reply:
    return fleet.rig.run(lambda tx: fleet.rig.login.tap(tx, "k", card))


def test_a_pin_step_taken_over_is_judged_once(fleet):
    state = tap(fleet, ALICE_CARD)
    assert isinstance(state, Continue)
    wrong = fleet.taken_over({"state": state.state, "factor": {"type": "pin", "value": "9999"}})
    assert isinstance(wrong, BadFactor)
    assert wrong.attempts_left == 4
    assert fleet.failures() == 1
    assert fleet.rig.events().count("step_taken_over") == 1


def test_a_first_factor_password_taken_over_counts_once(fleet):
    body = {"factor": {"type": "password", "username": "bob", **BOB}}
    reply = fleet.taken_over(body)
    assert isinstance(reply, Enroll | Ok)
    assert fleet.failures() == 0  # the right password ended the one guess it held
    assert fleet.rig.events().count("password_ok") == 1


def test_a_cards_password_then_a_new_pin_each_taken_over(fleet):
    state = tap(fleet, CAROL_CARD)
    assert isinstance(state, Continue)
    assert state.need == ["password"]
    body = {"state": state.state, "factor": {"type": "password", "password": "carol-demo-pass"}}
    owed = fleet.taken_over(body)
    assert isinstance(owed, Enroll)
    fleet.step_id = "step-0002"
    done = fleet.taken_over({"state": owed.state, "enroll": {"type": "pin", "value": "8642"}})
    assert isinstance(done, Ok)
    assert fleet.rig.events().count("pin_enrolled") == 1
    assert fleet.count(DesktopSession) == 1


def test_enrolling_a_card_taken_over(fleet):
    with fleet.rig.engine.begin() as connection:
        connection.execute(update(Policy).values(self_enrollment="on"))
    unknown = tap(fleet, NEW_CARD)
    assert isinstance(unknown, UnknownCard)
    assert unknown.state is not None
    body = {
        "state": unknown.state,
        "factor": {"type": "password", "username": "bob", **BOB},
        "enroll": {"type": "card"},
    }
    reply = fleet.taken_over(body)
    assert isinstance(reply, Enroll | Ok)
    assert fleet.rig.events().count("password_ok") == 1
    assert fleet.failures() == 0


def test_an_instance_back_after_its_step_was_taken_over_decides_nothing(fleet):
    state = tap(fleet, ALICE_CARD)
    assert isinstance(state, Continue)
    body = {"state": state.state, "factor": {"type": "pin", "value": "1234"}}
    stalled = fleet.send(fleet.a, body)  # A's check outlives its lease (a long pause)
    assert isinstance(stalled, Pending)
    fleet.clock.pass_lease()
    assert isinstance(fleet.decide(fleet.send(fleet.b, body)), Ok)
    with pytest.raises(ApiError) as late:
        fleet.decide(stalled)
    assert late.value.code == "step_running"  # sent again, the kiosk gets B's reply
    assert fleet.count(DesktopSession) == 1
    assert fleet.rig.events().count("login") == 1
    replayed = fleet.send(fleet.a, body)
    assert isinstance(replayed, Ok)
    assert fleet.count(DesktopSession) == 1
