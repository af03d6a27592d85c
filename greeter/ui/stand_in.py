"""The demo's stand-in for the clinical desktop: the session command `greeter demo` runs.

A small window that says who is signed in (from the session's environment, as the greeter's
session runner sets it), with Lock (the lock hotkey's request over the demo's tap socket) and
Log out (the session ends: this process exits, as a desktop session would). F1-F4 tap the demo
cards over the same socket, so a tap-over or a lock by card can be tried while it is in front.

    python -m greeter.ui.stand_in --socket PATH [--locale en|sv|auto]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Property, QCoreApplication, QObject, Signal, Slot

from greeter.cards import CardEvent
from greeter.cards.virtual import VirtualTapError, send_lock, send_tap
from greeter.ui.i18n import Translations, choose_locale
from greeter.ui.window import application, kiosk_view, present, show_embedded

# where the buttons sit, for a test's pointer as for the eye: a fixed-size window, the buttons
# in its bottom corners
WINDOW_SIZE = (900, 520)
BUTTON_SIZE = (260, 80)
MARGIN = 40

STAND_IN_QML = b"""
import QtQuick

Rectangle {
    id: root
    required property var desktop
    objectName: "standInRoot"
    width: parent ? parent.width : 900
    height: parent ? parent.height : 520
    color: "#E8EEF5"
    focus: true

    Column {
        x: root.desktop.margin; y: root.desktop.margin
        width: root.width - 2 * root.desktop.margin
        spacing: 16
        Text {
            objectName: "standInUser"
            width: parent.width
            text: root.desktop.signedIn
            color: "#0B2545"; font.pixelSize: 40; font.bold: true; wrapMode: Text.WordWrap
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Text {
            objectName: "standInDetails"
            width: parent.width
            text: root.desktop.details
            color: "#13315C"; font.pixelSize: 24; wrapMode: Text.WordWrap
        }
        Text {
            width: parent.width
            text: root.desktop.explanation
            color: "#3E5C76"; font.pixelSize: 20; wrapMode: Text.WordWrap
        }
        Text {
            objectName: "standInStatus"
            width: parent.width
            visible: text !== ""
            text: root.desktop.status
            color: "#B3261E"; font.pixelSize: 20; wrapMode: Text.WordWrap
        }
    }

    component Action: Rectangle {
        property alias text: label.text
        signal clicked
        width: root.desktop.buttonWidth; height: root.desktop.buttonHeight
        radius: 8
        color: area.pressed ? "#D99A00" : "#FFB81C"
        Accessible.role: Accessible.Button
        Accessible.name: label.text
        Accessible.onPressAction: clicked()
        Text { id: label; anchors.centerIn: parent; font.pixelSize: 26; color: "#0B1B2B" }
        MouseArea { id: area; anchors.fill: parent; onClicked: parent.clicked() }
    }

    Action {
        objectName: "standInLock"
        x: root.desktop.margin
        y: root.height - root.desktop.margin - height
        text: root.desktop.lockText
        onClicked: root.desktop.lock()
    }
    Action {
        objectName: "standInLogOut"
        x: root.width - root.desktop.margin - width
        y: root.height - root.desktop.margin - height
        text: root.desktop.logOutText
        onClicked: root.desktop.logOut()
    }
}
"""


@dataclass(frozen=True)
class SignedIn:
    """Who the session belongs to, as the session runner's environment says."""

    username: str
    domain: str
    display_name: str
    role: str

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None) -> SignedIn:
        env = dict(os.environ if env is None else env)
        username = env.get("TAPKIOSK_USER", "")
        return cls(
            username=username,
            domain=env.get("TAPKIOSK_DOMAIN", ""),
            display_name=env.get("TAPKIOSK_DISPLAY_NAME", "") or username,
            role=env.get("TAPKIOSK_SPINE_ROLE", ""),
        )


