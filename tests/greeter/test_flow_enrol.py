"""Flow tables: unknown cards (enrolment allowed / disabled), first PIN, role, notices."""

from __future__ import annotations

from greeter.flow import samples
from greeter.flow.effects import ArmTimer, CallBackend, StartSession
from greeter.flow.inputs import TimerFired
from greeter.flow.model import (
    Cancelled,
    CardEnrollmentSubmitted,
    NewPinSubmitted,
    NoticesAcknowledged,
    RoleChosen,
)
from greeter.flow.samples import FlowDriver
from greeter.flow.wire import ChooseRole, EnrollPin, PasswordFactor, RoleChanged, Spine


def enrolling_pin() -> FlowDriver:
    flow = FlowDriver()
    flow.send(samples.tap(samples.NEW_CARD))
    flow.reply(samples.unknown_card(allowed=True, state="t1"))
    flow.send(CardEnrollmentSubmitted("carol", "carols-pw", "NHS"))
    flow.reply(samples.enroll("carol", state="t2"))
    return flow


def test_unknown_card_with_enrolment_allowed_asks_who_owns_it():
    flow = FlowDriver()
    flow.send(samples.tap(samples.NEW_CARD))
    flow.reply(samples.unknown_card(allowed=True))
    assert flow.view.screen == "enroll_card"
    assert flow.view.domains == ("DEMO", "NHS")
    flow.send(CardEnrollmentSubmitted("carol", "carols-pw", "NHS"))
    assert flow.request == PasswordFactor("t1", "carol", "carols-pw", "NHS", enroll_card=True)
    assert "carols-pw" not in repr(flow.state)


def test_card_enrolment_with_a_wrong_password_stays_on_the_form():
    flow = FlowDriver()
    flow.send(samples.tap(samples.NEW_CARD))
    flow.reply(samples.unknown_card(allowed=True))
    flow.send(CardEnrollmentSubmitted("carol", "wrong", "DEMO"))
    flow.reply(samples.bad_password(left=3, state="t9"))
    assert flow.view.screen == "enroll_card"
    assert flow.view.error_key == "bad_password"
    assert flow.view.attempts_left == 3
    flow.send(CardEnrollmentSubmitted("carol", "right", "DEMO"))
    assert flow.request == PasswordFactor("t9", "carol", "right", "DEMO", enroll_card=True)


def test_card_already_bound_to_someone_else():
    flow = FlowDriver()
    flow.send(samples.tap(samples.NEW_CARD))
    flow.reply(samples.unknown_card(allowed=True))
    flow.send(CardEnrollmentSubmitted("carol", "pw", "DEMO"))
    flow.reply(samples.denied("card_taken"))
    assert (flow.view.error_key, flow.view.error_reason) == ("denied", "card_taken")


def test_unknown_card_with_enrolment_disabled_says_so_until_dismissed():
    flow = FlowDriver()
    flow.send(samples.tap(samples.NEW_CARD))
    effects = flow.reply(samples.unknown_card(allowed=False))
    assert flow.view.screen == "error"
    assert flow.view.error_key == "card_not_registered"
    assert not flow.view.can_retry
    # no timer takes it away before it is read
    assert not [e for e in effects if isinstance(e, ArmTimer)]
    flow.send(Cancelled())
    assert flow.view.screen == "idle"


def test_first_pin_mismatch_is_explained_without_asking_the_appliance():
    flow = enrolling_pin()
    assert flow.view.screen == "enroll_pin"
    assert flow.view.user_display_name == "Carol Example"
    assert (flow.view.pin_min, flow.view.pin_max, flow.view.pin_digits_only) == (4, 8, True)
    assert flow.send(NewPinSubmitted("2468", "2469")) == []
    assert flow.view.error_key == "pin_mismatch"
    assert "2468" not in repr(flow.state)


