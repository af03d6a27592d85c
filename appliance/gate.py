"""The one gate every login step passes: what happens next, decided from the facts alone.

Pure: no database, no clock, no hashing. The login's steps (`appliance.login` puts them
together) gather the facts (user, card, policy, lockout, grace, what this login has proven so
far), ask here, and write what was decided (`appliance.login_end`). Every path to a session
(tap, tap-and-go, PIN, password, card enrollment, PIN enrollment) ends in `after_proof` or
`on_tap`, so a rule lives once, whatever the database.

Two factors are a card that was already bound to the user before this login (possession)
plus a PIN or password (knowledge). Only such a login may open or use its user's Spine
session, and only such a login opens or refreshes the tap-and-go grace, when the policy has one;
enrolling a card or setting a PIN proves nothing by itself. The grace's length decides only
whether (and for how long) a later tap alone signs in, never whether a login may use Spine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from appliance.config import SPINE_MAX_GRACE_SECONDS

Factor = Literal["card", "pin", "password"]
Enrollment = Literal["off", "on", "approval"]
Ask = Literal["pin", "password"]
DeniedReason = Literal[
    "card_revoked",
    "card_pending",
    "card_taken",
    "user_disabled",
    "factor_not_allowed",
    "enrollment_not_allowed",
]

MESSAGES: dict[DeniedReason, str] = {
    "card_revoked": "This card has been revoked.",
    "card_pending": "This card waits for an administrator's approval.",
    "card_taken": "This card already belongs to someone.",
    "user_disabled": "This account is disabled.",
    "factor_not_allowed": "Your policy does not allow this way of signing in.",
    "enrollment_not_allowed": "Your policy does not allow enrolling a card at a kiosk.",
}
_ENROLLMENT_ORDER: tuple[Enrollment, ...] = ("off", "approval", "on")


@dataclass(frozen=True)
class PolicyFacts:
    first_factors: frozenset[str]
    pin_enabled: bool
    self_enrollment: Enrollment
    max_attempts: int
    lockout_seconds: int
    entry_timeout: int
    grace_seconds: int


@dataclass(frozen=True)
class UserFacts:
    id: int
    disabled: bool
    has_pin: bool
    locked_until: dt.datetime | None
    policy: PolicyFacts


@dataclass(frozen=True)
class CardFacts:
    revoked: bool
    pending: bool


# -- decisions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Denied:
    reason: DeniedReason


@dataclass(frozen=True)
class Locked:
    until: dt.datetime


@dataclass(frozen=True)
class AskFactor:
    """Ask for the next factor."""

    need: Ask


@dataclass(frozen=True)
class UnknownCard:
    enrollment: Enrollment


@dataclass(frozen=True)
class PinOwed:
    """The PIN modality is on and the user has none: they set one before any session."""


@dataclass(frozen=True)
class Grant:
    """A session. `spine`: this login proved two factors, so it may open or use its user's
    Spine session; `grace`: it also opens or refreshes the tap-and-go grace (the policy has
    one); `grace_refused`: the user's policy has a grace period that this login may not use
    (counted for the Spine report)."""

    spine: bool
    grace: bool
    grace_refused: bool


@dataclass(frozen=True)
class HoldForApproval:
    """Bind the card, held until an administrator approves it; no session now."""


@dataclass(frozen=True)
class TapAndGo:
    """A known card inside its user's two-factor grace period."""


Refusal = Denied | Locked
Decision = Refusal | AskFactor | UnknownCard | PinOwed | Grant | TapAndGo | HoldForApproval


# -- rules ------------------------------------------------------------------------------------


def two_factors(proven: frozenset[Factor]) -> bool:
    return "card" in proven and bool(proven & {"pin", "password"})


def spine_use(decision: Grant | TapAndGo) -> bool:
    """May this login open or reuse its user's Spine session (the SSB's ticket)? Only one
    that proved two factors now, or tap-and-go inside the grace such a login opened; the
    grace's length plays no part."""
    return isinstance(decision, TapAndGo) or decision.spine


