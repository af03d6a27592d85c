"""JSON bodies of docs/api.md -> the typed replies of `greeter.flow.wire`.

Strict about what the flow relies on (a missing `state`, an unknown `status` is a WireError),
lenient about what it does not (extra fields are ignored so the appliance may add some).
"""

from __future__ import annotations

from typing import Any, get_args

from greeter.flow.model import Notice, PinRule, PinRules, Role
from greeter.flow.wire import (
    AuthBadFactor,
    AuthContinue,
    AuthDenied,
    AuthEnroll,
    AuthLocked,
    AuthOk,
    AuthReply,
    AuthUnknownCard,
    BadReason,
    KioskInfo,
    Need,
    OfflineGrant,
    SessionInfo,
    SessionUserInfo,
    Spine,
    UserRef,
)

STATUSES = ("ok", "continue", "unknown_card", "enroll", "bad_factor", "locked", "denied")


class WireError(ValueError):
    """A reply that does not follow docs/api.md; the message names the field."""


class Fields:
    """Typed access to one JSON object, naming the field path in every error."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise WireError(f"unable to read {where}: expected an object")
        self.data: dict[str, Any] = value
        self.where = where

    def _get(self, key: str, kind: type | tuple[type, ...], optional: bool) -> Any:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if value is None:
            raise WireError(f"unable to read {self.where}.{key}: missing")
        # a JSON true is not a number
        if isinstance(value, bool) and kind is int:
            raise WireError(f"unable to read {self.where}.{key}: expected a number")
        if not isinstance(value, kind):
            raise WireError(f"unable to read {self.where}.{key}: wrong type")
        return value

    def text(self, key: str) -> str:
        value: str = self._get(key, str, False)
        return value

    def opt_text(self, key: str, default: str = "") -> str:
        value: str | None = self._get(key, str, True)
        return default if value is None else value

    def number(self, key: str) -> int:
        value: int = self._get(key, int, False)
        return value

    def opt_number(self, key: str) -> int | None:
        value: int | None = self._get(key, int, True)
        return value

    def flag(self, key: str) -> bool:
        value: bool = self._get(key, bool, False)
        return value

    def items(self, key: str, optional: bool = False) -> list[Any]:
        value: list[Any] | None = self._get(key, list, optional)
        return [] if value is None else value

    def texts(self, key: str, optional: bool = False) -> tuple[str, ...]:
        items = self.items(key, optional)
        if not all(isinstance(item, str) for item in items):
            raise WireError(f"unable to read {self.where}.{key}: expected strings")
        return tuple(items)

    def obj(self, key: str) -> Fields:
        return Fields(self.data.get(key), f"{self.where}.{key}")


def parse_kiosk_info(body: object) -> KioskInfo:
    f = Fields(body, "kiosk")
    return KioskInfo(
        kiosk=f.text("kiosk"),
        domains=f.texts("domains"),
        password_login=f.flag("password_login"),
        card_enrollment=f.flag("card_enrollment"),
        entry_timeout=f.number("entry_timeout"),
        pin_rules=parse_pin_rules(f.obj("pin_rules")),
    )


def parse_pin_rules(f: Fields) -> PinRules:
    return PinRules(f.number("min_length"), f.number("max_length"), f.flag("digits_only"))


def parse_rule(rule: str) -> PinRule | None:
    # a rule this kiosk does not know yet (a newer appliance) is still a refusal: worded in
    # general terms
    known: tuple[PinRule, ...] = get_args(PinRule)
    return next((item for item in known if item == rule), None)


def parse_need(f: Fields) -> tuple[Need, ...]:
    need = f.texts("need")
    allowed = get_args(Need)
    if not need or any(item not in allowed for item in need):
        raise WireError(f"unable to read {f.where}.need: expected pin or password")
    return need  # type: ignore[return-value]


def parse_user(f: Fields) -> UserRef:
    return UserRef(f.text("username"), f.opt_text("display_name", f.data.get("username", "")))


def parse_spine(body: object) -> Spine:
    if body is None:
        return Spine("", (), None)
    f = Fields(body, "spine")
    roles = []
    for index, item in enumerate(f.items("roles", optional=True)):
        role = Fields(item, f"spine.roles[{index}]")
        roles.append(Role(role.text("code"), role.opt_text("name", role.text("code"))))
    # grace_until null or absent: no grace (a single-factor login), so no offline unlock
    return Spine(f.opt_text("grace_until"), tuple(roles), f.opt_text("role") or None)


def parse_session(f: Fields) -> SessionInfo:
    user = f.obj("user")
    return SessionInfo(
        id=f.text("id"),
        method=f.opt_text("method"),
        user=SessionUserInfo(
            username=user.text("username"),
            domain=user.opt_text("domain"),
            display_name=user.opt_text("display_name", user.text("username")),
            registration_authority=bool(user.data.get("registration_authority", False)),
        ),
        spine=parse_spine(f.data.get("spine")),
    )


def parse_notices(f: Fields) -> tuple[Notice, ...]:
    notices = []
    for index, item in enumerate(f.items("notices", optional=True)):
        notice = Fields(item, f"notices[{index}]")
        notices.append(
            Notice(
                notice.text("code"),
                notice.opt_number("days_left"),
                notice.text("message"),
                notice.opt_text("valid_until"),
            )
        )
    return tuple(notices)


def parse_offline(f: Fields) -> OfflineGrant | None:
    """`ok.offline`, absent or null when the kiosk may not cache this login."""
    if f.data.get("offline") is None:
        return None
    window = f.obj("offline").number("window_seconds")
    return OfflineGrant(window) if window > 0 else None


def parse_auth_reply(body: object) -> AuthReply:
    f = Fields(body, "auth reply")
    status = f.text("status")
    if status not in STATUSES:
        raise WireError(f"unable to read the auth reply: unknown status {status[:40]!r}")
    if status == "ok":
        return AuthOk(parse_session(f.obj("session")), parse_notices(f), parse_offline(f))
    if status == "continue":
        return AuthContinue(
            f.text("state"), parse_need(f), parse_user(f.obj("user")), f.number("expires_in")
        )
    if status == "unknown_card":
        enrollment = f.text("enrollment")
        if enrollment == "allowed":
            return AuthUnknownCard(
                "allowed", f.text("state"), f.texts("domains"), f.number("expires_in")
            )
        if enrollment == "disabled":
            return AuthUnknownCard("disabled", None, (), 0)
        raise WireError("unable to read the auth reply: enrollment is neither allowed nor disabled")
    if status == "enroll":
        return AuthEnroll(
            f.text("state"),
            parse_need(f),
            parse_pin_rules(f.obj("pin_rules")),
            parse_user(f.obj("user")),
            f.number("expires_in"),
        )
    if status == "bad_factor":
        reason = f.text("reason")
        if reason not in get_args(BadReason):
            raise WireError(f"unable to read the auth reply: unknown reason {reason[:40]!r}")
        state = f.data.get("state")
        return AuthBadFactor(
            state if isinstance(state, str) else None,
            parse_need(f),
            # absent on a first-factor password: no user is known, so no count to give
            -1 if f.opt_number("attempts_left") is None else f.number("attempts_left"),
            f.opt_number("expires_in") or 0,
            reason,  # type: ignore[arg-type]
            f.opt_text("message"),
            parse_rule(f.opt_text("rule")),
        )
    if status == "locked":
        user = f.data.get("user")
        return AuthLocked(f.text("until"), parse_user(Fields(user, "user")) if user else None)
    return AuthDenied(f.text("reason"), f.opt_text("message"))
