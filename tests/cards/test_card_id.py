import pytest

from greeter.cards import CardIdError, canonical_id


def test_canonical_id_is_uppercase_hex_of_the_bytes():
    assert canonical_id(bytes.fromhex("04a1b2c3d4e5f6")) == "04A1B2C3D4E5F6"


@pytest.mark.parametrize("raw", [b"", b"\x01\x02\x03", bytes(33)])
def test_lengths_that_cannot_be_a_card_are_refused(raw):
    with pytest.raises(CardIdError):
        canonical_id(raw)
