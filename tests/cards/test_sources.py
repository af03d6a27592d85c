"""All sources wired in one place from the settings."""

from greeter.cards.nfc import NfcSource
from greeter.cards.pcsc import PcscSource
from greeter.cards.settings import CardSettings
from greeter.cards.sources import build_sources
from greeter.cards.virtual import VirtualTapSource, send_lock
from tests.cards.events import Collected


def test_each_configured_reader_gets_its_source():
    settings = CardSettings(pcsc=True, nfc=("usb", "udp:localhost:5"))
    kinds = [type(s) for s in build_sources(settings, virtual_socket=None)]
    assert kinds == [PcscSource, NfcSource, NfcSource]


def test_pcsc_off_and_no_nfc_leaves_only_virtual_taps(tmp_path):
    sources = build_sources(CardSettings(pcsc=False), virtual_socket=tmp_path / "t.sock")
    assert [type(s) for s in sources] == [VirtualTapSource]


def test_the_configured_virtual_socket_is_used_and_lock_reaches_the_caller(tmp_path):
    locks = []
    path = tmp_path / "v" / "taps.sock"
    settings = CardSettings(pcsc=False, virtual_socket=str(path))
    (source,) = build_sources(settings, virtual_socket=None, on_lock=lambda: locks.append(1))
    source.start(Collected())
    try:
        send_lock(path)
    finally:
        source.stop()
    assert locks == [1]
