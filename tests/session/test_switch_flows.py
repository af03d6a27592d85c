"""Switching users end to end, as a ward lives it: vpcd cards on an isolated pcscd, the
greeter's real PC/SC source, the real appliance over HTTPS, the QML screens -- and sessions that
are real processes with a Spine app that must save its work when the next user taps over.

Demo users (appliance/demo.py): alice (card, PIN 1234, two roles: picks one), ravi (card,
PIN 2468, one role) -- the colleague who taps over --, carol (card, no PIN yet, her virtual
smartcard expires soon: a notice) and bob (no card, no PIN: password).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from tests.greeter.ui.conftest import qt_style
from tests.greeter.ui.kiosk_rig import carol_first_sign_in, tap
from tests.rig.appliance import appliance_server
from tests.rig.pcsc import pcscd, pcscd_socket_dir
from tests.session.flow_rig import (
    ALICE,
    RAVI,
    SwitchRig,
    app_file,
    build_switch_rig,
    sign_in_alice,
    still_running,
    wait_running,
)

__all__ = ["appliance_server", "pcscd", "pcscd_socket_dir", "qt_style"]

pytestmark = [pytest.mark.ui, pytest.mark.pcsc, pytest.mark.slow]


# seconds a login screen waits for input, where a test lets it run out
QUICK_ENTRY_TIMEOUT = 5


@pytest.fixture
def kiosk(pcscd, appliance_server, tmp_path, qtbot, qt_style) -> Iterator[SwitchRig]:
    yield from build_switch_rig(tmp_path, appliance_server, qtbot)


@pytest.fixture
def quick_kiosk(pcscd, appliance_server, tmp_path, qtbot, qt_style) -> Iterator[SwitchRig]:
    """Screens that give up after QUICK_ENTRY_TIMEOUT seconds (set before the greeter starts:
    the notice screen takes it from the kiosk settings)."""
    appliance_server.admin("policy", "set", f"entry_timeout={QUICK_ENTRY_TIMEOUT}s")
    yield from build_switch_rig(tmp_path, appliance_server, qtbot)


def assert_alices_apps_closed_with_her_work_saved(kiosk: SwitchRig, portal: dict) -> None:
    assert app_file(kiosk, "alice-portal.saved").read_text() == "SIGTERM"
    assert app_file(kiosk, "alice-desktop.saved").read_text() == "SIGTERM"
    assert not still_running(portal["pid"])
    (closed,) = kiosk.events("apps_closed")
    assert (closed["user"], closed["graceful"], closed["forced"]) == ("alice", 2, 0)


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
    assert_alices_apps_closed_with_her_work_saved(kiosk, portal)
    assert ravi["env"]["TAPKIOSK_USER"] == "ravi"
    # every session change has its line: alice's session locked at ravi's tap, then ended
    assert kiosk.session_actions() == [
        ("started", "alice"),
        ("locked", "alice"),
        ("ended", "alice"),
        ("started", "ravi"),
        ("switched", "ravi"),
    ]


def test_a_wrong_pin_on_tap_over_leaves_alices_session_running(kiosk, pcscd):
    portal = sign_in_alice(kiosk, pcscd)

    card = tap(pcscd, RAVI)
    kiosk.wait_screen("pin")
    card.remove()
    kiosk.screen.tap_keys("0000")
    kiosk.screen.tap("pinOk")
    kiosk.qtbot.waitUntil(lambda: kiosk.greeter.bridge.view.error_key == "bad_pin", timeout=10000)

    # the failed login never reached the session runner: alice's apps run on, unsaved
    assert still_running(portal["pid"])
    assert not app_file(kiosk, "alice-portal.saved").exists()
    assert kiosk.events("apps_closed") == []
    assert not app_file(kiosk, "ravi-desktop.ready").exists()
    # locked the moment ravi tapped, and locked it stays
    assert kiosk.session_actions() == [("started", "alice"), ("locked", "alice")]
    kiosk.screen.tap("pinCancel")
    kiosk.wait_screen("locked")
    assert kiosk.screen.text("lockedUser") == "Alice Adams is signed in."
    assert still_running(portal["pid"])


def test_alice_locks_and_unlocks_by_tap_and_her_apps_keep_running(kiosk, pcscd):
    portal = sign_in_alice(kiosk, pcscd)
    desktop_pid = wait_running(kiosk, "alice-desktop")["pid"]

    card = tap(pcscd, ALICE)
    kiosk.wait_screen("locked")
    card.remove()
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("session")
    card.remove()

    # the same processes, never asked to close
    for pid in (portal["pid"], desktop_pid):
        assert still_running(pid)
    assert not app_file(kiosk, "alice-portal.saved").exists()
    assert [line["action"] for line in kiosk.events("session")] == [
        "started",
        "locked",
        "unlocked",
    ]


def test_a_notice_left_alone_after_a_switch_goes_on_into_the_new_users_session(quick_kiosk, pcscd):
    kiosk = quick_kiosk
    portal = sign_in_alice(kiosk, pcscd)
    carol_first_sign_in(kiosk, pcscd)
    assert kiosk.screen.text("bannerText") == (
        "Your virtual smartcard expires in 5 days."
        " Renew it in the Care Identity Service (CIS) before then."
    )
    # carol walks off without reading it: her login succeeded, so her session starts
    kiosk.wait_screen("session", timeout=QUICK_ENTRY_TIMEOUT + 15)
    carol = wait_running(kiosk, "carol-desktop")
    assert carol["env"]["TAPKIOSK_USER"] == "carol"
    assert_alices_apps_closed_with_her_work_saved(kiosk, portal)
    assert kiosk.session_actions() == [
        ("started", "alice"),
        ("locked", "alice"),
        ("ended", "alice"),
        ("started", "carol"),
        ("switched", "carol"),
    ]


def lock_and_sign_in_with_password(kiosk: SwitchRig, pcscd, username: str, password: str) -> None:
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("locked")
    card.remove()
    # alice forgot her badge: the lock screen offers the password
    assert kiosk.screen.text("passwordLoginButton") == "Sign in with password"
    kiosk.screen.tap("passwordLoginButton")
    kiosk.wait_screen("password")
    kiosk.screen.type_keys(username)
    kiosk.screen.press(Qt.Key.Key_Return)
    kiosk.screen.type_keys(password)
    kiosk.screen.press(Qt.Key.Key_Return)


def test_the_owner_signing_in_with_password_on_the_lock_screen_unlocks(kiosk, pcscd):
    portal = sign_in_alice(kiosk, pcscd)
    lock_and_sign_in_with_password(kiosk, pcscd, "alice", "alice-demo-pass")
    kiosk.wait_screen("session")
    # her own session, the same processes, never asked to close
    assert still_running(portal["pid"])
    assert not app_file(kiosk, "alice-portal.saved").exists()
    assert kiosk.session_actions() == [
        ("started", "alice"),
        ("locked", "alice"),
        ("unlocked", "alice"),
    ]


def test_someone_else_signing_in_with_password_on_the_lock_screen_switches(kiosk, pcscd):
    portal = sign_in_alice(kiosk, pcscd)
    lock_and_sign_in_with_password(kiosk, pcscd, "bob", "bob-demo-pass")
    # the same rules as everywhere: bob has no PIN yet, so he sets one
    kiosk.wait_screen("enroll_pin")
    for _ in range(2):
        kiosk.screen.tap_keys("5791")
        kiosk.screen.tap("enrollPinOk")
    kiosk.wait_screen("session", timeout=15)
    assert wait_running(kiosk, "bob-desktop")["env"]["TAPKIOSK_USER"] == "bob"
    assert_alices_apps_closed_with_her_work_saved(kiosk, portal)
    assert kiosk.session_actions() == [
        ("started", "alice"),
        ("locked", "alice"),
        ("ended", "alice"),
        ("started", "bob"),
        ("switched", "bob"),
    ]
