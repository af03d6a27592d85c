"""NFC through nfcpy's udp driver, with an emulated type A tag as the far side."""

import errno
import logging
import threading
import time

import pytest

from greeter.cards.nfc import NfcSource, open_fault
from greeter.cards.settings import CardSettings, ReaderProfile
from tests.cards.events import Collected
from tests.rig.nfc import EmulatedTag, free_udp_port

UID = bytes.fromhex("08A1B2C3")
LONG_UID = bytes.fromhex("05A1B2C3D4E5F6")


@pytest.fixture
def udp_reader():
    port = free_udp_port()
    sources = []
    tags = []

    def start(settings=None):
        sink = Collected()
        source = NfcSource(f"udp:localhost:{port}", settings or CardSettings())
        source.start(sink)
        sources.append(source)
        sink.wait_status("ok")
        return sink

    def tag(uid):
        emulated = EmulatedTag(port, uid)
        tags.append(emulated)
        return emulated

    yield start, tag
    for emulated in tags:
        emulated.lift()
    for source in sources:
        source.stop()


@pytest.mark.nfc
def test_a_tag_resting_on_the_reader_is_one_tap_and_its_lifting_is_reported(udp_reader):
    start, tag = udp_reader
    sink = start()
    card = tag(UID)
    card.place()
    present = sink.wait_event("present")
    assert (present.card_id, present.source, present.kind) == ("08A1B2C3", "nfc", "contactless")
    assert "udp:localhost" in present.reader
    time.sleep(1.5)  # many presence checks while it rests
    assert [e.action for e in sink.events] == ["present"]
    card.lift()
    removed = sink.wait_event("removed")
    assert (removed.card_id, removed.kind) == ("08A1B2C3", "contactless")


@pytest.mark.nfc
def test_a_seven_byte_uid_on_a_reversed_reader_profile_is_corrected(udp_reader):
    start, tag = udp_reader
    sink = start(CardSettings(readers=(ReaderProfile(match="IP-Stack", byte_order="reversed"),)))
    tag(bytes(reversed(LONG_UID))).place()
    assert sink.wait_event("present").card_id == LONG_UID.hex().upper()


@pytest.mark.nfc
@pytest.mark.parametrize("resting", [True, False])
def test_stop_is_prompt_with_a_tag_resting_or_not(resting):
    port = free_udp_port()
    source = NfcSource(f"udp:localhost:{port}", CardSettings())
    sink = Collected()
    source.start(sink)
    emulated = EmulatedTag(port, UID)
    try:
        sink.wait_status("ok")
        if resting:
            emulated.place()
            sink.wait_event("present")
        else:
            time.sleep(0.5)
        began = time.monotonic()
        source.stop()
        assert time.monotonic() - began < 1.5
    finally:
        emulated.lift()
        source.stop()


class BusyDevice:
    """The far side that cannot run here: a USB reader claimed by the pn533 driver or pcscd."""

    def __init__(self, code):
        self.code = code
        self.calls = 0
        self.called = threading.Event()

    def __call__(self, path):
        self.calls += 1
        if self.calls >= 3:
            self.called.set()
        raise OSError(self.code, "Device or resource busy")


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.EBUSY, "stop pcscd"), (errno.EACCES, "udev rule"), (errno.ENODEV, "plug it in")],
)
def test_a_reader_that_cannot_be_opened_is_one_status_with_the_fix(code, words, caplog):
    opener = BusyDevice(code)
    source = NfcSource("usb:054c:06c3", CardSettings(), opener=opener, backoff=(0.05, 0.1))
    sink = Collected()
    with caplog.at_level(logging.WARNING):
        source.start(sink)
        assert opener.called.wait(3)  # it retries, with backoff
        source.stop()
    assert len(sink.statuses) == 1
    assert words in sink.statuses[0].message
    assert len(caplog.records) == 1  # reported once, not a crash loop
    assert sink.events == []


def test_the_pn533_kernel_driver_fix_is_named(monkeypatch, tmp_path):
    driver = tmp_path / "pn533_usb"
    (driver / "1-1:1.0").mkdir(parents=True)
    monkeypatch.setattr("greeter.cards.nfc.PN533_DRIVER", driver)
    fault = open_fault("usb", OSError(errno.ENODEV, "No such device"))
    assert fault.service == "down"
    assert "pn533_usb kernel driver" in fault.problem
    assert "blacklist pn533_usb" in fault.fix
    assert "/etc/modprobe.d" in fault.fix


@pytest.mark.nfc
def test_a_reader_that_comes_back_is_used_again():
    """Unplug/replug as the reader sees it: opening fails for a while, then succeeds."""
    import nfc

    port = free_udp_port()
    plugged = threading.Event()

    def opener(path):
        if not plugged.is_set():
            raise OSError(errno.ENODEV, "No such device")
        return nfc.ContactlessFrontend(path)

    sink = Collected()
    source = NfcSource(f"udp:localhost:{port}", CardSettings(), opener=opener, backoff=(0.05, 0.2))
    source.start(sink)
    try:
        sink.wait_status("missing")
        plugged.set()
        sink.wait_status("ok")
        emulated = EmulatedTag(port, UID)
        emulated.place()
        try:
            assert sink.wait_event("present").card_id == "08A1B2C3"
        finally:
            emulated.lift()
    finally:
        source.stop()


class Unpluggable:
    """A real udp ContactlessFrontend whose next connect fails the way nfcpy reports an unplug."""

    def __init__(self, path):
        import nfc

        self.clf = nfc.ContactlessFrontend(path)
        self.unplugged = False

    def connect(self, **options):
        if self.unplugged:
            return False  # nfcpy logs the IOError and returns False
        return self.clf.connect(**options)

    def close(self):
        self.clf.close()

    def __str__(self):
        return str(self.clf)


@pytest.mark.nfc
def test_a_reader_unplugged_mid_session_is_reported_and_reopened():
    port = free_udp_port()
    opened = []

    def opener(path):
        opened.append(Unpluggable(path))
        return opened[-1]

    sink = Collected()
    source = NfcSource(f"udp:localhost:{port}", CardSettings(), opener=opener, backoff=(0.05, 0.2))
    source.start(sink)
    try:
        sink.wait_status("ok")
        opened[0].unplugged = True
        assert "went away" in sink.wait_status("down").message
        sink.wait_for(lambda i: len(opened) >= 2 and sink.statuses[-1].service == "ok")
        emulated = EmulatedTag(port, UID)
        emulated.place()
        try:
            assert sink.wait_event("present").card_id == "08A1B2C3"
        finally:
            emulated.lift()
    finally:
        source.stop()
