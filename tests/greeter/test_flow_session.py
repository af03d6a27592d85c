"""Flow tables: session start, lock, unlock, exit, and what the session runner reports (tap-over:
`test_flow_tapover.py`)."""

from __future__ import annotations

import pytest

from greeter.flow import samples
from greeter.flow.effects import LockScreen, Log, Report, StartSession, SwitchSession, UnlockScreen
from greeter.flow.inputs import (
    AppsClosed,
    InactivityTimedOut,
    SessionExited,
    SessionStarted,
    SessionStartFailed,
)
from greeter.flow.model import (
    Cancelled,
    LockRequested,
    PinEntered,
)
from greeter.flow.samples import FlowDriver
from greeter.flow.wire import CardFactor


def alice_signed_in(kind: str = "contactless") -> FlowDriver:
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD, kind=kind))  # type: ignore[arg-type]
    flow.reply(samples.need_pin())
    flow.send(PinEntered("1234"))
    flow.reply(samples.ok())
    flow.send(SessionStarted(samples.session()))
    return flow


def logged(effects, event: str) -> list[dict]:
    return [e.as_dict() for e in effects if isinstance(e, Log) and e.as_dict()["event"] == event]


def test_session_start_steps_aside_and_logs_and_reports():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.ok())
    assert flow.view.screen == "session"
    assert flow.view.busy  # the runner is still starting it
    effects = flow.send(SessionStarted(samples.session()))
    assert flow.view.screen == "session"
    assert not flow.view.busy
    assert logged(effects, "session") == [
        {"event": "session", "action": "started", "user": "alice"}
    ]
    reports = [e.as_dict() for e in effects if isinstance(e, Report)]
    assert reports == [
        {"event": "session", "action": "started", "user": "alice", "session": "s_alice"}
    ]


def test_session_that_fails_to_start_shows_session_failed():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.ok())
    flow.send(SessionStartFailed(samples.session(), "unable to start the session: no X"))
    assert flow.view.error_key == "session_failed"
    # the cause is for IT's log (the shell logs it), not for the screen
    assert "no X" not in repr(flow.view)
    flow.send(Cancelled())
    assert flow.view.screen == "idle"


def test_a_tap_by_the_signed_in_user_locks():
    flow = alice_signed_in()
    effects = flow.send(samples.tap(samples.ALICE_CARD))
    assert LockScreen() in effects
    assert flow.view.screen == "locked"
    assert flow.view.locked_user == "Alice Example"
    assert logged(effects, "session")[0]["action"] == "locked"
    assert not any(isinstance(e, StartSession | SwitchSession) for e in effects)


def test_lock_requested_locks():
    flow = alice_signed_in()
    assert LockScreen() in flow.send(LockRequested())
    assert flow.view.screen == "locked"


def test_inactivity_locks_a_session_in_view_like_the_lock_hotkey():
    flow = alice_signed_in()
    effects = flow.send(InactivityTimedOut())
    assert LockScreen() in effects
    assert flow.view.screen == "locked"
    assert flow.state.desktop is not None  # the session keeps running
    assert logged(effects, "session") == [{"event": "session", "action": "locked", "user": "alice"}]
    reports = [e.as_dict() for e in effects if isinstance(e, Report)]
    assert reports == [
        {"event": "session", "action": "locked", "user": "alice", "session": "s_alice"}
    ]
    # her tap brings the session back
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.ok(session_id="s_alice_2"))
    assert flow.view.screen == "session"


def idle_kiosk() -> FlowDriver:
    return FlowDriver()


def locked_session() -> FlowDriver:
    flow = alice_signed_in()
    flow.send(LockRequested())
    return flow


def starting_session() -> FlowDriver:
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.ok())
    return flow


def pin_entry_at_idle() -> FlowDriver:
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    return flow


def tap_over_pin_entry() -> FlowDriver:
    flow = alice_signed_in()
    flow.send(samples.tap(samples.BOB_CARD))
    flow.reply(samples.need_pin("bob"))
    return flow


def switching() -> FlowDriver:
    flow = tap_over_pin_entry()
    flow.send(PinEntered("4321"))
    flow.reply(samples.ok("bob"))
    return flow


