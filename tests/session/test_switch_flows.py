"""Switching users end to end, as a ward lives it: vpcd cards on an isolated pcscd, the
greeter's real PC/SC source, the real appliance over HTTPS, the QML screens -- and sessions that
are real processes with a Spine app that must save its work when the next user taps over.

Demo users (appliance/demo.py): alice (card, PIN 1234, two roles: picks one) and ravi (card,
PIN 2468, one role) -- ravi is the colleague who taps over.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from greeter import config as greeter_config
from greeter.ui.main import Greeter
from greeter.wiring import build_kiosk
from tests.greeter.ui.conftest import Screen, qt_style
from tests.greeter.ui.kiosk_rig import KioskRig
from tests.rig.appliance import appliance_server
from tests.rig.pcsc import IsolatedPcscd, pcscd, pcscd_socket_dir
from tests.session.flow_rig import write_config
from tests.session.programs import Programs

__all__ = ["appliance_server", "pcscd", "pcscd_socket_dir", "qt_style"]

pytestmark = [pytest.mark.ui, pytest.mark.pcsc, pytest.mark.slow]

ALICE = bytes.fromhex("04A1B2C3D4E5F6")
RAVI = bytes.fromhex("04AA0000000002")


@dataclass
class SwitchRig(KioskRig):
    apps: Path  # where the session's programs write their ready/saved files


@pytest.fixture
def kiosk(pcscd, appliance_server, tmp_path, qtbot, qt_style) -> Iterator[SwitchRig]:
    apps = tmp_path / "apps"
    apps.mkdir()
    programs = Programs(apps)
    event_log = tmp_path / "events.jsonl"
    config = greeter_config.load(write_config(tmp_path, appliance_server, programs, event_log))
    greeter = Greeter(
        config,
        lambda executor: build_kiosk(config, executor, event_log_path=str(event_log)),
        windowed=True,
    )
    try:
        greeter.start()
        qtbot.waitExposed(greeter.window.view)
        # (the ui rig's marker file is for its shell-script session; unused here)
        rig = SwitchRig(greeter, Screen(greeter.window, qtbot), apps / "-", event_log, qtbot, apps)
        rig.wait_idle_ready()
        yield rig
    finally:
        greeter.close()


def tap(pcscd: IsolatedPcscd, uid: bytes):
    card = pcscd.card(pcscd.readers[0], uid=uid)
    card.insert()
    return card


def app_file(kiosk: SwitchRig, name: str) -> Path:
    return kiosk.apps / name


def wait_running(kiosk: SwitchRig, name: str) -> dict:
    path = app_file(kiosk, f"{name}.ready")
    kiosk.qtbot.waitUntil(path.exists, timeout=15000)
    return json.loads(path.read_text())


def sign_in_alice(kiosk: SwitchRig, pcscd: IsolatedPcscd) -> dict:
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("pin")
    card.remove()
    kiosk.screen.tap_keys("1234")
    kiosk.screen.tap("pinOk")
    kiosk.wait_screen("role")
    kiosk.screen.tap("role_R8000")
    kiosk.wait_screen("session")
    wait_running(kiosk, "alice-desktop")
    return wait_running(kiosk, "alice-portal")


def test_ravi_taps_over_alices_apps_close_with_her_work_saved(kiosk, pcscd):
    portal = sign_in_alice(kiosk, pcscd)
    assert portal["env"]["TAPKIOSK_USER"] == "alice"
    assert portal["env"]["TAPKIOSK_SPINE_ROLE"] == "R8000"

    card = tap(pcscd, RAVI)
    kiosk.wait_screen("pin")
    card.remove()
    kiosk.screen.tap_keys("2468")
    kiosk.screen.tap("pinOk")
    kiosk.wait_screen("session", timeout=15)
    ravi = wait_running(kiosk, "ravi-desktop")

    # alice's portal and desktop saved on SIGTERM before they went
    assert app_file(kiosk, "alice-portal.saved").read_text() == "SIGTERM"
    assert app_file(kiosk, "alice-desktop.saved").read_text() == "SIGTERM"
    assert not psutil.pid_exists(portal["pid"]) or (
        psutil.Process(portal["pid"]).status() == psutil.STATUS_ZOMBIE
    )
    assert ravi["env"]["TAPKIOSK_USER"] == "ravi"
    (closed,) = kiosk.events("apps_closed")
    assert (closed["user"], closed["graceful"], closed["forced"]) == ("alice", 2, 0)
    actions = [(line["action"], line["user"]) for line in kiosk.events("session")]
    assert actions == [("started", "alice"), ("switched", "ravi")]


def test_a_wrong_pin_on_tap_over_leaves_alices_session_running(kiosk, pcscd):
    portal = sign_in_alice(kiosk, pcscd)

    card = tap(pcscd, RAVI)
    kiosk.wait_screen("pin")
    card.remove()
    kiosk.screen.tap_keys("0000")
    kiosk.screen.tap("pinOk")
    kiosk.qtbot.waitUntil(lambda: kiosk.greeter.bridge.view.error_key == "bad_pin", timeout=10000)

    # the failed login never reached the session runner: alice's apps run on, unsaved
    assert psutil.Process(portal["pid"]).status() != psutil.STATUS_ZOMBIE
    assert not app_file(kiosk, "alice-portal.saved").exists()
    assert kiosk.events("apps_closed") == []
    assert not app_file(kiosk, "ravi-desktop.ready").exists()
    assert [line["action"] for line in kiosk.events("session")] == ["started"]


def test_alice_locks_and_unlocks_by_tap_and_her_apps_keep_running(kiosk, pcscd):
    portal = sign_in_alice(kiosk, pcscd)
    desktop_pid = json.loads(app_file(kiosk, "alice-desktop.ready").read_text())["pid"]

    card = tap(pcscd, ALICE)
    kiosk.wait_screen("locked")
    card.remove()
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("session")
    card.remove()

    # the same processes, never asked to close
    for pid in (portal["pid"], desktop_pid):
        assert psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    assert not app_file(kiosk, "alice-portal.saved").exists()
    assert [line["action"] for line in kiosk.events("session")] == [
        "started",
        "locked",
        "unlocked",
    ]
