"""Flow tables: idle, card + PIN, tap-and-go, password, errors. Pure, no Qt, no I/O."""

from __future__ import annotations

import pytest

from greeter.cards import CardEvent, ReaderStatus
from greeter.flow import samples
from greeter.flow.effects import ArmTimer, CallBackend, StartSession
from greeter.flow.inputs import BackendReplied, Started, TimerFired
from greeter.flow.model import (
    Cancelled,
    LockRequested,
    PasswordLoginRequested,
    PasswordSubmitted,
    PinEntered,
    RetryRequested,
)
from greeter.flow.samples import FlowDriver
from greeter.flow.wire import CardFactor, FetchKiosk, PasswordFactor, PinFactor


def signed_in_with_pin(flow: FlowDriver, card: str = samples.ALICE_CARD, pin: str = "1234") -> None:
    flow.send(samples.tap(card))
    flow.reply(samples.need_pin())
    flow.send(PinEntered(pin))


def test_idle_before_the_appliance_answers_shows_the_configured_name_and_no_password_path():
    flow = FlowDriver(kiosk=False)
    effects = flow.send(Started())
    assert effects == [CallBackend(1, FetchKiosk())]
    assert flow.view.screen == "idle"
    assert flow.view.kiosk_name == "from-config"
    assert not flow.view.can_password_login


def test_idle_shows_the_appliance_kiosk_name_and_password_path_once_it_answers():
    flow = FlowDriver(kiosk=False)
    flow.send(Started())
    flow.reply(samples.kiosk_info(password_login=True))
    assert flow.view.kiosk_name == "ward7-bay3"
    assert flow.view.can_password_login
    assert flow.view.domains == ("DEMO", "NHS")


def test_idle_hides_password_path_when_the_policy_does_not_allow_it():
    flow = FlowDriver(kiosk=False)
    flow.send(Started())
    flow.reply(samples.kiosk_info(password_login=False))
    assert not flow.view.can_password_login
    assert flow.send(PasswordLoginRequested()) == []
    assert flow.view.screen == "idle"


def test_kiosk_settings_are_fetched_again_after_the_appliance_was_unreachable():
    flow = FlowDriver(kiosk=False)
    flow.send(Started())
    assert flow.fail("unreachable") == [ArmTimer("kiosk", 30.0)]
    assert flow.view.screen == "idle"
    flow.send(TimerFired("kiosk"))
    assert isinstance(flow.request, FetchKiosk)


def test_reader_health_comes_from_reader_status_events():
    flow = FlowDriver()
    assert flow.view.readers_ok
    flow.send(ReaderStatus("pcsc", "down", (), "unable to reach pcscd: start it"))
    assert not flow.view.readers_ok
    # a code the screen words; the sentence for IT is in the log and `greeter doctor`
    assert flow.view.reader_problem == "down"
    flow.send(ReaderStatus("pcsc", "ok", ("Reader 0",)))
    assert flow.view.readers_ok
    assert flow.view.reader_problem == ""
    flow.send(ReaderStatus("nfc", "ok", ()))
    assert flow.view.readers_ok  # pcsc still has a reader


def test_no_reader_at_all_is_not_ok():
    flow = FlowDriver()
    flow.send(ReaderStatus("pcsc", "ok", (), "no card reader attached"))
    assert not flow.view.readers_ok
    assert flow.view.reader_problem == "missing"


def test_card_and_pin_sign_in_starts_the_session():
    flow = FlowDriver()
    effects = flow.send(samples.tap(samples.ALICE_CARD))
    assert CallBackend(1, CardFactor(samples.ALICE_CARD)) in effects
    assert ArmTimer("busy", 0.3) in effects
    assert not flow.view.busy
    flow.send(TimerFired("busy"))
    assert flow.view.busy

    effects = flow.reply(samples.need_pin(expires_in=45))
    assert flow.view.screen == "pin"
    assert not flow.view.busy
    assert flow.view.user_display_name == "Alice Example"
    assert flow.view.entry_timeout == 45
    assert ArmTimer("entry", 45) in effects

    flow.send(PinEntered("1234"))
    assert flow.request == PinFactor("t1", "1234")
    effects = flow.reply(samples.ok())
    assert StartSession(samples.session()) in effects
    assert flow.view.screen == "session"


