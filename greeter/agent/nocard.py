"""A `SpineSigner` for a kiosk with no Spine smartcard support wired: no card is ever present,
so a smartcard user is told to insert one and a VSC user is not affected. The PC/SC signer
(`greeter.cards.spine_card`) takes its place where it is wired (`greeter.wiring.spine_signer`).
"""

from __future__ import annotations

from greeter.spine_signer import SpineCardError


class NoSpineCard:
    def certificate(self) -> bytes:
        raise SpineCardError(
            "no_card", "unable to read a card: no Spine smartcard reader is set up"
        )

    def sign(self, passcode: str, challenge: bytes) -> bytes:
        raise SpineCardError("no_card", "unable to sign: no Spine smartcard reader is set up")
