"""Flow tables: tap-over (another user's login over a running session) and sign-in with a
password from the lock screen: the session locks at the tap, whatever then happens to the new
login leaves it locked, and success switches user."""

from __future__ import annotations

from dataclasses import replace

import pytest

from greeter.flow import samples
from greeter.flow.effects import LockScreen, Log, Report, StartSession, SwitchSession, UnlockScreen
from greeter.flow.inputs import (
    AppsClosed,
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
from tests.greeter.test_flow_session import alice_signed_in, locked_session, logged


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
        flow.send(Cancelled())
    elif how == "unreachable":
        flow.fail("unreachable")
        flow.send(Cancelled())
    elif how == "call_timeout":
        flow.send(TimerFired("busy"), TimerFired("call"))
        flow.send(Cancelled())
    elif how == "not_registered":
        flow.reply(samples.unknown_card(allowed=False))
        flow.send(Cancelled())
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


def test_a_switch_whose_new_session_fails_leaves_idle_with_an_error():
    flow = alice_signed_in()
    flow.send(samples.tap(samples.BOB_CARD))
    flow.reply(samples.ok("bob"))
    flow.send(SessionStartFailed(samples.session("bob"), "unable to start the session: x"))
    assert flow.view.error_key == "session_failed"
    assert flow.state.desktop is None
    flow.send(Cancelled())
    assert flow.view.screen == "idle"


def test_taps_during_a_switch_are_ignored():
    flow = alice_signed_in()
    flow.send(samples.tap(samples.BOB_CARD))
    flow.reply(samples.ok("bob"))
    assert flow.send(samples.tap(samples.NEW_CARD)) == []


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
