"""`greeter doctor` for card readers, with pcscd down and up."""

import errno
import time

import pytest

from greeter.cards.doctor import diagnose
from greeter.cards.settings import CardSettings
from tests.rig.spine_card import SpineCard
from tests.rig.ssb import SoftCard
from tests.rig.vpcd import CONTACT_ATR

UID = bytes.fromhex("04A1B2C3D4E5F6")


def _busy(path):
    raise OSError(errno.EBUSY, "Device or resource busy")


@pytest.mark.pcsc
def test_with_pcscd_down_the_kiosk_cannot_read_cards_and_the_fix_is_given(pcscd):
    pcscd.stop()
    report = diagnose(CardSettings())
    assert not report.ok
    text = report.render()
    assert "pcscd" in text
    assert "systemctl enable --now pcscd.socket" in text
    assert "cannot read cards" in text


@pytest.mark.pcsc
def test_with_pcscd_up_readers_and_cards_are_listed_without_raw_ids(pcscd):
    pcscd.card(pcscd.readers[0], uid=UID).insert()
    pcscd.card(pcscd.readers[1], atr=CONTACT_ATR).insert()
    time.sleep(1.0)  # pcscd's poll notices both cards
    report = diagnose(CardSettings())
    text = report.render()
    assert report.ok, text
    assert "running, 2 reader(s)" in text
    assert "contactless card #" in text
    assert "04A1B2C3D4E5F6" not in text.upper()
    assert "contact card without a usable identifier" in text
    assert "atr_profile" in text  # the fix for that card


@pytest.mark.pcsc
def test_a_spine_smartcard_is_named_as_one_not_as_an_unusable_card(pcscd):
    soft = SoftCard.make("alice@DEMO")
    pcscd.attach(SpineCard.holding(pcscd.readers[1].port, soft)).insert()
    time.sleep(1.0)  # pcscd's poll notices it
    text = diagnose(CardSettings()).render()
    assert "a Spine smartcard" in text
    assert "without a usable identifier" not in text


@pytest.mark.pcsc
def test_an_nfc_reader_held_by_another_program_is_explained(pcscd):
    report = diagnose(CardSettings(nfc=("usb:072f:2200",)), nfc_opener=_busy)
    text = report.render()
    assert "[FAIL] NFC reader usb:072f:2200" in text
    assert "stop pcscd" in text
    assert report.ok  # the PC/SC readers still work


def test_no_card_source_at_all_is_not_ok():
    report = diagnose(CardSettings(pcsc=False), find_usb=list)
    assert not report.ok
    assert "none configured" in report.render()


def test_nfc_readers_on_usb_are_listed_and_the_pn533_trap_is_named(monkeypatch):
    monkeypatch.setattr("greeter.cards.doctor._pn533_bound", lambda: True)
    acr122 = (0x072F, 0x2200, 1, 5)
    other = (0x1D6B, 0x0002, 1, 1)  # a root hub: not an NFC reader
    report = diagnose(CardSettings(pcsc=False), find_usb=lambda: [acr122, other])
    text = report.render()
    assert "NFC reader usb:072f:2200 (acr122) on bus 001 device 005" in text
    assert "attached but not in [cards] nfc" in text
    assert "1d6b" not in text
    assert "blacklist pn533_usb" in text


def test_without_libusb_the_usb_listing_is_skipped_not_failed():
    def no_libusb():
        raise OSError("libusb not found")

    report = diagnose(CardSettings(pcsc=False, nfc=("udp:localhost:9",)), find_usb=no_libusb)
    assert "not listed (libusb not found)" in report.render()
