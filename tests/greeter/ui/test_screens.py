"""The screens as a clinician meets them: real QML, offscreen, touched like a touch screen."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from greeter.flow.model import (
    ERROR_KEYS,
    CardEnrollmentSubmitted,
    NewPinSubmitted,
    Notice,
    NoticesAcknowledged,
    PasswordLoginRequested,
    PasswordSubmitted,
    PinEntered,
    RetryRequested,
    Role,
    RoleChosen,
    View,
)
from tests.greeter.ui.conftest import all_items

pytestmark = pytest.mark.ui

IDLE = View(kiosk_name="ward7-bay3", domains=("DEMO", "NHS"))
PIN = replace(IDLE, screen="pin", user_display_name="Alice Adams", entry_timeout=60)


def test_idle_asks_for_a_tap_and_names_the_kiosk(make_screen):
    _, screen = make_screen(IDLE)
    assert screen.showing() == "idle"
    assert screen.text("idleHeadline") == "Tap your card"
    assert screen.text("kioskName") == "ward7-bay3"
    assert screen.text("readerHealth") == "Card reader ready"
    assert screen.text("clock") != ""
    # the password path is hidden unless the appliance allows it
    assert not screen.has("passwordLoginButton")


def test_idle_offers_password_login_when_allowed(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, can_password_login=True))
    screen.tap("passwordLoginButton")
    assert recorder.events == [PasswordLoginRequested()]


def test_idle_says_plainly_when_no_reader_works(make_screen):
    _, screen = make_screen(
        replace(IDLE, readers_ok=False, reader_problem="missing", help_line="Call IT on 4444")
    )
    assert screen.text("readerHealth") == "Card reader not working"
    assert screen.text("idleHint") == (
        "No card reader is working. Check that the reader is plugged in.\nCall IT on 4444"
    )


def test_pin_from_the_touch_keypad(make_screen, recorder):
    _, screen = make_screen(PIN)
    assert screen.showing() == "pin"
    assert screen.text("pinGreeting") == "Hello, Alice Adams"
    assert not screen.item("pinOk").property("enabledState")
    screen.tap_keys("1239")
    screen.tap("key_back")
    screen.tap_keys("4")
    assert screen.item("pinDots").property("count") == 4
    screen.tap("pinOk")
    assert recorder.events == [PinEntered("1234")]
    # the digits left the screen with the event
    assert screen.item("pinDots").property("count") == 0


def test_each_pin_screen_is_fresh_whatever_the_last_one_was_left_with(make_screen, qtbot):
    # screens are built ahead of use: nothing typed, and no time counted, before it shows
    bridge, screen = make_screen(PIN)
    screen.type_keys("987")
    assert screen.item("pinDots").property("count") == 3
    bridge.show(IDLE)  # walked away, or cancelled
    qtbot.wait(1500)  # the next PIN screen's spare is built and waits
    bridge.show(replace(PIN, user_display_name="Bob Brown"))
    screen.settle()
    assert screen.showing() == "pin"
    assert screen.text("pinGreeting") == "Hello, Bob Brown"
    assert screen.item("pinDots").property("count") == 0
    assert screen.text("countdownText") == "60 seconds left"
    screen.type_keys("4")  # the keyboard reaches the new screen
    assert screen.item("pinDots").property("count") == 1


def test_pin_from_a_physical_keyboard(make_screen, recorder):
    _, screen = make_screen(PIN)
    screen.type_keys("98x76")
    screen.press(Qt.Key.Key_Return)
    assert recorder.events == [PinEntered("9876")]


def test_pin_stops_at_the_longest_allowed(make_screen, recorder):
    _, screen = make_screen(replace(PIN, pin_max=6))
    screen.type_keys("123456789")
    screen.press(Qt.Key.Key_Enter)
    assert recorder.events == [PinEntered("123456")]


def test_wrong_pin_says_how_many_attempts_are_left(make_screen):
    bridge, screen = make_screen(PIN)
    assert not screen.has("pinError")
    bridge.show(replace(PIN, error_key="bad_pin", attempts_left=2))
    screen.settle()
    assert screen.text("bannerText") == "That PIN is not right. 2 attempts left: type it again."
    bridge.show(replace(PIN, error_key="bad_pin", attempts_left=1))
    screen.settle()
    assert screen.text("bannerText") == "That PIN is not right. 1 attempt left: type it again."


def test_pin_countdown_shows_the_entry_timeout(make_screen):
    _, screen = make_screen(PIN)
    assert screen.text("countdownText") == "60 seconds left"


def test_password_form_typed_on_the_on_screen_keyboard(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="password"))
    assert screen.showing() == "password"
    screen.type_on_screen("bob")
    screen.tap("osk_enter")  # next field
    screen.type_on_screen("pw 42")
    assert screen.item("passwordField").property("text") == "pw 42"
    screen.tap("passwordSubmit")
    assert recorder.events == [PasswordSubmitted("bob", "pw 42", "DEMO")]
    # the password is wiped once used; the username stays for a retry
    assert screen.item("passwordField").property("text") == ""
    assert screen.item("usernameField").property("text") == "bob"


def test_domain_choice_goes_with_the_form(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="enroll_card"))
    assert screen.text("passwordTitle") == "Register this card"
    screen.item("domainCombo").setProperty("currentIndex", 1)
    screen.type_keys("bob")
    screen.press(Qt.Key.Key_Return)
    screen.type_keys("secret")
    screen.press(Qt.Key.Key_Return)
    assert recorder.events == [CardEnrollmentSubmitted("bob", "secret", "NHS")]


def test_one_domain_needs_no_choice(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="password", domains=("DEMO",)))
    assert not screen.has("domainPicker")
    screen.type_keys("bob")
    screen.press(Qt.Key.Key_Return)
    screen.type_keys("pw")
    screen.press(Qt.Key.Key_Return)
    assert recorder.events == [PasswordSubmitted("bob", "pw", "DEMO")]


def test_new_pin_rules_up_front_then_pin_twice(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="enroll_pin", pin_min=4, pin_max=8))
    assert screen.text("enrollPinRules").startswith("Your PIN must be 4 to 8 digits long.")
    screen.tap_keys("2468")
    screen.tap("enrollPinOk")  # next
    screen.tap_keys("2469")
    screen.tap("enrollPinOk")  # save
    assert recorder.events == [NewPinSubmitted("2468", "2469")]


def test_role_buttons_choose_a_role(make_screen, recorder):
    roles = (Role("R8000", "Clinical Practitioner"), Role("R8001", "Admin"))
    _, screen = make_screen(replace(IDLE, screen="role", roles=roles))
    assert screen.text("role_R8001") == "Admin  (R8001)"
    screen.tap("role_R8001")
    assert recorder.events == [RoleChosen("R8001")]


def test_vsc_notice_in_plain_words(make_screen, recorder):
    notices = (Notice("vsc_expiring", 5, "Your virtual smartcard expires in 5 days."),)
    _, screen = make_screen(
        replace(IDLE, screen="notice", user_display_name="Carol Chen", notices=notices)
    )
    assert screen.text("bannerText") == (
        "Your virtual smartcard expires in 5 days."
        " Renew it in the Care Identity Service (CIS) before then."
    )
    screen.tap("noticeContinue")
    assert recorder.events == [NoticesAcknowledged()]


def test_error_with_retry(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="error", error_key="unreachable", can_retry=True))
    assert screen.text("errorText").startswith("Unable to reach the login server.")
    screen.tap("errorRetry")
    assert recorder.events == [RetryRequested()]


def test_error_without_retry_words_the_appliances_reason(make_screen):
    _, screen = make_screen(
        replace(IDLE, screen="error", error_key="denied", error_reason="user_disabled")
    )
    assert not screen.has("errorRetry")
    assert screen.text("errorText") == (
        "Your account is disabled, so you cannot sign in. Please ask IT about it."
    )


def test_locked_until_is_a_time_of_day(make_screen):
    _, screen = make_screen(
        replace(IDLE, screen="error", error_key="locked", locked_until="2026-11-23T20:31:00Z")
    )
    text = screen.text("errorText")
    assert text.startswith("Too many wrong attempts: your sign-in is locked until ")
    assert "2026-11-23" not in text


def test_every_error_key_has_its_own_sentence(make_screen):
    bridge, screen = make_screen(replace(IDLE, screen="error", error_key="timeout"))
    sentences: dict[str, str] = {}
    for key in ERROR_KEYS:
        if key:
            bridge.show(replace(IDLE, screen="error", error_key=key))
            screen.settle()
            sentences[key] = screen.text("errorText")
    assert "Something went wrong. Please try again." not in sentences.values()
    assert len(set(sentences.values())) == len(sentences)


def test_locked_screen_names_who_is_signed_in(make_screen):
    _, screen = make_screen(replace(IDLE, screen="locked", locked_user="Alice Adams"))
    assert screen.text("lockedTitle") == "This kiosk is locked"
    assert screen.text("lockedUser") == "Alice Adams is signed in."


def test_locked_screen_offers_the_password_where_allowed(make_screen, recorder):
    locked = replace(IDLE, screen="locked", locked_user="Alice Adams")
    bridge, screen = make_screen(locked)
    assert not screen.has("passwordLoginButton")
    bridge.show(replace(locked, can_password_login=True))
    screen.settle()
    assert screen.text("passwordLoginButton") == "Sign in with password"
    screen.tap("passwordLoginButton")
    assert recorder.events == [PasswordLoginRequested()]


def test_offline_pin_says_the_kiosk_is_offline(make_screen, recorder):
    bridge, screen = make_screen(PIN)
    assert not screen.has("pinOffline")
    bridge.show(replace(PIN, offline=True, attempts_left=3))
    screen.settle()
    assert screen.text("pinOffline").startswith("This kiosk is offline: ")
    screen.tap_keys("1234")
    screen.tap("pinOk")
    assert recorder.events == [PinEntered("1234")]


def test_busy_covers_the_screen_with_a_spinner(make_screen, recorder):
    bridge, screen = make_screen(PIN)
    bridge.show(replace(PIN, busy=True))
    screen.settle()
    assert screen.has("busyOverlay")
    screen.tap_keys("1")  # swallowed by the overlay
    assert screen.item("pinDots").property("count") == 0


def test_the_window_steps_aside_for_the_session_and_returns_when_locked(make_screen, qtbot):
    bridge, screen = make_screen(IDLE)
    assert screen.window.view.isVisible()
    bridge.show(replace(IDLE, screen="session"))
    assert not screen.window.view.isVisible()
    bridge.show(replace(IDLE, screen="locked", locked_user="Alice Adams"))
    qtbot.waitExposed(screen.window.view)
    assert screen.showing() == "locked"


def test_every_control_has_an_accessible_name_and_fingers_fit(make_screen):
    views = [
        replace(IDLE, can_password_login=True),
        PIN,
        replace(IDLE, screen="password"),
        replace(IDLE, screen="enroll_pin"),
        replace(IDLE, screen="role", roles=(Role("R8000", "Clinical Practitioner"),)),
        replace(IDLE, screen="notice", notices=(Notice("vsc_expiring", 5, ""),)),
        replace(IDLE, screen="error", error_key="timeout", can_retry=True),
    ]
    bridge, screen = make_screen(IDLE)
    for view in views:
        bridge.show(view)
        screen.settle()
        root = screen.window.find("screenHost").property("item")
        controls = [
            item
            for item in all_items(root)
            if item.objectName().startswith(("key_", "osk_", "role_"))
            or item.objectName().endswith(
                ("Button", "Ok", "Cancel", "Submit", "Retry", "Back", "Continue")
            )
        ]
        assert controls, view.screen
        for item in controls:
            if not item.isVisible():
                continue
            assert item.height() >= 64, (view.screen, item.objectName(), item.height())
            name = item.property("Accessible.name")
            assert name is None or name != ""
