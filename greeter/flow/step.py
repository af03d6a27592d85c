"""`step(state, event) -> (state', effects)`: the one entry point of the login state machine.

Pure: no I/O, no clock, no threads. Each event kind is routed to the module that owns it; an
event that does not fit the current state is ignored (returns the state unchanged, no effects),
which is what makes stale timers, late replies and double taps harmless.
"""

from __future__ import annotations

from dataclasses import replace

from greeter.cards import CardEvent, ReaderStatus, SpineCardEvent
from greeter.flow import enrol, login, offline, offline_login, session
from greeter.flow.common import Result, rest
from greeter.flow.effects import ArmTimer, CallBackend
from greeter.flow.inputs import (
    BackendFailed,
    BackendReplied,
    Event,
    InactivityTimedOut,
    OfflineLoginChecked,
    OfflineLoginFound,
    OfflinePinChecked,
    OfflineVerifierKept,
    SessionExited,
    SessionStarted,
    SessionStartFailed,
    SessionSwitched,
    Started,
    Stopping,
    TimerFired,
)
from greeter.flow.model import (
    Cancelled,
    CardEnrollmentSubmitted,
    LockRequested,
    NewPinSubmitted,
    NoticesAcknowledged,
    PasswordLoginRequested,
    PasswordSubmitted,
    PinEntered,
    RetryRequested,
    RoleChosen,
)
from greeter.flow.state import (
    INPUT_STEPS,
    CachedPinStep,
    EnrollCardStep,
    EnrollPinStep,
    Failure,
    Login,
    NoticeStep,
    OfflinePinStep,
    PasswordStep,
    PinStep,
    RoleStep,
    State,
)
from greeter.flow.wire import (
    AuthBadFactor,
    AuthContinue,
    AuthDenied,
    AuthEnroll,
    AuthLocked,
    AuthOk,
    AuthUnknownCard,
    FetchKiosk,
    KioskInfo,
    RoleChanged,
)

AUTH_REPLIES = (
    AuthOk,
    AuthContinue,
    AuthUnknownCard,
    AuthEnroll,
    AuthBadFactor,
    AuthLocked,
    AuthDenied,
)


def step(state: State, event: Event) -> Result:
    if isinstance(event, CardEvent):
        return login.on_card(state, event)
    if isinstance(event, SpineCardEvent):
        return state, []  # not a tap: greeter.spine_card_watch is where it counts
    if isinstance(event, ReaderStatus):
        others = tuple(r for r in state.readers if r.source != event.source)
        return replace(state, readers=(*others, event)), []
    if isinstance(event, Started):
        return fetch_kiosk(state)
    if isinstance(event, BackendReplied):
        return on_replied(state, event)
    if isinstance(event, BackendFailed):
        return on_failed(state, event)
    if isinstance(event, TimerFired):
        return on_timer(state, event)
    if isinstance(event, SessionStarted):
        return session.on_started(state, event)
    if isinstance(event, SessionSwitched):
        return session.on_switched(state, event)
    if isinstance(event, SessionStartFailed):
        return session.on_start_failed(state, event)
    if isinstance(event, SessionExited):
        return session.on_exited(state, event)
    if isinstance(event, InactivityTimedOut):
        return session.on_inactive(state)
    if isinstance(event, OfflineVerifierKept):
        return offline.on_kept(state, event)
    if isinstance(event, OfflinePinChecked):
        return on_offline_checked(state, event)
    if isinstance(event, OfflineLoginFound | OfflineLoginChecked):
        return on_offline_login(state, event)
    if isinstance(event, Stopping):
        return session.on_stopping(state)
    return on_input(state, event)


def fetch_kiosk(state: State) -> Result:
    call_id = state.last_call + 1
    state = replace(state, kiosk_call=call_id, last_call=call_id)
    return state, [CallBackend(call_id, FetchKiosk())]


def on_replied(state: State, event: BackendReplied) -> Result:
    reply = event.reply
    if event.call_id == state.kiosk_call:
        if isinstance(reply, KioskInfo):
            return replace(state, kiosk=reply, kiosk_call=0), []
        return kiosk_unavailable(state)
    phase = state.phase
    if event.call_id != state.call or not isinstance(phase, Login):
        return state, []  # a late answer to an abandoned call
    if isinstance(reply, AUTH_REPLIES):
        return login.on_auth_reply(state, phase, reply)
    if isinstance(reply, RoleChanged) and isinstance(phase.step, RoleStep):
        return session.on_role_changed(state, phase, phase.step, reply)
    return login.bad_reply(state, phase)


