"""The QML words offline login: the PIN screen of a recent user on an idle kiosk (not the
owner's unlock sentence), and the two refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from greeter.flow.model import View

pytestmark = pytest.mark.ui

IDLE = View(kiosk_name="ward7-bay3", help_line="Call IT on 4444")
OFFLINE_PIN = replace(IDLE, screen="pin", offline=True, user_display_name="Alice Adams")


def test_a_recent_user_is_told_their_pin_is_checked_here(make_screen):
    _, screen = make_screen(OFFLINE_PIN)
    assert screen.text("pinOffline") == (
        "This kiosk is offline: the login server cannot be reached. "
        "You signed in here recently, so you can still sign in with your PIN."
    )


def test_over_a_locked_session_the_owner_still_reads_the_unlock_sentence(make_screen):
    _, screen = make_screen(replace(OFFLINE_PIN, locked_user="Alice Adams"))
    assert screen.text("pinOffline").endswith(
        "You can still unlock your own session with your PIN."
    )


def test_everyone_else_reads_that_only_recent_users_can_sign_in(make_screen):
    bridge, screen = make_screen(replace(IDLE, screen="error", error_key="offline_recent_only"))
    assert screen.text("errorText").startswith(
        "This kiosk is offline: the login server cannot be reached. Only people who signed in "
        "here recently with their card and PIN can sign in."
    )
    bridge.show(replace(IDLE, screen="error", error_key="offline_login_locked"))
    screen.settle()
    assert screen.text("errorText").startswith("Too many wrong PINs. This kiosk is offline,")
