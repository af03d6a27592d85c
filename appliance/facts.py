"""What the gate decides from, read in one query per step: a user with their policy, PIN,
lockout and Spine grace, and (for card steps) the card. Core statements built once: they run
on every login.

The query also reads what the session a step may open shows: the user's Spine roles (one row
each) and VSC. Joined rather than asked for afterwards, a login runs two statements fewer."""

from __future__ import annotations

import datetime as dt
import functools
from collections import namedtuple
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, select

from appliance.db import Database, core
from appliance.gate import CardFacts, Enrollment, PolicyFacts, UserFacts
from appliance.store import Base

_t = Base.metadata.tables
_users, _policies, _pins = _t["users"], _t["policies"], _t["pin_verifiers"]
_attempts, _spine, _cards = _t["attempts"], _t["spine_sessions"], _t["cards"]
_roles, _vscs = _t["spine_roles"], _t["vscs"]

_POLICY_COLUMNS = (
    _policies.c.first_factors,
    _policies.c.pin_enabled,
    _policies.c.self_enrollment,
    _policies.c.max_attempts,
    _policies.c.lockout_seconds,
    _policies.c.entry_timeout,
    _policies.c.grace_seconds,
    _policies.c.pin_min_length,
    _policies.c.pin_max_length,
    _policies.c.pin_digits_only,
    _policies.c.offline_login,
    _policies.c.offline_window_seconds,
)
_USER = (
    select(
        _users.c.id,
        _users.c.username,
        _users.c.domain,
        _users.c.display_name,
        _users.c.disabled,
        _users.c.registration_authority,
        _users.c.current_role,
        _users.c.password_verifier,
        *_POLICY_COLUMNS,
        _pins.c.verifier.label("pin_verifier"),
        _attempts.c.locked_until,
        _spine.c.grace_until,
        _spine.c.ticket_until,
        _vscs.c.id.label("vsc_id"),
        _vscs.c.status.label("vsc_status"),
        _vscs.c.not_after.label("vsc_not_after"),
        _vscs.c.renewal_unseen.label("vsc_renewal_unseen"),
        _policies.c.vsc_warning_days,
        _roles.c.code.label("role_code"),
        _roles.c.name.label("role_name"),
    )
    .join(_policies, _users.c.policy_name == _policies.c.name)
    .outerjoin(_pins, _pins.c.user_id == _users.c.id)
    .outerjoin(
        _attempts,
        and_(_attempts.c.username == _users.c.username, _attempts.c.domain == _users.c.domain),
    )
    .outerjoin(_spine, _spine.c.user_id == _users.c.id)
    .outerjoin(_vscs, _vscs.c.user_id == _users.c.id)  # at most one: vscs.user_id is unique
    .outerjoin(_roles, _roles.c.user_id == _users.c.id)
    .order_by(_roles.c.code)
)
_CARD_COLUMNS = (
    _cards.c.card_key,
    _cards.c.user_id.label("card_user_id"),
    _cards.c.revoked_at,
    _cards.c.pending,
)
# a tap: the card with its user; under any key in use once a key was rotated (an expanding
# IN is rendered anew at each run, so the everyday tap with one key runs the plain query)
_BY_CARD = _USER.add_columns(*_CARD_COLUMNS).join(_cards, _cards.c.user_id == _users.c.id)
BY_CARD = _BY_CARD.where(_cards.c.card_key == bindparam("card_key"))
BY_CARD_ANY = _BY_CARD.where(_cards.c.card_key.in_(bindparam("card_keys", expanding=True)))
# a later step: the user, and the card the login came with if it is bound (to anyone)
BY_USER = (
    _USER.add_columns(*_CARD_COLUMNS)
    .outerjoin(_cards, _cards.c.card_key == bindparam("card_key"))
    .where(_users.c.id == bindparam("user_id"))
)
BY_NAME = _USER.where(
    _users.c.username == bindparam("username"), _users.c.domain == bindparam("domain")
)
DEFAULT_POLICY = select(*_POLICY_COLUMNS).where(_policies.c.name == "default")


def _row_type(names: list[str], optional: int) -> Any:
    return namedtuple("UserRow", names, defaults=[None] * optional)


# A step's row as a plain named tuple: SQLAlchemy's Row resolves an attribute by name at each
# read (~0.7 µs), and a step reads some thirty. `BY_NAME` rows lack the card's columns: None.
UserRow = _row_type(list(BY_CARD.selected_columns.keys()), len(_CARD_COLUMNS))


