"""Card taps, the first and second factor, and what the appliance answers to them."""

from __future__ import annotations

from dataclasses import replace

from greeter.cards import CardEvent
from greeter.flow import enrol, offline, session
from greeter.flow.common import Result, call, fail, rest, retry_target, to_step
from greeter.flow.inputs import BackendFailed
from greeter.flow.model import PasswordSubmitted, PinEntered
from greeter.flow.state import (
    CardRef,
    Checking,
    EnrollCardStep,
    EnrollPinStep,
    Failure,
    Handover,
    Login,
    PasswordStep,
    PinStep,
    State,
)
from greeter.flow.wire import (
    AuthBadFactor,
    AuthContinue,
    AuthDenied,
    AuthEnroll,
    AuthLocked,
    AuthOk,
    AuthReply,
    AuthUnknownCard,
    CardFactor,
    PasswordFactor,
    PinFactor,
)


def on_card(state: State, event: CardEvent) -> Result:
    if isinstance(state.phase, Handover):
        # the session runner is busy with a start or switch; a tap now would race it
        return state, []
    if event.action == "unsupported":
        return fail(state, "card_not_supported")
    if event.card_id is None:
        return state, []
    card = CardRef(event.card_id, event.kind, event.reader)
    if event.action == "removed":
        return on_removed(state, card)
    return on_present(state, card)


def on_present(state: State, card: CardRef) -> Result:
    phase = state.phase
    if isinstance(phase, Login) and phase.card is not None and phase.card.card_id == card.card_id:
        return state, []  # the same card read again (contactless re-tap, double report)
    desktop = state.desktop
    if (
        desktop is not None
        and not desktop.locked
        and phase is None
        and desktop.card is not None
        and desktop.card.card_id == card.card_id
    ):
        return session.lock(state)
    # anything else (including another card during a login) starts a login for this card
    return start_card_login(state, card)


def start_card_login(state: State, card: CardRef) -> Result:
    state, effects = begin(state, Login(card, Checking()))
    state, call_effects = call(state, CardFactor(card.card_id))
    return state, [*effects, *call_effects]


def begin(state: State, login: Login) -> Result:
    """Make `login` the current one. A session in plain view is locked first, before anything
    is asked: whatever then happens to this login (cancel, timeout, a wrong PIN, the appliance
    down) leaves it locked, and only its owner opens it again."""
    state, effects = rest(state)
    desktop = state.desktop
    if desktop is not None and not desktop.locked:
        state, locked = session.lock(state)
        effects = [*effects, *locked]
        login = replace(login, locked_open_session=True)
    return replace(state, phase=login), effects


def on_removed(state: State, card: CardRef) -> Result:
    if card.kind != "contact":
        return state, []  # a contactless card leaves the field right after the tap
    phase = state.phase
    if isinstance(phase, Login) and phase.card is not None and phase.card.card_id == card.card_id:
        return rest(state)
    desktop = state.desktop
    if (
        phase is None
        and desktop is not None
        and desktop.card is not None
        and desktop.card.card_id == card.card_id
    ):
        return session.lock(state)
    return state, []


def request_password(state: State) -> Result:
    """ "Sign in with password" on the idle or the lock screen (where the policy allows it)."""
    if state.kiosk is None or not state.kiosk.password_login:
        return state, []
    if state.phase is not None and not isinstance(state.phase, Failure):
        return state, []
    if state.desktop is not None and not state.desktop.locked:
        return state, []  # not offered over a session in plain view
    state, effects = rest(state)
    login = Login(None, PasswordStep(None, None, 0))
    state, step_effects = to_step(state, login, login.step)
    return state, [*effects, *step_effects]


def submit_pin(state: State, login: Login, step: PinStep, event: PinEntered) -> Result:
    if not event.pin:
        return state, []
    state = offline.remember_pin(state, login, event.pin)
    return call(state, PinFactor(step.token, event.pin))


