"""The kiosk without Qt: holds the flow's state, runs `step`, executes its effects.

`Kiosk.dispatch(event)` must be called on one thread (the UI's main thread). Work that blocks
(backend calls, starting or switching sessions) goes through `Executor.run_in_background`,
whose result event the executor hands back to `dispatch` on that same thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from greeter import outcomes
from greeter.backend import BackendError, Rejected, TimedOut, Unreachable
from greeter.cards import CardEvent, CardReport, CardSource, SpineCardEvent
from greeter.desktop import SessionError, Sessions, SwitchFailed
from greeter.events import EventLog, SecretInLog, new_tap_id
from greeter.flow import FlowSettings, State, initial_state, step, view
from greeter.flow.effects import (
    ArmTimer,
    CallBackend,
    CancelTimer,
    CheckOfflinePin,
    DropOfflineVerifier,
    Effect,
    KeepOfflineVerifier,
    Log,
    Report,
    StartSession,
    SwitchSession,
)
from greeter.flow.inputs import (
    BackendFailed,
    BackendReplied,
    Event,
    OfflinePinChecked,
    OfflineVerifierKept,
    SessionExited,
    SessionStarted,
    SessionStartFailed,
    SessionSwitched,
    Started,
    Stopping,
)
from greeter.flow.model import View
from greeter.flow.state import Login
from greeter.flow.wire import Accepted, AuthRequest, Reply, Request, SessionInfo
from greeter.offline import OfflineVerifier
from greeter.offline_logins import OFFLINE_LOGIN_EFFECTS, OfflineLogins
from greeter.spine_card_watch import SpineCardWatch
from greeter.turns import Turns, step_safely

log = logging.getLogger(__name__)


class Executor(Protocol):
    """Where the kiosk's effects run. The Qt one lives in `greeter.ui`; tests use a synchronous
    one. `attach` is called once by `Kiosk` with its `dispatch`; every result, timer and posted
    event goes to it on the main thread."""

    def attach(self, dispatch: Callable[[Event], None]) -> None:
        """Where events go from now on."""

    def run_in_background(self, work: Callable[[], Event | None]) -> None:
        """Run `work` off the main thread; dispatch its event (if any) on the main thread."""

    def arm_timer(self, name: str, seconds: float) -> None:
        """(Re)start the single-shot timer `name`; when it runs out dispatch TimerFired(name).
        Arming a running timer restarts it."""

    def cancel_timer(self, name: str) -> None:
        """Stop timer `name` if it runs; a cancelled timer never fires."""

    def post(self, event: Event) -> None:
        """Thread-safe: dispatch `event` on the main thread soon (card threads call this)."""


class BackendClient(Protocol):
    """What the kiosk needs from a backend (`greeter.backend.Backend`, or another one that
    speaks to an existing badge server behind the same interface)."""

    def perform(self, request: Request, *, tap: str = "") -> Reply:
        """Run one request; raises only `greeter.backend.BackendError`s. `tap`: the id of the
        tap the request belongs to (the appliance keeps it in the request's audit lines)."""

    def report(self, event: dict[str, str | int]) -> Accepted:
        """Send one audit event."""

    def upload_offline(self, events: list[dict[str, str]]) -> Accepted:
        """Send the events queued while no appliance answered (`greeter.offline_queue`)."""


ViewListener = Callable[[View], None]


class Kiosk:
    """The flow's state and the one place its effects run.

    Events are handled run-to-completion: an event dispatched while another is being handled
    (an inline executor answering at once) waits its turn, so effects always run in the order
    `step` gave them and a reply can never overtake the timers armed with its call.
    """

    def __init__(
        self,
        *,
        settings: FlowSettings,
        executor: Executor,
        backend: BackendClient,
        sessions: Sessions,
        event_log: EventLog,
        offline: OfflineVerifier | None = None,
        offline_logins: OfflineLogins | None = None,
        spine_card: SpineCardWatch | None = None,
    ) -> None:
        self.state: State = initial_state(settings)
        self._view = view(self.state)
        self._executor = executor
        self._backend = backend
        self._sessions = sessions
        self._log = event_log
        self._offline = offline or OfflineVerifier()
        self._logins = offline_logins
        self._listeners: list[ViewListener] = []
        self._turns: Turns[Event] = Turns(self._handle)
        self._closing = False
        self._closers: list[Callable[[], object]] = []
        self._sources: list[CardSource] = []
        # the latest tap: (card id, its random tap id); calls of the login it started carry it
        self._tap: tuple[str, str] | None = None
        # the Spine smartcard in a contact reader: not a tap; the in-session agent subscribes
        self.spine_card = spine_card or SpineCardWatch()
        executor.attach(self.dispatch)

    @property
    def view(self) -> View:
        return self._view

    @property
    def backend(self) -> BackendClient:
        """The appliance client (the in-session agent's Spine calls share it)."""
        return self._backend

    def log_out(self) -> None:
        """End the running session as its own log out would (the in-session agent's Log out):
        its apps close, then the flow hears that it exited."""
        desktop = self.state.desktop
        if desktop is not None:
            session = desktop.session
            self._executor.run_in_background(lambda: self._end(session))

    def subscribe(self, listener: ViewListener) -> None:
        """Call `listener(view)` on the main thread whenever the view changes."""
        self._listeners.append(listener)

    def attach_sources(self, sources: list[CardSource]) -> None:
        """Card sources to start with the kiosk (feeding `sink`) and stop when it closes."""
        self._sources.extend(sources)

    def start(self) -> None:
        """Watch the readers and ask the appliance for the kiosk's settings."""
        self._log.screen(self._view.screen)
        self.dispatch(Started())
        for source in self._sources:
            try:
                source.start(self.sink)
            except Exception as error:  # one broken reader must not keep the kiosk down
                log.error("unable to start %s: %s", type(source).__name__, error)

    def ready(self) -> None:
        """The UI drew the idle screen and the readers are watched (the `ready` log line)."""
        self._log.ready()

    def sink(self, event: CardReport) -> None:
        """A `greeter.cards.CardSink`: safe to call from a reader's thread."""
        self._executor.post(event)

    def post(self, event: Event) -> None:
        """Thread-safe: dispatch `event` on the main thread soon."""
        self._executor.post(event)

    def on_close(self, *closers: Callable[[], object]) -> None:
        """Run `closers` (in order) when the kiosk closes."""
        self._closers.extend(closers)

    def close(self) -> None:
        """Shut down: end the session, close the backend and the log. Each step runs even if
        an earlier one failed."""
        # the session ends with the greeter: its line in the log, and its offline verifier
        # gone. No screen follows: nobody watches it any more.
        self._closing = True
        self.dispatch(Stopping())
        self._offline.drop()
        sources, self._sources = self._sources, []
        closers = [source.stop for source in sources] + self._closers
        self._closers = []
        for closer in closers:
            try:
                closer()
            except Exception as error:  # shutting down: report and go on with the rest
                log.error("unable to close %s: %s", getattr(closer, "__qualname__", closer), error)

    def dispatch(self, event: Event) -> None:
        """Handle `event` on the main thread."""
        self._turns(event)

    def _handle(self, event: Event) -> None:
        if isinstance(event, CardEvent):
            self._log_card(event)
        elif isinstance(event, SpineCardEvent):
            self._spine_card_event(event)
        stepped = step_safely(step, self.state, event)
        if stepped is None:
            return
        self.state, effects = stepped
        for effect in effects:
            self._run(effect)
        if self._closing:
            return
        shown = view(self.state)
        if shown == self._view:
            return
        self._log_screen(shown)
        self._view = shown
        for listener in list(self._listeners):
            listener(shown)

    def _log_card(self, event: CardEvent) -> None:
        tap = ""
        if event.action == "present" and event.card_id is not None:
            tap = new_tap_id()
            self._tap = (event.card_id, tap)
        self._log.card(event, tap)

    def _spine_card_event(self, event: SpineCardEvent) -> None:
        desktop = self.state.desktop
        ending = self.spine_card.handle(event, desktop.session.id if desktop else None)
        fields: dict[str, str | int | float | bool] = {
            "action": event.action,
            "reader": event.reader,
        }
        if ending is not None:
            fields["ends_spine_session"] = True
            watch = self.spine_card
            self._executor.run_in_background(lambda: watch.end_session(ending))
        self._log.write("spine_card", fields)

    def _log_screen(self, shown: View) -> None:
        """A new screen; a new error on the error screen too (with its reason)."""
        old = self._view
        if shown.screen == "error":
            if (shown.screen, shown.error_key, shown.error_reason) != (
                old.screen,
                old.error_key,
                old.error_reason,
            ):
                self._log.screen("error", shown.error_key, shown.error_reason)
        elif shown.screen != old.screen:
            self._log.screen(shown.screen)

    def _tap_of(self, request: Request) -> str:
        """The tap id a call carries: that of the card whose login it belongs to."""
        phase = self.state.phase
        if self._tap is None or not isinstance(phase, Login) or phase.card is None:
            return ""
        card_id, tap = self._tap
        return tap if phase.card.card_id == card_id else ""

    def _run(self, effect: Effect) -> None:
        if isinstance(effect, CallBackend):
            call_id, request = effect.call_id, effect.request
            tap = self._tap_of(request)
            self._executor.run_in_background(lambda: self._call(call_id, request, tap))
        elif isinstance(effect, ArmTimer):
            self._executor.arm_timer(effect.name, effect.seconds)
        elif isinstance(effect, CancelTimer):
            self._executor.cancel_timer(effect.name)
        elif isinstance(effect, StartSession):
            started = effect.session
            self._executor.run_in_background(lambda: self._start(started))
        elif isinstance(effect, SwitchSession):
            previous, new = effect.previous, effect.new
            self._executor.run_in_background(lambda: self._switch(previous, new))
        elif isinstance(effect, Log):
            fields = effect.as_dict()
            try:
                self._log.write(str(fields.pop("event")), fields)
            except SecretInLog as error:
                log.error("%s", error)  # a bug, refused; the kiosk carries on
        elif isinstance(effect, Report):
            audit = effect.as_dict()
            self._executor.run_in_background(lambda: self._report(audit))
        elif isinstance(effect, KeepOfflineVerifier):
            keep = effect
            ticket = self._offline.reserve()
            self._executor.run_in_background(lambda: self._keep_verifier(ticket, keep))
        elif isinstance(effect, DropOfflineVerifier):
            self._offline.drop()
        elif isinstance(effect, CheckOfflinePin):
            check = effect
            self._executor.run_in_background(lambda: self._check_pin(check))
        elif isinstance(effect, OFFLINE_LOGIN_EFFECTS) and self._logins is not None:
            logins, work = self._logins, effect
            self._executor.run_in_background(lambda: logins.perform(work))
        # LockScreen / UnlockScreen: the UI covers or uncovers the session from `view.screen`

    # --- background work: each turns its own failure into an event ------------------------

    def _call(self, call_id: int, request: Request, tap: str) -> Event:
        result = self._perform(call_id, request, tap)
        if isinstance(request, AuthRequest):
            # each answer to a login step, for IT (never its secrets), before the screen it
            # leads to
            if isinstance(result, BackendReplied):
                self._write(outcomes.answered(request, result.reply, tap))
            else:
                self._write(outcomes.failed(request, result.kind, result.code, result.message, tap))
        return result

    def _perform(self, call_id: int, request: Request, tap: str) -> BackendReplied | BackendFailed:
        try:
            replied = BackendReplied(call_id, self._backend.perform(request, tap=tap))
        except TimedOut as error:
            log.warning("%s", error)
            return BackendFailed(call_id, "timeout", "", str(error))
        except Unreachable as error:
            log.warning("%s", error)
            return BackendFailed(call_id, "unreachable", "", str(error))
        except Rejected as error:
            log.warning("%s", error)
            return BackendFailed(call_id, "rejected", error.code, error.message)
        except BackendError as error:
            log.warning("%s", error)
            return BackendFailed(call_id, "bad_reply", "", str(error))
        if self._logins is not None:
            # an appliance answers: what happened offline goes to its audit now
            self._logins.upload(self._backend.upload_offline)
        return replied

    def _write(self, login: outcomes.Line) -> None:
        try:
            self._log.write("login", login)
        except SecretInLog as error:
            log.error("%s", error)  # a bug, refused; the kiosk carries on

    def _start(self, session: SessionInfo) -> Event:
        try:
            self._sessions.start(session)
        except SessionError as error:
            log.error("unable to start the session of %s: %s", session.user.username, error)
            return SessionStartFailed(session, str(error))
        return SessionStarted(session)

    def _switch(self, previous: SessionInfo, new: SessionInfo) -> Event:
        try:
            apps = self._sessions.switch(previous, new)
        except SessionError as error:
            log.error("unable to switch to %s: %s", new.user.username, error)
            ended = error.apps if isinstance(error, SwitchFailed) else None
            return SessionStartFailed(new, str(error), ended)
        return SessionSwitched(previous, new, apps)

    def _end(self, session: SessionInfo) -> Event | None:
        try:
            apps = self._sessions.end(session)
        except SessionError as error:
            log.error("unable to end the session of %s: %s", session.user.username, error)
            return None
        return SessionExited(session, 0, apps)

    def _keep_verifier(self, ticket: int, keep: KeepOfflineVerifier) -> Event:
        try:
            seconds = self._offline.keep(ticket, keep.pin, keep.until)
        except Exception as error:  # no offline unlock then; the kiosk carries on
            log.error("unable to make the offline verifier: %s", type(error).__name__)
            seconds = 0.0
        return OfflineVerifierKept(keep.session_id, seconds)

    def _check_pin(self, check: CheckOfflinePin) -> Event:
        try:
            result = self._offline.check(check.pin)
        except Exception as error:
            log.error("unable to check the PIN offline: %s", type(error).__name__)
            result = "none"
        self._write(outcomes.checked_offline(result))
        return OfflinePinChecked(check.call_id, result)

    def _report(self, audit: dict[str, str | int]) -> None:
        try:
            self._backend.report(audit)
        except BackendError as error:
            # the audit trail is the appliance's; the local event log still has the event
            log.warning("unable to report %s to the appliance: %s", audit.get("event"), error)
