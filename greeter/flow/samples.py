"""Ready-made appliance replies and card events, for flow tables and UI screenshots.

Shapes follow docs/api.md; values are the demo users'. Not used by the running kiosk.
"""

from __future__ import annotations

from dataclasses import replace

from greeter.cards import CardEvent, CardKind
from greeter.flow.cached import CachedUser, Verdict
from greeter.flow.effects import CallBackend, Effect, LookUpOfflineLogin
from greeter.flow.inputs import (
    BackendFailed,
    BackendReplied,
    Event,
    FailureKind,
    OfflineLoginFound,
)
from greeter.flow.model import Notice, PinRule, PinRules, Role, View
from greeter.flow.state import FlowSettings, State, initial_state
from greeter.flow.step import step
from greeter.flow.view import view
from greeter.flow.wire import (
    AuthBadFactor,
    AuthContinue,
    AuthDenied,
    AuthEnroll,
    AuthLocked,
    AuthOk,
    AuthUnknownCard,
    KioskInfo,
    Reply,
    Request,
    SessionInfo,
    SessionUserInfo,
    Spine,
    UserRef,
)

ALICE_CARD = "04A1B2C3D4E5F6"
BOB_CARD = "04B0B0B0B0B0B0"
NEW_CARD = "04EEEEEEEEEEEE"

CLINICAL = Role("R8000", "Clinical Practitioner")
ADMIN = Role("R8001", "Admin")


def kiosk_info(password_login: bool = True, card_enrollment: bool = True) -> KioskInfo:
    return KioskInfo(
        kiosk="ward7-bay3",
        domains=("DEMO", "NHS"),
        password_login=password_login,
        card_enrollment=card_enrollment,
        entry_timeout=60,
        pin_rules=PinRules(4, 8, True),
    )


def tap(card_id: str, kind: CardKind = "contactless", action: str = "present") -> CardEvent:
    assert action in ("present", "removed")
    return CardEvent(
        action="present" if action == "present" else "removed",
        card_id=card_id,
        reader="Virtual Reader 0",
        source="virtual",
        kind=kind,
        mono=0.0,
    )


def user(username: str) -> UserRef:
    return UserRef(username, username.title() + " Example")


GRACE_UNTIL = "2026-11-23T20:31:00Z"


def session(
    username: str = "alice",
    session_id: str = "",
    roles: tuple[Role, ...] = (CLINICAL,),
    role: str | None = "R8000",
    grace_until: str = GRACE_UNTIL,
) -> SessionInfo:
    """`grace_until` "": no grace (a single-factor login's `null`)."""
    return SessionInfo(
        id=session_id or f"s_{username}",
        method="card_pin",
        user=SessionUserInfo(username, "DEMO", username.title() + " Example", False),
        spine=Spine(grace_until, roles, role),
    )


def ok(
    username: str = "alice",
    notices: tuple[Notice, ...] = (),
    roles: tuple[Role, ...] = (CLINICAL,),
    role: str | None = "R8000",
    session_id: str = "",
    grace_until: str = GRACE_UNTIL,
) -> AuthOk:
    return AuthOk(session(username, session_id, roles, role, grace_until), notices)


def need_pin(username: str = "alice", state: str = "t1", expires_in: int = 60) -> AuthContinue:
    return AuthContinue(state, ("pin",), user(username), expires_in)


def need_password(username: str = "alice", state: str = "t1") -> AuthContinue:
    return AuthContinue(state, ("password",), user(username), 60)


def unknown_card(allowed: bool = True, state: str = "t1") -> AuthUnknownCard:
    if allowed:
        return AuthUnknownCard("allowed", state, ("DEMO", "NHS"), 60)
    return AuthUnknownCard("disabled", None, (), 0)


def enroll(username: str = "carol", state: str = "t2") -> AuthEnroll:
    return AuthEnroll(state, ("pin",), PinRules(4, 8, True), user(username), 60)


def bad_pin(left: int = 2, state: str = "t2") -> AuthBadFactor:
    return AuthBadFactor(state, ("pin",), left, 60, "bad_pin", "")


def bad_password(left: int = 4, state: str | None = None) -> AuthBadFactor:
    return AuthBadFactor(state, ("password",), left, 60, "bad_password", "")


def pin_rules_refused(state: str = "t3", rule: PinRule = "repeated") -> AuthBadFactor:
    message = "The PIN must not be one digit repeated (like 1111)."
    return AuthBadFactor(state, ("pin",), 3, 60, "pin_rules", message, rule)


def locked(until: str = "2026-11-23T19:30:00Z") -> AuthLocked:
    return AuthLocked(until, user("alice"))


def denied(reason: str = "card_revoked") -> AuthDenied:
    return AuthDenied(reason, "This card has been revoked.")


VSC_EXPIRING = Notice("vsc_expiring", 5, "Your virtual smartcard expires in 5 days.")
VSC_EXPIRED = Notice("vsc_expired", None, "Your virtual smartcard has expired. Please see your RA.")


class FlowDriver:
    """Drives `step` as the shell does, remembering the calls so a test can answer them.
    Offline-cache lookups are answered at once, from `cached` (card id -> what the cache
    holds); a card not in it finds a cache not in use, as on a kiosk where nobody was cached."""

    def __init__(self, state: State | None = None, kiosk: bool = True) -> None:
        self.state = state or initial_state(FlowSettings(kiosk_name="from-config"))
        if kiosk and self.state.kiosk is None:
            self.state = replace(self.state, kiosk=kiosk_info())
        self.effects: list[Effect] = []
        self.calls: list[CallBackend] = []
        self.cached: dict[str, tuple[Verdict, CachedUser | None, int]] = {}

    def send(self, *events: Event) -> list[Effect]:
        """Step through `events`; returns (and keeps) the effects they produced."""
        self.effects = []
        pending = list(events)
        while pending:
            self.state, effects = step(self.state, pending.pop(0))
            self.effects += effects
            self.calls += [e for e in effects if isinstance(e, CallBackend)]
            pending += [self.look_up(e) for e in effects if isinstance(e, LookUpOfflineLogin)]
        return self.effects

    def look_up(self, effect: LookUpOfflineLogin) -> OfflineLoginFound:
        verdict, user, left = self.cached.get(effect.card_id, ("unused", None, 0))
        return OfflineLoginFound(effect.call_id, verdict, user, left, effect.failure)

    def reply(self, reply: Reply) -> list[Effect]:
        """Answer the latest call."""
        return self.send(BackendReplied(self.calls[-1].call_id, reply))

    def fail(self, kind: FailureKind, code: str = "", message: str = "") -> list[Effect]:
        """Fail the latest call."""
        return self.send(BackendFailed(self.calls[-1].call_id, kind, code, message))

    @property
    def request(self) -> Request:
        return self.calls[-1].request

    @property
    def view(self) -> View:
        return view(self.state)
