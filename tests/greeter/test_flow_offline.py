"""Flow tables: the offline unlock. Which logins arm it, who may use it, and everything that
drops it (logout, switch, the end of grace, too many wrong PINs, shut-down)."""

from __future__ import annotations

import pytest

from greeter.flow import samples
from greeter.flow.effects import (
    ArmTimer,
    CancelTimer,
    CheckOfflinePin,
    DropOfflineVerifier,
    KeepOfflineVerifier,
    Log,
    Report,
    StartSession,
    SwitchSession,
    UnlockScreen,
)
from greeter.flow.inputs import (
    AppsClosed,
    OfflinePinChecked,
    OfflineVerifierKept,
    SessionExited,
    SessionStarted,
    SessionSwitched,
    Stopping,
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
    RoleChosen,
)
from greeter.flow.offline import OFFLINE_PIN_TRIES
from greeter.flow.parse import parse_auth_reply
from greeter.flow.samples import FlowDriver
from greeter.flow.wire import AuthOk, RoleChanged

KEEP_ALICE = KeepOfflineVerifier("s_alice", "1234", samples.GRACE_UNTIL)
DROP = [DropOfflineVerifier(), CancelTimer("grace")]


def kept(effects) -> list[KeepOfflineVerifier]:
    return [e for e in effects if isinstance(e, KeepOfflineVerifier)]


def alice_in(grace_seconds: float = 3600) -> FlowDriver:
    """Alice signed in with card + PIN; the shell made her verifier."""
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(PinEntered("1234"))
    flow.reply(samples.ok())
    assert kept(flow.effects) == [KEEP_ALICE]
    flow.send(SessionStarted(samples.session()))
    assert ArmTimer("grace", grace_seconds) in flow.send(
        OfflineVerifierKept("s_alice", grace_seconds)
    )
    return flow


def alice_locked_offline() -> FlowDriver:
    """Alice's session locked; her tap gets no answer from the appliance."""
    flow = alice_in()
    flow.send(LockRequested(), samples.tap(samples.ALICE_CARD))
    flow.fail("unreachable")
    return flow


@pytest.mark.parametrize("grace", [None, "absent"])
def test_an_ok_with_no_grace_period_parses_as_no_grace(grace):
    # a single-factor login gets no tap-and-go grace: `grace_until` is null
    spine: dict[str, object] = {"roles": [], "role": None}
    if grace is None:
        spine["grace_until"] = None
    body = {
        "status": "ok",
        "session": {"id": "s_1", "user": {"username": "bob"}, "spine": spine},
        "notices": [],
    }
    reply = parse_auth_reply(body)
    assert isinstance(reply, AuthOk)
    assert reply.session.spine.grace_until == ""


def test_the_pin_of_a_card_login_arms_the_offline_unlock_and_never_shows():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(PinEntered("1234"))
    # held while the appliance answers, hidden from any repr that could reach a log
    assert "1234" not in repr(flow.state)
    flow.reply(samples.ok())
    assert "1234" not in repr(flow.effects)
    assert flow.state.offline is not None
    assert not flow.state.offline.ready


def test_the_pin_set_at_enrolment_of_a_card_arms_it_too():
    flow = FlowDriver()
    flow.send(samples.tap(samples.NEW_CARD))
    flow.reply(samples.unknown_card())
    flow.send(CardEnrollmentSubmitted("carol", "pw", "DEMO"))
    flow.reply(samples.enroll("carol"))
    flow.send(NewPinSubmitted("2468", "2468"))
    effects = flow.reply(samples.ok("carol"))
    assert kept(effects) == [KeepOfflineVerifier("s_carol", "2468", samples.GRACE_UNTIL)]


