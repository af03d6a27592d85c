"""Flow tables: session start, lock, unlock, tap-over (switch user) and its failures."""

from __future__ import annotations

from dataclasses import replace

import pytest

from greeter.flow import samples
from greeter.flow.effects import LockScreen, Log, Report, StartSession, SwitchSession, UnlockScreen
from greeter.flow.inputs import (
    AppsClosed,
    InactivityTimedOut,
    SessionExited,
    SessionStarted,
    SessionStartFailed,
    SessionSwitched,
    TimerFired,
)
from greeter.flow.model import (
    Cancelled,
    CardEnrollmentSubmitted,
    LockRequested,
    NewPinSubmitted,
    PasswordLoginRequested,
    PasswordSubmitted,
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
    assert flow.view.error_message == "unable to start the session: no X"
    flow.send(TimerFired("error"))
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


def test_tap_over_locks_then_authenticates_the_new_user_then_switches():
    flow = alice_signed_in()
    effects = flow.send(samples.tap(samples.BOB_CARD))
    # alice's session locks before anything is asked
    assert LockScreen() in effects
    assert logged(effects, "session") == [{"event": "session", "action": "locked", "user": "alice"}]
    assert flow.view.screen == "locked"
    flow.reply(samples.need_pin("bob"))
    assert flow.view.screen == "pin"
    assert flow.view.switching
    assert flow.view.locked_user == "Alice Example"
    assert flow.view.user_display_name == "Bob Example"
    flow.send(PinEntered("4321"))
    effects = flow.reply(samples.ok("bob"))
    assert SwitchSession(samples.session("alice"), samples.session("bob")) in effects
    # alice's apps are closing: the greeter stays over her desktop with a spinner
    assert flow.view.screen == "locked"
    assert flow.view.busy
    assert flow.view.switching
    assert flow.state.desktop is not None
    assert flow.state.desktop.username == "alice"  # until the runner says it switched

    apps = AppsClosed("alice", graceful=4, forced=1, duration_ms=5120)
    effects = flow.send(SessionSwitched(samples.session("alice"), samples.session("bob"), apps))
    assert flow.state.desktop.username == "bob"
    assert flow.view.screen == "session"
    assert logged(effects, "apps_closed") == [
        {"event": "apps_closed", "user": "alice", "graceful": 4, "forced": 1}
    ]
    # every session change has its line: alice's ended, bob's started
    assert logged(effects, "session") == [
        {"event": "session", "action": "ended", "user": "alice"},
        {"event": "session", "action": "started", "user": "bob"},
        {"event": "session", "action": "switched", "user": "bob"},
    ]
    reports = [e.as_dict() for e in effects if isinstance(e, Report)]
    assert [(r["event"], r.get("action"), r.get("session")) for r in reports] == [
        ("apps_closed", None, None),
        ("session", "ended", "s_alice"),
        ("session", "started", "s_bob"),
        ("session", "switched", "s_bob"),
    ]
    # the next tap by bob locks bob's session
    flow.send(samples.tap(samples.BOB_CARD))
    assert flow.view.screen == "locked"


def test_tap_over_includes_card_enrolment_for_a_new_user():
    flow = alice_signed_in()
    flow.send(LockRequested(), samples.tap(samples.NEW_CARD))
    flow.reply(samples.unknown_card())
    flow.send(CardEnrollmentSubmitted("carol", "pw", "DEMO"))
    flow.reply(samples.enroll("carol"))
    assert flow.view.screen == "enroll_pin"
    assert flow.view.switching
    flow.send(NewPinSubmitted("2468", "2468"))
    effects = flow.reply(samples.ok("carol"))
    assert SwitchSession(samples.session("alice"), samples.session("carol")) in effects


def _bob_fails_by(flow: FlowDriver, how: str) -> None:
    if how == "cancel":
        flow.reply(samples.need_pin("bob"))
        flow.send(Cancelled())
    elif how == "entry_timeout":
        flow.reply(samples.need_pin("bob"))
        flow.send(TimerFired("entry"))
    elif how == "wrong_pin_then_cancel":
        flow.reply(samples.need_pin("bob"))
        flow.send(PinEntered("0000"))
        flow.reply(samples.bad_pin())
        flow.send(Cancelled())
    elif how == "role_timeout":
        flow.reply(samples.need_pin("bob"))
        flow.send(PinEntered("4321"))
        flow.reply(samples.ok("bob", roles=(samples.CLINICAL, samples.ADMIN), role=None))
        assert flow.view.screen == "role"
        flow.send(TimerFired("entry"))
    elif how == "locked_out":
        flow.reply(samples.need_pin("bob"))
        flow.send(PinEntered("0000"))
        flow.reply(samples.locked())
        flow.send(TimerFired("error"))
    elif how == "unreachable":
        flow.fail("unreachable")
        flow.send(Cancelled())
    elif how == "call_timeout":
        flow.send(TimerFired("busy"), TimerFired("call"))
        flow.send(TimerFired("error"))
    elif how == "not_registered":
        flow.reply(samples.unknown_card(allowed=False))
        flow.send(TimerFired("error"))
    else:
        raise AssertionError(how)


TAP_OVER_FAILURES = (
    "cancel",
    "entry_timeout",
    "wrong_pin_then_cancel",
    "role_timeout",
    "locked_out",
    "unreachable",
    "call_timeout",
    "not_registered",
)


@pytest.mark.parametrize("how", TAP_OVER_FAILURES)
@pytest.mark.parametrize("locked_before", [True, False])
def test_failed_tap_over_leaves_the_previous_session_locked(how, locked_before):
    flow = alice_signed_in()
    if locked_before:
        flow.send(LockRequested())
    before_desktop = flow.state.desktop
    assert before_desktop is not None
    flow.send(samples.tap(samples.BOB_CARD))
    lines = logged(flow.effects, "session")
    _bob_fails_by(flow, how)
    # locked at the tap (if it was open), and locked it stays
    assert flow.state.desktop == replace(before_desktop, locked=True)
    assert flow.view == locked_session().view
    assert flow.state.phase is None
    assert not any(isinstance(e, SwitchSession | StartSession | UnlockScreen) for e in flow.effects)
    assert lines == (
        [] if locked_before else [{"event": "session", "action": "locked", "user": "alice"}]
    )


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


def test_a_switch_whose_new_session_fails_leaves_idle_with_an_error():
    flow = alice_signed_in()
    flow.send(samples.tap(samples.BOB_CARD))
    flow.reply(samples.ok("bob"))
    flow.send(SessionStartFailed(samples.session("bob"), "unable to start the session: x"))
    assert flow.view.error_key == "session_failed"
    assert flow.state.desktop is None
    flow.send(TimerFired("error"))
    assert flow.view.screen == "idle"


def test_taps_during_a_switch_are_ignored():
    flow = alice_signed_in()
    flow.send(samples.tap(samples.BOB_CARD))
    flow.reply(samples.ok("bob"))
    assert flow.send(samples.tap(samples.NEW_CARD)) == []


def test_unlock_does_not_ask_the_role_or_show_notices_again():
    flow = alice_signed_in()
    flow.send(LockRequested(), samples.tap(samples.ALICE_CARD))
    two = (samples.CLINICAL, samples.ADMIN)
    effects = flow.reply(samples.ok(roles=two, role=None, notices=(samples.VSC_EXPIRING,)))
    assert UnlockScreen() in effects
    assert flow.view.screen == "session"


@pytest.mark.parametrize("reply", [samples.need_pin("alice"), samples.ok()])
def test_a_card_not_known_to_be_hers_tapped_by_the_signed_in_user_locks(reply):
    flow = FlowDriver()
    flow.send(PasswordLoginRequested(), PasswordSubmitted("alice", "pw", "DEMO"))
    flow.reply(samples.ok())
    flow.send(SessionStarted(samples.session()))
    # locked at once, as for anyone's card; her own (PIN asked, or tap-and-go) keeps it locked
    assert LockScreen() in flow.send(samples.tap(samples.ALICE_CARD))
    effects = flow.reply(reply)
    assert not any(isinstance(e, UnlockScreen) for e in effects)
    assert flow.view.screen == "locked"
    # from now on that card is known to be hers
    desktop = flow.state.desktop
    assert desktop is not None
    assert desktop.card is not None
    assert desktop.card.card_id == samples.ALICE_CARD


def test_password_login_over_a_locked_session_switches_user():
    flow = alice_signed_in()
    flow.send(LockRequested())
    assert flow.view.can_password_login
    flow.send(PasswordLoginRequested(), PasswordSubmitted("bob", "pw", "DEMO"))
    assert flow.view.screen == "password"
    effects = flow.reply(samples.ok("bob"))
    assert SwitchSession(samples.session("alice"), samples.session("bob")) in effects


def test_the_owner_signing_in_with_password_on_the_lock_screen_unlocks():
    flow = locked_session()
    assert flow.view.can_password_login
    flow.send(PasswordLoginRequested())
    assert flow.view.screen == "password"
    assert flow.view.switching  # nobody knows yet who is typing
    flow.send(PasswordSubmitted("alice", "pw", "DEMO"))
    effects = flow.reply(samples.ok(session_id="s_alice_2", grace_until=""))
    assert UnlockScreen() in effects
    assert not any(isinstance(e, SwitchSession | StartSession) for e in effects)
    assert logged(effects, "session") == [
        {"event": "session", "action": "unlocked", "user": "alice"}
    ]
    assert flow.view.screen == "session"


def test_no_password_sign_in_over_a_session_in_plain_view():
    flow = alice_signed_in()
    assert not flow.view.can_password_login
    assert flow.send(PasswordLoginRequested()) == []
    assert flow.view.screen == "session"


def test_a_switch_whose_new_session_fails_logs_the_previous_one_ended():
    flow = alice_signed_in()
    flow.send(samples.tap(samples.BOB_CARD))
    flow.reply(samples.ok("bob"))
    apps = AppsClosed("alice", graceful=2, forced=0, duration_ms=300)
    effects = flow.send(SessionStartFailed(samples.session("bob"), "unable to start: x", apps))
    lines = [e.as_dict() for e in effects if isinstance(e, Log)]
    assert lines == [
        {"event": "apps_closed", "user": "alice", "graceful": 2, "forced": 0},
        {"event": "session", "action": "ended", "user": "alice"},
    ]


def test_role_and_notice_screens_show_the_entry_timeout():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.ok(roles=(samples.CLINICAL, samples.ADMIN), role=None))
    assert flow.view.entry_timeout == 60
