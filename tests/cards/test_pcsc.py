"""PC/SC card events through a real pcscd with vpcd virtual cards."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from greeter.cards.pcsc import PcscSource
from greeter.cards.settings import AtrProfile, CardSettings, ReaderProfile
from tests.cards.events import Collected
from tests.rig.vpcd import CONTACT_ATR, cplc_with_serial

pytestmark = pytest.mark.pcsc

UID = bytes.fromhex("04A1B2C3D4E5F6")
OTHER_UID = bytes.fromhex("04112233445566")
POLL = 0.5  # pcscd notices a vpcd card within one poll (~0.4 s)


@pytest.fixture
def watch(pcscd) -> Iterator:
    """Start a PcscSource with given settings; stopped at teardown."""
    started: list[PcscSource] = []

    def start(settings: CardSettings | None = None) -> Collected:
        sink = Collected()
        source = PcscSource(settings or CardSettings(), backoff=(0.05, 0.5))
        source.start(sink)
        started.append(source)
        sink.wait_status("ok")
        return sink

    yield start
    for source in started:
        source.stop()


def test_a_tap_is_one_present_event_with_the_uid(pcscd, watch):
    sink = watch()
    reader = pcscd.readers[0]
    inserted_at = time.monotonic()
    pcscd.card(reader, uid=UID).insert()
    event = sink.wait_event("present")
    assert inserted_at < event.mono <= time.monotonic()
    assert (event.card_id, event.reader, event.source, event.kind) == (
        "04A1B2C3D4E5F6",
        reader.name,
        "pcsc",
        "contactless",
    )


def test_a_card_resting_on_the_reader_is_one_tap_not_a_stream(pcscd, watch):
    sink = watch()
    pcscd.card(pcscd.readers[0], uid=UID).insert()
    sink.wait_event("present")
    time.sleep(4 * POLL)  # several pcscd polls while the card rests
    assert [e.action for e in sink.events] == ["present"]


def test_lifting_a_contactless_card_is_reported_as_removed(pcscd, watch):
    sink = watch()
    card = pcscd.card(pcscd.readers[0], uid=UID)
    card.insert()
    sink.wait_event("present")
    card.remove()
    removed = sink.wait_event("removed")
    assert (removed.card_id, removed.kind) == ("04A1B2C3D4E5F6", "contactless")


def test_a_second_tap_of_the_same_card_is_a_new_tap(pcscd, watch):
    sink = watch()
    card = pcscd.card(pcscd.readers[0], uid=UID)
    card.insert()
    sink.wait_event("present")
    card.remove()
    sink.wait_event("removed")
    card.insert()
    sink.wait_for(lambda i: [e.action for e in sink.events] == ["present", "removed", "present"])


def test_a_contact_card_is_identified_by_its_cplc_ic_serial(pcscd, watch):
    sink = watch()
    card = pcscd.card(
        pcscd.readers[1], atr=CONTACT_ATR, cplc=cplc_with_serial(bytes.fromhex("11223344"))
    )
    card.insert()
    present = sink.wait_event("present")
    assert (present.card_id, present.kind) == ("11223344", "contact")
    card.remove()
    removed = sink.wait_event("removed")
    assert (removed.card_id, removed.kind) == ("11223344", "contact")


def test_a_contact_card_without_cplc_uses_its_atr_profile(pcscd, watch):
    profile = AtrProfile(
        atr=CONTACT_ATR,
        mask=b"\xff" * len(CONTACT_ATR),
        apdus=(bytes.fromhex("00A4040007A0000000030000"), bytes.fromhex("80CA010000")),
        take_from=1,
        take_start=2,
        take_end=10,
    )
    sink = watch(CardSettings(atr_profiles=(profile,)))
    responses = {
        "00A4040007A0000000030000": bytes.fromhex("9000"),
        "80CA010000": bytes.fromhex("0A0B 0102030405060708 FF 9000"),
    }
    pcscd.card(pcscd.readers[1], atr=CONTACT_ATR, responses=responses).insert()
    present = sink.wait_event("present")
    assert (present.card_id, present.kind) == ("0102030405060708", "contact")


def test_a_card_that_yields_no_identifier_is_reported_unsupported(pcscd, watch):
    sink = watch()
    pcscd.card(pcscd.readers[1], atr=CONTACT_ATR).insert()  # no CPLC, no profile
    event = sink.wait_event("unsupported")
    assert (event.card_id, event.kind, event.reader) == (None, "contact", pcscd.readers[1].name)


@pytest.mark.parametrize("fault", ["garbage", "short"])
def test_garbage_or_short_answers_are_unsupported_and_the_stream_goes_on(pcscd, watch, fault):
    sink = watch()
    bad = pcscd.card(pcscd.readers[0], uid=UID, fault=fault)
    bad.insert()
    sink.wait_event("unsupported", timeout=5)
    bad.remove()
    pcscd.card(pcscd.readers[1], uid=OTHER_UID).insert()
    assert sink.wait_event("present").card_id == OTHER_UID.hex().upper()


def test_a_card_pulled_mid_apdu_is_no_tap_and_the_stream_goes_on(pcscd, watch):
    sink = watch()
    pcscd.card(pcscd.readers[0], uid=UID, fault="pulled").insert()
    time.sleep(4 * POLL)
    assert sink.events == []
    pcscd.card(pcscd.readers[1], uid=OTHER_UID).insert()
    assert sink.wait_event("present").card_id == OTHER_UID.hex().upper()


def test_reader_profiles_correct_reversed_readers_and_decide_the_kind(pcscd, watch):
    reversed_reader = ReaderProfile(match="vpcd A 00 00", byte_order="reversed")
    # a reader whose contactless cards come with a contact-style ATR
    forced = ReaderProfile(match="vpcd A 00 01", kind="contactless")
    sink = watch(CardSettings(readers=(reversed_reader, forced)))
    pcscd.card(pcscd.readers[0], uid=bytes(reversed(UID))).insert()
    event = sink.wait_event("present")
    assert (event.card_id, event.kind) == ("04A1B2C3D4E5F6", "contactless")
    pcscd.card(pcscd.readers[1], uid=OTHER_UID, atr=CONTACT_ATR).insert()
    event = sink.wait_event("present", reader=pcscd.readers[1].name)
    assert (event.card_id, event.kind) == (OTHER_UID.hex().upper(), "contactless")


def test_a_pcscd_restart_is_reported_once_and_taps_work_afterwards(pcscd, watch):
    sink = watch()
    pcscd.restart()
    sink.wait_status("down")
    sink.wait_for(lambda i: sink.statuses[-1].service == "ok" and len(sink.statuses) >= 3)
    assert [s.service for s in sink.statuses] == ["ok", "down", "ok"]
    assert "pcscd" in sink.statuses[1].message
    pcscd.card(pcscd.readers[0], uid=UID).insert()
    assert sink.wait_event("present").card_id == "04A1B2C3D4E5F6"


def test_pcscd_missing_at_start_is_one_status_then_it_recovers(pcscd, caplog):
    pcscd.stop()
    sink = Collected()
    source = PcscSource(CardSettings(), backoff=(0.05, 0.2))
    with caplog.at_level(logging.WARNING):
        source.start(sink)
        try:
            status = sink.wait_status("missing")
            assert "systemctl" in status.message
            time.sleep(1.0)  # several reconnect attempts
            assert [s.service for s in sink.statuses] == ["missing"]
            assert len(caplog.records) == 1  # one line, not a flood
            pcscd.start()
            sink.wait_status("ok")
            pcscd.card(pcscd.readers[0], uid=UID).insert()
            sink.wait_event("present")
        finally:
            source.stop()


def test_readers_appearing_and_disappearing_are_followed(pcscd, watch):
    sink = watch()
    added = pcscd.add_reader("B")
    names = tuple(r.name for r in pcscd.readers)
    sink.wait_status("ok", readers=names)
    card = pcscd.card(added[0], uid=UID)
    card.insert()
    assert sink.wait_event("present").reader == added[0].name
    contact = pcscd.card(added[1], atr=CONTACT_ATR, cplc=cplc_with_serial(b"\x01\x02\x03\x04"))
    contact.insert()
    sink.wait_event("present", kind="contact")
    pcscd.remove_reader("B")
    sink.wait_status("ok", readers=tuple(r.name for r in pcscd.readers))
    removed = sink.wait_event("removed", kind="contact")
    assert removed.reader == added[1].name


def test_stop_is_clean_and_quick_while_blocked_waiting(pcscd):
    source = PcscSource(CardSettings())
    sink = Collected()
    source.start(sink)
    sink.wait_status("ok")
    time.sleep(0.2)  # let it block in SCardGetStatusChange
    started = time.monotonic()
    source.stop()
    assert time.monotonic() - started < 1.0


def test_no_raw_card_id_reaches_the_log(pcscd, watch, caplog):
    with caplog.at_level(logging.DEBUG):
        sink = watch()
        pcscd.card(pcscd.readers[0], uid=UID).insert()
        sink.wait_event("present")
        pcscd.card(pcscd.readers[1], atr=CONTACT_ATR, uid=UID).insert()
        sink.wait_event("unsupported")
    assert "04A1B2C3D4E5F6" not in caplog.text.upper().replace(" ", "")
