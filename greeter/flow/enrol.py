"""First-time steps: binding an unknown card to its owner, and setting the first PIN."""

from __future__ import annotations

from dataclasses import replace

from greeter.flow import offline
from greeter.flow.common import Result, call, fail, to_step
from greeter.flow.model import CardEnrollmentSubmitted, ErrorKey, NewPinSubmitted, PinRules
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


def pin_rule_problem(pin: str, rules: PinRules) -> str:
    """The first rule `pin` breaks as a plain sentence, or "" when it is fine."""
    if rules.digits_only and not pin.isdigit():
        return "unable to use this PIN: use digits only"
    if len(pin) < rules.min_length:
        return f"unable to use this PIN: use at least {rules.min_length} digits"
    if len(pin) > rules.max_length:
        return f"unable to use this PIN: use at most {rules.max_length} digits"
    return ""


def submit_new_pin(
    state: State, login: Login, step: EnrollPinStep, event: NewPinSubmitted
) -> Result:
    """Checked here first (mismatch, rules) so the user hears at once; the appliance checks too."""
    key: ErrorKey = ""
    message = ""
    if event.pin != event.confirm:
        key, message = "pin_mismatch", "unable to set the PIN: the two entries differ"
    else:
        message = pin_rule_problem(event.pin, step.rules)
        key = "pin_rules" if message else ""
    if key:
        step = replace(step, error_key=key, error_message=message)
        return replace(state, phase=replace(login, step=step)), []
    state = offline.remember_pin(state, login, event.pin)
    return call(state, EnrollPin(step.token, event.pin))


def on_rules_rejected(
    state: State, login: Login, step: EnrollPinStep, token: str, message: str
) -> Result:
    step = replace(step, token=token, error_key="pin_rules", error_message=message)
    return to_step(state, replace(login, pin=""), step, step.expires_in)
