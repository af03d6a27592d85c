"""An instance SIGKILLed while it checks a PIN (its step taken, its guess reserved): the kiosk's
client sends the same step to the other instance, which takes it over once the dead one's
lease runs out and judges the PIN. No new tap, the guess counted once, one session at most.
And a step a live instance still checks is waited for, never checked twice."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.local import LocalAppliance, another_instance
from greeter.flow.wire import AuthBadFactor, AuthContinue, AuthOk, CardFactor, PinFactor
from tests.greeter.test_backend_appliance import ALICE, client_for
from tests.rig.appliance import DATABASES, start_on_database
from tests.rig.steps import Ledger, send_step, step_id

PIN = "1234"
HOLD_TIMEOUT_SECONDS = 20.0


@pytest.fixture(params=DATABASES)
def instances(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[LocalAppliance, LocalAppliance, Ledger]]:
    with (
        start_on_database(request, tmp_path / "appliance") as first,
        another_instance(first) as second,
    ):
        ledger = Ledger(first)
        ledger.slow_pin("alice", PIN)
        try:
            yield first, second, ledger
        finally:
            ledger.close()


def wait_until_held(ledger: Ledger) -> None:
    deadline = time.monotonic() + HOLD_TIMEOUT_SECONDS
    while ledger.held_steps() == 0:
        assert time.monotonic() < deadline, "no instance took the step"
        time.sleep(0.02)


def in_background(work: Any) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["reply"] = work()
        except Exception as error:  # the test reads it: a failure is the finding
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@pytest.mark.parametrize("typed", [PIN, "9999"], ids=["right_pin", "wrong_pin"])
def test_a_pin_step_held_by_a_killed_instance_finishes_on_the_other(instances, typed):
    first, second, ledger = instances
    backend = client_for(first, failover_urls=(second.url,))
    try:
        tapped = backend.auth(CardFactor(ALICE))
        assert isinstance(tapped, AuthContinue)
        thread, result = in_background(lambda: backend.auth(PinFactor(tapped.state, typed)))
        wait_until_held(ledger)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        thread.join(60)
        assert "error" not in result, result
        assert backend.appliances.active_url == second.url
    finally:
        backend.close()
    reply = result["reply"]
    assert ledger.events("step_taken_over") == ["step_taken_over"]
    if typed == PIN:
        assert isinstance(reply, AuthOk)
        assert ledger.sessions("alice") == 1
        assert ledger.events("pin_ok", "pin_bad", "login") == ["pin_ok", "login"]
        assert ledger.failures("alice") == 0
    else:
        assert isinstance(reply, AuthBadFactor)
        assert reply.attempts_left == 4  # of the demo policy's 5: this one guess, once
        assert ledger.failures("alice") == 1
        assert ledger.events("pin_ok", "pin_bad", "login") == ["pin_bad"]


def test_a_step_a_live_instance_still_checks_is_waited_for_not_checked_again(instances):
    first, second, ledger = instances
    state = client_for(first).auth(CardFactor(ALICE))
    assert isinstance(state, AuthContinue)
    body, step = {"state": state.state, "factor": {"type": "pin", "value": PIN}}, step_id()
    thread, result = in_background(lambda: send_step(first, body, step))
    wait_until_held(ledger)
    running = send_step(second, body, step)  # the kiosk's resend, its answer thought lost
    assert running.status_code == 409
    assert running.json()["code"] == "step_running"
    thread.join(60)
    decided = result["reply"]
    assert decided.status_code == 200
    # the first instance kept its lease while it checked: nobody took the step over
    replayed = send_step(second, body, step)
    assert replayed.json() == decided.json()
    assert ledger.events("pin_ok", "step_taken_over", "step_replayed", "login") == [
        "pin_ok",
        "login",
        "step_replayed",
    ]
    assert ledger.sessions("alice") == 1
