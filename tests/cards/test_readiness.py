"""`greeter.cards.readiness`: the one verdict on "can this kiosk read cards" (pure)."""

from __future__ import annotations

import pytest

from greeter.cards import ReaderStatus
from greeter.cards.readiness import NO_SOURCE, VIRTUAL_ONLY, assess, configured
from greeter.cards.settings import CardSettings

PCSC_READER = ReaderStatus("pcsc", "ok", ("Reader 0",))
PCSC_EMPTY = ReaderStatus("pcsc", "ok", (), "no card reader is attached: plug in the reader")
PCSC_DOWN = ReaderStatus("pcsc", "missing", (), "unable to reach pcscd")
NFC_MISSING = ReaderStatus("nfc", "missing", (), "unable to open NFC reader usb")
VIRTUAL = ReaderStatus("virtual", "ok", ("virtual",))
PCSC_OFF = ReaderStatus("pcsc", "off", ())
NFC_OFF = ReaderStatus("nfc", "off", ())


@pytest.mark.parametrize(
    ("statuses", "ok", "message"),
    [
        ((), True, ""),  # nothing looked at yet: no warning on the first frame
        ((ReaderStatus("pcsc", "starting", ()), NFC_OFF), True, ""),
        ((PCSC_READER, NFC_OFF), True, ""),
        ((PCSC_READER, NFC_MISSING), True, NFC_MISSING.message),
        ((NFC_MISSING, PCSC_EMPTY), False, PCSC_EMPTY.message),  # pcsc's problem first
        ((PCSC_DOWN, NFC_OFF), False, PCSC_DOWN.message),
        ((PCSC_DOWN, NFC_OFF, VIRTUAL), False, PCSC_DOWN.message),
        ((PCSC_OFF, NFC_OFF, VIRTUAL), False, VIRTUAL_ONLY),
        ((PCSC_OFF, NFC_OFF), False, NO_SOURCE),
        ((VIRTUAL,), False, VIRTUAL_ONLY),
    ],
)
def test_the_verdict(statuses, ok, message):
    readiness = assess(statuses)
    assert readiness.ok is ok
    assert readiness.message == message


def test_virtual_taps_alone_are_not_a_card_reader():
    # the demo's idle screen once said "Card reader ready" with only virtual taps listening,
    # while `greeter doctor` said the kiosk could not read cards
    assert not assess(configured(CardSettings(pcsc=False), virtual=True)).ok
    assert not assess([*configured(CardSettings(pcsc=False), virtual=True), VIRTUAL]).ok


def test_configured_sources_are_starting_until_they_report():
    statuses = configured(CardSettings(pcsc=True, nfc=("usb",)), virtual=False)
    assert {(s.source, s.service) for s in statuses} == {("pcsc", "starting"), ("nfc", "starting")}
    assert assess(statuses).ok
