"""Unlocking without the appliance: the owner of the locked session, with their card and PIN,
inside the grace period their two-factor login earned. Nobody else gets in offline.

The verifier itself is the shell's (`greeter.offline`, memory only); the flow decides when it
is made (`after_login`), when it is checked and when it is dropped: at logout, at a switch of
user, when the grace period ends (the "grace" timer, armed from the seconds the shell reports)
and after OFFLINE_PIN_TRIES wrong PINs, from then on the appliance is needed again.
"""

from __future__ import annotations

from dataclasses import replace

from greeter.flow import offline_login
from greeter.flow.common import Result, fail, to_step, unlock, work
from greeter.flow.effects import (
    ArmTimer,
    CancelTimer,
    CheckOfflinePin,
    DropOfflineVerifier,
    KeepOfflineVerifier,
    Unanswered,
)
from greeter.flow.inputs import OfflinePinChecked, OfflineVerifierKept
from greeter.flow.model import ErrorKey, PinEntered
from greeter.flow.state import Login, OfflinePinStep, OfflineUnlock, State
from greeter.flow.wire import AuthOk, UserRef

# wrong PINs in a row before the offline unlock is dropped (the appliance's policy counts
# online; offline the kiosk has no policy to read, so a small fixed number)
OFFLINE_PIN_TRIES = 3


def remember_pin(state: State, login: Login, pin: str) -> State:
    """A card login sends `pin` (its PIN step, or PIN enrolment): kept until the login ends, so
    a success with a grace period can make the offline verifier from it."""
    if login.card is None:
        return state
    return replace(state, phase=replace(login, pin=pin))


def after_login(
    state: State, login: Login, ok: AuthOk, session_id: str, *, new_session: bool
) -> Result:
    """What a finished login does to the offline unlock of desktop session `session_id`: a card
    login that sent a PIN (at the PIN step or PIN enrolment) and whose reply carries a grace
    period arms it; a new session (start, switch) drops the previous user's in any case."""
    state, effects = drop(state) if new_session else (state, [])
    effects = [*effects, *offline_login.cache(login, ok)]
    grace_until = ok.session.spine.grace_until
    if login.card is None or not login.pin or not grace_until:
        return state, effects
    state = replace(state, offline=OfflineUnlock(session_id, login.card.card_id))
    return state, [*effects, KeepOfflineVerifier(session_id, login.pin, grace_until)]


def drop(state: State) -> Result:
    if state.offline is None:
        return state, []
    return replace(state, offline=None), [DropOfflineVerifier(), CancelTimer("grace")]


def on_kept(state: State, event: OfflineVerifierKept) -> Result:
    offline = state.offline
    if offline is None or offline.session_id != event.session_id or offline.ready:
        return state, []  # dropped or replaced meanwhile
    if event.seconds_left <= 0:
        return drop(state)
    state = replace(state, offline=replace(offline, ready=True))
    return state, [ArmTimer("grace", event.seconds_left)]


def usable(state: State) -> OfflineUnlock | None:
    """The offline unlock of the session on screen, if there is one ready."""
    offline, desktop = state.offline, state.desktop
    if offline is None or not offline.ready or desktop is None or not desktop.locked:
        return None
    return offline if offline.session_id == desktop.session.id else None


def on_unreachable(state: State, login: Login, failure: Unanswered) -> Result | None:
    """A card login got no answer from the appliance. Over the locked session the owner's
    card goes on offline, anyone else hears the kiosk is offline; with no session the offline
    cache may know the card (`offline_login`). None: nothing offline here (a password login,
    or nobody may unlock offline), a plain unreachable error."""
    desktop = state.desktop
    if desktop is None:
        return offline_login.on_unreachable(state, login, failure)
    if not desktop.locked or login.card is None:
        return None
    card_id = login.card.card_id
    offline = usable(state)
    if offline is not None and card_id == offline.card_id:
        return ask_pin(state, login, offline)
    if offline is not None:
        return fail(state, "offline_owner_only", retry_card=login.card)
    # the owner's card without an unlock in memory: the offline cache may still know it
    return offline_login.on_unreachable(state, login, failure)


def ask_pin(state: State, login: Login, offline: OfflineUnlock, error: ErrorKey = "") -> Result:
    desktop = state.desktop
    assert desktop is not None  # usable() said so
    owner = desktop.session.user
    step = OfflinePinStep(
        UserRef(owner.username, owner.display_name), OFFLINE_PIN_TRIES - offline.wrong, error
    )
    return to_step(state, replace(login, pin=""), step)


def submit_pin(state: State, login: Login, event: PinEntered) -> Result:
    if not event.pin:
        return state, []
    if usable(state) is None:
        return needs_server(state, login, "offline_needs_server")
    return work(state, lambda call_id: CheckOfflinePin(call_id, event.pin))


def on_checked(state: State, login: Login, event: OfflinePinChecked) -> Result:
    offline = usable(state)
    if offline is None or event.result == "none":
        return needs_server(state, login, "offline_needs_server")
    if event.result == "right":
        state = replace(state, offline=replace(offline, wrong=0))
        return unlock(state, login.card, offline=True)
    offline = replace(offline, wrong=offline.wrong + 1)
    if offline.wrong >= OFFLINE_PIN_TRIES:
        return needs_server(state, login, "offline_pin_limit")
    state = replace(state, offline=offline)
    return ask_pin(state, login, offline, "bad_pin")


def needs_server(state: State, login: Login, key: ErrorKey) -> Result:
    """No (more) offline unlock: only the appliance can let the owner back in."""
    state, dropped = drop(state)
    state, failed = fail(state, key, retry_card=login.card)
    return state, [*dropped, *failed]
