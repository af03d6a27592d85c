"""The appliance API (docs/api.md) as plain data: the requests the flow asks for and the typed
replies `greeter.backend` parses. No I/O here; the flow and the client share these shapes.

Requests that carry a secret (PIN, password) hide it from repr; they are the only place a
secret lives between the UI event and the HTTP body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from greeter.flow.model import Notice, PinRule, PinRules, Role

# ---------------------------------------------------------------------------------------------
# requests


@dataclass(frozen=True)
class FetchKiosk:
    """`GET /v1/kiosk`: what the idle screen needs."""


@dataclass(frozen=True)
class CardFactor:
    """First factor: a card tap."""

    card_id: str


@dataclass(frozen=True)
class PinFactor:
    """Second factor: the PIN for the login in `state`."""

    state: str
    pin: str = field(repr=False)


@dataclass(frozen=True)
class PasswordFactor:
    """A password, first factor (`state` None) or second factor, or binding an unknown card
    (`enroll_card`, with the `unknown_card` state)."""

    state: str | None
    username: str | None  # None after a known card's tap: its state names the user
    password: str = field(repr=False)
    domain: str | None
    enroll_card: bool = False


@dataclass(frozen=True)
class EnrollPin:
    """Set the user's first PIN for the login in `state`."""

    state: str
    pin: str = field(repr=False)


@dataclass(frozen=True)
class ChooseRole:
    """`POST /v1/sessions/{id}/role`."""

    session_id: str
    role: str


AuthRequest = CardFactor | PinFactor | PasswordFactor | EnrollPin
Request = FetchKiosk | AuthRequest | ChooseRole

# ---------------------------------------------------------------------------------------------
# replies


@dataclass(frozen=True)
class KioskInfo:
    """`GET /v1/kiosk`."""

    kiosk: str
    domains: tuple[str, ...]
    password_login: bool
    card_enrollment: bool
    entry_timeout: int
    pin_rules: PinRules


@dataclass(frozen=True)
class UserRef:
    """Who a login in progress belongs to."""

    username: str
    display_name: str


@dataclass(frozen=True)
class SessionUserInfo:
    username: str
    domain: str
    display_name: str
    registration_authority: bool


@dataclass(frozen=True)
class Spine:
    # ISO 8601 UTC; "" when there is no grace (`null`: a single-factor login gets none)
    grace_until: str
    roles: tuple[Role, ...]
    role: str | None


@dataclass(frozen=True)
class SessionInfo:
    """The session an `ok` carries."""

    id: str
    method: str
    user: SessionUserInfo
    spine: Spine


@dataclass(frozen=True)
class OfflineGrant:
    """`ok.offline`: this kiosk may cache the login (card + PIN) for offline login, for
    `window_seconds` from now."""

    window_seconds: int


@dataclass(frozen=True)
class AuthOk:
    """`offline`: None unless the user's policy lets this kiosk cache the login."""

    session: SessionInfo
    notices: tuple[Notice, ...]
    offline: OfflineGrant | None = None


Need = Literal["pin", "password"]


@dataclass(frozen=True)
class AuthContinue:
    state: str
    need: tuple[Need, ...]
    user: UserRef
    expires_in: int


@dataclass(frozen=True)
class AuthUnknownCard:
    enrollment: Literal["allowed", "disabled"]
    state: str | None
    domains: tuple[str, ...]
    expires_in: int


@dataclass(frozen=True)
class AuthEnroll:
    state: str
    need: tuple[Need, ...]
    pin_rules: PinRules
    user: UserRef
    expires_in: int


BadReason = Literal["bad_pin", "bad_password", "pin_rules"]


@dataclass(frozen=True)
class AuthBadFactor:
    """`rule`: the PIN rule broken (reason `pin_rules`; None when not given or not known to
    this kiosk); `message` is the appliance's English, for logs, never the screen."""

    state: str | None
    need: tuple[Need, ...]
    attempts_left: int
    expires_in: int
    reason: BadReason
    message: str
    rule: PinRule | None = None


@dataclass(frozen=True)
class AuthLocked:
    until: str
    user: UserRef | None


@dataclass(frozen=True)
class AuthDenied:
    reason: str
    message: str


AuthReply = (
    AuthOk | AuthContinue | AuthUnknownCard | AuthEnroll | AuthBadFactor | AuthLocked | AuthDenied
)


@dataclass(frozen=True)
class RoleChanged:
    """`POST /v1/sessions/{id}/role` reply."""

    spine: Spine


@dataclass(frozen=True)
class Accepted:
    """A `204` (events, logout)."""


Reply = KioskInfo | AuthReply | RoleChanged | Accepted
