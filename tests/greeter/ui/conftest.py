"""Real QML under pytest-qt offscreen: helpers to find what a user sees and to touch it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QLocale, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from greeter.flow.model import UiEvent, View
from greeter.ui.bridge import GreeterBridge
from greeter.ui.i18n import Translations
from greeter.ui.refcount_guard import RefcountGuard
from greeter.ui.window import GreeterWindow, set_up_style
from tests.rig.appliance import appliance_server
from tests.rig.pcsc import pcscd, pcscd_socket_dir

# the shared rig's fixtures, for the end-to-end flows
__all__ = ["appliance_server", "pcscd", "pcscd_socket_dir"]


@pytest.fixture(scope="session")
def qt_style(qapp) -> Iterator[None]:
    # the Basic style must be chosen before any QML engine exists; English plural forms
    set_up_style()
    translations = Translations(qapp, QLocale("en_GB"))
    # PySide6 6.12.0 on Python 3.11 leaks references to None; a long test run would abort
    guard = RefcountGuard.install_if_needed()
    yield
    translations.remove()
    if guard is not None:
        guard.stop()


def all_items(root: QQuickItem) -> list[QQuickItem]:
    """Every item under `root` in the visual tree (Repeater delegates included)."""
    found: list[QQuickItem] = []
    pending = [root]
    while pending:
        item = pending.pop()
        found.append(item)
        pending.extend(item.childItems())
    return found


class Screen:
    """What the user sees and can touch in a GreeterWindow."""

    def __init__(self, window: GreeterWindow, qtbot) -> None:
        self.window = window
        self.qtbot = qtbot

    def item(self, name: str) -> QQuickItem:
        found = self.window.find(name)
        assert isinstance(found, QQuickItem), f"no visible item {name!r} on screen"
        return found

    def has(self, name: str) -> bool:
        found = self.window.find(name)
        return isinstance(found, QQuickItem) and found.isVisible()

    def text(self, name: str) -> str:
        return str(self.item(name).property("text"))

    def showing(self) -> str:
        """The screen the user sees, from its root object's name (screen_<name>)."""
        host = self.window.find("screenHost")
        if host is None:
            return ""
        item = host.property("item")
        if item is None:
            return "session" if not self.window.view.isVisible() else ""
        return str(item.objectName()).removeprefix("screen_")

    def tap(self, name: str) -> None:
        item = self.item(name)
        assert item.isVisible(), f"{name} is not visible"
        assert item.isEnabled(), f"{name} is not enabled"
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        QTest.mouseClick(
            self.window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), centre
        )

    def tap_keys(self, digits: str) -> None:
        for digit in digits:
            self.tap(f"key_{digit}")

    def type_on_screen(self, text: str) -> None:
        """Type with the on-screen keyboard (lower-case letters, digits, space)."""
        for char in text:
            self.tap("osk_space" if char == " " else f"osk_{char}")

    def press(self, key: Qt.Key, text: str = "") -> None:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
            QGuiApplication.sendEvent(self.window.view, event)

    def type_keys(self, text: str) -> None:
        """Type on a physical keyboard."""
        for char in text:
            self.press(Qt.Key(ord(char.upper())), char)

    def settle(self) -> None:
        self.qtbot.wait(30)

    def focused(self) -> str:
        """The named item the keyboard is at (a field's input: the field)."""
        item = self.window.view.activeFocusItem()
        while item is not None and not item.objectName():
            item = item.parentItem()
        return item.objectName() if item is not None else ""

    def rect(self, name: str) -> QRectF:
        """Where `name` is on the window."""
        item = self.item(name)
        return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))


class Recorder:
    """A dispatch that keeps the UI events it is handed."""

    def __init__(self) -> None:
        self.events: list[UiEvent] = []

    def __call__(self, event: UiEvent) -> None:
        self.events.append(event)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_screen(qtbot, qt_style, recorder) -> Iterator:
    """Build a bridge + window showing `view`; yields a factory (theme_dir optional)."""
    made: list[GreeterWindow] = []

    def make(
        view: View, theme_dir: Path | None = None, ui_language: str = ""
    ) -> tuple[GreeterBridge, Screen]:
        bridge = GreeterBridge(recorder, view)
        window = GreeterWindow(bridge, theme_dir, fullscreen=False, ui_language=ui_language)
        made.append(window)
        window.present()
        qtbot.waitExposed(window.view)
        qtbot.waitUntil(window.view.isActive, timeout=2000)
        return bridge, Screen(window, qtbot)

    yield make
    for window in made:
        window.close()


def names(root: QObject) -> list[str]:
    return [child.objectName() for child in root.findChildren(QObject) if child.objectName()]