@pytest.mark.parametrize("how", ["no_grace", "tap_and_go", "password", "password_and_pin"])
def test_logins_without_two_factors_and_grace_do_not_arm_it(how):
    flow = FlowDriver()
    if how == "no_grace":
        flow.send(samples.tap(samples.ALICE_CARD))
        flow.reply(samples.need_pin())
        flow.send(PinEntered("1234"))
        effects = flow.reply(samples.ok(grace_until=""))
    elif how == "tap_and_go":
        flow.send(samples.tap(samples.ALICE_CARD))
        effects = flow.reply(samples.ok())
    elif how == "password":
        flow.send(PasswordLoginRequested(), PasswordSubmitted("bob", "pw", "DEMO"))
        effects = flow.reply(samples.ok("bob", grace_until=""))
    else:
        # a password-first login has no card to unlock with, PIN or not
        flow.send(PasswordLoginRequested(), PasswordSubmitted("bob", "pw", "DEMO"))
        flow.reply(samples.enroll("bob"))
        flow.send(NewPinSubmitted("2580", "2580"))
        effects = flow.reply(samples.ok("bob"))
    assert kept(effects) == []
    assert flow.state.offline is None


def test_the_owner_unlocks_offline_with_card_and_pin():
    flow = alice_locked_offline()
    view = flow.view
    assert (view.screen, view.offline, view.switching) == ("pin", True, False)
    assert view.user_display_name == "Alice Example"
    assert view.attempts_left == OFFLINE_PIN_TRIES
    effects = flow.send(PinEntered("1234"))
    (check,) = [e for e in effects if isinstance(e, CheckOfflinePin)]
    assert check.pin == "1234"
    assert "1234" not in repr(check)
    effects = flow.send(OfflinePinChecked(check.call_id, "right"))
    assert UnlockScreen() in effects
    assert flow.view.screen == "session"
    logs = [e.as_dict() for e in effects if isinstance(e, Log)]
    assert logs == [{"event": "session", "action": "unlocked", "user": "alice", "offline": True}]
    # the appliance's audit event keeps the wire's shape
    reports = [e.as_dict() for e in effects if isinstance(e, Report)]
    assert reports == [
        {"event": "session", "action": "unlocked", "user": "alice", "session": "s_alice"}
    ]


def test_a_slow_appliance_leads_the_owner_offline_too():
    flow = alice_in()
    flow.send(LockRequested(), samples.tap(samples.ALICE_CARD))
    flow.send(TimerFired("busy"), TimerFired("call"))
    assert (flow.view.screen, flow.view.offline) == ("pin", True)


def test_another_users_card_is_refused_offline():
    flow = alice_in()
    flow.send(LockRequested(), samples.tap(samples.BOB_CARD))
    flow.fail("unreachable")
    assert flow.view.screen == "error"
    assert flow.view.error_key == "offline_owner_only"
    flow.send(Cancelled())
    assert flow.view.screen == "locked"
    assert flow.state.desktop is not None
    assert flow.state.desktop.locked


def test_wrong_pins_offline_count_down_then_drop_the_verifier():
    flow = alice_locked_offline()
    for left in range(OFFLINE_PIN_TRIES - 1, 0, -1):
        flow.send(PinEntered("0000"))
        flow.send(OfflinePinChecked(flow.state.call, "wrong"))
        assert (flow.view.screen, flow.view.error_key) == ("pin", "bad_pin")
        assert flow.view.attempts_left == left
    flow.send(PinEntered("0000"))
    effects = flow.send(OfflinePinChecked(flow.state.call, "wrong"))
    assert effects[:2] == DROP
    assert flow.view.error_key == "offline_pin_limit"
    assert flow.state.offline is None
    # from now on her card needs the appliance
    flow.send(Cancelled(), samples.tap(samples.ALICE_CARD))
    flow.fail("unreachable")
    assert flow.view.error_key == "offline_needs_server"


def test_a_right_pin_offline_starts_the_count_again():
    flow = alice_locked_offline()
    flow.send(PinEntered("0000"))
    flow.send(OfflinePinChecked(flow.state.call, "wrong"))
    flow.send(PinEntered("1234"))
    flow.send(OfflinePinChecked(flow.state.call, "right"))
    assert flow.state.offline is not None
    assert flow.state.offline.wrong == 0


def test_the_end_of_grace_drops_the_verifier():
    flow = alice_in()
    assert flow.send(TimerFired("grace")) == DROP
    flow.send(LockRequested(), samples.tap(samples.ALICE_CARD))
    flow.fail("unreachable")
    assert flow.view.error_key == "offline_needs_server"


def test_a_grace_already_over_when_the_verifier_is_made_drops_it():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(PinEntered("1234"))
    flow.reply(samples.ok())
    assert flow.send(OfflineVerifierKept("s_alice", 0)) == DROP


