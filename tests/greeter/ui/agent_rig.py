"""A whole greeter with its in-session agent, against the real appliance over HTTPS and the
simulated SSB (tests.rig.ssb). Taps come over the greeter's virtual tap socket.

The Spine smartcard's far side is the rig's software card (`tests.rig.ssb.SoftCard`) behind
`SoftSigner`: it checks a passcode as a card's VERIFY would (tries left, then blocked), knows
whether it is "in the reader", and signs with the key the SSB holds the certificate of. It
stands in for the PC/SC signer on a vpcd card that is built elsewhere (greeter/cards/spine_card).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from appliance.local import LocalAppliance
from greeter.cards.virtual import send_tap
from greeter.spine_signer import SpineCardError
from greeter.ui.agent_window import AgentWindow
from tests.appliance.spine_fixtures import spine_server, ssb
from tests.greeter.ui.conftest import Screen
from tests.greeter.ui.kiosk_rig import KioskRig, build_rig
from tests.rig.ssb import SoftCard

ALICE = "04A1B2C3D4E5F6"
RAVI = "04AA0000000002"
CAROL = "04C0FFEE000001"
# the shared rig's fixtures, for the modules that import this one
__all__ = ["spine_server", "ssb"]
PASSCODE = "135790"
TRIES = 3
NO_MODIFIER = Qt.KeyboardModifier(0)


class SoftSigner:
    """A SpineSigner on a software card (see the module's docstring)."""

    def __init__(self, card: SoftCard | None, passcode: str = PASSCODE) -> None:
        self.card = card
        self.passcode = passcode
        self.tries_left = TRIES
        self.signed = 0

    def certificate(self) -> bytes:
        if self.card is None:
            raise SpineCardError(
                "no_card", "unable to read a card: no Spine smartcard in the reader"
            )
        return self.card.cert.public_bytes(serialization.Encoding.DER)

    def sign(self, passcode: str, challenge: bytes) -> bytes:
        card = self.card
        if card is None:
            raise SpineCardError("no_card", "unable to sign: no Spine smartcard in the reader")
        if self.tries_left == 0:
            raise SpineCardError("blocked", "unable to sign: the passcode is blocked")
        if passcode != self.passcode:
            self.tries_left -= 1
            if self.tries_left == 0:
                raise SpineCardError("blocked", "unable to sign: the passcode is blocked")
            raise SpineCardError(
                "wrong_passcode", "unable to sign: wrong passcode", self.tries_left
            )
        self.tries_left = TRIES
        self.signed += 1
        return card.key.sign(challenge, ec.ECDSA(hashes.SHA256()))


@dataclass
class AgentRig:
    kiosk: KioskRig
    signer: SoftSigner
    socket: Path
    # every page the agent showed, in order
    pages_seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        agent = self.kiosk.greeter.agent
        assert agent is not None
        agent.agent.subscribe(lambda shown: self.pages_seen.append(shown.page))

    @property
    def window(self) -> AgentWindow:
        agent = self.kiosk.greeter.agent
        assert agent is not None
        return agent.window

    @property
    def page(self) -> str:
        agent = self.kiosk.greeter.agent
        assert agent is not None
        return agent.view().page

    def shown(self) -> bool:
        return self.window.view.isVisible()

    @property
    def screen(self) -> Screen:
        """The agent's window as the greeter's tests see a screen (find, text, keys)."""
        return Screen(cast(Any, self.window), self.kiosk.qtbot)

    def item(self, name: str) -> QQuickItem:
        return self.screen.item(name)

    def has(self, name: str) -> bool:
        return self.screen.has(name)

    def text(self, name: str) -> str:
        return self.screen.text(name)

    def press(self, key: Qt.Key, text: str = "") -> None:
        self.screen.press(key, text)

    def tap(self, name: str, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        item = self.item(name)
        assert item.isVisible(), f"{name} is not visible"
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        QTest.mouseClick(self.window.view, Qt.MouseButton.LeftButton, modifiers, centre)
        self.kiosk.screen.settle()

    def type_into(self, field: str, text: str) -> None:
        """Touch a FormField's input (its lower part) and type on a physical keyboard."""
        self._touch_input(field)
        for char in text:
            self.press(Qt.Key(ord(char.upper())), char)

    def clear(self, field: str) -> None:
        self._touch_input(field)
        for _ in range(len(str(self.item(field).property("text")))):
            self.press(Qt.Key.Key_End)
            self.press(Qt.Key.Key_Backspace)

    def _touch_input(self, field: str) -> None:
        item = self.item(field)
        point = item.mapToScene(QPointF(item.width() / 2, item.height() - 20)).toPoint()
        QTest.mouseClick(self.window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), point)

    def wait_page(self, page: str, timeout: float = 10.0) -> None:
        try:
            self.kiosk.qtbot.waitUntil(
                lambda: self.page == page and self.shown() and not self.busy(),
                timeout=int(timeout * 1000),
            )
        except Exception:
            raise AssertionError(f"expected agent page {page!r}, it shows {self.page!r}") from None
        self.kiosk.screen.settle()

    def busy(self) -> bool:
        agent = self.kiosk.greeter.agent
        assert agent is not None
        return agent.view().busy

    def sign_in(self, card: str, pin: str, role: str | None = None) -> None:
        send_tap(self.socket, card)
        self.kiosk.wait_screen("pin")
        self.kiosk.screen.tap_keys(pin)
        self.kiosk.screen.tap("pinOk")
        if role is not None:
            self.kiosk.wait_screen("role")
            self.kiosk.screen.tap(f"role_{role}")
        self.kiosk.wait_screen("session")

    def passcode(self, passcode: str) -> None:
        self.type_into("agentPasscode", passcode)
        self.tap("agentPasscodeOk")


@pytest.fixture
def rig(
    tmp_path: Path, spine_server: LocalAppliance, qtbot: Any, qt_style: None, signer: SoftSigner
) -> Iterator[AgentRig]:
    """A greeter with its agent; the test module gives the `signer` (whose card it holds)."""
    yield from build_agent_rig(tmp_path, spine_server, qtbot, signer)


def build_agent_rig(
    tmp_path: Path, appliance: LocalAppliance, qtbot: Any, signer: SoftSigner
) -> Iterator[AgentRig]:
    socket = tmp_path / "tap.sock"
    for kiosk in build_rig(
        tmp_path, appliance, qtbot, pcsc=False, virtual_socket=socket, spine_signer=signer
    ):
        yield AgentRig(kiosk, signer, socket)
