"""A virtual Spine smartcard on vpcd: a contact card with the Spine applet
(`greeter.cards.spine_applet`: its AID and commands), holding a P-256 key and its certificate.

    soft = ssb.cards["alice@DEMO"]                 # a tests.rig.ssb SoftCard: the SSB knows it
    card = pcscd.attach(SpineCard.holding(pcscd.readers[0].port, soft, passcode="2468"))
    card.insert()

It behaves as an ISO/IEC 7816-4 card would, so the kiosk's failures are the card's own:
SELECT by AID (90 00, or 6A 82 for another AID); GET DATA 7F21 returns the certificate (DER)
in chunks with 61 xx and GET RESPONSE; VERIFY answers 63 Cx with the tries left, 63 C0 on the
third wrong passcode and 69 83 from then on, and a right passcode restores the tries; PSO:
COMPUTE DIGITAL SIGNATURE signs a SHA-256 digest (ECDSA, DER) only after a VERIFY since
power-on (else 69 82). Power-off, reset and removal forget the VERIFY and the selection (the
tries left are kept, as on a card's EEPROM). Any other command answers 6D 00.

`pull_at` (an INS byte, e.g. 0x2A) makes the card leave the reader when that command comes,
before answering: a card pulled mid-operation.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from greeter.cards import spine_applet as applet
from tests.rig.ssb import SoftCard
from tests.rig.vpcd import CONTACT_ATR, CTRL_OFF, CTRL_ON, CTRL_RESET, VirtualCard

TRIES = 3
CHUNK = 128  # bytes a response carries before 61 xx says more is waiting

INS_SELECT, INS_GET_DATA, INS_VERIFY, INS_PSO, INS_GET_RESPONSE = 0xA4, 0xCA, 0x20, 0x2A, 0xC0


@dataclass
class SpineCard(VirtualCard):
    atr: bytes = CONTACT_ATR
    key: ec.EllipticCurvePrivateKey | None = None
    certificate: bytes = b""  # DER
    passcode: str = field(default="1234", repr=False)
    pull_at: int | None = None
    tries_left: int = TRIES
    signatures: int = 0  # how many PSOs the card answered with a signature

    @classmethod
    def holding(cls, port: int, soft: SoftCard, *, passcode: str = "1234") -> SpineCard:
        """A card with the key and certificate of a tests.rig.ssb SoftCard."""
        der = soft.cert.public_bytes(serialization.Encoding.DER)
        return cls(port, key=soft.key, certificate=der, passcode=passcode)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.verified = False
        self._selected = False
        self._pending = b""

    def insert(self) -> None:
        self.control(CTRL_OFF)  # a card coming in has had no power
        super().insert()

    def control(self, code: int) -> None:
        if code in (CTRL_OFF, CTRL_ON, CTRL_RESET):
            self.verified = False
            self._selected = False
            self._pending = b""

    def answer(self, apdu: bytes) -> bytes | None:
        self.apdus_seen.append(apdu)
        if len(apdu) < 4:
            return applet.SW_WRONG_LENGTH
        ins, p1, p2 = apdu[1], apdu[2], apdu[3]
        data = apdu[5 : 5 + apdu[4]] if len(apdu) > 5 else b""
        if ins == self.pull_at:
            return None
        if ins == INS_SELECT and p1 == 0x04:
            self._selected = data == applet.AID
            return applet.SW_OK if self._selected else applet.SW_NOT_FOUND
        if not self._selected:
            return applet.SW_INS_NOT_SUPPORTED  # the card manager knows no applet commands
        if ins == INS_GET_RESPONSE:
            return self._chunk()
        if ins == INS_GET_DATA and (p1, p2) == (0x7F, 0x21):
            self._pending = self.certificate
            return self._chunk()
        if ins == INS_VERIFY:
            return self._verify(p2, data)
        if ins == INS_PSO and (p1, p2) == (0x9E, 0x9A):
            return self._sign(data)
        return applet.SW_INS_NOT_SUPPORTED

    def _chunk(self) -> bytes:
        if not self._pending:
            return applet.SW_NO_DATA
        head, self._pending = self._pending[:CHUNK], self._pending[CHUNK:]
        if self._pending:
            return head + bytes([0x61, min(len(self._pending), 0xFF) & 0xFF])
        return head + applet.SW_OK

    def _verify(self, p2: int, data: bytes) -> bytes:
        if p2 != applet.PASSCODE_REFERENCE:
            return applet.SW_REFERENCE_NOT_FOUND
        if self.tries_left == 0:
            return applet.SW_BLOCKED
        if not data:  # no passcode: how many tries are left (or 90 00 once verified)
            return applet.SW_OK if self.verified else bytes([0x63, 0xC0 | self.tries_left])
        if hmac.compare_digest(data, self.passcode.encode("utf-8")):
            self.tries_left = TRIES
            self.verified = True
            return applet.SW_OK
        self.tries_left -= 1
        self.verified = False
        return bytes([0x63, 0xC0 | self.tries_left])

    def _sign(self, digest: bytes) -> bytes:
        if not self.verified:
            return applet.SW_NOT_VERIFIED
        if len(digest) != applet.DIGEST_BYTES or self.key is None:
            return applet.SW_WRONG_LENGTH
        signature = self.key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        self.signatures += 1
        return signature + applet.SW_OK
