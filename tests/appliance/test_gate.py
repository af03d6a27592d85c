"""The gate as a table: facts in, decision out (no database, no clock, no hashing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from appliance import gate
from appliance.gate import (
    AskFactor,
    CardFacts,
    Denied,
    Grant,
    HoldForApproval,
    Locked,
    PinOwed,
    PolicyFacts,
    TapAndGo,
    UnknownCard,
    UserFacts,
)

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(minutes=5)
POLICY = PolicyFacts(
    first_factors=frozenset({"card", "password"}),
    pin_enabled=True,
    self_enrollment="on",
    max_attempts=5,
    lockout_seconds=900,
    entry_timeout=60,
    grace_seconds=8 * 3600,
)
USER = UserFacts(id=1, disabled=False, has_pin=True, locked_until=None, policy=POLICY)
CARD = CardFacts(revoked=False, pending=False)
NO_PIN = replace(USER, has_pin=False)
CARD_ONLY = replace(USER, policy=replace(POLICY, first_factors=frozenset({"card"})))
NO_GRACE = replace(USER, policy=replace(POLICY, grace_seconds=0))
PIN_OFF = replace(USER, has_pin=False, policy=replace(POLICY, pin_enabled=False))
LOCKED = replace(USER, locked_until=LATER)
DISABLED = replace(USER, disabled=True)
REVOKED = CardFacts(revoked=True, pending=False)
PENDING = CardFacts(revoked=False, pending=True)


@pytest.mark.parametrize(
    ("card", "user", "enrollment", "in_grace", "expected"),
    [
        (None, None, "on", False, UnknownCard("on")),
        (None, None, "off", False, UnknownCard("off")),
        (CARD, USER, "on", False, AskFactor("pin")),
        (CARD, USER, "on", True, TapAndGo()),
        (CARD, NO_PIN, "on", False, AskFactor("password")),
        (CARD, NO_PIN, "on", True, AskFactor("password")),  # a PIN is owed: no tap-and-go
        (CARD, PIN_OFF, "on", False, AskFactor("password")),
        (CARD, PIN_OFF, "on", True, TapAndGo()),
        # a grace left from before the policy turned tap-and-go off: the PIN, not tap-and-go
        (CARD, NO_GRACE, "on", True, AskFactor("pin")),
        (CARD, NO_GRACE, "on", False, AskFactor("pin")),
        (REVOKED, USER, "on", True, Denied("card_revoked")),
        (PENDING, USER, "on", False, Denied("card_pending")),
        (CARD, DISABLED, "on", True, Denied("user_disabled")),
        (CARD, LOCKED, "on", True, Locked(LATER)),
        (CARD, replace(USER, locked_until=NOW), "on", False, AskFactor("pin")),  # it ended
        (CARD, replace(USER, policy=replace(POLICY, first_factors=frozenset({"password"}))),
         "on", False, Denied("factor_not_allowed")),
    ],
)  # fmt: skip
def test_a_tap(card, user, enrollment, in_grace, expected):
    assert gate.on_tap(card, user, enrollment, in_grace, NOW) == expected


@pytest.mark.parametrize(
    ("user", "card", "proven", "expected"),
    [
        # two factors: a card bound before this login and a secret
        (USER, CARD, {"card", "pin"}, Grant(spine=True, grace=True, grace_refused=False)),
        (PIN_OFF, CARD, {"card", "password"}, Grant(spine=True, grace=True, grace_refused=False)),
        # one factor, however many secrets: a session, never Spine nor a grace period
        (USER, None, {"password"}, Grant(spine=False, grace=False, grace_refused=True)),
        (USER, None, {"password", "pin"}, Grant(spine=False, grace=False, grace_refused=True)),
        # no grace (no tap-and-go): two factors still use Spine; one factor still does not
        (NO_GRACE, CARD, {"card", "pin"}, Grant(spine=True, grace=False, grace_refused=False)),
        (NO_GRACE, CARD, {"card", "password"}, Grant(spine=True, grace=False, grace_refused=False)),
        (NO_GRACE, None, {"password"}, Grant(spine=False, grace=False, grace_refused=False)),
        (NO_GRACE, None, {"password", "pin"}, Grant(spine=False, grace=False, grace_refused=False)),
        # a PIN owed comes before any session, whatever proved the login
        (NO_PIN, CARD, {"card", "password"}, PinOwed()),
        (NO_PIN, None, {"password"}, PinOwed()),
        (CARD_ONLY, None, {"password"}, Denied("factor_not_allowed")),
        # checked again at the end: what changed while a secret was hashed
        (LOCKED, CARD, {"card", "pin"}, Locked(LATER)),
        (DISABLED, CARD, {"card", "pin"}, Denied("user_disabled")),
        (USER, REVOKED, {"card", "pin"}, Denied("card_revoked")),
    ],
)
def test_after_proof(user, card, proven, expected):
    assert gate.after_proof(user, card, frozenset(proven), NOW) == expected


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (Grant(spine=True, grace=True, grace_refused=False), True),
        (Grant(spine=True, grace=False, grace_refused=False), True),  # grace 0: still Spine
        (Grant(spine=False, grace=False, grace_refused=True), False),
        (Grant(spine=False, grace=False, grace_refused=False), False),
        (TapAndGo(), True),
    ],
)
def test_spine_use_is_two_factors_never_the_grace_length(decision, expected):
    assert gate.spine_use(decision) == expected


H = 3600


@pytest.mark.parametrize(
    ("policy_grace", "ssb_seconds", "expected"),
    [
        (8 * H, 12 * H, 8 * H),  # the policy's grace, within the SSB's limit
        (8 * H, H, H),
        (24 * H, 48 * H, 12 * H),  # never past 12 h
        (0, 10 * H, 10 * H),  # no grace: what the SSB allows
        (0, 48 * H, 12 * H),  # ... and never past 12 h
    ],
)
def test_a_spine_ticket_lives_the_grace_within_the_ssb_and_12_hours(
    policy_grace, ssb_seconds, expected
):
    assert gate.spine_ticket_seconds(policy_grace, ssb_seconds) == expected


@pytest.mark.parametrize(
    ("user", "default", "taken", "expected"),
    [
        (USER, "on", False, AskFactor("pin")),  # a user with a PIN gives it too
        (NO_PIN, "on", False, PinOwed()),
        (PIN_OFF, "on", False, Grant(spine=False, grace=False, grace_refused=True)),
        (USER, "approval", False, HoldForApproval()),
        (replace(USER, policy=replace(POLICY, self_enrollment="approval")), "on", False,
         HoldForApproval()),
        (USER, "off", False, Denied("enrollment_not_allowed")),
        (replace(USER, policy=replace(POLICY, self_enrollment="off")), "on", False,
         Denied("enrollment_not_allowed")),
        (CARD_ONLY, "on", False, Denied("factor_not_allowed")),
        (USER, "on", True, Denied("card_taken")),
        (LOCKED, "on", False, Locked(LATER)),
        (DISABLED, "on", False, Denied("user_disabled")),
    ],
)  # fmt: skip
def test_a_card_enrollment_after_the_password(user, default, taken, expected):
    assert gate.on_card_enrollment(user, default, taken, NOW) == expected


def test_the_last_slot_locks():
    assert [gate.lockout_due(slot, POLICY) for slot in range(1, 7)] == [False] * 4 + [True] * 2


def test_two_factors_need_a_card_and_a_secret():
    assert gate.two_factors(frozenset({"card", "pin"}))
    assert gate.two_factors(frozenset({"card", "password"}))
    assert not gate.two_factors(frozenset({"password", "pin"}))
    assert not gate.two_factors(frozenset({"card"}))
