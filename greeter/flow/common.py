"""Small transitions every step module uses: calling the backend, resting, failing, logging."""

from __future__ import annotations

from dataclasses import replace

from greeter.flow.effects import (
    ArmTimer,
    CallBackend,
    CancelTimer,
    Effect,
    Log,
    LogValue,
    Report,
)
from greeter.flow.model import ErrorKey
from greeter.flow.state import CardRef, Failure, Login, State, Step
from greeter.flow.wire import Request, SessionInfo

Result = tuple[State, list[Effect]]


def call(state: State, request: Request) -> Result:
    """Send `request` as the one call in flight; the spinner and the deadline start with it."""
    call_id = state.last_call + 1
    state = replace(state, call=call_id, last_call=call_id, busy=False)
    return state, [
        CallBackend(call_id, request),
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
    The desktop itself is not touched: this is how a failed tap-over leaves things as they were.
    """
    state, effects = call_done(state)
    return replace(state, phase=None), [*effects, CancelTimer("entry"), CancelTimer("error")]


def to_step(state: State, login: Login, step: Step, expires_in: int = 0) -> Result:
    """Show `step` of `login`, with its entry timeout when it waits for the user."""
    state, effects = call_done(state)
    state = replace(state, phase=replace(login, step=step))
    seconds = expires_in or entry_timeout(state)
    return state, [*effects, ArmTimer("entry", seconds)]


def entry_timeout(state: State) -> int:
    if state.kiosk is not None and state.kiosk.entry_timeout > 0:
        return state.kiosk.entry_timeout
    return state.settings.entry_timeout


def fail(
    state: State,
    key: ErrorKey,
    message: str = "",
    *,
    locked_until: str = "",
    retry_card: CardRef | None = None,
    retry_password: bool = False,
) -> Result:
    """Show the error screen; it goes back by itself after a while (longer if retryable)."""
    state, effects = call_done(state)
    failure = Failure(key, message, locked_until, retry_card, retry_password)
    seconds = state.settings.retry_seconds if failure.can_retry else state.settings.error_seconds
    return replace(state, phase=failure), [
        *effects,
        CancelTimer("entry"),
        ArmTimer("error", seconds),
    ]


def retry_target(login: Login) -> tuple[CardRef | None, bool]:
    """What "try again" restarts for `login`: its card, or the password screen."""
    return login.card, login.card is None


def session_event(action: str, session: SessionInfo) -> list[Effect]:
    """A session change, for the event log and the appliance's audit trail."""
    fields: tuple[tuple[str, LogValue], ...] = (
        ("event", "session"),
        ("action", action),
        ("user", session.user.username),
    )
    return [Log(fields), Report((*fields, ("session", session.id)))]