def submit_password(state: State, step: PasswordStep, event: PasswordSubmitted) -> Result:
    """A known card's password screen asks no username or domain: the card named its user."""
    if step.user is not None:
        if not event.password:
            return state, []
        return call(state, PasswordFactor(step.token, None, event.password, None))
    username = event.username.strip()
    if not username or not event.password:
        return state, []
    domains = state.kiosk.domains if state.kiosk is not None else ()
    domain = event.domain or (domains[0] if domains else "")
    return call(state, PasswordFactor(step.token, username, event.password, domain))


def on_auth_reply(state: State, login: Login, reply: AuthReply) -> Result:
    """One `/v1/auth` answer, by status (the closed set of docs/api.md)."""
    if isinstance(reply, AuthOk):
        return session.on_ok(state, login, reply)
    if isinstance(reply, AuthContinue):
        if session.own_tap(state, login, reply.user.username):
            return session.keep_locked(state, login.card)
        if "pin" in reply.need:
            return to_step(
                state, login, PinStep(reply.state, reply.user, reply.expires_in), reply.expires_in
            )
        next_step = PasswordStep(reply.state, reply.user, reply.expires_in)
        return to_step(state, login, next_step, reply.expires_in)
    if isinstance(reply, AuthUnknownCard):
        return enrol.on_unknown_card(state, login, reply)
    if isinstance(reply, AuthEnroll):
        return enrol.on_enroll(state, login, reply)
    if isinstance(reply, AuthBadFactor):
        return on_bad_factor(state, login, reply)
    if isinstance(reply, AuthLocked):
        return fail(state, "locked", locked_until=reply.until)
    if isinstance(reply, AuthDenied):
        return fail(state, "denied", reply.reason)
    return bad_reply(state, login)


def on_bad_factor(state: State, login: Login, reply: AuthBadFactor) -> Result:
    """Wrong PIN/password, or an enrolment PIN the appliance's rules refuse: the same step
    again, with the new state token and the attempts left."""
    step = login.step
    left = reply.attempts_left
    if reply.reason == "bad_pin" and isinstance(step, PinStep) and reply.state:
        new_pin = replace(step, token=reply.state, attempts_left=left, error_key="bad_pin")
        return to_step(state, replace(login, pin=""), new_pin, reply.expires_in)
    if reply.reason == "bad_password" and isinstance(step, PasswordStep):
        # a first-factor password has no state to keep: the token stays None
        token = reply.state if step.token is not None else None
        new_password = replace(step, token=token, attempts_left=left, error_key="bad_password")
        return to_step(state, login, new_password, reply.expires_in)
    if reply.reason == "bad_password" and isinstance(step, EnrollCardStep) and reply.state:
        new_enrol = replace(step, token=reply.state, attempts_left=left, error_key="bad_password")
        return to_step(state, login, new_enrol, reply.expires_in)
    if reply.reason == "bad_password" and isinstance(step, EnrollCardStep | PasswordStep):
        # out of tries for this login: no new state, so it starts again from a tap
        card, password = retry_target(login)
        return fail(state, "bad_password", retry_card=card, retry_password=password)
    if reply.reason == "pin_rules" and isinstance(step, EnrollPinStep) and reply.state:
        return enrol.on_rules_rejected(state, login, step, reply.state, reply.rule)
    return bad_reply(state, login)


def bad_reply(state: State, login: Login) -> Result:
    """An answer that does not fit the step we are on: the appliance and we disagree."""
    card, password = retry_target(login)
    return fail(state, "bad_reply", retry_card=card, retry_password=password)


def on_failed(state: State, login: Login, event: BackendFailed) -> Result:
    if event.kind == "unreachable" or event.kind == "timeout":
        offline_result = offline.on_unreachable(state, login, event.kind)
        if offline_result is not None:
            return offline_result
    card, password = retry_target(login)
    if event.kind == "rejected":
        if event.code in ("state_expired", "state_invalid"):
            return fail(state, "state_expired", retry_card=card, retry_password=password)
        return fail(state, "rejected", event.code, retry_card=card, retry_password=password)
    return fail(state, event.kind, retry_card=card, retry_password=password)


def retry(state: State, failure: Failure) -> Result:
    if failure.retry_card is not None:
        return start_card_login(state, failure.retry_card)
    if failure.retry_password:
        state, effects = rest(state)
        state, step_effects = request_password(state)
        return state, [*effects, *step_effects]
    return state, []
