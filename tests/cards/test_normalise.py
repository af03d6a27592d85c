"""One physical card is one canonical id, whatever the reader reports (pure tables)."""

import pytest

from greeter.cards import CardIdError
from greeter.cards.identify import (
    TransmitFailed,
    card_kind,
    cplc_serial,
    exchange,
    is_contactless_atr,
    read_identifier,
)
from greeter.cards.normalise import decimal_to_bytes, normalise
from greeter.cards.settings import AtrProfile, CardSettings, ReaderProfile
from tests.rig.vpcd import CONTACT_ATR, CONTACTLESS_ATR, cplc_with_serial

AS_IS = ReaderProfile()
REVERSED = ReaderProfile(match="x", byte_order="reversed")
DECIMAL = ReaderProfile(match="x", id_format="decimal")
DECIMAL_REVERSED = ReaderProfile(match="x", id_format="decimal", byte_order="reversed")

# the same 4-byte card (UID 04 A1 B2 C3) as four kinds of reader report it
SAME_CARD = [
    (bytes.fromhex("04A1B2C3"), AS_IS),
    (bytes.fromhex("C3B2A104"), REVERSED),
    (str(0x04A1B2C3).encode(), DECIMAL),
    (str(0xC3B2A104).encode(), DECIMAL_REVERSED),
    (b"00" + str(0x04A1B2C3).encode(), DECIMAL),  # wedges pad to ten digits
]


@pytest.mark.parametrize(("raw", "profile"), SAME_CARD)
def test_every_reader_profile_yields_the_same_id_for_one_card(raw, profile):
    assert normalise(raw, profile) == "04A1B2C3"


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        (str(0x04A1B2C3), "04A1B2C3"),
        ("1", "00000001"),  # widened to a 4-byte UID
        (str(0x04A1B2C3D4E5F6), "04A1B2C3D4E5F6"),  # 7-byte UID
        (str(0x01 << 64), "00010000000000000000"),  # 9 bytes -> a 10-byte UID
    ],
)
def test_decimal_digits_become_uid_sized_bytes(digits, expected):
    assert decimal_to_bytes(digits).hex().upper() == expected


@pytest.mark.parametrize("raw", [b"12ab", b"", "١٢".encode(), b"\xff\xfe"])
def test_a_decimal_reader_sending_something_else_is_refused(raw):
    with pytest.raises(CardIdError):
        normalise(raw, DECIMAL)


def test_reader_output_too_short_for_a_card_is_refused():
    with pytest.raises(CardIdError):
        normalise(b"\x01\x02", AS_IS)


@pytest.mark.parametrize(
    ("atr", "contactless"),
    [
        (CONTACTLESS_ATR, True),
        (bytes.fromhex("3B8980014A434F5033315632323C"), True),  # ISO 14443-4 (ATS bytes)
        (CONTACT_ATR, False),
        (bytes.fromhex("3B"), False),
    ],
)
def test_pcsc_part3_atrs_are_contactless(atr, contactless):
    assert is_contactless_atr(atr) is contactless
    assert card_kind(atr, AS_IS) == ("contactless" if contactless else "contact")


def test_reader_config_overrides_the_atr_for_the_kind():
    assert card_kind(CONTACTLESS_ATR, ReaderProfile(match="x", kind="contact")) == "contact"


class Card:
    """A scripted card: APDU hex -> list of responses, consumed in order."""

    def __init__(self, script):
        self.script = {k: list(v) for k, v in script.items()}
        self.sent = []

    def __call__(self, apdu):
        self.sent.append(apdu.hex().upper())
        return bytes.fromhex(self.script[apdu.hex().upper()].pop(0))


def test_t0_wrong_length_and_more_data_are_followed():
    card = Card(
        {
            "80CA9F7F00": ["6C2D"],
            "80CA9F7F2D": ["0102 6104"],
            "00C0000004": ["0304 9000"],
        }
    )
    assert exchange(card, bytes.fromhex("80CA9F7F00")) == bytes.fromhex("01020304")


def test_a_response_without_status_word_is_a_failed_exchange():
    with pytest.raises(TransmitFailed):
        exchange(Card({"FFCA000000": ["90"]}), bytes.fromhex("FFCA000000"))


@pytest.mark.parametrize("tagged", [True, False])
def test_the_cplc_ic_serial_is_taken_with_or_without_its_tag(tagged):
    cplc = cplc_with_serial(bytes.fromhex("A1B2C3D4"))
    data = bytes.fromhex("9F7F2A") + cplc if tagged else cplc
    assert cplc_serial(data) == bytes.fromhex("A1B2C3D4")


@pytest.mark.parametrize("data", [bytes(10), cplc_with_serial(bytes(4))])
def test_short_or_blank_cplc_is_no_identifier(data):
    assert cplc_serial(data) is None


def test_an_atr_profile_wins_over_cplc_and_takes_its_slice():
    profile = AtrProfile(
        atr=CONTACT_ATR,
        mask=b"\xff" * (len(CONTACT_ATR) - 1) + b"\x00",  # any checksum
        apdus=(bytes.fromhex("00A4040002AABB"),),
        take_from=0,
        take_start=1,
        take_end=5,
    )
    other_checksum = CONTACT_ATR[:-1] + b"\x00"
    card = Card({"00A4040002AABB": ["FF11223344EE9000"]})
    raw = read_identifier(other_checksum, "contact", card, CardSettings(atr_profiles=(profile,)))
    assert raw == bytes.fromhex("11223344")
    assert card.sent == ["00A4040002AABB"]


def test_a_failing_profile_apdu_identifies_nothing():
    profile = AtrProfile(CONTACT_ATR, b"\xff" * len(CONTACT_ATR), (bytes.fromhex("00B0000008"),), 0)
    card = Card({"00B0000008": ["6982"]})
    settings = CardSettings(atr_profiles=(profile,))
    assert read_identifier(CONTACT_ATR, "contact", card, settings) is None
