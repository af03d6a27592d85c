"""Every screen with a physical keyboard alone: Tab and the arrows move, Enter takes the main
action (or the button the keyboard is at), Escape cancels. Real QML offscreen, key events only:
not one tap or click in this file."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from greeter.flow.model import (
    Cancelled,
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

pytestmark = pytest.mark.ui

IDLE = View(kiosk_name="ward7-bay3", domains=("DEMO", "NHS"), entry_timeout=60)
PIN = replace(IDLE, screen="pin", user_display_name="Alice Adams")
ROLES = (Role("R8000", "Clinical Practitioner"), Role("R8001", "Admin"), Role("R8003", "Nurse"))
Key = Qt.Key


def tab(screen, times: int = 1) -> None:
    for _ in range(times):
        screen.press(Key.Key_Tab, "\t")


@pytest.mark.parametrize("screen_name", ["idle", "locked"])
def test_sign_in_with_password_is_reached_by_tab(make_screen, recorder, screen_name):
    view = replace(IDLE, screen=screen_name, can_password_login=True, locked_user="Alice Adams")
    _, screen = make_screen(view)
    # a stray Enter (a keyboard wedge's) does nothing until the button is chosen
    screen.press(Key.Key_Return)
    assert recorder.events == []
    tab(screen)
    assert screen.focused() == "passwordLoginButton"
    screen.press(Key.Key_Return)
    assert recorder.events == [PasswordLoginRequested()]


def test_pin_by_keyboard_and_escape_cancels(make_screen, recorder):
    _, screen = make_screen(PIN)
    screen.type_keys("1239")
    screen.press(Key.Key_Backspace)
    screen.type_keys("4")
    screen.press(Key.Key_Enter)
    assert recorder.events == [PinEntered("1234")]
    screen.press(Key.Key_Escape)
    assert recorder.events[-1] == Cancelled()


def test_pin_buttons_by_tab(make_screen, recorder):
    _, screen = make_screen(PIN)
    tab(screen)
    assert screen.focused() == "pinCancel"
    # OK cannot be reached while the PIN is too short; typed digits still go to the PIN
    screen.type_keys("2468")
    tab(screen)
    assert screen.focused() == "pinOk"
    screen.press(Key.Key_Space)
    assert recorder.events == [PinEntered("2468")]
    tab(screen)
    screen.press(Key.Key_Return)
    assert recorder.events[-1] == Cancelled()


def test_password_form_by_tab_and_arrows(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="password"))
    assert screen.focused() == "usernameField"
    screen.type_keys("bob")
    tab(screen)
    assert screen.focused() == "passwordField"
    screen.type_keys("pw")
    tab(screen)
    assert screen.focused() == "domainCombo"
    screen.press(Key.Key_Down)  # the next domain
    tab(screen)
    assert screen.focused() == "passwordCancel"
    tab(screen)
    assert screen.focused() == "passwordSubmit"
    screen.press(Key.Key_Return)
    assert recorder.events == [PasswordSubmitted("bob", "pw", "NHS")]
    # Shift+Tab goes back the same way
    screen.press(Key.Key_Backtab)
    assert screen.focused() == "passwordCancel"
    screen.press(Key.Key_Return)
    assert recorder.events[-1] == Cancelled()


def test_password_form_enter_goes_on_and_escape_cancels(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="enroll_card"))
    screen.type_keys("bob")
    screen.press(Key.Key_Return)
    screen.type_keys("secret")
    screen.press(Key.Key_Return)
    assert recorder.events == [CardEnrollmentSubmitted("bob", "secret", "DEMO")]
    screen.press(Key.Key_Escape)
    assert recorder.events[-1] == Cancelled()


def test_known_cards_password_by_keyboard(make_screen, recorder):
    view = replace(
        IDLE, screen="password", domains=("DEMO",), username_known=True, user_display_name="C"
    )
    _, screen = make_screen(view)
    assert screen.focused() == "passwordField"
    screen.type_keys("carols-pw")
    screen.press(Key.Key_Return)
    assert recorder.events == [PasswordSubmitted("", "carols-pw", "DEMO")]


def test_new_pin_by_keyboard(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="enroll_pin"))
    screen.type_keys("5791")
    screen.press(Key.Key_Return)
    screen.type_keys("5791")
    screen.press(Key.Key_Return)
    assert recorder.events == [NewPinSubmitted("5791", "5791")]
    tab(screen)
    assert screen.focused() == "enrollPinCancel"
    screen.press(Key.Key_Return)
    assert recorder.events[-1] == Cancelled()


def test_role_by_arrows_and_enter(make_screen, recorder):
    _, screen = make_screen(replace(IDLE, screen="role", roles=ROLES))
    assert screen.focused() == "role_R8000"
    screen.press(Key.Key_Down)
    screen.press(Key.Key_Down)
    assert screen.focused() == "role_R8003"
    screen.press(Key.Key_Up)
    screen.press(Key.Key_Return)
    assert recorder.events == [RoleChosen("R8001")]
    tab(screen, 2)
    assert screen.focused() == "roleCancel"
    screen.press(Key.Key_Escape)
    assert recorder.events[-1] == Cancelled()


def test_notice_by_enter(make_screen, recorder):
    notices = (Notice("vsc_expiring", 5, ""),)
    _, screen = make_screen(replace(IDLE, screen="notice", notices=notices))
    screen.press(Key.Key_Return)
    assert recorder.events == [NoticesAcknowledged()]


def test_error_enter_takes_the_main_button_escape_goes_back(make_screen, recorder):
    bridge, screen = make_screen(
        replace(IDLE, screen="error", error_key="unreachable", can_retry=True)
    )
    screen.press(Key.Key_Return)
    assert recorder.events == [RetryRequested()]
    tab(screen)
    assert screen.focused() == "errorBack"
    screen.press(Key.Key_Return)
    screen.press(Key.Key_Escape)
    assert recorder.events[1:] == [Cancelled(), Cancelled()]
    bridge.show(replace(IDLE, screen="error", error_key="locked"))
    screen.settle()
    screen.press(Key.Key_Return)
    assert recorder.events[-1] == Cancelled()
