"""The whole kiosk (no Qt) with two real appliance instances sharing one database: the first is
killed with SIGKILL between a card tap and its PIN; the login finishes on the second, the kiosk
stays there, and its event log says so.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance, another_instance
from greeter.config import load
from greeter.doctor import appliance_checks
from greeter.flow.model import LockRequested, PinEntered, RoleChosen
from greeter.inline import InlineExecutor
from greeter.wiring import build_kiosk
from tests.greeter.test_app import ALICE, tap
from tests.greeter.test_failover_client import closed_port
from tests.rig.appliance import start_demo_appliance


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[tuple[LocalAppliance, LocalAppliance]]:
    with (
        start_demo_appliance(tmp_path / "appliance") as first,
        another_instance(first) as second,
    ):
        yield first, second


def write_config(tmp_path: Path, urls: list[str], first: LocalAppliance) -> Path:
    (tmp_path / "kiosk.secret").write_text(first.kiosk_secret)
    path = tmp_path / "greeter.toml"
    path.write_text(
        f"""
[kiosk]
name = "{first.kiosk_name}"
[appliance]
urls = {json.dumps(urls)}
ca = "{first.ca_path}"
kiosk_secret_file = "kiosk.secret"
timeout = 5
[cards]
pcsc = false
[session]
commands = [["sleep", "60"]]
close_budget_seconds = 5
"""
    )
    return path


def test_a_login_begun_on_a_killed_appliance_finishes_on_the_other(tmp_path, instances):
    first, second = instances
    config = load(write_config(tmp_path, [first.url, second.url], first))
    log_path = tmp_path / "events.jsonl"
    kiosk = build_kiosk(config, InlineExecutor(), event_log_path=str(log_path))
    try:
        kiosk.start()
        kiosk.dispatch(tap(ALICE))
        assert kiosk.view.screen == "pin"  # the first instance holds nothing: the DB does
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        kiosk.dispatch(PinEntered("1234"))
        assert kiosk.view.screen == "role"
        kiosk.dispatch(RoleChosen(kiosk.view.roles[0].code))
        assert kiosk.view.screen == "session"
        # locked: the kiosk may try the first again; it is still down, so the second answers
        kiosk.dispatch(LockRequested())
        kiosk.dispatch(tap(ALICE))
        assert kiosk.view.screen == "session"
    finally:
        kiosk.close()
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    moves = [line for line in lines if line["event"] == "failover"]
    assert len(moves) == 1, moves  # moved once, then stayed
    assert (moves[0]["from"], moves[0]["to"], moves[0]["reason"]) == (
        first.url,
        second.url,
        "unreachable",
    )
    logins = [line for line in lines if line["event"] == "login"]
    assert [line["status"] for line in logins][:2] == ["continue", "ok"]
    text = log_path.read_text()
    for secret in ("1234", ALICE, first.kiosk_secret):
        assert secret not in text
    # the login's steps are in the shared audit trail, the PIN step answered by the second
    assert "login" in second.admin("audit").stdout


def test_doctor_checks_each_appliance_and_warns_of_one_down_while_another_answers(
    tmp_path, instances
):
    first, _ = instances
    dead = f"https://127.0.0.1:{closed_port()}"
    config = load(write_config(tmp_path, [dead, first.url], first))
    down, up = appliance_checks(config)
    assert (down.subject, down.verdict) == (dead, "warn")
    assert "unable to reach the appliance" in down.detail
    assert "take it out of [appliance] urls" in down.fix
    assert (up.subject, up.verdict) == (first.url, "ok")
    alone = load(write_config(tmp_path, [dead], first))
    assert [check.verdict for check in appliance_checks(alone)] == ["fail"]
