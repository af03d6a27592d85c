"""What each screen says: a countdown on every screen that waits, a known card's password
screen that names its user, errors that say what to do next and end with the site's help line,
and a lockout that says until when. Real QML offscreen."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import QDate, QLocale

from greeter.flow.model import ERROR_KEYS, Notice, Role, View

pytestmark = pytest.mark.ui

IDLE = View(kiosk_name="ward7-bay3", domains=("DEMO",), help_line="Call IT on 4444")
TIMED = {
    "pinCountdown": replace(IDLE, screen="pin", user_display_name="Alice Adams"),
    "pinCountdown offline": replace(IDLE, screen="pin", offline=True, attempts_left=3),
    "passwordCountdown": replace(IDLE, screen="password"),
    "passwordCountdown enrol": replace(IDLE, screen="enroll_card"),
    "passwordCountdown card": replace(IDLE, screen="password", username_known=True),
    "enrollPinCountdown": replace(IDLE, screen="enroll_pin"),
    "roleCountdown": replace(IDLE, screen="role", roles=(Role("R8000", "Clinical"),)),
    "noticeCountdown": replace(IDLE, screen="notice", notices=(Notice("vsc_expired", None, ""),)),
}


@pytest.mark.parametrize("name", TIMED)
def test_every_timed_screen_shows_its_countdown(make_screen, name):
    bridge, screen = make_screen(replace(TIMED[name], entry_timeout=45, entry_round=1))
    countdown = name.split()[0]
    assert screen.has(countdown)
    if countdown == "noticeCountdown":
        # the notice goes on into the session by itself, and says so
        assert screen.text("countdownText") == "Going on by itself in 45 seconds"
    else:
        assert screen.text("countdownText") == "45 seconds left"
    screen.qtbot.waitUntil(lambda: "44 seconds" in screen.text("countdownText"), timeout=2500)
    # the flow armed its timer again (a wrong PIN, a refused one): the count starts again
    bridge.show(replace(TIMED[name], entry_timeout=45, entry_round=2))
    screen.settle()
    assert "45" in screen.text("countdownText")


def test_a_known_cards_password_screen_names_the_user_and_asks_no_username(make_screen):
    _, screen = make_screen(
        replace(IDLE, screen="password", username_known=True, user_display_name="Carol Clark")
    )
    assert screen.text("passwordTitle") == "Hello, Carol Clark"
    assert screen.text("passwordHint") == "Your card needs your password this time."
    assert not screen.has("usernameField")
    assert screen.has("passwordField")


def test_a_password_first_login_asks_the_username(make_screen):
    _, screen = make_screen(replace(IDLE, screen="password"))
    assert screen.text("passwordTitle") == "Sign in with your username"
    assert screen.has("usernameField")


@pytest.mark.parametrize("key", [key for key in ERROR_KEYS if key])
def test_every_error_says_what_to_do_next_and_ends_with_the_help_line(make_screen, key):
    _, screen = make_screen(replace(IDLE, screen="error", error_key=key))
    sentence = screen.text("errorText")
    # what happened, then what to do: two sentences at least, the last one an instruction
    assert sentence.count(". ") + sentence.count(": ") >= 1, sentence
    assert screen.text("errorHelp") == "Call IT on 4444"


def test_without_a_help_line_errors_still_say_where_help_is(make_screen):
    _, screen = make_screen(replace(IDLE, screen="error", error_key="timeout", help_line=""))
    assert screen.text("errorHelp") == "If you need help, call IT."


def test_banners_end_with_the_help_line_too(make_screen):
    _, screen = make_screen(replace(IDLE, screen="pin", error_key="bad_pin", attempts_left=2))
    assert screen.text("bannerText") == "That PIN is not right. 2 attempts left: type it again."
    assert screen.text("bannerDetail") == "Call IT on 4444"


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("card_revoked", "This card has been revoked. Please use another card"),
        ("card_pending", "waits for IT to approve it"),
        ("card_taken", "already registered to someone else"),
        ("user_disabled", "Your account is disabled"),
        ("factor_not_allowed", "may not sign in this way"),
        ("enrollment_not_allowed", "Cards cannot be registered for your account"),
        ("something_new", "You cannot sign in at this kiosk."),
    ],
)
def test_the_appliances_reasons_are_worded_by_the_kiosk(make_screen, reason, words):
    _, screen = make_screen(replace(IDLE, screen="error", error_key="denied", error_reason=reason))
    text = screen.text("errorText")
    assert words in text
    assert text.count(". ") >= 1, text  # and what to do next


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("repeated", "one digit over and over, which is easy to guess. Choose another PIN."),
        ("sequential", "a run of digits, like 1234 or 4321, which is easy to guess. Choose"),
        ("common", "one of the most common PINs, which is easy to guess. Choose another PIN."),
        ("too_short", "That PIN is too short: use at least 4 digits."),
        ("too_long", "That PIN is too long: use at most 8 digits."),
        ("digits_only", "Use digits only in your PIN."),
        ("", "That PIN does not follow the rules. Choose another PIN."),
    ],
)
def test_a_refused_pin_says_which_rule_it_broke(make_screen, rule, words):
    view = replace(IDLE, screen="enroll_pin", error_key="pin_rules", error_reason=rule)
    _, screen = make_screen(view)
    assert words in screen.text("bannerText")


def test_the_pin_rules_are_up_front(make_screen):
    _, screen = make_screen(replace(IDLE, screen="enroll_pin", pin_min=4, pin_max=6))
    rules = screen.text("enrollPinRules")
    assert rules.startswith("Your PIN must be 4 to 6 digits long. Not one digit over and over")
    assert "not a run (1234, 4321)" in rules
    assert "not one of the most common PINs" in rules


def test_the_lockout_says_until_when_and_what_else_to_do(make_screen):
    until = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=15)
    local = until.astimezone()
    _, screen = make_screen(
        replace(IDLE, screen="error", error_key="locked", locked_until=until.isoformat())
    )
    text = screen.text("errorText")
    # today: the time of day alone, in the kiosk's own time zone
    assert f"locked until {local:%H:%M}." in text or f"locked until {local:%-H:%M}." in text
    assert text.endswith("Try again then, or ask IT to unlock it sooner.")
    assert screen.text("errorHelp") == "Call IT on 4444"


def test_a_lockout_into_another_day_gives_the_date(make_screen):
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    _, screen = make_screen(
        replace(IDLE, screen="error", error_key="locked", locked_until=until.isoformat())
    )
    text = screen.text("errorText")
    day = until.astimezone().date()
    shown = QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)
    assert f" on {shown}." in text, text
