"""From a successful login to a running session: role, notices, start / unlock / switch, lock,
and what the session runner reports back."""

from __future__ import annotations

from dataclasses import replace

from greeter.flow import offline
from greeter.flow.common import Result, call, fail, rest, session_event, to_step, unlock
from greeter.flow.effects import (
    Effect,
    LockScreen,
    Log,
    LogValue,
    Report,
    StartSession,
    SwitchSession,
)
from greeter.flow.inputs import (
    AppsClosed,
    SessionExited,
    SessionStarted,
    SessionStartFailed,
    SessionSwitched,
)
from greeter.flow.model import RoleChosen
from greeter.flow.state import CardRef, Desktop, Handover, Login, NoticeStep, RoleStep, State
from greeter.flow.wire import AuthOk, ChooseRole, RoleChanged


def on_ok(state: State, login: Login, ok: AuthOk) -> Result:
    """The appliance issued a session: ask for a role, show notices, then hand over."""
    desktop = state.desktop
    if own_tap(state, login, ok.session.user.username):
        return keep_locked(state, login.card)
    if desktop is not None and ok.session.user.username == desktop.username:
        # coming back to their own session: role and notices were settled at sign-in
        return finish(state, login, ok)
    spine = ok.session.spine
    if len(spine.roles) > 1 and spine.role is None:
        return to_step(state, login, RoleStep(ok))
    if ok.notices:
        return to_step(state, login, NoticeStep(ok))
    return finish(state, login, ok)


def choose_role(state: State, login: Login, step: RoleStep, event: RoleChosen) -> Result:
    if event.code not in {role.code for role in step.ok.session.spine.roles}:
        return state, []
    return call(state, ChooseRole(step.ok.session.id, event.code))


def on_role_changed(state: State, login: Login, step: RoleStep, reply: RoleChanged) -> Result:
    session = replace(step.ok.session, spine=reply.spine)
    ok = replace(step.ok, session=session)
    if ok.notices:
        return to_step(state, login, NoticeStep(ok))
    return finish(state, login, ok)


def own_tap(state: State, login: Login, username: str) -> bool:
    """Whether `login` is the signed-in user's tap over their own open session, with a card we
    did not know was theirs: that tap meant "lock", done when it came (`login.begin`)."""
    desktop = state.desktop
    return desktop is not None and login.locked_open_session and username == desktop.username


def keep_locked(state: State, card: CardRef | None) -> Result:
    """End an own tap (`own_tap`): the session stays locked, and the card is known to be theirs."""
    state, effects = rest(state)
    desktop = state.desktop
    if desktop is not None and card is not None:
        state = replace(state, desktop=replace(desktop, card=card))
    return state, effects


def finish(state: State, login: Login, ok: AuthOk) -> Result:
    """The login is complete: unlock for the same user, switch for another, else start."""
    state, effects = rest(state)
    desktop = state.desktop
    session = ok.session
    if desktop is None:
        state = replace(state, phase=Handover(session, login.card, switching=False))
        state, armed = offline.after_login(state, login, ok, session.id, new_session=True)
        return state, [*effects, StartSession(session), *armed]
    if session.user.username == desktop.username:
        state, unlocked = unlock(state, login.card)
        state, armed = offline.after_login(state, login, ok, desktop.session.id, new_session=False)
        return state, [*effects, *unlocked, *armed]
    state = replace(state, phase=Handover(session, login.card, switching=True))
    state, armed = offline.after_login(state, login, ok, session.id, new_session=True)
    return state, [*effects, SwitchSession(desktop.session, session), *armed]


def lock(state: State, card: CardRef | None = None) -> Result:
    """Cover the running session; a login running over it is abandoned."""
    desktop = state.desktop
    if desktop is None or desktop.locked:
        return state, []
    effects: list[Effect] = []
    if state.phase is not None and not isinstance(state.phase, Handover):
        state, effects = rest(state)
    state = replace(state, desktop=replace(desktop, locked=True, card=card or desktop.card))
    return state, [*effects, LockScreen(), *session_event("locked", desktop.session)]


def on_inactive(state: State) -> Result:
    """Nobody touched the kiosk for a while: lock a session in plain view, as the lock hotkey
    would. Anything on the greeter's own screens has its own timers; those are left alone."""
    desktop = state.desktop
    if desktop is None or desktop.locked or state.phase is not None:
        return state, []
    return lock(state)


def on_started(state: State, event: SessionStarted) -> Result:
    phase = state.phase
    if not isinstance(phase, Handover) or phase.session.id != event.session.id:
        return state, []
    state = replace(state, phase=None, desktop=Desktop(phase.session, phase.card))
    return state, session_event("started", phase.session)


def on_switched(state: State, event: SessionSwitched) -> Result:
    phase = state.phase
    if not isinstance(phase, Handover) or phase.session.id != event.new.id:
        return state, []
    state = replace(state, phase=None, desktop=Desktop(phase.session, phase.card))
    # every session change has its line: the previous one ended, the new one started
    return state, [
        *apps_closed_event(event.apps),
        *session_event("ended", event.previous),
        *session_event("started", phase.session),
        *session_event("switched", phase.session),
    ]


def apps_closed_event(apps: AppsClosed | None) -> list[Effect]:
    """What closing a user's apps did, for the event log and the appliance's audit trail."""
    if apps is None:
        return []
    closed: tuple[tuple[str, LogValue], ...] = (
        ("event", "apps_closed"),
        ("user", apps.username),
        ("graceful", apps.graceful),
        ("forced", apps.forced),
    )
    return [Log(closed), Report((*closed, ("duration_ms", apps.duration_ms)))]


def on_start_failed(state: State, event: SessionStartFailed) -> Result:
    phase = state.phase
    if not isinstance(phase, Handover) or phase.session.id != event.session.id:
        return state, []
    effects: list[Effect] = []
    if phase.switching and state.desktop is not None:
        # the runner ended the previous session before the new one failed to start
        ended = state.desktop.session
        effects = [*apps_closed_event(event.apps), *session_event("ended", ended)]
        state = replace(state, desktop=None)
    state, dropped = offline.drop(state)
    # the cause is in the greeter's log (the shell logged it); the screen says what to do
    state, failed = fail(state, "session_failed")
    return state, [*effects, *dropped, *failed]


def on_exited(state: State, event: SessionExited) -> Result:
    desktop = state.desktop
    if desktop is None or desktop.session.id != event.session.id:
        return state, []
    # the runner closed the session's apps before it reported the exit
    closed = apps_closed_event(event.apps)
    if isinstance(state.phase, Handover):
        # ending the previous session is part of a switch: SessionSwitched reports that
        return state, closed
    # a login running over the session (tap-over) carries on; success now simply starts
    return end(state, closed)


def on_stopping(state: State) -> Result:
    """The greeter shuts down, and the session with it."""
    if state.desktop is None:
        return offline.drop(state)
    return end(state, [])


def end(state: State, closed: list[Effect]) -> Result:
    """The desktop session is over (logout, crash, shut-down): so is its offline unlock."""
    desktop = state.desktop
    assert desktop is not None
    state, dropped = offline.drop(replace(state, desktop=None))
    return state, [*closed, *session_event("ended", desktop.session), *dropped]
