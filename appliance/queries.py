"""Core statements for the two requests of an everyday login: a known card's tap and its right
PIN. Built once and run on the session's connection: statement building and ORM bookkeeping
cost more than these queries themselves, on the paths that every login takes."""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select, update

from appliance.store import Base

_tables = Base.metadata.tables
_cards, _users, _policies = _tables["cards"], _tables["users"], _tables["policies"]
_states = _tables["auth_states"]
_pins, _sessions, _roles = (
    _tables["pin_verifiers"],
    _tables["spine_sessions"],
    _tables["spine_roles"],
)

TAP = (
    select(
        _cards.c.revoked_at,
        _users.c.id,
        _users.c.username,
        _users.c.display_name,
        _users.c.disabled,
        _users.c.locked_until,
        _policies.c.first_factors,
        _policies.c.pin_enabled,
        _policies.c.entry_timeout,
        _pins.c.user_id.label("pin_user"),
        _sessions.c.grace_until,
    )
    .join(_users, _cards.c.user_id == _users.c.id)
    .join(_policies, _users.c.policy_name == _policies.c.name)
    .outerjoin(_pins, _pins.c.user_id == _users.c.id)
    .outerjoin(_sessions, _sessions.c.user_id == _users.c.id)
    .where(_cards.c.card_id == bindparam("card_id"))
)

# a PIN step's state with what it needs of its user (the gate, the verifier, and the reply if
# the PIN is right): one read instead of two; the user's columns are None if they are gone
PIN_STEP = (
    select(
        _states,
        _users.c.id,
        _users.c.username,
        _users.c.domain,
        _users.c.display_name,
        _users.c.disabled,
        _users.c.registration_authority,
        _users.c.failed_attempts,
        _users.c.locked_until,
        _users.c.vsc_expires,
        _users.c.current_role,
        _policies.c.grace_seconds,
        _pins.c.verifier,
    )
    .outerjoin(_users, _users.c.id == _states.c.user_id)
    .outerjoin(_policies, _users.c.policy_name == _policies.c.name)
    .outerjoin(_pins, _pins.c.user_id == _users.c.id)
    .where(_states.c.token_sha256 == bindparam("digest"))
)

ROLES = (
    select(_roles.c.code, _roles.c.name)
    .where(_roles.c.user_id == bindparam("user_id"))
    .order_by(_roles.c.code)
)

# a no-op (no page written) unless there is something to reset
RESET_FAILURES = (
    update(_users)
    .where(_users.c.id == bindparam("user_id"))
    .where(or_(_users.c.failed_attempts != 0, _users.c.locked_until.is_not(None)))
    .values(failed_attempts=0, locked_until=None)
)