def kiosk_unavailable(state: State) -> Result:
    state = replace(state, kiosk_call=0)
    return state, [ArmTimer("kiosk", state.settings.kiosk_retry_seconds)]


def on_failed(state: State, event: BackendFailed) -> Result:
    if event.call_id == state.kiosk_call:
        return kiosk_unavailable(state)
    phase = state.phase
    if event.call_id != state.call or not isinstance(phase, Login):
        return state, []
    return login.on_failed(state, phase, event)


def on_offline_checked(state: State, event: OfflinePinChecked) -> Result:
    phase = state.phase
    if event.call_id != state.call or not isinstance(phase, Login):
        return state, []  # a late answer to an abandoned check
    if not isinstance(phase.step, OfflinePinStep):
        return state, []
    return offline.on_checked(state, phase, event)


def on_offline_login(state: State, event: OfflineLoginFound | OfflineLoginChecked) -> Result:
    phase = state.phase
    if event.call_id != state.call or not isinstance(phase, Login):
        return state, []  # a late answer to an abandoned lookup or check
    if isinstance(event, OfflineLoginFound):
        return offline_login.on_found(state, phase, event)
    if isinstance(phase.step, CachedPinStep):
        return offline_login.on_checked(state, phase, phase.step, event)
    return state, []


def on_timer(state: State, event: TimerFired) -> Result:
    phase = state.phase
    if event.name == "busy" and state.call:
        return replace(state, busy=True), []
    if event.name == "call" and state.call and isinstance(phase, Login):
        return login.on_failed(state, phase, BackendFailed(state.call, "timeout"))
    if event.name == "entry" and isinstance(phase, Login) and isinstance(phase.step, NoticeStep):
        # the login succeeded; only the reading was left: on into the session
        return session.finish(state, phase, phase.step.ok)
    if event.name == "entry" and isinstance(phase, Login) and isinstance(phase.step, INPUT_STEPS):
        return rest(state)
    if event.name == "grace":
        return offline.drop(state)
    if event.name == "kiosk" and state.kiosk is None and not state.kiosk_call:
        return fetch_kiosk(state)
    return state, []


def on_input(state: State, event: Event) -> Result:
    phase = state.phase
    if isinstance(event, LockRequested):
        return session.lock(state)
    if isinstance(event, PasswordLoginRequested):
        return login.request_password(state)
    if isinstance(event, Cancelled):
        if isinstance(phase, Login | Failure):
            return rest(state)
        return state, []
    if isinstance(event, RetryRequested):
        if isinstance(phase, Failure) and phase.can_retry:
            return login.retry(state, phase)
        return state, []
    if not isinstance(phase, Login) or state.call:
        return state, []  # input with no screen for it, or a second submit while one runs
    current = phase.step
    if isinstance(event, PinEntered) and isinstance(current, PinStep):
        return login.submit_pin(state, phase, current, event)
    if isinstance(event, PinEntered) and isinstance(current, OfflinePinStep):
        return offline.submit_pin(state, phase, event)
    if isinstance(event, PinEntered) and isinstance(current, CachedPinStep):
        return offline_login.submit_pin(state, phase, event)
    if isinstance(event, PasswordSubmitted) and isinstance(current, PasswordStep):
        return login.submit_password(state, current, event)
    if isinstance(event, CardEnrollmentSubmitted) and isinstance(current, EnrollCardStep):
        return enrol.submit_card_enrollment(state, phase, current, event)
    if isinstance(event, NewPinSubmitted) and isinstance(current, EnrollPinStep):
        return enrol.submit_new_pin(state, phase, current, event)
    if isinstance(event, RoleChosen) and isinstance(current, RoleStep):
        return session.choose_role(state, phase, current, event)
    if isinstance(event, NoticesAcknowledged) and isinstance(current, NoticeStep):
        return session.finish(state, phase, current.ok)
    return state, []