def test_the_pin_rules_are_the_appliances_to_judge():
    # the keypad keeps to the lengths it was told; a PIN that gets past it is judged once, by
    # the appliance, and its refusal names the rule
    flow = enrolling_pin()
    flow.send(NewPinSubmitted("12", "12"))
    assert flow.request == EnrollPin("t2", "12")
    flow.reply(samples.pin_rules_refused(state="t3", rule="too_short"))
    assert (flow.view.error_key, flow.view.error_reason) == ("pin_rules", "too_short")


def test_first_pin_refused_by_the_appliance_rules_names_the_rule_then_succeeds():
    flow = enrolling_pin()
    flow.send(NewPinSubmitted("1111", "1111"))
    assert flow.request == EnrollPin("t2", "1111")
    flow.reply(samples.pin_rules_refused(state="t3", rule="repeated"))
    assert flow.view.screen == "enroll_pin"
    assert (flow.view.error_key, flow.view.error_reason) == ("pin_rules", "repeated")
    flow.send(NewPinSubmitted("2469", "2468"))
    assert (flow.view.error_key, flow.view.error_reason) == ("pin_mismatch", "")
    flow.send(NewPinSubmitted("2468", "2468"))
    assert flow.request == EnrollPin("t3", "2468")
    effects = flow.reply(samples.ok("carol"))
    assert StartSession(samples.session("carol")) in effects


def test_no_session_is_started_before_the_pin_is_set():
    flow = enrolling_pin()
    flow.send(TimerFired("entry"))
    assert flow.view.screen == "idle"
    assert flow.state.desktop is None


def test_several_roles_and_none_current_asks_for_one():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    two = (samples.CLINICAL, samples.ADMIN)
    flow.reply(samples.ok(roles=two, role=None))
    assert flow.view.screen == "role"
    assert flow.view.roles == two
    assert flow.send(RoleChosen("R9999")) == []  # not one of hers
    effects = flow.send(RoleChosen("R8001"))
    assert CallBackend(2, ChooseRole("s_alice", "R8001")) in effects
    effects = flow.reply(RoleChanged(Spine("2026-11-23T20:31:00Z", two, "R8001")))
    started = [e for e in effects if isinstance(e, StartSession)]
    assert started[0].session.spine.role == "R8001"


def test_one_role_or_a_current_role_skips_the_role_screen():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    effects = flow.reply(samples.ok(roles=(samples.CLINICAL, samples.ADMIN), role="R8000"))
    assert any(isinstance(e, StartSession) for e in effects)


def test_notices_are_shown_before_the_session_starts():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    effects = flow.reply(samples.ok(notices=(samples.VSC_EXPIRING,)))
    assert not any(isinstance(e, StartSession) for e in effects)
    assert flow.view.screen == "notice"
    assert flow.view.notices[0].days_left == 5
    effects = flow.send(NoticesAcknowledged())
    assert StartSession(samples.session()) in effects


def test_role_then_notices_then_session():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    two = (samples.CLINICAL, samples.ADMIN)
    flow.reply(samples.ok(roles=two, role=None, notices=(samples.VSC_EXPIRED,)))
    flow.send(RoleChosen("R8000"))
    flow.reply(RoleChanged(Spine("2026-11-23T20:31:00Z", two, "R8000")))
    assert flow.view.screen == "notice"
    assert flow.view.notices[0].days_left is None
    assert any(isinstance(e, StartSession) for e in flow.send(NoticesAcknowledged()))


def test_walking_away_from_the_notice_screen_still_starts_the_session():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.ok(notices=(samples.VSC_EXPIRING,)))
    # the login succeeded: only the reading was left
    assert StartSession(samples.session()) in flow.send(TimerFired("entry"))
    assert flow.view.screen == "session"


def test_card_enrolment_out_of_tries_starts_again_from_a_tap():
    flow = FlowDriver()
    flow.send(samples.tap(samples.NEW_CARD))
    flow.reply(samples.unknown_card(allowed=True))
    flow.send(CardEnrollmentSubmitted("carol", "wrong", "DEMO"))
    flow.reply(samples.bad_password(left=0, state=None))
    assert flow.view.screen == "error"
    assert flow.view.error_key == "bad_password"
    assert flow.view.can_retry