def spine_ticket_seconds(policy_grace: int, ssb_seconds: int) -> int:
    """How long a new Spine ticket lives: within what the SSB allows and never past 12 h, and
    no longer than the policy's tap-and-go grace when it has one (a card alone reaches the
    ticket no longer than that). With no grace (0) the ticket serves only two-factor logins,
    which the grace does not bound."""
    bounds = [ssb_seconds, SPINE_MAX_GRACE_SECONDS]
    if policy_grace > 0:
        bounds.append(policy_grace)
    return max(0, min(bounds))


def offline_cacheable(proven: frozenset[Factor], bound_before: bool, allowed: bool) -> bool:
    """May the kiosk cache this login for offline login? The policy allows it, and the
    login was a card bound before it plus that card's PIN: the two factors a kiosk can check
    on its own."""
    return allowed and bound_before and {"card", "pin"} <= proven


def locked(until: dt.datetime | None, now: dt.datetime) -> Locked | None:
    return Locked(until) if until is not None and until > now else None


def admit(user: UserFacts, card: CardFacts | None, now: dt.datetime) -> Refusal | None:
    """Checked at every step, before any secret is hashed and again before a session: the
    card still good, the account enabled and not locked."""
    if card is not None and card.revoked:
        return Denied("card_revoked")
    if card is not None and card.pending:
        return Denied("card_pending")
    if user.disabled:
        return Denied("user_disabled")
    return locked(user.locked_until, now)


def on_tap(
    card: CardFacts | None,
    user: UserFacts | None,
    default_enrollment: Enrollment,
    in_grace: bool,
    now: dt.datetime,
) -> Decision:
    """A card tap: the first factor, or tap-and-go inside a two-factor grace period."""
    if card is None or user is None:
        return UnknownCard(default_enrollment)
    refused = admit(user, card, now)
    if refused is not None:
        return refused
    policy = user.policy
    if "card" not in policy.first_factors:
        return Denied("factor_not_allowed")
    owes_pin = policy.pin_enabled and not user.has_pin
    # a grace left from before the policy turned tap-and-go off (grace 0) lets no tap through
    if in_grace and policy.grace_seconds > 0 and not owes_pin:
        return TapAndGo()
    # a card alone is one factor: the PIN, or the password while there is no PIN (yet)
    return AskFactor("pin" if policy.pin_enabled and user.has_pin else "password")


def enrollment_mode(default: Enrollment, own: Enrollment) -> Enrollment:
    """The stricter of the kiosk-wide default and the user's own policy."""
    return min(default, own, key=_ENROLLMENT_ORDER.index)


def on_card_enrollment(
    user: UserFacts, default_enrollment: Enrollment, card_taken: bool, now: dt.datetime
) -> Decision:
    """An unknown card's holder proved their password: may they bind it, and what then?"""
    refused = admit(user, None, now)
    if refused is not None:
        return refused
    policy = user.policy
    if "password" not in policy.first_factors:
        # the password is the only proof a self-enrollment has
        return Denied("factor_not_allowed")
    mode = enrollment_mode(default_enrollment, policy.self_enrollment)
    if mode == "off":
        return Denied("enrollment_not_allowed")
    if card_taken:
        return Denied("card_taken")
    if mode == "approval":
        return HoldForApproval()
    if policy.pin_enabled and user.has_pin:
        return AskFactor("pin")  # binding a card takes both secrets the user has
    return after_proof(user, None, frozenset({"password"}), now)


def after_proof(
    user: UserFacts, card: CardFacts | None, proven: frozenset[Factor], now: dt.datetime
) -> Decision:
    """The end of every login whose factors are proven: checked again (the lockout may have
    begun while a secret was hashed), PIN enrollment if owed, else the session."""
    refused = admit(user, card, now)
    if refused is not None:
        return refused
    policy = user.policy
    if proven == {"password"} and "password" not in policy.first_factors:
        return Denied("factor_not_allowed")
    if policy.pin_enabled and not user.has_pin:
        return PinOwed()
    spine = two_factors(proven)
    has_grace = policy.grace_seconds > 0
    return Grant(spine=spine, grace=spine and has_grace, grace_refused=not spine and has_grace)


def lockout_due(slot: int, policy: PolicyFacts) -> bool:
    """A wrong secret in the last slot the policy allows locks the account."""
    return slot >= policy.max_attempts
