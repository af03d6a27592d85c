"""`greeter demo`'s keyboard taps: F1-F4 tap the demo cards, as if held to a reader.

Installed once at start-up by `greeter.ui.main.run(..., demo=True)`; nothing else in the greeter
knows about the demo. A key press becomes the same CardEvent a virtual tap over the socket
would (`greeter.cards.virtual`), handed to the Kiosk's card sink.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

from greeter.cards import CardEvent, CardSink
from greeter.cards.virtual import READER_NAME

# the demo appliance's users (appliance/demo.py): alice has a PIN, bob has no card (an unknown
# card shows enrolment), carol's virtual smartcard is about to expire, ravi is an RA
DEMO_CARDS: dict[Qt.Key, str] = {
    Qt.Key.Key_F1: "04A1B2C3D4E5F6",
    Qt.Key.Key_F2: "04B0B0B0B0B0B0",
    Qt.Key.Key_F3: "04C0FFEE000001",
    Qt.Key.Key_F4: "04AA0000000002",
}


class DemoKeys(QObject):
    """An event filter turning F1-F4 into contactless taps on the virtual reader."""

    def __init__(self, sink: CardSink, cards: dict[Qt.Key, str] | None = None) -> None:
        super().__init__()
        self._sink = sink
        self._cards = dict(DEMO_CARDS if cards is None else cards)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        card_id = self._cards.get(Qt.Key(event.key()))
        if card_id is None or event.isAutoRepeat():
            return card_id is not None
        self._sink(
            CardEvent("present", card_id, READER_NAME, "virtual", "contactless", time.monotonic())
        )
        return True
