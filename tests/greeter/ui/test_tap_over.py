"""Tap-over that does not finish, end to end: ravi is signed in, a colleague taps their card and
then walks away, cancels, mistypes or meets a slow appliance. Whatever happens, ravi's session
locked the moment the colleague tapped and the kiosk goes back to ravi's lock screen, never to
his open session.

vpcd cards on an isolated pcscd, the greeter's real PC/SC source, the real appliance over
HTTPS (through a relay where the network fails), the QML screens, the session script.
Demo users: ravi (card, PIN 2468, one role), alice (card, PIN 1234, two roles: the role
screen), carol (card, no PIN yet: her password first).
"""

from __future__ import annotations

import pytest

from tests.greeter.ui.kiosk_rig import KioskRig, build_rig, kiosk_via_relay, relay, sign_in, tap
from tests.rig.pcsc import IsolatedPcscd

__all__ = ["kiosk_via_relay", "relay"]

pytestmark = [pytest.mark.ui, pytest.mark.pcsc, pytest.mark.slow]

ALICE = bytes.fromhex("04A1B2C3D4E5F6")
CAROL = bytes.fromhex("04C0FFEE000001")
RAVI = bytes.fromhex("04AA0000000002")
# seconds a login screen waits for input, in the tests that let it run out
QUICK_ENTRY_TIMEOUT = 3


@pytest.fixture
def kiosk(pcscd, appliance_server, tmp_path, qtbot, qt_style):
    yield from build_rig(tmp_path, appliance_server, qtbot, pcsc=True)


@pytest.fixture
def quick_kiosk(pcscd, appliance_server, tmp_path, qtbot, qt_style):
    """Login screens that give up after QUICK_ENTRY_TIMEOUT seconds (set before the greeter
    starts: the role and notice screens take it from the kiosk settings)."""
    appliance_server.admin("policy", "set", f"entry_timeout={QUICK_ENTRY_TIMEOUT}s")
    yield from build_rig(tmp_path, appliance_server, qtbot, pcsc=True)


def sign_in_ravi(kiosk: KioskRig, pcscd: IsolatedPcscd) -> None:
    sign_in(kiosk, pcscd, RAVI, "2468")
    kiosk.wait_session_for("ravi")


RAVI_LOCKED = [("started", "ravi"), ("locked", "ravi")]


def tap_over_ravi(kiosk: KioskRig, pcscd: IsolatedPcscd, uid: bytes, first_screen: str) -> None:
    """Ravi signs in; a colleague taps over his open session, which is locked before anything
    is asked."""
    sign_in_ravi(kiosk, pcscd)
    card = tap(pcscd, uid)
    kiosk.wait_screen(first_screen)
    card.remove()
    assert kiosk.session_actions() == RAVI_LOCKED


def assert_back_on_ravis_lock_screen(kiosk: KioskRig) -> None:
    kiosk.wait_screen("locked")
    assert kiosk.screen.text("lockedUser") == "Ravi Rao is signed in."
    assert kiosk.greeter.window.view.isVisible()
    # and it stays locked: nothing comes back by itself
    kiosk.qtbot.wait(500)
    assert kiosk.showing() == "locked"
    assert kiosk.session_actions() == RAVI_LOCKED
    assert kiosk.sessions_started() == ["ravi"]


def test_cancel_on_the_pin_screen_goes_back_to_ravis_lock_screen(kiosk, pcscd):
    tap_over_ravi(kiosk, pcscd, ALICE, "pin")
    assert kiosk.screen.text("pinSwitching") == "Ravi Rao will be signed out of this kiosk."
    kiosk.screen.tap("pinCancel")
    assert_back_on_ravis_lock_screen(kiosk)


def test_a_wrong_pin_then_cancel_goes_back_to_ravis_lock_screen(kiosk, pcscd):
    tap_over_ravi(kiosk, pcscd, ALICE, "pin")
    kiosk.screen.tap_keys("0000")
    kiosk.screen.tap("pinOk")
    kiosk.qtbot.waitUntil(lambda: kiosk.greeter.bridge.view.error_key == "bad_pin", timeout=10000)
    kiosk.screen.settle()
    assert kiosk.screen.text("bannerText").startswith("That PIN is not right.")
    kiosk.screen.tap("pinCancel")
    assert_back_on_ravis_lock_screen(kiosk)


def test_walking_away_from_the_pin_screen_goes_back_to_ravis_lock_screen(quick_kiosk, pcscd):
    kiosk = quick_kiosk
    tap_over_ravi(kiosk, pcscd, ALICE, "pin")
    assert_back_on_ravis_lock_screen(kiosk)


def test_walking_away_from_the_password_screen_goes_back_to_ravis_lock_screen(quick_kiosk, pcscd):
    kiosk = quick_kiosk
    # carol has no PIN yet: her card asks for her password
    tap_over_ravi(kiosk, pcscd, CAROL, "password")
    assert kiosk.screen.text("passwordTitle") == "Hello, Carol Clark"
    kiosk.screen.type_keys("carol")
    assert_back_on_ravis_lock_screen(kiosk)


def test_walking_away_from_the_role_screen_goes_back_to_ravis_lock_screen(quick_kiosk, pcscd):
    kiosk = quick_kiosk
    tap_over_ravi(kiosk, pcscd, ALICE, "pin")
    kiosk.screen.tap_keys("1234")
    kiosk.screen.tap("pinOk")
    # alice is proven, but she never picks a role: the switch never happens
    kiosk.wait_screen("role")
    assert_back_on_ravis_lock_screen(kiosk)


def test_the_appliance_down_during_tap_over_goes_back_to_ravis_lock_screen(
    kiosk_via_relay, pcscd, relay
):
    kiosk = kiosk_via_relay
    sign_in_ravi(kiosk, pcscd)
    relay.down()
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("error")
    card.remove()
    assert kiosk.session_actions() == RAVI_LOCKED
    # nobody but ravi may get in while the kiosk cannot reach the appliance
    assert kiosk.screen.text("errorText").startswith("This kiosk is offline.")
    kiosk.screen.tap("errorBack")
    assert_back_on_ravis_lock_screen(kiosk)


def test_a_slow_appliance_during_tap_over_goes_back_to_ravis_lock_screen(
    kiosk_via_relay, pcscd, relay
):
    kiosk = kiosk_via_relay
    sign_in_ravi(kiosk, pcscd)
    relay.stalled = True
    card = tap(pcscd, ALICE)
    # locked while the appliance is still thinking about alice's card
    kiosk.wait_screen("locked")
    card.remove()
    kiosk.qtbot.waitUntil(lambda: kiosk.greeter.bridge.view.busy, timeout=5000)
    assert kiosk.session_actions() == RAVI_LOCKED
    kiosk.wait_screen("error", timeout=15)
    assert kiosk.screen.text("errorText").startswith("This kiosk is offline.")
    relay.stalled = False
    kiosk.screen.tap("errorBack")
    assert_back_on_ravis_lock_screen(kiosk)
