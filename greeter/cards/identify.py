"""What kind of card is in a reader and which bytes identify it; pure logic over a transmit call.

- Contactless (PC/SC part 3 ATR `3B 8x 80 01 ...`, or a reader configured so): the UID from the
  reader's pseudo-APDU `FF CA 00 00 00`.
- Contact: an ATR profile from the config if one matches (explicit beats generic), else the IC
  serial number from the GlobalPlatform CPLC data (`80 CA 9F 7F 00`).
- Nothing usable: None, which the source reports as `unsupported`.

Before any of that a contact card is asked whether it is a Spine smartcard (`is_spine_card`:
SELECT of the Spine applet); one is reported as a SpineCardEvent, not identified as a tap.

`transmit(apdu) -> response` (data + SW1 SW2) raises `CardGone` when the card left mid-APDU and
`TransmitFailed` for any other reader error; a response without a status word is a failure too
(the card may have been pulled), garbage with a wrong status word simply identifies nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from greeter.cards import CardKind
from greeter.cards.settings import AtrProfile, CardSettings, ReaderProfile
from greeter.cards.spine_applet import SELECT as SELECT_SPINE

log = logging.getLogger(__name__)

GET_UID = bytes.fromhex("FFCA000000")
GET_CPLC = bytes.fromhex("80CA9F7F00")
CPLC_TAG = bytes.fromhex("9F7F")
CPLC_LENGTH = 42
# CPLC: IC fabricator(2) IC type(2) OS id(2) OS date(2) OS level(2) fab date(2) IC serial(4) ...
CPLC_SERIAL = slice(12, 16)
SW_OK = b"\x90\x00"
PCSC_PART3_RID = bytes.fromhex("A000000306")


class CardGone(Exception):
    """The card left the reader before it answered."""


class TransmitFailed(Exception):
    """The reader could not exchange an APDU with the card."""


Transmit = Callable[[bytes], bytes]


def is_contactless_atr(atr: bytes) -> bool:
    """PC/SC part 3 builds contactless ATRs as 3B 8n 80 01 + historical bytes (+ TCK).

    Storage cards carry the RID A0 00 00 03 06 in the historical bytes; ISO 14443-4 cards carry
    their ATS historical bytes; both have the same four-byte structure in front.
    """
    return len(atr) >= 4 and atr[0] == 0x3B and atr[1] & 0xF0 == 0x80 and atr[2:4] == b"\x80\x01"


def card_kind(atr: bytes, profile: ReaderProfile) -> CardKind:
    if profile.kind != "auto":
        return profile.kind
    return "contactless" if is_contactless_atr(atr) else "contact"


def exchange(transmit: Transmit, apdu: bytes) -> bytes | None:
    """Response data of an APDU that succeeded, following T=0 61xx/6Cxx; None on any failure."""
    data, sw = exchange_sw(transmit, apdu)
    return data if sw == SW_OK else None


def exchange_sw(transmit: Transmit, apdu: bytes) -> tuple[bytes, bytes]:
    """Response data and final status word of an APDU, following T=0 61xx/6Cxx."""
    response = transmit(apdu)
    for _ in range(8):  # a card chaining 61xx forever is broken; stop rather than loop
        if len(response) < 2:
            # no status word: a card pulled mid-APDU (some drivers answer empty) or a broken
            # one; the caller tells them apart by whether the card is still there
            raise TransmitFailed(f"a {len(response)}-byte response has no status word")
        sw1, sw2 = response[-2], response[-1]
        if sw1 == 0x6C and len(apdu) >= 5:  # wrong Le: the card tells the right one
            apdu = apdu[:4] + bytes([sw2])
            response = transmit(apdu)
        elif sw1 == 0x61:  # more data waiting: GET RESPONSE
            chunk = transmit(bytes([0x00, 0xC0, 0x00, 0x00, sw2]))
            response = response[:-2] + chunk
        else:
            break
    return response[:-2], response[-2:]


def is_spine_card(transmit: Transmit) -> bool:
    """Whether the card answers SELECT of the Spine applet (`greeter.cards.spine_applet`)."""
    return exchange(transmit, SELECT_SPINE) is not None


def cplc_serial(data: bytes) -> bytes | None:
    """The IC serial number from CPLC data, with or without its 9F 7F 2A tag."""
    if data[:2] == CPLC_TAG and len(data) >= 3:
        data = data[3 : 3 + data[2]]
    if len(data) < CPLC_LENGTH:
        return None
    serial = data[CPLC_SERIAL]
    if serial in (b"\x00" * 4, b"\xff" * 4):  # unpersonalised: not an identity
        return None
    return serial


def run_profile(transmit: Transmit, profile: AtrProfile) -> bytes | None:
    responses: list[bytes] = []
    for apdu in profile.apdus:
        data = exchange(transmit, apdu)
        if data is None:
            return None
        responses.append(data)
    taken = profile.take(responses[profile.take_from])
    return taken or None


def read_identifier(
    atr: bytes, kind: CardKind, transmit: Transmit, settings: CardSettings
) -> bytes | None:
    """Raw identifier bytes (before the reader profile's corrections), or None if none."""
    profile = settings.atr_profile(atr)
    if profile is not None:
        return run_profile(transmit, profile)
    if kind == "contactless":
        return exchange(transmit, GET_UID) or None
    data = exchange(transmit, GET_CPLC)
    return cplc_serial(data) if data is not None else None
