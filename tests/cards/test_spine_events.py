"""A Spine smartcard in a contact reader is a SpineCardEvent from the PC/SC watcher, never a
tap; a contactless badge beside it still is one. Real pcscd, vpcd virtual cards."""

from __future__ import annotations

import time

import pytest

from greeter.cards import CardEvent
from greeter.cards.pcsc import PcscSource
from greeter.cards.settings import CardSettings
from tests.cards.events import Collected
from tests.rig.spine_card import SpineCard
from tests.rig.ssb import SoftCard

pytestmark = pytest.mark.pcsc

BADGE = bytes.fromhex("04A1B2C3D4E5F6")
POLL = 0.5


@pytest.fixture
def sink(pcscd):
    collected = Collected()
    source = PcscSource(CardSettings(), backoff=(0.05, 0.5))
    source.start(collected)
    collected.wait_status("ok")
    yield collected
    source.stop()


def test_a_spine_card_in_and_out_is_a_spine_card_event_and_never_a_tap(pcscd, sink):
    reader = pcscd.readers[0]
    card = pcscd.attach(SpineCard.holding(reader.port, SoftCard.make("alice@DEMO")))
    inserted_at = time.monotonic()
    card.insert()
    inserted = sink.wait_spine("inserted")
    assert (inserted.reader, inserted.action) == (reader.name, "inserted")
    assert inserted_at < inserted.mono <= time.monotonic()
    time.sleep(2 * POLL)  # resting in the reader: one event, not a stream
    card.remove()
    removed = sink.wait_spine("removed")
    assert removed.reader == reader.name
    assert sink.events == []  # no present, no removed, no unsupported: nothing for the flow
    assert [e.action for e in sink.spine_events] == ["inserted", "removed"]
    assert card.verified is False  # watching never verifies nor signs
    assert card.signatures == 0


def test_a_contactless_badge_beside_the_spine_card_is_still_a_tap(pcscd, sink):
    spine = pcscd.attach(SpineCard.holding(pcscd.readers[0].port, SoftCard.make("bob@DEMO")))
    spine.insert()
    sink.wait_spine("inserted")
    pcscd.card(pcscd.readers[1], uid=BADGE).insert()
    tap = sink.wait_event("present")
    assert (tap.card_id, tap.kind, tap.reader) == (
        BADGE.hex().upper(),
        "contactless",
        pcscd.readers[1].name,
    )
    assert all(isinstance(e, CardEvent) for e in sink.events)
    assert [e.reader for e in sink.spine_events] == [pcscd.readers[0].name]
