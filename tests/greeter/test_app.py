"""The Kiosk shell end to end without Qt: real appliance over HTTPS, real session processes,
the event log on disk; an InlineExecutor (a real Executor with no event loop) runs the effects.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from greeter.app import Kiosk
from greeter.cards import CardEvent
from greeter.config import load
from greeter.flow.model import (
    Cancelled,
    LockRequested,
    NewPinSubmitted,
    NoticesAcknowledged,
    PasswordSubmitted,
    PinEntered,
    RetryRequested,
    RoleChosen,
)
from greeter.inline import InlineExecutor
from greeter.wiring import build_kiosk
from tests.rig.appliance import start_demo_appliance
from tests.session.programs import Programs
from tests.session.xvfb import xvfb

ALICE = "04A1B2C3D4E5F6"
CAROL = "04C0FFEE000001"
SECRETS = ("1234", "8642", "carol-demo-pass", ALICE, CAROL)


@pytest.fixture
def appliance(tmp_path: Path) -> Iterator[LocalAppliance]:
    with start_demo_appliance(tmp_path / "appliance") as server:
        yield server


def write_config(
    tmp_path: Path,
    url: str,
    ca: Path,
    secret: str,
    command: str,
    name: str = "demo-kiosk",
    extra: str = "",
    lock_after_idle: float = 0,
) -> Path:
    (tmp_path / "kiosk.secret").write_text(secret)
    path = tmp_path / "greeter.toml"
    path.write_text(
        f"""
[kiosk]
name = "{name}"
[appliance]
url = "{url}"
ca = "{ca}"
kiosk_secret_file = "kiosk.secret"
timeout = 5
[cards]
pcsc = false
[session]
commands = [{command}]
close_budget_seconds = 5
lock_after_idle_seconds = {lock_after_idle}
{extra}"""
    )
    return path


def tap(card_id: str, action: str = "present") -> CardEvent:
    return CardEvent(action, card_id, "virtual", "virtual", "contactless", 0.0)  # type: ignore[arg-type]


def kiosk_for(
    tmp_path: Path,
    appliance: LocalAppliance,
    command: str = '["sleep", "60"]',
    extra: str = "",
    lock_after_idle: float = 0,
) -> tuple[Kiosk, InlineExecutor, Path]:
    config = load(
        write_config(
            tmp_path,
            appliance.url,
            appliance.ca_path,
            appliance.kiosk_secret,
            command,
            extra=extra,
            lock_after_idle=lock_after_idle,
        )
    )
    executor = InlineExecutor()
    log_path = tmp_path / "events.jsonl"
    kiosk = build_kiosk(config, executor, event_log_path=str(log_path))
    return kiosk, executor, log_path


def sign_in_alice(kiosk: Kiosk) -> None:
    """Start the kiosk, tap alice's card, type her PIN and take her first Spine role."""
    kiosk.start()
    kiosk.dispatch(tap(ALICE))
    kiosk.dispatch(PinEntered("1234"))
    kiosk.dispatch(RoleChosen(kiosk.view.roles[0].code))


def events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_sign_in_tap_over_lock_and_unlock_with_the_real_appliance(tmp_path, appliance, caplog):
    caplog.set_level(logging.WARNING, logger="greeter.app")
    kiosk, executor, log_path = kiosk_for(tmp_path, appliance)
    seen: list[str] = []
    kiosk.subscribe(lambda view: seen.append(view.screen))
    try:
        kiosk.start()
        assert kiosk.view.kiosk_name == appliance.kiosk_name
        assert kiosk.view.can_password_login
        kiosk.ready()

        # alice: card, PIN, then her two roles
        kiosk.dispatch(tap(ALICE))
        assert kiosk.view.screen == "pin"
        assert kiosk.view.user_display_name == "Alice Adams"
        assert "busy" not in executor.timers  # answered: the spinner never showed
        kiosk.dispatch(PinEntered("1234"))
        assert kiosk.view.screen == "role"
        kiosk.dispatch(RoleChosen(kiosk.view.roles[0].code))
        assert kiosk.view.screen == "session"
        assert kiosk.state.desktop is not None
        assert kiosk.state.desktop.username == "alice"

        # carol taps over: card, password, a first PIN, the VSC notice, then the switch
        kiosk.dispatch(tap(CAROL))
        assert kiosk.view.screen == "password"
        assert kiosk.view.switching
        kiosk.dispatch(PasswordSubmitted("carol", "carol-demo-pass", "DEMO"))
        assert kiosk.view.screen == "enroll_pin"
        kiosk.dispatch(NewPinSubmitted("8642", "8642"))
        assert kiosk.view.screen == "notice"
        assert kiosk.view.notices[0].days_left == 5
        kiosk.dispatch(NoticesAcknowledged())
        assert kiosk.view.screen == "session"
        assert kiosk.state.desktop.username == "carol"

        # lock, then carol's own tap inside her grace period unlocks with no PIN
        kiosk.dispatch(LockRequested())
        assert kiosk.view.screen == "locked"
        kiosk.dispatch(tap(CAROL))
        assert kiosk.view.screen == "session"
    finally:
        kiosk.close()

    # every session event reached the appliance's audit trail
    assert "unable to report" not in caplog.text
    audit = appliance.admin("audit").stdout
    assert "switched" in audit
    assert "apps_closed" in audit
    lines = events(log_path)
    text = log_path.read_text()
    for secret in SECRETS:
        assert secret not in text
    assert all("ts" in line and "mono" in line for line in lines)
    assert [line["event"] for line in lines[:3]] == ["start", "screen", "ready"]
    assert lines[-1]["event"] == "stop"
    cards = [line for line in lines if line["event"] == "card"]
    assert len(cards) == 3
    assert len(cards[0]["id_hash"]) == 16
    assert cards[1]["id_hash"] == cards[2]["id_hash"] != cards[0]["id_hash"]
    sessions = [(line["action"], line["user"]) for line in lines if line["event"] == "session"]
    assert sessions == [
        ("started", "alice"),
        ("locked", "alice"),  # at carol's tap, before anything was asked
        ("ended", "alice"),
        ("started", "carol"),
        ("switched", "carol"),
        ("locked", "carol"),
        ("unlocked", "carol"),
        ("ended", "carol"),  # with the greeter
    ]
    closed = [line for line in lines if line["event"] == "apps_closed"]
    assert closed[0]["user"] == "alice"
    assert closed[0]["graceful"] + closed[0]["forced"] >= 1  # her session's own command
    screens = [line["screen"] for line in lines if line["event"] == "screen"]
    assert screens == [
        "idle",
        "pin",
        "role",
        "session",
        "locked",  # the greeter covers alice's session while carol's card is checked
        "password",
        "enroll_pin",
        "notice",
        "locked",  # alice's apps close behind the greeter
        "session",
        "locked",
        "session",
    ]
    assert seen[-1] == "session"


