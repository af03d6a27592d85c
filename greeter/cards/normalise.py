"""The one place raw reader output becomes a canonical card id, whatever the reader's quirks.

A card must be the same id on every reader: a reader that reports the UID least significant
byte first (`byte_order = "reversed"`) or as ASCII decimal digits the way keyboard-wedge readers
type it (`id_format = "decimal"`) is corrected by its reader profile before `canonical_id`.
"""

from __future__ import annotations

from greeter.cards import CardIdError, canonical_id
from greeter.cards.settings import ReaderProfile

# ISO 14443 UIDs are 4, 7 or 10 bytes; a decimal number is widened to the next of these.
_UID_LENGTHS = (4, 7, 10)


def decimal_to_bytes(digits: str) -> bytes:
    """ASCII decimal (as a wedge types it) to the big-endian UID bytes it stands for."""
    text = digits.strip()
    if not text.isdigit() or not text.isascii():
        raise CardIdError("unable to read card id: a decimal reader sent something not a number")
    number = int(text)
    needed = max(1, (number.bit_length() + 7) // 8)
    size = next((n for n in _UID_LENGTHS if n >= needed), needed)
    return number.to_bytes(size, "big")


def identifier_bytes(raw: bytes, profile: ReaderProfile) -> bytes:
    """The identifier as the card holds it (MSB first), from what this reader reported."""
    value = raw
    if profile.id_format == "decimal":
        try:
            value = decimal_to_bytes(raw.decode("ascii"))
        except UnicodeDecodeError as error:
            raise CardIdError("unable to read card id: not decimal digits") from error
    if profile.byte_order == "reversed":
        value = value[::-1]
    return value


def normalise(raw: bytes, profile: ReaderProfile) -> str:
    """Canonical id (upper-case hex) of reader output; CardIdError if it cannot be one."""
    return canonical_id(identifier_bytes(raw, profile))
