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
        (USER, CARD, {"card", "pin"}, Grant(grace=True, grace_refused=False)),
        (PIN_OFF, CARD, {"card", "password"}, Grant(grace=True, grace_refused=False)),
        # one factor, however many secrets: a session, never a grace period
        (USER, None, {"password"}, Grant(grace=False, grace_refused=True)),
        (USER, None, {"password", "pin"}, Grant(grace=False, grace_refused=True)),
        (NO_GRACE, CARD, {"card", "pin"}, Grant(grace=False, grace_refused=False)),
        (NO_GRACE, None, {"password"}, Grant(grace=False, grace_refused=False)),
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
    ("user", "default", "taken", "expected"),
    [
        (USER, "on", False, AskFactor("pin")),  # a user with a PIN gives it too
        (NO_PIN, "on", False, PinOwed()),
        (PIN_OFF, "on", False, Grant(grace=False, grace_refused=True)),
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