def test_the_pin_is_not_kept_in_state_nor_shown_in_any_repr():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    effects = flow.send(PinEntered("97531"))
    assert "97531" not in repr(flow.state)
    assert "97531" not in repr(effects)
    assert "97531" not in repr(PinEntered("97531"))
    assert flow.request == PinFactor("t1", "97531")  # only the request itself carries it


def test_entry_timeout_returns_to_idle():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(TimerFired("entry"))
    assert flow.view.screen == "idle"


def test_a_stale_entry_timer_does_nothing_on_idle():
    flow = FlowDriver()
    before = flow.state
    assert flow.send(TimerFired("entry")) == []
    assert flow.state == before


def test_wrong_pin_shows_attempts_left_and_uses_the_new_state_token():
    flow = FlowDriver()
    signed_in_with_pin(flow, pin="0000")
    flow.reply(samples.bad_pin(left=2, state="t2"))
    assert flow.view.screen == "pin"
    assert flow.view.error_key == "bad_pin"
    assert flow.view.attempts_left == 2
    flow.send(PinEntered("1234"))
    assert flow.request == PinFactor("t2", "1234")


def test_lockout_shows_until_when_until_dismissed():
    flow = FlowDriver()
    signed_in_with_pin(flow, pin="0000")
    flow.reply(samples.locked("2026-11-23T19:30:00Z"))
    assert flow.view.screen == "error"
    assert flow.view.error_key == "locked"
    assert flow.view.locked_until == "2026-11-23T19:30:00Z"
    assert not flow.view.can_retry
    flow.send(Cancelled())
    assert flow.view.screen == "idle"


def test_tap_and_go_signs_in_with_no_pin():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    effects = flow.reply(samples.ok())
    assert StartSession(samples.session()) in effects


def test_a_second_submit_while_the_first_is_running_is_ignored():
    flow = FlowDriver()
    signed_in_with_pin(flow)
    calls = len(flow.calls)
    assert flow.send(PinEntered("1234")) == []
    assert len(flow.calls) == calls


def test_password_login_first_factor():
    flow = FlowDriver()
    flow.send(PasswordLoginRequested())
    assert flow.view.screen == "password"
    flow.send(PasswordSubmitted("bob", "hunter2", ""))
    assert flow.request == PasswordFactor(None, "bob", "hunter2", "DEMO")
    flow.reply(samples.bad_password(left=4))
    assert flow.view.screen == "password"
    assert flow.view.error_key == "bad_password"
    flow.send(PasswordSubmitted("bob", "right", "NHS"))
    assert flow.request == PasswordFactor(None, "bob", "right", "NHS")
    assert any(isinstance(e, StartSession) for e in flow.reply(samples.ok("bob")))
    assert "hunter2" not in repr(flow.state)


def test_card_asking_for_a_password_as_second_factor():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_password())
    assert flow.view.screen == "password"
    # the card named its user: the screen greets them and asks no username
    assert flow.view.user_display_name == "Alice Example"
    assert flow.view.username_known
    flow.send(PasswordSubmitted("", "pw", ""))
    assert flow.request == PasswordFactor("t1", None, "pw", None)  # the state names her


def test_cancel_on_the_pin_screen_goes_back_to_idle():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(Cancelled())
    assert flow.view.screen == "idle"


