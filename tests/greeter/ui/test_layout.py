"""An error appearing must not move anything or cover anything: Cancel and the main action keep
their place and stay uncovered, and a tap aimed at a key lands on that key. Geometry before and
after the banner, compared; then real taps at the places measured before."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QLocale, QRectF

from greeter.flow.model import Cancelled, PasswordSubmitted, View
from greeter.ui.i18n import Translations
from tests.greeter.ui.conftest import Screen

pytestmark = pytest.mark.ui

IDLE = View(
    kiosk_name="ward7-bay3", domains=("DEMO", "NHS"), entry_timeout=60, help_line="Call IT on 4444"
)
KEYPAD = [f"key_{key}" for key in "1234567890"] + ["key_clear", "key_back"]
KEYBOARD = [f"osk_{key}" for key in "1qaz0p"] + ["osk_space", "osk_enter", "osk_backspace"]

PIN = replace(IDLE, screen="pin", user_display_name="Alice Adams")
ENROLL_PIN = replace(IDLE, screen="enroll_pin", user_display_name="Bob Brown")
PASSWORD = replace(IDLE, screen="password")
ENROLL_CARD = replace(IDLE, screen="enroll_card")
KNOWN_CARD = replace(PASSWORD, username_known=True, user_display_name="Carol Clark")
PASSWORD_FORM = ["passwordField", "domainPicker", *KEYBOARD]

# each screen with an error slot: the screen, the same with its longest error, its Cancel, its
# main action, and what else is tapped there
SCREENS = {
    "pin": (
        PIN,
        replace(PIN, error_key="offline_pin_limit"),
        "pinCancel",
        "pinOk",
        KEYPAD,
    ),
    "enroll_pin": (
        ENROLL_PIN,
        replace(ENROLL_PIN, error_key="pin_rules", error_reason="sequential"),
        "enrollPinCancel",
        "enrollPinOk",
        [*KEYPAD, "newPinSlot", "confirmPinSlot"],
    ),
    "password": (
        PASSWORD,
        replace(PASSWORD, error_key="bad_password", attempts_left=4),
        "passwordCancel",
        "passwordSubmit",
        ["usernameField", *PASSWORD_FORM],
    ),
    "enroll_card": (
        ENROLL_CARD,
        replace(ENROLL_CARD, error_key="locked", locked_until="2026-11-23T20:31:00Z"),
        "passwordCancel",
        "passwordSubmit",
        ["usernameField", *PASSWORD_FORM],
    ),
    "known card": (
        KNOWN_CARD,
        replace(KNOWN_CARD, error_key="bad_password", attempts_left=1),
        "passwordCancel",
        "passwordSubmit",
        PASSWORD_FORM,
    ),
}


def rects(screen: Screen, names: list[str]) -> dict[str, QRectF]:
    return {name: screen.rect(name) for name in names}


def covered(screen: Screen, name: str, by: list[str]) -> list[str]:
    """Those of `by` that overlap `name` on the window."""
    target = screen.rect(name)
    return [other for other in by if screen.has(other) and screen.rect(other).intersects(target)]


@pytest.mark.parametrize("name", SCREENS)
def test_an_error_moves_nothing_and_covers_nothing(make_screen, name):
    view, with_error, cancel, main, others = SCREENS[name]
    bridge, screen = make_screen(view)
    banner = {"pin": "pinError", "enroll_pin": "enrollPinError"}.get(name, "passwordError")
    assert not screen.has(banner)
    watched = [cancel, main, *others]
    before = rects(screen, watched)
    bridge.show(with_error)
    screen.settle()
    assert screen.has(banner)
    assert screen.text("bannerText")
    assert screen.text("bannerDetail") == "Call IT on 4444"
    assert rects(screen, watched) == before
    window = QRectF(0, 0, screen.window.view.width(), screen.window.view.height())
    for button in (cancel, main):
        assert window.contains(screen.rect(button)), button
        assert covered(screen, button, [banner, "onScreenKeyboard", *others]) == [], button
    assert covered(screen, banner, watched) == []


def test_taps_aimed_before_an_error_land_where_they_were_aimed(make_screen, recorder):
    view = replace(IDLE, screen="password")
    bridge, screen = make_screen(view)
    screen.type_on_screen("bob")
    screen.tap("osk_enter")
    screen.type_on_screen("pw")
    screen.tap("passwordSubmit")
    assert recorder.events == [PasswordSubmitted("bob", "pw", "DEMO")]
    aimed = rects(screen, ["osk_q", "passwordCancel"])
    # the answer comes while the user is reaching for the keys
    bridge.show(replace(view, error_key="bad_password"))
    screen.settle()
    assert rects(screen, ["osk_q", "passwordCancel"]) == aimed
    screen.tap("osk_q")
    assert screen.item("passwordField").property("text") == "q"
    screen.tap("passwordCancel")
    assert recorder.events[-1] == Cancelled()
    assert screen.item("passwordField").property("text") == "q"  # Cancel typed nothing


@pytest.mark.parametrize("locale", ["en_GB", "sv_SE"])
def test_the_longest_errors_fit_their_slot(make_screen, qapp, locale):
    translations = Translations(qapp, QLocale(locale))
    try:
        bridge, screen = make_screen(PIN, ui_language=translations.ui_language)
        for error in [
            replace(PIN, error_key="offline_pin_limit"),
            replace(PIN, error_key="offline_owner_only"),
            replace(PIN, error_key="locked", locked_until="2026-11-23T20:31:00Z"),
            replace(PIN, error_key="card_not_registered"),
            replace(PIN, error_key="pin_rules", error_reason="sequential"),
            replace(PIN, error_key="denied", error_reason="card_revoked"),
        ]:
            bridge.show(error)
            screen.settle()
            text = screen.item("bannerText")
            assert text.property("contentHeight") <= text.height() + 1, error
            assert text.property("contentWidth") <= text.width() + 1, error
    finally:
        translations.remove()