def test_the_shell_saying_there_is_no_verifier_needs_the_appliance():
    flow = alice_locked_offline()
    flow.send(PinEntered("1234"))
    effects = flow.send(OfflinePinChecked(flow.state.call, "none"))
    assert effects[:2] == DROP
    assert flow.view.error_key == "offline_needs_server"


def test_late_answers_are_ignored():
    flow = alice_locked_offline()
    flow.send(PinEntered("1234"))
    call = flow.state.call
    flow.send(Cancelled())
    assert flow.send(OfflinePinChecked(call, "right")) == []
    assert flow.view.screen == "locked"
    # and a verifier made for a session that is gone
    assert flow.send(OfflineVerifierKept("s_zed", 60)) == []


def test_walking_away_from_the_offline_pin_leaves_the_session_locked():
    flow = alice_locked_offline()
    flow.send(TimerFired("entry"))
    assert flow.view.screen == "locked"


def test_logout_drops_the_verifier():
    flow = alice_in()
    effects = flow.send(SessionExited(samples.session(), 0))
    assert effects[-2:] == DROP


def test_shut_down_ends_the_session_and_drops_the_verifier():
    flow = alice_in()
    effects = flow.send(Stopping())
    logs = [e.as_dict() for e in effects if isinstance(e, Log)]
    assert logs == [{"event": "session", "action": "ended", "user": "alice"}]
    assert effects[-2:] == DROP
    assert flow.state.desktop is None


def test_a_switch_drops_the_previous_users_verifier_and_arms_the_new_ones():
    flow = alice_in()
    flow.send(samples.tap(samples.BOB_CARD))
    flow.reply(samples.need_pin("bob"))
    flow.send(PinEntered("4321"))
    effects = flow.reply(samples.ok("bob"))
    switch = effects.index(SwitchSession(samples.session(), samples.session("bob")))
    assert effects[switch + 1 :] == [
        *DROP,
        KeepOfflineVerifier("s_bob", "4321", samples.GRACE_UNTIL),
    ]
    apps = AppsClosed("alice", 1, 0, 100)
    flow.send(SessionSwitched(samples.session(), samples.session("bob"), apps))
    flow.send(OfflineVerifierKept("s_bob", 60))
    # alice's card is nobody's key now
    flow.send(LockRequested(), samples.tap(samples.ALICE_CARD))
    flow.fail("unreachable")
    assert flow.view.error_key == "offline_owner_only"


def test_a_switch_by_password_drops_the_previous_users_verifier():
    flow = alice_in()
    flow.send(LockRequested(), PasswordLoginRequested(), PasswordSubmitted("bob", "pw", "DEMO"))
    effects = flow.reply(samples.ok("bob", grace_until=""))
    assert effects[-2:] == DROP
    assert kept(effects) == []


def test_an_online_unlock_with_card_and_pin_makes_a_fresh_verifier():
    flow = alice_in()
    flow.send(LockRequested(), samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(PinEntered("1234"))
    effects = flow.reply(samples.ok(session_id="s_alice_2"))
    # keyed by the desktop session it unlocks, not the appliance's new session id
    assert kept(effects) == [KEEP_ALICE]
    assert UnlockScreen() in effects


def test_an_abandoned_login_arms_nothing():
    flow = alice_in()
    flow.send(samples.tap(samples.BOB_CARD))
    flow.reply(samples.need_pin("bob"))
    flow.send(PinEntered("4321"))
    effects = flow.reply(samples.ok("bob", roles=(samples.CLINICAL, samples.ADMIN), role=None))
    assert flow.view.screen == "role"
    effects += flow.send(TimerFired("entry"))
    assert kept(effects) == []
    assert not any(isinstance(e, DropOfflineVerifier) for e in effects)
    # alice's offline unlock is still hers
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.fail("unreachable")
    assert flow.view.offline


def test_the_role_then_the_session_keep_the_pin_for_the_verifier():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(PinEntered("1234"))
    flow.reply(samples.ok(roles=(samples.CLINICAL, samples.ADMIN), role=None))
    flow.send(RoleChosen("R8000"))
    effects = flow.reply(RoleChanged(samples.session().spine))
    assert kept(effects) == [KEEP_ALICE]
    assert StartSession(samples.session()) in effects
