"""A Spine smartcard in a contact reader during a session: not a tap (no lock, no switch), a
hook for the in-session agent, and `[spine] card_removal_ends_session` deciding whether taking
it out ends the user's Spine session. The kiosk runs against a real appliance over HTTPS."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from greeter.backend import Unreachable
from greeter.cards import SpineCardEvent
from greeter.spine_card_watch import SpineCardWatch, spine_session_to_end
from tests.greeter.test_app import ALICE, events, kiosk_for, sign_in_alice, tap
from tests.rig.appliance import start_demo_appliance

READER = "Contact Reader 00 00"
INSERTED = SpineCardEvent("inserted", READER, 0.0)
REMOVED = SpineCardEvent("removed", READER, 0.0)


@pytest.fixture
def appliance(tmp_path: Path) -> Iterator[LocalAppliance]:
    with start_demo_appliance(tmp_path / "appliance") as server:
        yield server


@pytest.mark.parametrize(
    ("event", "removal_ends_session", "session_id", "ends"),
    [
        (REMOVED, True, "s1", "s1"),
        (REMOVED, False, "s1", None),  # the default: Spine support turns CardRemovalCheck off
        (REMOVED, True, None, None),  # nobody signed in: nothing to end
        (INSERTED, True, "s1", None),
    ],
)
def test_only_a_removal_with_the_setting_on_ends_the_running_sessions_spine_session(
    event, removal_ends_session, session_id, ends
):
    assert (
        spine_session_to_end(
            event, removal_ends_session=removal_ends_session, session_id=session_id
        )
        == ends
    )


def test_the_watch_knows_whether_a_spine_card_is_in_and_tells_its_listeners():
    watch = SpineCardWatch()
    heard: list[SpineCardEvent] = []
    watch.subscribe(heard.append)

    def broken(_event: SpineCardEvent) -> None:
        raise RuntimeError("a listener's bug")

    watch.subscribe(broken)  # a broken listener costs nobody else their event
    assert not watch.present
    watch.handle(INSERTED, None)
    assert watch.present
    watch.handle(REMOVED, "s1")
    assert not watch.present
    assert heard == [INSERTED, REMOVED]


def test_an_appliance_that_cannot_end_the_session_is_a_warning_not_a_crash(caplog):
    def unreachable(_session_id: str) -> None:
        raise Unreachable("unable to reach the appliance: connection refused")

    watch = SpineCardWatch(removal_ends_session=True, end=unreachable)
    assert watch.handle(REMOVED, "s1") == "s1"
    with caplog.at_level(logging.WARNING):
        watch.end_session("s1")
    assert "unable to end the Spine session" in caplog.text


def test_a_spine_card_in_and_out_during_a_session_neither_locks_nor_switches(tmp_path, appliance):
    kiosk, _executor, log_path = kiosk_for(tmp_path, appliance)
    heard: list[tuple[SpineCardEvent, bool]] = []
    kiosk.spine_card.subscribe(
        lambda event: heard.append((event, threading.current_thread() is threading.main_thread()))
    )
    try:
        sign_in_alice(kiosk)
        assert kiosk.view.screen == "session"
        kiosk.sink(INSERTED)
        assert kiosk.view.screen == "session"
        assert kiosk.state.desktop is not None
        assert not kiosk.state.desktop.locked
        assert kiosk.spine_card.present
        kiosk.sink(REMOVED)
        assert kiosk.view.screen == "session"
        assert not kiosk.state.desktop.locked
        assert not kiosk.spine_card.present
        # her badge is still a tap: it locks
        kiosk.sink(tap(ALICE))
        assert kiosk.view.screen == "locked"
    finally:
        kiosk.close()
    assert heard == [(INSERTED, True), (REMOVED, True)]
    lines = [line for line in events(log_path) if line["event"] == "spine_card"]
    assert [(line["action"], line["reader"]) for line in lines] == [
        ("inserted", READER),
        ("removed", READER),
    ]
    assert not any("ends_spine_session" in line for line in lines)  # off by default
    assert [line["event"] for line in events(log_path)].count("card") == 2


@pytest.mark.parametrize("removal_ends_session", [True, False])
def test_taking_the_spine_card_out_ends_the_spine_session_only_with_the_setting(
    tmp_path, appliance, removal_ends_session
):
    extra = f"[spine]\ncard_removal_ends_session = {json.dumps(removal_ends_session)}\n"
    kiosk, _executor, log_path = kiosk_for(tmp_path, appliance, extra=extra)
    assert kiosk.spine_card.removal_ends_session is removal_ends_session
    ended: list[str] = []
    # the appliance's route to end a Spine session is not on this branch: record the call the
    # kiosk makes instead of SpineClient.end (the wiring passes SpineClient.end here)
    kiosk.spine_card = SpineCardWatch(removal_ends_session=removal_ends_session, end=ended.append)
    try:
        kiosk.sink(REMOVED)  # before anyone signs in: nothing to end
        sign_in_alice(kiosk)
        assert kiosk.state.desktop is not None
        session_id = kiosk.state.desktop.session.id
        kiosk.sink(INSERTED)
        assert ended == []
        kiosk.sink(REMOVED)
        assert kiosk.view.screen == "session"  # the desktop session goes on either way
    finally:
        kiosk.close()
    assert ended == ([session_id] if removal_ends_session else [])
    lines = [line for line in events(log_path) if line["event"] == "spine_card"]
    assert [line.get("ends_spine_session", False) for line in lines] == [
        False,
        False,
        removal_ends_session,
    ]
