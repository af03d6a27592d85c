"""What the in-session agent needs of a Spine smartcard, and how it fails.

`greeter.cards.spine_card` implements it over PC/SC (a contact reader); the agent's UI only
sees this protocol, so it never touches hardware. The passcode is handed straight to the card
(VERIFY) and is never kept, logged or sent to the appliance.
"""

from __future__ import annotations

from typing import Literal, Protocol

SpineCardProblem = Literal[
    "no_card",  # no Spine smartcard in any contact reader
    "wrong_passcode",  # VERIFY refused; `tries_left` says how many remain
    "blocked",  # the passcode is blocked: the RA unblocks it
    "removed",  # the card left the reader mid-operation
    "unreadable",  # the card answered something we cannot use
]


class SpineCardError(Exception):
    def __init__(self, problem: SpineCardProblem, message: str, tries_left: int | None = None):
        super().__init__(message)
        self.problem = problem
        self.tries_left = tries_left


class SpineSigner(Protocol):
    def certificate(self) -> bytes:
        """The certificate (DER) of the Spine smartcard in the reader; raises SpineCardError."""
        ...

    def sign(self, passcode: str, challenge: bytes) -> bytes:
        """VERIFY `passcode` on the card, then have it sign `challenge` (ECDSA or RSA with
        SHA-256, as its key is); raises SpineCardError."""
        ...
