"""First-time steps: binding an unknown card to its owner, and setting the first PIN."""

from __future__ import annotations

from dataclasses import replace

from greeter.flow import offline
from greeter.flow.common import Result, call, fail, to_step
from greeter.flow.model import CardEnrollmentSubmitted, NewPinSubmitted, PinRule
from greeter.flow.state import EnrollCardStep, EnrollPinStep, Login, State
from greeter.flow.wire import AuthEnroll, AuthUnknownCard, EnrollPin, PasswordFactor


def on_unknown_card(state: State, login: Login, reply: AuthUnknownCard) -> Result:
    if reply.enrollment == "allowed" and reply.state:
        step = EnrollCardStep(reply.state, reply.domains, reply.expires_in)
        return to_step(state, login, step, reply.expires_in)
    return fail(state, "card_not_registered")


def submit_card_enrollment(
    state: State, login: Login, step: EnrollCardStep, event: CardEnrollmentSubmitted
) -> Result:
    if not event.username.strip() or not event.password:
        return state, []
    domain = event.domain or (step.domains[0] if step.domains else "")
    request = PasswordFactor(
        step.token, event.username.strip(), event.password, domain, enroll_card=True
    )
    return call(state, request)


def on_enroll(state: State, login: Login, reply: AuthEnroll) -> Result:
    step = EnrollPinStep(reply.state, reply.pin_rules, reply.user, reply.expires_in)
    return to_step(state, login, step, reply.expires_in)


def submit_new_pin(
    state: State, login: Login, step: EnrollPinStep, event: NewPinSubmitted
) -> Result:
    """Two different entries are caught here, at once. The PIN rules are the appliance's to
    judge (the keypad keeps to the lengths and digits it was told): its refusal names the
    rule broken."""
    if event.pin != event.confirm:
        step = replace(step, error_key="pin_mismatch", rule=None)
        return replace(state, phase=replace(login, step=step)), []
    state = offline.remember_pin(state, login, event.pin)
    return call(state, EnrollPin(step.token, event.pin))


def on_rules_rejected(
    state: State, login: Login, step: EnrollPinStep, token: str, rule: PinRule | None
) -> Result:
    step = replace(step, token=token, error_key="pin_rules", rule=rule)
    return to_step(state, replace(login, pin=""), step, step.expires_in)
