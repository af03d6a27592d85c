"""A factor step sent again under its `X-Step-Id` (docs/api.md): the decision it already had,
never a second check, count or session; nothing for another kiosk."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.test_trust import admin_ok
from tests.rig.appliance import DATABASES, start_on_database
from tests.rig.steps import Ledger, send_step, step_id

ALICE_CARD = "04A1B2C3D4E5F6"
PARALLEL = 8


@pytest.fixture(params=DATABASES)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LocalAppliance]:
    with start_on_database(request, tmp_path / "appliance") as started:
        yield started


@pytest.fixture
def ledger(server: LocalAppliance) -> Iterator[Ledger]:
    opened = Ledger(server)
    yield opened
    opened.close()


def tapped(server: LocalAppliance) -> str:
    kiosk = Kiosk(server)
    try:
        return kiosk.tap(ALICE_CARD)["state"]
    finally:
        kiosk.close()


def pin(state: str, value: str) -> dict[str, object]:
    return {"state": state, "factor": {"type": "pin", "value": value}}


def test_a_replayed_step_gets_the_same_session_and_makes_no_second(server, ledger):
    body, step = pin(tapped(server), "1234"), step_id()
    first = send_step(server, body, step)
    again = send_step(server, body, step)
    assert first.status_code == again.status_code == 200, again.text
    assert first.json()["status"] == "ok"
    assert again.json() == first.json()  # the same session id, the same everything
    assert ledger.sessions("alice") == 1
    assert ledger.events("pin_ok", "login", "step_replayed") == ["pin_ok", "login", "step_replayed"]


def test_a_wrong_pins_step_replayed_counts_once(server, ledger):
    body, step = pin(tapped(server), "9999"), step_id()
    first = send_step(server, body, step).json()
    again = send_step(server, body, step).json()
    assert first["status"] == "bad_factor"
    assert again == first
    assert ledger.failures("alice") == 1
    assert ledger.events("pin_bad") == ["pin_bad"]
    # the state it issued is the one to go on with, replayed or not
    assert Kiosk(server).pin(again["state"], "1234")["status"] == "ok"


def test_another_kiosks_step_id_reveals_nothing(server, ledger):
    body, step = pin(tapped(server), "1234"), step_id()
    assert send_step(server, body, step).json()["status"] == "ok"
    other = ("ward9", admin_ok(server, "kiosk", "add", "ward9").strip())
    stolen = send_step(server, body, step, kiosk=other)
    assert stolen.status_code == 400
    assert stolen.json()["code"] == "state_invalid"
    assert "session" not in stolen.text
    assert ledger.sessions("alice") == 1
    assert "step_replayed" not in ledger.events("step_replayed")


def test_a_step_id_sent_with_another_request_is_refused(server, ledger):
    step = step_id()
    assert send_step(server, pin(tapped(server), "9999"), step).json()["status"] == "bad_factor"
    other = send_step(server, pin(tapped(server), "1234"), step)
    assert other.status_code == 400
    assert other.json()["code"] == "invalid_request"
    assert ledger.sessions("alice") == 0


def test_parallel_sends_of_one_step_check_its_pin_once(server, ledger):
    body, step = pin(tapped(server), "1234"), step_id()
    with ThreadPoolExecutor(PARALLEL) as pool:
        replies = list(pool.map(lambda _: send_step(server, body, step), range(PARALLEL)))
    codes = sorted(reply.status_code for reply in replies)
    assert set(codes) <= {200, 409}, [reply.text for reply in replies]
    # those that found it still being checked are told so; every other got the one session
    assert {reply.json()["code"] for reply in replies if reply.status_code == 409} <= {
        "step_running"
    }
    sessions = {reply.json()["session"]["id"] for reply in replies if reply.status_code == 200}
    assert len(sessions) == 1
    assert ledger.events("pin_ok", "pin_bad", "login") == ["pin_ok", "login"]
    assert ledger.sessions("alice") == 1
