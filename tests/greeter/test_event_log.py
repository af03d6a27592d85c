"""The event log as IT reads it, through the real appliance: start and stop lines, the reason
of an error screen, each login step's outcome, and a tap matched with the appliance's audit."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from greeter import __version__
from greeter.config import load
from greeter.flow.model import PinEntered, RoleChosen
from greeter.inline import InlineExecutor
from greeter.wiring import build_kiosk
from tests.greeter.test_app import (
    ALICE,
    SECRETS,
    appliance,
    events,
    kiosk_for,
    sign_in_alice,
    tap,
    write_config,
)

__all__ = ["appliance"]


def lines_of(path: Path, kind: str) -> list[dict]:
    return [line for line in events(path) if line["event"] == kind]


def test_start_and_stop_lines_frame_the_kiosk(tmp_path, appliance):
    kiosk, _, log_path = kiosk_for(tmp_path, appliance)
    kiosk.start()
    kiosk.close()
    lines = events(log_path)
    assert lines[0]["event"] == "start"
    assert lines[0]["kiosk"] == "demo-kiosk"
    assert lines[0]["version"] == __version__
    assert lines[0]["config"] == str(tmp_path / "greeter.toml")
    assert lines[-1]["event"] == "stop"


def test_each_login_step_is_logged_with_its_outcome_and_no_secret(tmp_path, appliance):
    kiosk, _, log_path = kiosk_for(tmp_path, appliance)
    try:
        kiosk.start()
        kiosk.dispatch(tap(ALICE))
        kiosk.dispatch(PinEntered("9999"))
        kiosk.dispatch(PinEntered("1234"))
        kiosk.dispatch(RoleChosen(kiosk.view.roles[0].code))
        assert kiosk.view.screen == "session"
    finally:
        kiosk.close()
    logins = [
        {key: line[key] for key in line if key not in ("ts", "mono", "event", "tap")}
        for line in lines_of(log_path, "login")
    ]
    assert logins == [
        {"step": "card", "status": "continue", "need": "pin", "user": "alice"},
        {"step": "pin", "status": "bad_factor", "reason": "bad_pin", "attempts_left": 4},
        {"step": "pin", "status": "ok", "method": "card_pin", "user": "alice"},
    ]
    text = log_path.read_text()
    for secret in (*SECRETS, "9999"):
        assert secret not in text


def test_an_error_screen_carries_its_reason(tmp_path, appliance):
    assert appliance.admin("card", "revoke", ALICE).returncode == 0
    kiosk, _, log_path = kiosk_for(tmp_path, appliance)
    try:
        kiosk.start()
        kiosk.dispatch(tap(ALICE))
        assert kiosk.view.screen == "error"
    finally:
        kiosk.close()
    errors = [line for line in lines_of(log_path, "screen") if line["screen"] == "error"]
    assert errors[0]["reason"] == "denied"
    assert errors[0]["detail"] == kiosk.view.error_reason == "card_revoked"
    login = lines_of(log_path, "login")[-1]
    assert (login["status"], login["reason"]) == ("denied", "card_revoked")


def test_an_unreachable_appliance_is_an_error_with_its_reason(tmp_path, appliance):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = write_config(
        tmp_path, f"https://127.0.0.1:{port}", appliance.ca_path, "s", '["sleep", "60"]'
    )
    log_path = tmp_path / "events.jsonl"
    kiosk = build_kiosk(load(path), InlineExecutor(), event_log_path=str(log_path))
    try:
        kiosk.start()
        kiosk.dispatch(tap(ALICE))
    finally:
        kiosk.close()
    error = next(line for line in lines_of(log_path, "screen") if line["screen"] == "error")
    assert error["reason"] == "unreachable"
    # why, in the outcome of the step that failed
    login = lines_of(log_path, "login")[-1]
    assert (login["step"], login["status"], login["reason"]) == ("card", "failed", "unreachable")
    assert f"unable to reach the appliance at https://127.0.0.1:{port}" in login["detail"]


def test_a_tap_is_matched_with_the_appliances_audit_lines_of_the_same_tap(tmp_path, appliance):
    kiosk, _, log_path = kiosk_for(tmp_path, appliance)
    try:
        sign_in_alice(kiosk)
        kiosk.dispatch(tap(ALICE))  # locks: a second tap, a tap id of its own
    finally:
        kiosk.close()
    first, second = (line["tap"] for line in lines_of(log_path, "card"))
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert first != second
    # every login step of the first tap's login carries its id
    assert {line["tap"] for line in lines_of(log_path, "login")} == {first}
    # and so do the appliance's audit lines for it, where IT looks them up
    audit = appliance.admin("audit").stdout.splitlines()
    tapped = [line for line in audit if f'"tap": "{first}"' in line]
    assert [line.split()[1] for line in tapped] == ["card_seen", "pin_ok", "login"]
    assert ALICE not in "\n".join(audit)