@pytest.mark.parametrize(
    ("kind", "code", "key"),
    [
        ("unreachable", "", "unreachable"),
        ("timeout", "", "timeout"),
        ("bad_reply", "", "bad_reply"),
        ("rejected", "state_expired", "state_expired"),
        ("rejected", "state_invalid", "state_expired"),
        ("rejected", "rate_limited", "rejected"),
    ],
)
def test_backend_failures_show_a_retryable_error_and_retry_taps_the_card_again(kind, code, key):
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.fail(kind, code, "Too many requests." if code == "rate_limited" else "")
    assert flow.view.screen == "error"
    assert flow.view.error_key == key
    assert flow.view.can_retry
    assert not flow.view.busy
    first = flow.calls[-1].call_id
    flow.send(RetryRequested())
    assert flow.request == CardFactor(samples.ALICE_CARD)
    assert flow.calls[-1].call_id > first  # a new call (a lookup of the offline cache may
    # have taken an id in between)


def test_a_call_that_runs_past_the_deadline_is_a_timeout_and_its_late_answer_is_dropped():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    late_call = flow.calls[-1].call_id
    flow.send(TimerFired("busy"), TimerFired("call"))
    assert flow.view.error_key == "timeout"
    assert not flow.view.busy
    before = flow.state
    assert flow.send(BackendReplied(late_call, samples.ok())) == []
    assert flow.state == before


def test_a_failed_password_login_retries_on_the_password_screen():
    flow = FlowDriver()
    flow.send(PasswordLoginRequested(), PasswordSubmitted("bob", "pw", "DEMO"))
    flow.fail("unreachable")
    flow.send(RetryRequested())
    assert flow.view.screen == "password"


def test_an_answer_that_does_not_fit_the_step_is_a_bad_reply():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.bad_pin())  # bad PIN before any PIN was sent
    assert flow.view.error_key == "bad_reply"


def test_denied_carries_the_appliances_reason_as_a_code():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.denied("card_revoked"))
    assert flow.view.error_key == "denied"
    # the screen words the code; the appliance's English never reaches it
    assert flow.view.error_reason == "card_revoked"
    assert "revoked." not in repr(flow.view)


def test_card_not_supported():
    flow = FlowDriver()
    flow.send(CardEvent("unsupported", None, "Reader 0", "pcsc", "contact", 0.0))
    assert flow.view.screen == "error"
    assert flow.view.error_key == "card_not_supported"
    flow.send(Cancelled())
    assert flow.view.screen == "idle"


def test_contact_card_removed_during_pin_entry_cancels_to_idle():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD, kind="contact"))
    flow.reply(samples.need_pin())
    flow.send(samples.tap(samples.ALICE_CARD, kind="contact", action="removed"))
    assert flow.view.screen == "idle"


def test_contactless_card_leaving_the_field_is_ignored():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    flow.send(samples.tap(samples.ALICE_CARD, action="removed"))
    assert flow.view.screen == "pin"


def test_another_card_during_a_flow_restarts_it_for_that_card():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    alice_call = flow.calls[-1].call_id
    flow.send(samples.tap(samples.BOB_CARD))
    assert flow.request == CardFactor(samples.BOB_CARD)
    assert flow.view.screen == "idle"  # checking the new card
    # a late answer for alice's card does not leak into bob's login
    assert flow.send(BackendReplied(alice_call, samples.ok())) == []
    flow.reply(samples.need_pin("bob"))
    assert flow.view.user_display_name == "Bob Example"


def test_the_same_card_read_twice_does_not_restart():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin())
    assert flow.send(samples.tap(samples.ALICE_CARD)) == []
    assert flow.view.screen == "pin"


def test_lock_requested_with_no_session_does_nothing():
    flow = FlowDriver()
    assert flow.send(LockRequested()) == []


def test_a_missing_nfc_reader_is_reported_but_pcsc_still_reads_cards():
    flow = FlowDriver()
    flow.send(
        ReaderStatus("pcsc", "ok", ("Reader 0",)),
        ReaderStatus("nfc", "missing", (), "unable to open the NFC reader usb: plug it in"),
    )
    assert flow.view.readers_ok
    assert flow.view.reader_problem == ""
    flow.send(ReaderStatus("pcsc", "down", (), "pcscd is not running"))
    assert not flow.view.readers_ok
    assert flow.view.reader_problem == "down"
