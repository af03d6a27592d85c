"""Every login flow end to end, as a clinician lives it: a vpcd card on an isolated pcscd, the
greeter's real PC/SC source, the real appliance over HTTPS, the QML screens, the session start.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from appliance.vscgen import test_certificate
from tests.appliance.admin_client import AdminClient
from tests.greeter.ui.kiosk_rig import (
    KioskRig,
    build_rig,
    carol_first_sign_in,
    kiosk_via_relay,
    relay,
    tap,
)
from tests.rig.pcsc import IsolatedPcscd
from tests.rig.vpcd import CONTACT_ATR

__all__ = ["kiosk_via_relay", "relay"]

pytestmark = [pytest.mark.ui, pytest.mark.pcsc, pytest.mark.slow]

ALICE = bytes.fromhex("04A1B2C3D4E5F6")
UNKNOWN = bytes.fromhex("04B0B0B0B0B0B0")
CAROL = bytes.fromhex("04C0FFEE000001")


@pytest.fixture
def kiosk(pcscd, appliance_server, tmp_path, qtbot, qt_style):
    yield from build_rig(tmp_path, appliance_server, qtbot, pcsc=True)


def sign_in_alice(kiosk: KioskRig, pcscd: IsolatedPcscd) -> None:
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("pin")
    card.remove()
    assert kiosk.screen.text("pinGreeting") == "Hello, Alice Adams"
    kiosk.screen.tap_keys("1234")
    kiosk.screen.tap("pinOk")
    # alice works in two roles and has not chosen one
    kiosk.wait_screen("role")
    kiosk.screen.tap("role_R8000")
    kiosk.wait_screen("session")
    kiosk.wait_session_for("alice")


def test_card_and_pin_starts_the_session(kiosk, pcscd):
    assert kiosk.screen.text("readerHealth") == "Card reader ready"
    sign_in_alice(kiosk, pcscd)
    assert kiosk.sessions_started() == ["alice"]
    assert not kiosk.greeter.window.view.isVisible()
    screens = [line["screen"] for line in kiosk.events("screen")]
    assert screens[-4:] == ["idle", "pin", "role", "session"]
    started = kiosk.events("session")
    assert started[-1]["action"] == "started"
    assert started[-1]["user"] == "alice"
    # never a raw card id or the PIN in the event log
    text = kiosk.event_log.read_text()
    assert ALICE.hex().upper() not in text
    assert "1234" not in text


def test_tap_and_go_inside_the_grace_period(kiosk, pcscd):
    sign_in_alice(kiosk, pcscd)
    # her next tap locks the kiosk over her running session
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("locked")
    card.remove()
    assert kiosk.screen.text("lockedUser") == "Alice Adams is signed in."
    seen = len(kiosk.events("screen"))
    # and the tap after that is straight back in: no PIN inside the grace period
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("session")
    card.remove()
    assert "pin" not in [line["screen"] for line in kiosk.events("screen")[seen:]]
    assert [line["action"] for line in kiosk.events("session")] == [
        "started",
        "locked",
        "unlocked",
    ]
    assert kiosk.sessions_started() == ["alice"]


def test_unknown_card_is_enrolled_at_the_kiosk(kiosk, pcscd):
    card = tap(pcscd, UNKNOWN)
    kiosk.wait_screen("enroll_card")
    card.remove()
    screen = kiosk.screen
    assert screen.text("passwordTitle") == "Register this card"
    # a kiosk without a keyboard: everything typed on the screen
    screen.type_on_screen("bob")
    screen.tap("osk_enter")
    screen.type_on_screen("bob-demo-pass")
    screen.tap("passwordSubmit")
    kiosk.wait_screen("enroll_pin")
    assert screen.text("enrollPinRules").startswith("Your PIN must be ")
    # a PIN anyone would guess: the appliance refuses it and the screen says why
    for _ in range(2):
        screen.tap_keys("1111")
        screen.tap("enrollPinOk")
    kiosk.qtbot.waitUntil(lambda: kiosk.greeter.bridge.view.error_reason == "repeated")
    screen.settle()
    assert screen.text("bannerText") == (
        "That PIN is one digit over and over, which is easy to guess. Choose another PIN."
    )
    screen.tap_keys("5791")
    screen.tap("enrollPinOk")
    screen.tap_keys("5792")
    screen.tap("enrollPinOk")
    kiosk.qtbot.waitUntil(lambda: kiosk.greeter.bridge.view.error_key == "pin_mismatch")
    screen.settle()
    assert screen.text("bannerText") == (
        "The two PINs are not the same. Type your new PIN again, twice."
    )
    for _ in range(2):
        screen.tap_keys("5791")
        screen.tap("enrollPinOk")
    kiosk.wait_screen("session")
    kiosk.wait_session_for("bob")
    # the card is bob's now: his next tap (after the session) asks for the PIN he chose
    assert kiosk.events("session")[-1] == {**kiosk.events("session")[-1], "user": "bob"}


def test_carol_sets_her_pin_and_is_warned_her_smartcard_expires(kiosk, pcscd):
    card = tap(pcscd, CAROL)
    # her card is registered but she has no PIN yet: her password first, once
    kiosk.wait_screen("password")
    card.remove()
    assert kiosk.screen.text("passwordTitle") == "Hello, Carol Clark"
    # her card said who she is: only her password is asked
    assert not kiosk.screen.has("usernameField")
    kiosk.screen.type_keys("carol-demo-pass")
    kiosk.screen.press(Qt.Key.Key_Return)
    kiosk.wait_screen("enroll_pin")
    kiosk.screen.tap_keys("1357")
    kiosk.screen.tap("enrollPinOk")
    kiosk.screen.tap_keys("1357")
    kiosk.screen.tap("enrollPinOk")
    kiosk.wait_screen("notice")
    assert kiosk.screen.text("noticeTitle") == "Please note, Carol Clark"
    assert kiosk.screen.text("bannerText") == (
        "Your virtual smartcard expires in 5 days."
        " Renew it in the Care Identity Service (CIS) before then."
    )
    assert kiosk.sessions_started() == []
    kiosk.screen.tap("noticeContinue")
    kiosk.wait_screen("session")
    kiosk.wait_session_for("carol")


def test_a_renewed_vsc_is_announced_with_its_new_end(kiosk, pcscd, appliance_server):
    # CIS self-service renewal reaches the appliance through the admin API
    renewed = test_certificate("555000000003", dt.datetime.now(dt.UTC) + dt.timedelta(days=400))
    AdminClient(appliance_server).ok(
        "POST",
        "/vscs/VSC-DEMO-0003/renew",
        {"certificate": renewed.cert_pem.decode(), "private_key": renewed.key_pem.decode()},
    )
    until = f"{renewed.certificate.not_valid_after_utc:%Y-%m-%d}"
    carol_first_sign_in(kiosk, pcscd)
    # no warning any more: the renewal, once, with the date it now runs to
    assert kiosk.screen.text("bannerText") == (
        f"Your virtual smartcard was renewed: it is valid until {until}."
    )


def test_wrong_pins_count_down_then_lock_the_user_out(kiosk, pcscd, appliance_server):
    appliance_server.admin("policy", "set", "max_attempts=3")
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("pin")
    card.remove()
    screen = kiosk.screen
    for left in (2, 1):
        screen.tap_keys("0000")
        screen.tap("pinOk")
        kiosk.qtbot.waitUntil(lambda left=left: kiosk.greeter.bridge.view.attempts_left == left)
        screen.settle()
        attempts = "attempt" if left == 1 else "attempts"
        assert screen.text("bannerText") == (
            f"That PIN is not right. {left} {attempts} left: type it again."
        )
        assert screen.text("bannerDetail") == "Call IT on 4444"
    screen.tap_keys("0000")
    screen.tap("pinOk")
    kiosk.wait_screen("error")
    # until when, and what else she can do
    text = screen.text("errorText")
    assert text.startswith("Too many wrong attempts: your sign-in is locked until ")
    assert text.endswith(". Try again then, or ask IT to unlock it sooner.")
    assert screen.text("errorHelp") == "Call IT on 4444"
    assert not screen.has("errorRetry")
    # even the right PIN does not get her in now
    card = tap(pcscd, ALICE)
    kiosk.qtbot.waitUntil(lambda: kiosk.greeter.bridge.view.error_key == "locked", timeout=10000)
    card.remove()
    assert kiosk.sessions_started() == []


def test_self_enrolment_switched_off_says_so(kiosk, pcscd, appliance_server):
    appliance_server.admin("policy", "set", "self_enrollment=off")
    card = tap(pcscd, UNKNOWN)
    kiosk.wait_screen("error")
    card.remove()
    assert kiosk.screen.text("errorText").startswith("This card is not registered, and cards")
    # the message stays until it is read and dismissed
    kiosk.qtbot.wait(1500)
    assert kiosk.showing() == "error"
    kiosk.screen.tap("errorBack")
    kiosk.wait_screen("idle")


def test_a_contact_card_pulled_during_the_pin_goes_back_to_idle(kiosk, pcscd):
    card = pcscd.card(pcscd.readers[1], uid=ALICE, atr=CONTACT_ATR)
    card.insert()
    kiosk.wait_screen("pin")
    kiosk.screen.tap_keys("12")
    card.remove()
    kiosk.wait_screen("idle")
    assert kiosk.sessions_started() == []


def test_appliance_down_shows_an_error_and_retry_works_once_it_is_back(
    kiosk_via_relay,
    pcscd,
    relay,
):
    kiosk = kiosk_via_relay
    relay.down()
    card = tap(pcscd, ALICE)
    kiosk.wait_screen("error")
    card.remove()
    assert kiosk.screen.text("errorText").startswith("Unable to reach the login server.")
    relay.up()
    kiosk.screen.tap("errorRetry")
    kiosk.wait_screen("pin")
    assert kiosk.screen.text("pinGreeting") == "Hello, Alice Adams"
