"""One card in one PC/SC reader: connect, identify, disconnect; every reader error contained."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from smartcard import scard

from greeter.cards import CardIdError, CardKind
from greeter.cards.identify import (
    CardGone,
    Transmit,
    TransmitFailed,
    card_kind,
    is_spine_card,
    read_identifier,
)
from greeter.cards.normalise import normalise
from greeter.cards.settings import CardSettings

log = logging.getLogger(__name__)

# how long a reader that failed mid-read gets to report the card gone (pcscd polls ~0.4 s)
SETTLE_MS = 700
# Reader answers that mean the card is no longer there to talk to.
_GONE = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_W_RESET_CARD,
}


@dataclass(frozen=True)
class CardRead:
    """The outcome of reading a card: its kind, and its canonical id or None if unsupported."""

    kind: CardKind
    card_id: str | None
    gone: bool = False  # the card left before it answered: report nothing
    failed: bool = False  # the reader failed mid-read: a pulled card or a broken one
    spine: bool = False  # a Spine smartcard (contact, answers the Spine applet): not a tap


def message(hresult: int) -> str:
    return str(scard.SCardGetErrorMessage(hresult))


def transmitter(card: Any, protocol: int) -> Transmit:
    """`transmit` for a connected card: CardGone when it left, TransmitFailed for any other
    reader error (greeter.cards.identify)."""
    pci = scard.SCARD_PCI_T0 if protocol == scard.SCARD_PROTOCOL_T0 else scard.SCARD_PCI_T1

    def transmit(apdu: bytes) -> bytes:
        result, response = scard.SCardTransmit(card, pci, list(apdu))
        if result in _GONE:
            raise CardGone(message(result))
        if result != scard.SCARD_S_SUCCESS:
            raise TransmitFailed(message(result))
        return bytes(response)

    return transmit


def read_card(context: Any, reader: str, atr: bytes, settings: CardSettings) -> CardRead:
    """Identify the card now in `reader`; never raises for what a card or reader can do."""
    profile = settings.reader_profile(reader)
    kind = card_kind(atr, profile)
    hresult, card, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    )
    if hresult != scard.SCARD_S_SUCCESS:
        log.info("unable to connect to the card in %s: %s", reader, message(hresult))
        return CardRead(kind, None, gone=hresult in _GONE, failed=hresult not in _GONE)
    transmit = transmitter(card, protocol)
    try:
        if kind == "contact" and is_spine_card(transmit):
            return CardRead(kind, None, spine=True)
        raw = read_identifier(atr, kind, transmit, settings)
    except CardGone as gone:
        log.info("card left %s mid-read: %s", reader, gone)
        return CardRead(kind, None, gone=True)
    except TransmitFailed as failed:
        log.info("unable to exchange APDUs with the card in %s: %s", reader, failed)
        return CardRead(kind, None, failed=True)
    finally:
        scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
    if raw is None:
        log.info("card in %s gave no identifier (ATR %s)", reader, atr.hex().upper())
        return CardRead(kind, None)
    try:
        return CardRead(kind, normalise(raw, profile))
    except CardIdError as error:
        log.info("card in %s: %s", reader, error)
        return CardRead(kind, None)


def still_present(context: Any, reader: str, known_state: int) -> bool:
    """After a failed exchange: wait briefly for the reader to say the card is gone (a card
    pulled mid-APDU often shows as a transmit error first, the removal only on the next poll).
    `known_state` is the reader state the caller last saw."""
    current = known_state & ~scard.SCARD_STATE_CHANGED
    hresult, result = scard.SCardGetStatusChange(context, SETTLE_MS, [(reader, current)])
    if hresult == scard.SCARD_E_TIMEOUT:
        return True
    if hresult != scard.SCARD_S_SUCCESS:
        return False
    return bool(result[0][1] & scard.SCARD_STATE_PRESENT)