def policy_facts(row: Any) -> PolicyFacts:
    return _policy(
        row.first_factors,
        row.pin_enabled,
        row.self_enrollment,
        row.max_attempts,
        row.lockout_seconds,
        row.entry_timeout,
        row.grace_seconds,
    )


@functools.lru_cache(maxsize=64, typed=True)
def _policy(
    first_factors: str,
    pin_enabled: bool,
    self_enrollment: str,
    max_attempts: int,
    lockout_seconds: int,
    entry_timeout: int,
    grace_seconds: int,
) -> PolicyFacts:
    # keyed by the row's values, read afresh at every step: a changed policy is a new key,
    # never a stale answer (the facts are frozen, so one object serves every step)
    return PolicyFacts(
        first_factors=frozenset(first_factors.split(",")),
        pin_enabled=pin_enabled,
        self_enrollment=_enrollment(self_enrollment),
        max_attempts=max_attempts,
        lockout_seconds=lockout_seconds,
        entry_timeout=entry_timeout,
        grace_seconds=grace_seconds,
    )


def _enrollment(text: str) -> Enrollment:
    return text if text in ("on", "approval") else "off"  # type: ignore[return-value]


class Found(NamedTuple):
    """A user as read for a step; `row` also serves the reply (names, roles, VSC). A named
    tuple rather than a frozen dataclass: as immutable, and built in half the time."""

    row: Any  # a UserRow
    user: UserFacts
    card: CardFacts | None
    in_grace: bool
    roles: tuple[tuple[str, str], ...]  # (code, name), by code

    @property
    def username(self) -> str:
        return str(self.row.username)

    @property
    def domain(self) -> str:
        return str(self.row.domain)

    def unlocked(self) -> Found:
        """These facts once a right guess ended the user's count (no lockout); built
        directly: dataclasses.replace costs twice a constructor."""
        user = self.user
        facts = UserFacts(user.id, user.disabled, user.has_pin, None, user.policy)
        return Found(self.row, facts, self.card, self.in_grace, self.roles)


_ROLE_CODE = UserRow._fields.index("role_code")
_WIDTH = len(UserRow._fields)


def found(rows: Sequence[Any], now: dt.datetime, *, card_of_user: bool) -> Found | None:
    """`rows`: one per role of one user (one if none), or none at all. `card_of_user`: the
    row's card counts only if bound to this user (a later step's card bound to someone else
    meanwhile is taken, not theirs)."""
    if not rows:
        return None
    first = rows[0]
    row = UserRow._make(first) if len(first) == _WIDTH else UserRow(*first)  # BY_NAME: shorter
    has_pin = row.pin_verifier is not None
    user = UserFacts(row.id, row.disabled, has_pin, row.locked_until, policy_facts(row))
    card = None
    if row.card_key is not None and (not card_of_user or row.card_user_id == row.id):
        card = CardFacts(row.revoked_at is not None, row.pending)
    in_grace = row.grace_until is not None and row.grace_until > now
    code, name = _ROLE_CODE, _ROLE_CODE + 1
    roles = tuple((r[code], r[name]) for r in rows if r[code] is not None)
    return Found(row, user, card, in_grace, roles)


def by_card(db: Database, card_keys: list[str], now: dt.datetime) -> Found | None:
    if len(card_keys) == 1:
        rows = core(db).execute(BY_CARD, {"card_key": card_keys[0]}).all()
    else:
        rows = core(db).execute(BY_CARD_ANY, {"card_keys": card_keys}).all()
    return found(rows, now, card_of_user=True)


def by_user(db: Database, user_id: int, card_key: str | None, now: dt.datetime) -> Found | None:
    rows = core(db).execute(BY_USER, {"user_id": user_id, "card_key": card_key}).all()
    return found(rows, now, card_of_user=True)


def card_bound(db: Database, card_key: str) -> bool:
    query = select(_cards.c.id).where(_cards.c.card_key == card_key)
    return core(db).execute(query).first() is not None


def by_name(db: Database, username: str, domain: str, now: dt.datetime) -> Found | None:
    rows = core(db).execute(BY_NAME, {"username": username, "domain": domain}).all()
    return found(rows, now, card_of_user=True)


def default_policy(db: Database) -> PolicyFacts:
    row = core(db).execute(DEFAULT_POLICY).one()
    return policy_facts(row)