def test_a_session_that_ends_by_itself_returns_to_idle(tmp_path, appliance):
    kiosk, executor, log_path = kiosk_for(tmp_path, appliance, command='["sleep", "0.3"]')
    try:
        sign_in_alice(kiosk)
        assert kiosk.view.screen == "session"
        assert executor.run_until(lambda: kiosk.view.screen == "idle", timeout=15)
    finally:
        kiosk.close()
    ended = [line for line in events(log_path) if line.get("action") == "ended"]
    assert ended[0]["user"] == "alice"


def test_a_crashed_session_logs_its_closed_spine_app_then_ended(tmp_path, appliance):
    programs = Programs(tmp_path)
    # the desktop starts the user's Spine portal, then crashes: the portal must be closed
    desktop = programs.app_command("desktop", "--spawn", "portal", "--exit-after", "1.5")
    rule = json.dumps(programs.cmdline_rule("portal"))
    kiosk, executor, log_path = kiosk_for(
        tmp_path,
        appliance,
        command=json.dumps(desktop),
        extra=f'[[session.spine_app]]\nname = "portal"\nmatch_cmdline = {rule}\n',
    )
    try:
        sign_in_alice(kiosk)
        assert kiosk.view.screen == "session"
        assert executor.run_until(lambda: kiosk.view.screen == "idle", timeout=15)
    finally:
        kiosk.close()
    assert programs.saved("portal") == "SIGTERM"
    lines = [line for line in events(log_path) if line["event"] in ("apps_closed", "session")]
    assert [(line["event"], line.get("action")) for line in lines] == [
        ("session", "started"),
        ("apps_closed", None),
        ("session", "ended"),
    ]
    assert lines[1]["user"] == "alice"
    assert lines[1]["graceful"] >= 1
    assert "apps_closed" in appliance.admin("audit").stdout


def test_a_session_left_alone_locks_and_keeps_running(tmp_path, appliance, monkeypatch):
    with xvfb() as display:
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        kiosk, executor, log_path = kiosk_for(
            tmp_path, appliance, command='["sleep", "60"]', lock_after_idle=1
        )
        try:
            sign_in_alice(kiosk)
            assert kiosk.view.screen == "session"
            signed_in = time.monotonic()
            assert executor.run_until(lambda: kiosk.view.screen == "locked", timeout=15)
            assert time.monotonic() - signed_in >= 0.9
            assert kiosk.state.desktop is not None  # her session keeps running behind it
            # her tap brings it back, and the clock starts again from there
            kiosk.dispatch(tap(ALICE))
            assert kiosk.view.screen == "session"
            assert executor.run_until(lambda: kiosk.view.screen == "locked", timeout=15)
        finally:
            kiosk.close()
    sessions = [line["action"] for line in events(log_path) if line["event"] == "session"]
    assert sessions == ["started", "locked", "unlocked", "locked", "ended"]
    assert "locked" in appliance.admin("audit").stdout


def test_a_session_command_that_cannot_start_shows_session_failed(tmp_path, appliance):
    kiosk, _, _ = kiosk_for(tmp_path, appliance, command='["/nonexistent/desktop"]')
    try:
        sign_in_alice(kiosk)
        assert kiosk.view.screen == "error"
        assert kiosk.view.error_key == "session_failed"
    finally:
        kiosk.close()


def test_an_unreachable_appliance_is_a_retryable_error_not_a_crash(tmp_path, appliance):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = load(
        write_config(
            tmp_path,
            f"https://127.0.0.1:{port}",
            appliance.ca_path,
            appliance.kiosk_secret,
            '["sleep", "60"]',
        )
    )
    executor = InlineExecutor()
    kiosk = build_kiosk(config, executor)
    try:
        kiosk.start()
        assert kiosk.view.kiosk_name == "demo-kiosk"  # from the config until it answers
        assert "kiosk" in executor.timers  # asks again later
        kiosk.dispatch(tap(ALICE))
        assert kiosk.view.screen == "error"
        assert kiosk.view.error_key == "unreachable"
        assert kiosk.view.can_retry
        kiosk.dispatch(RetryRequested())
        assert kiosk.view.error_key == "unreachable"
        kiosk.dispatch(Cancelled())
        assert kiosk.view.screen == "idle"
    finally:
        kiosk.close()
