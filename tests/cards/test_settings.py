"""The [cards] config section: what it accepts, and errors that name key and fix."""

import tomllib

import pytest

from greeter.cards.settings import CardSettings, parse
from greeter.configkit import ConfigError

EXAMPLE = """
[cards]
pcsc = true
nfc = ["usb", "usb:054c:06c3", "tty:USB0:pn532", "udp:localhost:54321"]
virtual_socket = "/run/user/1000/tapkiosk/taps.sock"

[[cards.reader]]
match = "OMNIKEY"
byte_order = "reversed"
kind = "contactless"

[[cards.reader]]
match = "Wedge"
id_format = "decimal"

[[cards.atr_profile]]
atr = "3B DB 96 00 80 1F 03 00 31 C0 64 77 E3 03 00 82 90 00 C1"
mask = "FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF 00"
apdus = ["00A4040007A0000000030000", "80CA010000"]
take = "response[1][2:10]"
"""


def test_the_documented_example_parses():
    settings = parse(tomllib.loads(EXAMPLE)["cards"], "/etc/tapkiosk/greeter.toml")
    assert settings.nfc[1] == "usb:054c:06c3"
    assert settings.virtual_socket == "/run/user/1000/tapkiosk/taps.sock"
    assert settings.reader_profile("HID Global OMNIKEY 5422 CL 01 00").byte_order == "reversed"
    assert settings.reader_profile("USB Wedge").id_format == "decimal"
    assert settings.reader_profile("Gemalto PC Twin").match == ""  # default profile
    profile = settings.atr_profiles[0]
    assert (profile.take_from, profile.take_start, profile.take_end) == (1, 2, 10)
    atr = bytes.fromhex("3BDB9600801F030031C06477E30300829000FF")  # other checksum: masked
    assert settings.atr_profile(atr) is profile


def test_an_empty_section_means_pcsc_only():
    assert parse({}, "g.toml") == CardSettings()


@pytest.mark.parametrize(
    ("table", "key", "fix_words"),
    [
        ({"pcsx": True}, "cards.pcsx", "pcsc"),
        ({"pcsc": "yes"}, "cards.pcsc", "fix the value"),
        ({"nfc": ["bluetooth"]}, "cards.nfc[0]", "usb"),
        ({"virtual_socket": "taps.sock"}, "cards.virtual_socket", "full path"),
        (
            {"reader": [{"match": "X", "byte_order": "backwards"}]},
            "cards.reader[0].byte_order",
            "reversed",
        ),
        ({"reader": [{"byte_order": "reversed"}]}, "cards.reader[0].match", "reader's name"),
        ({"reader": [{"match": "X", "colour": "red"}]}, "cards.reader[0].colour", "match"),
        ({"reader": ["OMNIKEY"]}, "cards.reader[0]", "[[cards.reader]]"),
        (
            {"atr_profile": [{"atr": "3B ZZ", "apdus": ["00A40400"]}]},
            "cards.atr_profile[0].atr",
            "hex",
        ),
        (
            {"atr_profile": [{"atr": "3B00", "mask": "FF", "apdus": ["00A40400"]}]},
            "cards.atr_profile[0].mask",
            "mask byte",
        ),
        ({"atr_profile": [{"atr": "3B00"}]}, "cards.atr_profile[0].apdus", "APDUs"),
        (
            {"atr_profile": [{"atr": "3B00", "apdus": ["00"]}]},
            "cards.atr_profile[0].apdus[0]",
            "4 bytes",
        ),
        (
            {"atr_profile": [{"atr": "3B00", "apdus": ["00A40400"], "take": "bytes 0-4"}]},
            "cards.atr_profile[0].take",
            "response[N][A:B]",
        ),
        (
            {"atr_profile": [{"atr": "3B00", "apdus": ["00A40400"], "take": "response[3]"}]},
            "cards.atr_profile[0].take",
            "below 1",
        ),
    ],
)
def test_mistakes_name_the_file_the_key_and_the_fix(table, key, fix_words):
    with pytest.raises(ConfigError) as caught:
        parse(table, "/etc/tapkiosk/greeter.toml")
    assert caught.value.path == "/etc/tapkiosk/greeter.toml"
    assert caught.value.key == key
    assert fix_words in caught.value.fix
