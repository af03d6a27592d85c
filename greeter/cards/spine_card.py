"""A Spine smartcard in a contact reader, through pcscd: the kiosk's `SpineSigner`.

Each call opens its own PC/SC context, finds the contact reader whose card answers SELECT of
the Spine applet (`greeter.cards.spine_applet`), works inside a PC/SC transaction (so the card
watcher's own SELECT cannot come between VERIFY and the signature) and lets go. After signing
it resets the card: the passcode's VERIFY must not outlive the one signature it was typed for,
or any other program on the kiosk could have the card sign without it.

The passcode goes to the card and nowhere else: it is never logged, kept, or put in an error.
Every failure is a `SpineCardError` (`greeter.spine_signer`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from smartcard import scard

from greeter.cards import spine_applet as applet
from greeter.cards.identify import (
    CardGone,
    Transmit,
    TransmitFailed,
    card_kind,
    exchange_sw,
    is_spine_card,
)
from greeter.cards.pcsc import PNP_READER
from greeter.cards.pcsc_card import message, still_present, transmitter
from greeter.cards.settings import CardSettings
from greeter.spine_signer import SpineCardError

log = logging.getLogger(__name__)

T = TypeVar("T")
NO_CARD = "unable to find a Spine card: put it in the contact reader"


class PcscSpineSigner:
    """A `greeter.spine_signer.SpineSigner` over the contact readers pcscd knows. `settings`
    (the `[cards]` reader profiles) say which readers are contactless when the ATR does not."""

    def __init__(self, settings: CardSettings | None = None) -> None:
        self._settings = settings or CardSettings()

    def present(self) -> bool:
        try:
            self._with_card(lambda _transmit: None, reset=False)
        except SpineCardError:
            return False
        return True

    def certificate(self) -> bytes:
        """The card's certificate (DER)."""

        def read(transmit: Transmit) -> bytes:
            data, sw = exchange_sw(transmit, applet.GET_CERTIFICATE)
            if sw != applet.SW_OK or not data:
                raise SpineCardError(
                    "unreadable", f"unable to read the Spine card's certificate: {sw.hex()}"
                )
            return data

        return self._with_card(read, reset=False)

    def sign(self, passcode: str, challenge: bytes) -> bytes:
        """VERIFY `passcode`, then the card's ECDSA signature (DER) over SHA-256(`challenge`)."""
        digest = hashlib.sha256(challenge).digest()

        def verify_and_sign(transmit: Transmit) -> bytes:
            _data, sw = exchange_sw(transmit, applet.verify_apdu(passcode))
            applet.check_verify(sw)
            data, sw = exchange_sw(transmit, applet.sign_apdu(digest))
            return applet.check_signature(sw, data)

        return self._with_card(verify_and_sign, reset=True)

    # -- finding the card ---------------------------------------------------------------------

    def _with_card(self, work: Callable[[Transmit], T], *, reset: bool) -> T:
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise SpineCardError("no_card", f"unable to reach pcscd: {message(hresult)}")
        try:
            for reader, state in self._contact_cards(context):
                with _spine_card(context, reader, state, reset=reset) as transmit:
                    if transmit is not None:
                        return work(transmit)
            raise SpineCardError("no_card", NO_CARD)
        finally:
            scard.SCardReleaseContext(context)

    def _contact_cards(self, context: Any) -> Iterator[tuple[str, int]]:
        """(reader, state) of every reader holding a contact card that answers."""
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return
        if hresult != scard.SCARD_S_SUCCESS:
            raise SpineCardError("no_card", f"unable to list the readers: {message(hresult)}")
        asked = [(name, scard.SCARD_STATE_UNAWARE) for name in readers if name != PNP_READER]
        hresult, states = scard.SCardGetStatusChange(context, 0, asked)
        if hresult != scard.SCARD_S_SUCCESS:
            raise SpineCardError("no_card", f"unable to read the readers: {message(hresult)}")
        for name, state, atr in states:
            if not state & scard.SCARD_STATE_PRESENT or state & scard.SCARD_STATE_MUTE:
                continue
            if card_kind(bytes(atr), self._settings.reader_profile(name)) == "contact":
                yield name, state


@contextmanager
def _spine_card(context: Any, reader: str, state: int, *, reset: bool) -> Iterator[Transmit | None]:
    """The card in `reader` in a transaction if it is a Spine card (else None); a card that
    leaves meanwhile is `removed`, a reader that fails with the card still in `unreadable`.
    With `reset` the card is reset when let go: its VERIFY is forgotten."""
    hresult, card, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    )
    if hresult != scard.SCARD_S_SUCCESS:
        log.info("unable to connect to the card in %s: %s", reader, message(hresult))
        yield None
        return
    transmit = transmitter(card, protocol)
    disposition = scard.SCARD_LEAVE_CARD
    try:
        if scard.SCardBeginTransaction(card) != scard.SCARD_S_SUCCESS:
            yield None
            return
        try:
            try:
                spine = is_spine_card(transmit)
            except (CardGone, TransmitFailed):
                spine = False  # a card that will not say what it is: look at the next reader
            if not spine:
                yield None
                return
            if reset:
                disposition = scard.SCARD_RESET_CARD
            yield transmit
        finally:
            scard.SCardEndTransaction(card, scard.SCARD_LEAVE_CARD)
    except CardGone:
        raise _removed(reader) from None
    except TransmitFailed as failed:
        if not still_present(context, reader, state):
            raise _removed(reader) from None
        log.info("unable to talk to the Spine card in %s: %s", reader, failed)
        raise SpineCardError("unreadable", f"unable to talk to the Spine card: {failed}") from None
    finally:
        scard.SCardDisconnect(card, disposition)


def _removed(reader: str) -> SpineCardError:
    log.info("the Spine card left %s mid-operation", reader)
    return SpineCardError("removed", "unable to use the Spine card: it was taken out")