def error_screen() -> FlowDriver:
    flow = FlowDriver()
    flow.send(samples.tap(samples.NEW_CARD))
    flow.reply(samples.unknown_card(allowed=False))
    return flow


@pytest.mark.parametrize(
    ("setup", "screen"),
    [
        (idle_kiosk, "idle"),
        (locked_session, "locked"),
        (starting_session, "session"),
        (pin_entry_at_idle, "pin"),
        (tap_over_pin_entry, "pin"),
        (switching, "locked"),
        (error_screen, "error"),
    ],
)
def test_inactivity_outside_a_session_in_view_is_ignored(setup, screen):
    flow = setup()
    before = flow.state
    assert flow.view.screen == screen
    assert flow.send(InactivityTimedOut()) == []
    assert flow.state == before


def test_pulling_the_contact_card_locks():
    flow = alice_signed_in(kind="contact")
    flow.send(samples.tap(samples.ALICE_CARD, kind="contact", action="removed"))
    assert flow.view.screen == "locked"


def test_a_contactless_card_leaving_does_not_lock():
    flow = alice_signed_in()
    flow.send(samples.tap(samples.ALICE_CARD, action="removed"))
    assert flow.view.screen == "session"


def test_unlock_by_the_same_user_inside_grace_needs_no_pin():
    flow = alice_signed_in()
    flow.send(LockRequested())
    flow.send(samples.tap(samples.ALICE_CARD))
    assert flow.request == CardFactor(samples.ALICE_CARD)
    assert flow.view.screen == "locked"
    assert not flow.view.switching
    effects = flow.reply(samples.ok(session_id="s_alice_2"))
    assert UnlockScreen() in effects
    assert not any(isinstance(e, StartSession | SwitchSession) for e in effects)
    assert flow.view.screen == "session"
    assert logged(effects, "session")[0]["action"] == "unlocked"


def test_unlock_after_grace_asks_for_the_pin():
    flow = alice_signed_in()
    flow.send(LockRequested(), samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    assert flow.view.screen == "pin"
    assert not flow.view.switching
    flow.send(PinEntered("1234"))
    assert UnlockScreen() in flow.reply(samples.ok())
    assert flow.view.screen == "session"


def test_session_exit_goes_back_to_idle_and_is_reported():
    flow = alice_signed_in()
    effects = flow.send(SessionExited(samples.session(), 0))
    assert flow.view.screen == "idle"
    assert flow.state.desktop is None
    assert logged(effects, "session")[0]["action"] == "ended"
    assert any(isinstance(e, Report) for e in effects)


def test_a_crashed_session_logs_and_reports_its_apps_closed_before_ended():
    flow = alice_signed_in()
    effects = flow.send(SessionExited(samples.session(), 3, AppsClosed("alice", 2, 1, 900)))
    assert flow.view.screen == "idle"
    lines = [e.as_dict() for e in effects if isinstance(e, Log)]
    assert [line["event"] for line in lines] == ["apps_closed", "session"]
    assert lines[0] == {"event": "apps_closed", "user": "alice", "graceful": 2, "forced": 1}
    reports = [e.as_dict() for e in effects if isinstance(e, Report)]
    assert reports[0]["event"] == "apps_closed"
    assert reports[0]["duration_ms"] == 900
    assert reports[1]["action"] == "ended"


def test_exit_of_an_unknown_session_is_ignored():
    flow = alice_signed_in()
    assert flow.send(SessionExited(samples.session("zed"), 0)) == []
    assert flow.view.screen == "session"


def test_unlock_does_not_ask_the_role_or_show_notices_again():
    flow = alice_signed_in()
    flow.send(LockRequested(), samples.tap(samples.ALICE_CARD))
    two = (samples.CLINICAL, samples.ADMIN)
    effects = flow.reply(samples.ok(roles=two, role=None, notices=(samples.VSC_EXPIRING,)))
    assert UnlockScreen() in effects
    assert flow.view.screen == "session"


def test_role_and_notice_screens_show_the_entry_timeout():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.ok(roles=(samples.CLINICAL, samples.ADMIN), role=None))
    assert flow.view.entry_timeout == 60