class StandInDesktop(QObject):
    """What the stand-in's QML reads and calls; `lock`, `log_out` and `tap(card_id)` do the
    work (over the demo's socket in `main`)."""

    statusChanged = Signal()

    def __init__(
        self,
        user: SignedIn,
        *,
        lock: Callable[[], None],
        log_out: Callable[[], None],
        tap: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.user = user
        self._lock = lock
        self._log_out = log_out
        self._tap = tap
        self._status = ""

    def report(self, problem: str) -> None:
        """Show a problem in the window (the greeter could not be reached)."""
        self._status = problem
        self.statusChanged.emit()

    @Slot()
    def lock(self) -> None:
        self._act(self._lock)

    @Slot()
    def logOut(self) -> None:
        self._log_out()

    def tap_card(self, card_id: str) -> None:
        self._act(lambda: self._tap(card_id))

    def _act(self, action: Callable[[], None]) -> None:
        try:
            action()
        except VirtualTapError as error:
            self.report(str(error))
        else:
            self.report("")

    def _signed_in(self) -> str:
        return QCoreApplication.translate("StandIn", "Signed in: %1").replace(
            "%1", self.user.display_name
        )

    def _details(self) -> str:
        user = self.user
        who = f"{user.username}@{user.domain}" if user.domain else user.username
        role = (
            QCoreApplication.translate("StandIn", "role %1").replace("%1", user.role)
            if user.role
            else QCoreApplication.translate("StandIn", "no Spine role")
        )
        return f"{who} · {role}"

    def _explanation(self) -> str:
        return QCoreApplication.translate(
            "StandIn",
            "This window stands in for the clinical desktop. Lock it, log out, or tap a card "
            "with F1-F4 to switch user.",
        )

    def _lock_text(self) -> str:
        return QCoreApplication.translate("StandIn", "Lock")

    def _log_out_text(self) -> str:
        return QCoreApplication.translate("StandIn", "Log out")

    def _status_text(self) -> str:
        return self._status

    signedIn = Property(str, _signed_in, constant=True)
    details = Property(str, _details, constant=True)
    explanation = Property(str, _explanation, constant=True)
    lockText = Property(str, _lock_text, constant=True)
    logOutText = Property(str, _log_out_text, constant=True)
    status = Property(str, _status_text, notify=statusChanged)
    margin = Property(int, lambda self: MARGIN, constant=True)
    buttonWidth = Property(int, lambda self: BUTTON_SIZE[0], constant=True)
    buttonHeight = Property(int, lambda self: BUTTON_SIZE[1], constant=True)


class StandInWindow:
    """The stand-in desktop in a framed window titled with the user's name."""

    def __init__(self, desktop: StandInDesktop) -> None:
        from greeter.ui.demo_keys import DemoKeys  # Qt.Key: only the demo pays for it

        self.desktop = desktop
        self.view = kiosk_view(fullscreen=False)
        self.view.setTitle(f"tapkiosk demo desktop: {desktop.user.display_name}")
        self.view.resize(*WINDOW_SIZE)
        self._component, self._item = show_embedded(
            self.view, STAND_IN_QML, "StandIn.qml", {"desktop": desktop}
        )

        def sink(event: object) -> None:
            if isinstance(event, CardEvent) and event.card_id is not None:
                desktop.tap_card(event.card_id)

        # the greeter's own F1-F4 map: the same cards, sent over the socket instead
        self.keys = DemoKeys(sink)
        self.view.installEventFilter(self.keys)

    def present(self) -> None:
        present(self.view, fullscreen=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m greeter.ui.stand_in", description="The demo's stand-in desktop."
    )
    parser.add_argument("--socket", required=True, help="the demo greeter's virtual tap socket")
    parser.add_argument("--locale", default="auto", help="en, sv or auto (the system's)")
    args = parser.parse_args(argv)
    socket = Path(args.socket)
    app = application(sys.argv[:1])
    translations = Translations(app, choose_locale(None if args.locale == "auto" else args.locale))
    desktop = StandInDesktop(
        SignedIn.from_environment(),
        lock=lambda: send_lock(socket),
        log_out=lambda: app.exit(0),
        tap=lambda card_id: send_tap(socket, card_id),
    )
    window = StandInWindow(desktop)
    window.present()
    try:
        return int(app.exec())
    finally:
        window.view.hide()
        translations.remove()


if __name__ == "__main__":
    sys.exit(main())
