"""The demo's stand-in desktop window: who is signed in (from the session's environment, as the
session runner sets it), its buttons and F1-F4, and a greeter that cannot be reached."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from greeter.cards.virtual import send_lock
from greeter.session.launcher import SessionUser, session_environment
from greeter.ui.stand_in import SignedIn, StandInDesktop, StandInWindow
from greeter.ui.window import find_item

pytestmark = pytest.mark.ui

RAVI = SessionUser("ravi", "DEMO", "Ravi Rao", "R1990", "s_1")


def item(window: StandInWindow, name: str) -> QQuickItem:
    found = find_item(window.view.contentItem(), name)
    assert found is not None, f"no {name} in the stand-in desktop"
    return found


def click(window: StandInWindow, name: str) -> None:
    target = item(window, name)
    centre = target.mapToScene(QPointF(target.width() / 2, target.height() / 2)).toPoint()
    QTest.mouseClick(window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), centre)


@pytest.fixture
def shown(qtbot, qt_style):
    made: list[StandInWindow] = []

    def make(desktop: StandInDesktop) -> StandInWindow:
        window = StandInWindow(desktop)
        made.append(window)
        window.present()
        qtbot.waitExposed(window.view)
        return window

    yield make
    for window in made:
        window.view.hide()


def test_it_shows_who_the_session_runner_signed_in(shown):
    user = SignedIn.from_environment(session_environment(RAVI, {}))
    calls: list[str] = []
    window = shown(
        StandInDesktop(
            user,
            lock=lambda: calls.append("lock"),
            log_out=lambda: calls.append("log out"),
            tap=lambda card: calls.append(card),
        )
    )
    assert window.view.title() == "tapkiosk demo desktop: Ravi Rao"
    assert item(window, "standInUser").property("text") == "Signed in: Ravi Rao"
    assert item(window, "standInDetails").property("text") == "ravi@DEMO · role R1990"
    click(window, "standInLock")
    QTest.keyClick(window.view, Qt.Key.Key_F1)
    click(window, "standInLogOut")
    assert calls == ["lock", "04A1B2C3D4E5F6", "log out"]


def test_a_greeter_that_cannot_be_reached_is_said_in_the_window(shown, qtbot):
    with tempfile.TemporaryDirectory(prefix="tk-") as directory:
        nowhere = Path(directory) / "taps.sock"
        user = SignedIn("ravi", "DEMO", "Ravi Rao", "")
        window = shown(
            StandInDesktop(
                user, lock=lambda: send_lock(nowhere), log_out=lambda: None, tap=lambda c: None
            )
        )
        assert item(window, "standInDetails").property("text") == "ravi@DEMO · no Spine role"
        click(window, "standInLock")
        qtbot.waitUntil(lambda: item(window, "standInStatus").isVisible(), timeout=2000)
        status = item(window, "standInStatus").property("text")
        assert status.startswith("unable to reach the greeter: nothing listens at")
