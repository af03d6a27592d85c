"""Flow tables for what every screen is told (issue 13, "every screen usable"): codes the
screen words itself and never the appliance's or a developer's English, errors that stay until
dismissed or the next tap, the site's help line, countdowns that start again, and a known
card's password step that does not ask for the name the card gave."""

from __future__ import annotations

import pytest

from greeter.flow import samples
from greeter.flow.effects import ArmTimer, CancelTimer
from greeter.flow.inputs import TimerFired
from greeter.flow.model import (
    Cancelled,
    NewPinSubmitted,
    PasswordLoginRequested,
    PasswordSubmitted,
    PinEntered,
)
from greeter.flow.parse import parse_auth_reply
from greeter.flow.samples import FlowDriver
from greeter.flow.state import FlowSettings, initial_state
from greeter.flow.wire import PasswordFactor


def test_a_known_cards_password_step_ignores_a_typed_name():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_password("carol"))
    flow.send(PasswordSubmitted("mallory", "pw", "NHS"))
    assert flow.request == PasswordFactor("t1", None, "pw", None)  # the state names carol


def test_a_password_first_login_asks_the_username():
    flow = FlowDriver()
    flow.send(PasswordLoginRequested())
    assert not flow.view.username_known
    calls = len(flow.calls)
    flow.send(PasswordSubmitted("  ", "pw", ""))
    assert len(flow.calls) == calls  # no name, nothing sent


ERRORS = {
    "locked": lambda flow: flow.reply(samples.locked()),
    "denied": lambda flow: flow.reply(samples.denied("user_disabled")),
    "unreachable": lambda flow: flow.fail("unreachable"),
    "rejected": lambda flow: flow.fail("rejected", "rate_limited", "Too many requests."),
    "card_not_registered": lambda flow: flow.reply(samples.unknown_card(allowed=False)),
}


@pytest.mark.parametrize("key", ERRORS)
def test_an_error_stays_until_dismissed(key):
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    ERRORS[key](flow)
    assert flow.view.screen == "error"
    assert flow.view.error_key == key
    # nothing is armed to take it away, and no timer does
    assert not [e for e in flow.effects if isinstance(e, ArmTimer)]
    for name in ("error", "entry", "busy", "call"):
        flow.send(TimerFired(name))
    assert flow.view.screen == "error"
    flow.send(Cancelled())
    assert flow.view.screen == "idle"


def test_an_error_gives_way_to_the_next_tap():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.locked())
    flow.send(samples.tap(samples.BOB_CARD))
    assert flow.view.screen == "idle"  # checking bob's card
    flow.reply(samples.need_pin("bob"))
    assert flow.view.screen == "pin"
    assert flow.view.error_key == ""


def test_the_appliances_reasons_reach_the_screen_as_codes_only():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.denied("card_revoked"))
    assert (flow.view.error_key, flow.view.error_reason) == ("denied", "card_revoked")
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.fail("rejected", "rate_limited", "Too many requests for this kiosk.")
    assert (flow.view.error_key, flow.view.error_reason) == ("rejected", "rate_limited")
    assert "Too many" not in repr(flow.view)


def test_a_weak_pin_refusal_names_the_rule_and_not_the_appliances_english():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.enroll("carol"))
    flow.send(NewPinSubmitted("1234", "1234"))
    flow.reply(samples.pin_rules_refused(rule="sequential"))
    assert (flow.view.error_key, flow.view.error_reason) == ("pin_rules", "sequential")
    assert "must not" not in repr(flow.view)
    # the two entries differ: the kiosk's own finding, also a key and no sentence
    flow.send(NewPinSubmitted("5791", "5790"))
    assert (flow.view.error_key, flow.view.error_reason) == ("pin_mismatch", "")


def test_a_pin_rule_this_kiosk_does_not_know_is_still_a_refusal():
    body = {
        "status": "bad_factor",
        "reason": "pin_rules",
        "rule": "too_pretty",
        "need": ["pin"],
        "state": "t4",
        "attempts_left": 3,
        "expires_in": 60,
        "message": "The PIN is too pretty.",
    }
    reply = parse_auth_reply(body)
    assert reply.rule is None  # type: ignore[union-attr]
    assert parse_auth_reply({**body, "rule": "common"}).rule == "common"  # type: ignore[union-attr]


def test_every_view_carries_the_sites_help_line():
    flow = FlowDriver(initial_state(FlowSettings(help_line="Call IT on 4444")))
    assert flow.view.help_line == "Call IT on 4444"
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.locked())
    assert flow.view.help_line == "Call IT on 4444"


def test_the_countdown_starts_again_whenever_the_entry_timer_does():
    flow = FlowDriver()
    flow.send(samples.tap(samples.ALICE_CARD))
    flow.reply(samples.need_pin(expires_in=45))
    first = flow.view
    assert first.entry_timeout == 45
    flow.send(PinEntered("0000"))
    effects = flow.reply(samples.bad_pin(left=2))
    assert ArmTimer("entry", 60) in effects
    assert flow.view.entry_round != first.entry_round
    # a screen with nothing counting down carries no round: views of a rest screen compare
    flow.send(Cancelled())
    assert CancelTimer("entry") in flow.effects
    assert flow.view.entry_round == 0
