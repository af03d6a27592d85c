"""Card readers as one stream of events.

Every reader (PC/SC contact or contactless, nfcpy, virtual taps) turns what it sees into
`CardEvent`s (taps) and `ReaderStatus` updates handed to one sink callable; a Spine smartcard
in a contact reader is a `SpineCardEvent` instead, never a tap. The sink may be called from
any thread; it must not block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

CardAction = Literal["present", "removed", "unsupported"]
CardSourceName = Literal["pcsc", "nfc", "virtual"]
CardKind = Literal["contact", "contactless"]
# "starting": not looked at yet; "off": turned off in the config (greeter.cards.readiness)
ServiceState = Literal["ok", "down", "missing", "starting", "off"]

# Identifier sizes we accept: 4/7/10-byte UIDs up to long CPLC-derived serials.
MIN_ID_BYTES = 4
MAX_ID_BYTES = 32


@dataclass(frozen=True)
class CardEvent:
    """A card put on, taken off, or not understood by a reader.

    `card_id` is the canonical identifier (upper-case hex of the identifier bytes); it is None
    only for `unsupported`. `mono` is `time.monotonic()` when the reader reported the change.
    """

    action: CardAction
    card_id: str | None
    reader: str
    source: CardSourceName
    kind: CardKind
    mono: float


@dataclass(frozen=True)
class ReaderStatus:
    """What one card source can see now: its service state and the readers attached.

    `message` is a plain sentence for the screen and `greeter doctor` when something is wrong
    (it names the fix), empty when all is well.
    """

    source: CardSourceName
    service: ServiceState
    readers: tuple[str, ...]
    message: str = ""


SpineCardAction = Literal["inserted", "removed"]


@dataclass(frozen=True)
class SpineCardEvent:
    """A Spine smartcard put in or taken out of a contact reader: a contact card that answers
    SELECT of the Spine applet (`greeter.cards.spine_applet`). It is not a tap: the login flow
    ignores it; the kiosk hands it to `greeter.spine_card_watch.SpineCardWatch`, which the
    in-session agent subscribes to (and which may end the Spine session on removal)."""

    action: SpineCardAction
    reader: str
    mono: float


CardReport = CardEvent | SpineCardEvent | ReaderStatus
CardSink = Callable[[CardReport], None]


class CardSource(Protocol):
    """A thread-owning watcher of one kind of reader."""

    def start(self, sink: CardSink) -> None:
        """Begin watching; events go to `sink` from the source's own thread."""

    def stop(self) -> None:
        """Stop watching and join the thread; returns promptly."""


class CardIdError(ValueError):
    """Reader output that cannot be a card identifier."""


def canonical_id(identifier: bytes) -> str:
    """The one form a card identifier takes everywhere: upper-case hex of its bytes."""
    if not MIN_ID_BYTES <= len(identifier) <= MAX_ID_BYTES:
        raise CardIdError(
            f"unable to read card id: {len(identifier)} bytes is not a card id length"
        )
    return identifier.hex().upper()
