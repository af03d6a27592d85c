"""`view(state) -> View`: what the screen shows, derived from the state and nothing else."""

from __future__ import annotations

from dataclasses import replace

from greeter.cards.readiness import assess
from greeter.flow.common import entry_timeout
from greeter.flow.model import PinRules, Screen, View
from greeter.flow.state import (
    CachedPinStep,
    Checking,
    EnrollCardStep,
    EnrollPinStep,
    Failure,
    Handover,
    Login,
    NoticeStep,
    OfflinePinStep,
    PasswordStep,
    PinStep,
    RoleStep,
    State,
)


def view(state: State) -> View:
    kiosk = state.kiosk
    rules = kiosk.pin_rules if kiosk is not None else PinRules()
    desktop = state.desktop
    readiness = assess(state.readers)
    base = View(
        screen=rest_screen(state),
        busy=state.busy,
        kiosk_name=kiosk.kiosk if kiosk is not None else state.settings.kiosk_name,
        # the verdict `greeter doctor` gives too
        readers_ok=readiness.ok,
        reader_problem=readiness.problem,
        help_line=state.settings.help_line,
        # on the idle and the lock screen (and from an error), never over an open session
        can_password_login=kiosk is not None
        and kiosk.password_login
        and (
            isinstance(state.phase, Failure)
            or (state.phase is None and (desktop is None or desktop.locked))
        ),
        can_enroll_card=kiosk is not None and kiosk.card_enrollment,
        domains=kiosk.domains if kiosk is not None else (),
        pin_min=rules.min_length,
        pin_max=rules.max_length,
        pin_digits_only=rules.digits_only,
        locked_user=desktop.session.user.display_name if desktop is not None else "",
    )
    phase = state.phase
    if isinstance(phase, Login):
        shown = login_view(state, phase, base)
        # where a countdown shows: when it starts again
        return replace(shown, entry_round=state.entry_round) if shown.entry_timeout else shown
    if isinstance(phase, Failure):
        return replace(
            base,
            screen="error",
            error_key=phase.error_key,
            error_reason=phase.reason,
            locked_until=phase.locked_until,
            can_retry=phase.can_retry,
        )
    if isinstance(phase, Handover):
        # a switch keeps the greeter over the previous user's desktop while their apps close
        return replace(
            base,
            screen="locked" if phase.switching else "session",
            busy=True,
            switching=phase.switching,
            user_display_name=phase.session.user.display_name,
        )
    return base


def rest_screen(state: State) -> Screen:
    desktop = state.desktop
    if desktop is None:
        return "idle"
    return "locked" if desktop.locked else "session"


def login_view(state: State, login: Login, base: View) -> View:
    desktop = state.desktop
    switching = desktop is not None and not same_user(state, login)
    base = replace(base, switching=switching)
    step = login.step
    if isinstance(step, Checking):
        # over a running session the greeter comes to the front while the card is checked
        return replace(base, screen="locked" if desktop is not None else "idle")
    if isinstance(step, PinStep):
        return replace(
            base,
            screen="pin",
            user_display_name=step.user.display_name,
            attempts_left=step.attempts_left,
            error_key=step.error_key,
            entry_timeout=step.expires_in,
        )
    if isinstance(step, OfflinePinStep | CachedPinStep):
        # the PIN is checked on the kiosk: an unlock, or a cached offline login
        return replace(
            base,
            screen="pin",
            offline=True,
            user_display_name=step.user.display_name,
            attempts_left=step.attempts_left,
            error_key=step.error_key,
            entry_timeout=entry_timeout(state),
        )
    if isinstance(step, PasswordStep):
        return replace(
            base,
            screen="password",
            user_display_name=step.user.display_name if step.user is not None else "",
            username_known=step.user is not None,
            attempts_left=step.attempts_left,
            error_key=step.error_key,
            entry_timeout=step.expires_in,
        )
    if isinstance(step, EnrollCardStep):
        return replace(
            base,
            screen="enroll_card",
            domains=step.domains or base.domains,
            attempts_left=step.attempts_left,
            error_key=step.error_key,
            entry_timeout=step.expires_in,
        )
    if isinstance(step, EnrollPinStep):
        return replace(
            base,
            screen="enroll_pin",
            user_display_name=step.user.display_name,
            pin_min=step.rules.min_length,
            pin_max=step.rules.max_length,
            pin_digits_only=step.rules.digits_only,
            error_key=step.error_key,
            error_reason=step.rule or "",
            entry_timeout=step.expires_in,
        )
    if isinstance(step, RoleStep):
        return replace(
            base,
            screen="role",
            user_display_name=step.ok.session.user.display_name,
            roles=step.ok.session.spine.roles,
            entry_timeout=entry_timeout(state),
        )
    return replace(
        base,
        screen="notice",
        user_display_name=step.ok.session.user.display_name,
        notices=step.ok.notices,
        entry_timeout=entry_timeout(state),
    )


def same_user(state: State, login: Login) -> bool:
    """Whether `login` is the desktop's own user coming back (unlock) rather than tap-over."""
    desktop = state.desktop
    if desktop is None:
        return False
    if login.card is not None and desktop.card is not None:
        return login.card.card_id == desktop.card.card_id
    step = login.step
    if isinstance(step, RoleStep | NoticeStep):
        return step.ok.session.user.username == desktop.username
    if isinstance(step, PinStep | EnrollPinStep | OfflinePinStep | CachedPinStep):
        return step.user.username == desktop.username
    if isinstance(step, PasswordStep) and step.user is not None:
        return step.user.username == desktop.username
    return False
