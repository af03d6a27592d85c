"""The appliance stopped while alice's session is locked: alice, and only alice, unlocks it with
her card and PIN, checked on the kiosk, inside the grace period her card + PIN login earned.

vpcd cards on an isolated pcscd, the greeter's real PC/SC source, the real appliance over
HTTPS (stopped halfway), the QML screens, the session script. Demo users: alice (card, PIN
1234, two roles), ravi (card, PIN 2468).
"""

from __future__ import annotations

import logging

import pytest

from appliance.local import LocalAppliance
from tests.greeter.ui.kiosk_rig import KioskRig, build_rig, sign_in, tap
from tests.rig.pcsc import IsolatedPcscd

pytestmark = [pytest.mark.ui, pytest.mark.pcsc, pytest.mark.slow]

ALICE = bytes.fromhex("04A1B2C3D4E5F6")
RAVI = bytes.fromhex("04AA0000000002")
OFFLINE_PIN_TEXT = (
    "This kiosk is offline: the login server cannot be reached. "
    "You can still unlock your own session with your PIN."
)


@pytest.fixture
def kiosk(pcscd, appliance_server, tmp_path, qtbot, qt_style):
    yield from build_rig(tmp_path, appliance_server, qtbot, pcsc=True)


def tap_to(kiosk: KioskRig, pcscd: IsolatedPcscd, uid: bytes, screen: str) -> None:
    card = tap(pcscd, uid)
    kiosk.wait_screen(screen)
    card.remove()


def type_pin(kiosk: KioskRig, pin: str) -> None:
    kiosk.screen.tap_keys(pin)
    kiosk.screen.tap("pinOk")


def alice_locked_then_appliance_stopped(
    kiosk: KioskRig, pcscd: IsolatedPcscd, appliance: LocalAppliance
) -> None:
    sign_in(kiosk, pcscd, ALICE, "1234", "R8000")
    kiosk.wait_session_for("alice")
    tap_to(kiosk, pcscd, ALICE, "locked")
    appliance.stop()


def session_lines(kiosk: KioskRig) -> list[dict]:
    return [
        {key: value for key, value in line.items() if key not in ("ts", "mono")}
        for line in kiosk.events("session")
    ]


STARTED_AND_LOCKED = [
    {"event": "session", "action": "started", "user": "alice"},
    {"event": "session", "action": "locked", "user": "alice"},
]


def test_the_owner_unlocks_with_card_and_pin_while_the_appliance_is_stopped(
    kiosk, pcscd, appliance_server, caplog
):
    caplog.set_level(logging.DEBUG)
    alice_locked_then_appliance_stopped(kiosk, pcscd, appliance_server)
    tap_to(kiosk, pcscd, ALICE, "pin")
    assert kiosk.screen.text("pinGreeting") == "Hello, Alice Adams"
    assert kiosk.screen.text("pinOffline") == OFFLINE_PIN_TEXT
    type_pin(kiosk, "1234")
    kiosk.wait_screen("session")
    assert not kiosk.greeter.window.view.isVisible()
    # her own session, unlocked: nothing new started
    assert kiosk.sessions_started() == ["alice"]
    assert session_lines(kiosk) == [
        *STARTED_AND_LOCKED,
        {"event": "session", "action": "unlocked", "user": "alice", "offline": True},
    ]
    # her PIN in no log (the verifier lives in the greeter's memory only)
    assert "1234" not in kiosk.event_log.read_text()
    assert "1234" not in caplog.text


def test_another_users_card_gets_nowhere_while_the_appliance_is_stopped(
    kiosk, pcscd, appliance_server
):
    alice_locked_then_appliance_stopped(kiosk, pcscd, appliance_server)
    tap_to(kiosk, pcscd, RAVI, "error")
    assert kiosk.screen.text("errorText") == (
        "This kiosk is offline. Until the login server is back, only the signed-in user can "
        "unlock it, with their card and PIN. Please use another kiosk."
    )
    kiosk.screen.tap("errorBack")
    kiosk.wait_screen("locked")
    assert kiosk.screen.text("lockedUser") == "Alice Adams is signed in."
    assert kiosk.sessions_started() == ["alice"]
    assert session_lines(kiosk) == STARTED_AND_LOCKED


def test_three_wrong_pins_offline_and_only_the_appliance_can_unlock(kiosk, pcscd, appliance_server):
    alice_locked_then_appliance_stopped(kiosk, pcscd, appliance_server)
    tap_to(kiosk, pcscd, ALICE, "pin")
    for left in (2, 1):
        type_pin(kiosk, "0000")
        kiosk.qtbot.waitUntil(lambda left=left: kiosk.greeter.bridge.view.attempts_left == left)
        kiosk.screen.settle()
        attempts = "attempt" if left == 1 else "attempts"
        assert kiosk.screen.text("bannerText") == (
            f"That PIN is not right. {left} {attempts} left: type it again."
        )
    type_pin(kiosk, "0000")
    kiosk.wait_screen("error")
    assert kiosk.screen.text("errorText") == (
        "Too many wrong PINs. This kiosk is offline, so your session can be unlocked once the "
        "login server is back: please try again later."
    )
    kiosk.screen.tap("errorBack")
    kiosk.wait_screen("locked")
    # her card no longer even asks for the PIN
    tap_to(kiosk, pcscd, ALICE, "error")
    assert kiosk.screen.text("errorText") == (
        "This kiosk is offline. Your session can be unlocked once the login server is back: "
        "please try again in a moment."
    )
    assert kiosk.sessions_started() == ["alice"]
    assert session_lines(kiosk) == STARTED_AND_LOCKED


def test_no_offline_unlock_once_the_grace_period_is_over(kiosk, pcscd, appliance_server):
    appliance_server.admin("policy", "set", "grace=3s")
    alice_locked_then_appliance_stopped(kiosk, pcscd, appliance_server)
    kiosk.qtbot.wait(3500)
    tap_to(kiosk, pcscd, ALICE, "error")
    assert kiosk.screen.text("errorText") == (
        "This kiosk is offline. Your session can be unlocked once the login server is back: "
        "please try again in a moment."
    )
    assert session_lines(kiosk) == STARTED_AND_LOCKED
