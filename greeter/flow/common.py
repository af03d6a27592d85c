"""Small transitions every step module uses: calling the backend, resting, failing, unlocking,
logging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from greeter.flow.effects import (
    ArmTimer,
    CallBackend,
    CancelTimer,
    Effect,
    Log,
    LogValue,
    Report,
    UnlockScreen,
)
from greeter.flow.model import ErrorKey
from greeter.flow.state import CardRef, Failure, Login, State, Step
from greeter.flow.wire import Request, SessionInfo

Result = tuple[State, list[Effect]]


def call(state: State, request: Request) -> Result:
    """Send `request` as the one call in flight; the spinner and the deadline start with it."""
    return work(state, lambda call_id: CallBackend(call_id, request))


def work(state: State, make: Callable[[int], Effect]) -> Result:
    """Start `make(call_id)` as the one call in flight (a backend call, an offline PIN check):
    its answer carries `call_id`, and the spinner and the deadline start with it."""
    call_id = state.last_call + 1
    state = replace(state, call=call_id, last_call=call_id, busy=False)
    return state, [
        make(call_id),
        ArmTimer("busy", state.settings.busy_delay),
        ArmTimer("call", state.settings.call_timeout),
    ]


def call_done(state: State) -> Result:
    """The call in flight answered (or was abandoned): stop its spinner and deadline."""
    if not state.call:
        return state, []
    return replace(state, call=0, busy=False), [CancelTimer("busy"), CancelTimer("call")]


def rest(state: State) -> Result:
    """Back to whatever the desktop says (idle, locked, or the session) with nothing running.
    The desktop itself is not touched: a failed tap-over leaves the session as the tap left it,
    locked (`login.begin`)."""
    state, effects = call_done(state)
    return replace(state, phase=None), [*effects, CancelTimer("entry")]


def to_step(state: State, login: Login, step: Step, expires_in: int = 0) -> Result:
    """Show `step` of `login`, with its entry timeout when it waits for the user."""
    state, effects = call_done(state)
    state = replace(state, phase=replace(login, step=step), entry_round=state.entry_round + 1)
    seconds = expires_in or entry_timeout(state)
    return state, [*effects, ArmTimer("entry", seconds)]


def entry_timeout(state: State) -> int:
    if state.kiosk is not None and state.kiosk.entry_timeout > 0:
        return state.kiosk.entry_timeout
    return state.settings.entry_timeout


def fail(
    state: State,
    key: ErrorKey,
    reason: str = "",
    *,
    locked_until: str = "",
    retry_card: CardRef | None = None,
    retry_password: bool = False,
) -> Result:
    """Show the error screen. It stays until dismissed or the next tap: a clinician who looked
    away must still find out what went wrong and what to do (it hides nothing: any session
    under it is locked)."""
    state, effects = call_done(state)
    failure = Failure(key, reason, locked_until, retry_card, retry_password)
    return replace(state, phase=failure), [*effects, CancelTimer("entry")]


def retry_target(login: Login) -> tuple[CardRef | None, bool]:
    """What "try again" restarts for `login`: its card, or the password screen."""
    return login.card, login.card is None


def unlock(state: State, card: CardRef | None, *, offline: bool = False) -> Result:
    """The locked session's owner is back (`card`: the card they proved it with, if any)."""
    state, effects = rest(state)
    desktop = state.desktop
    if desktop is None:
        return state, effects
    state = replace(state, desktop=replace(desktop, locked=False, card=card or desktop.card))
    unlocked = session_event("unlocked", desktop.session, offline=offline)
    return state, [*effects, UnlockScreen(), *unlocked]


def session_event(action: str, session: SessionInfo, *, offline: bool = False) -> list[Effect]:
    """A session change, for the event log and the appliance's audit trail. `offline`: it
    happened without the appliance (said in the log; the wire's audit event has no field)."""
    fields: tuple[tuple[str, LogValue], ...] = (
        ("event", "session"),
        ("action", action),
        ("user", session.user.username),
    )
    logged = (*fields, ("offline", True)) if offline else fields
    return [Log(logged), Report((*fields, ("session", session.id)))]
