"""The Spine applet of a Spine smartcard: its AID, the APDUs the kiosk sends it and what its
status words mean. Pure: no reader here (`greeter.cards.spine_card` talks to the card).

A contact card is a Spine smartcard when it answers SELECT of this AID with 90 00. The AID is
our own, made up for this product: F0 (a proprietary, unregistered RID, ISO/IEC 7816-5)
followed by "TKSPINE" and a version byte 01. A deployment whose cards carry another applet
changes `AID` here; the virtual card of the test rig (`tests/rig/spine_card.py`) takes it
from here too.

The commands (ISO/IEC 7816-4, short APDUs):

    SELECT by AID       00 A4 04 00 09 <AID> 00    -> 90 00 | 6A 82 (not a Spine card)
    GET DATA (cert)     00 CA 7F 21 00             -> certificate (DER); 61 xx: GET RESPONSE
    VERIFY (passcode)   00 20 00 81 Lc <passcode>  -> 90 00 | 63 Cx (x tries left) | 69 83
    PSO: COMPUTE DIGITAL SIGNATURE
                        00 2A 9E 9A 20 <SHA-256 of the data> 00
                                                   -> ECDSA P-256 signature (DER) | 69 82
                                                      (no VERIFY since power-on)

The passcode is sent as its UTF-8 bytes; three wrong ones block it (63 C0, then 69 83) and a
right one restores the tries. A reset or power-off of the card forgets the VERIFY, so the
kiosk resets the card after signing.
"""

from __future__ import annotations

from greeter.spine_signer import SpineCardError

AID = bytes.fromhex("F0544B5350494E4501")
SELECT = bytes([0x00, 0xA4, 0x04, 0x00, len(AID)]) + AID + b"\x00"
GET_CERTIFICATE = bytes.fromhex("00CA7F2100")
PASSCODE_REFERENCE = 0x81  # a specific (applet-local) reference datum, ISO 7816-4 P2
DIGEST_BYTES = 32  # SHA-256
# a passcode longer than this cannot be a card's passcode (Lc is one byte; cards keep ~16)
MAX_PASSCODE_BYTES = 64

SW_OK = b"\x90\x00"
SW_NOT_VERIFIED = b"\x69\x82"  # security status not satisfied
SW_BLOCKED = b"\x69\x83"  # authentication method blocked
SW_NOT_FOUND = b"\x6a\x82"  # SELECT: no such applet
SW_WRONG_LENGTH = b"\x67\x00"
SW_WRONG_P1P2 = b"\x6a\x86"
SW_REFERENCE_NOT_FOUND = b"\x6a\x88"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_NO_DATA = b"\x69\x85"  # conditions of use not satisfied (GET RESPONSE with nothing left)


def verify_apdu(passcode: str) -> bytes:
    """VERIFY of `passcode`. Never an empty one: VERIFY without data only asks how many tries
    are left."""
    secret = passcode.encode("utf-8")
    if not secret:
        raise SpineCardError("wrong_passcode", "unable to verify the passcode: it is empty")
    if len(secret) > MAX_PASSCODE_BYTES:
        raise SpineCardError(
            "wrong_passcode", f"unable to verify the passcode: over {MAX_PASSCODE_BYTES} bytes"
        )
    return bytes([0x00, 0x20, 0x00, PASSCODE_REFERENCE, len(secret)]) + secret


def sign_apdu(digest: bytes) -> bytes:
    """PSO: COMPUTE DIGITAL SIGNATURE over a SHA-256 digest."""
    if len(digest) != DIGEST_BYTES:
        raise ValueError(f"a SHA-256 digest is {DIGEST_BYTES} bytes, not {len(digest)}")
    return bytes([0x00, 0x2A, 0x9E, 0x9A, DIGEST_BYTES]) + digest + b"\x00"


def check_verify(sw: bytes) -> None:
    """Raise the SpineCardError a VERIFY status word means; return for 90 00."""
    if sw == SW_OK:
        return
    if sw[0] == 0x63 and sw[1] & 0xF0 == 0xC0:
        left = sw[1] & 0x0F
        if left == 0:
            raise SpineCardError(
                "blocked", "unable to verify the passcode: it is now blocked", tries_left=0
            )
        raise SpineCardError(
            "wrong_passcode",
            f"unable to verify the passcode: wrong passcode, {left} tries left",
            tries_left=left,
        )
    if sw == SW_BLOCKED:
        raise SpineCardError(
            "blocked", "unable to verify the passcode: it is blocked", tries_left=0
        )
    raise SpineCardError("unreadable", f"unable to verify the passcode: the card said {sw.hex()}")


def check_signature(sw: bytes, data: bytes) -> bytes:
    """The signature a PSO answered, or the SpineCardError its status word means."""
    if sw == SW_OK and data:
        return data
    if sw == SW_NOT_VERIFIED:
        cause = "it wants its passcode verified first"
    else:
        cause = f"it answered {sw.hex()}"
    raise SpineCardError("unreadable", f"unable to sign with the Spine card: {cause}")
