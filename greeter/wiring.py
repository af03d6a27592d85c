"""The kiosk as `greeter run` and `greeter demo` wire it: the real backend, the event log, the
session runner and the card sources, around a `Kiosk` and the caller's `Executor`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from greeter.app import Executor, Kiosk, SessionError
from greeter.backend import Backend, BackendSettings
from greeter.cards.settings import CardSettings
from greeter.cards.sources import build_sources
from greeter.config import Config
from greeter.configkit import ConfigError
from greeter.events import EventLog
from greeter.flow.inputs import AppsClosed, SessionExited
from greeter.flow.model import LockRequested
from greeter.flow.wire import SessionInfo
from greeter.session import SessionRunner, SessionSettings, SessionStartError, SessionUser

log = logging.getLogger(__name__)


class RunnerSessions:
    """`Sessions` on the session helper's `SessionRunner`: a switch is `end()` then `start()`
    in the one background job, so the next user never sees the previous user's apps."""

    def __init__(self, settings: SessionSettings) -> None:
        self._runner = SessionRunner(settings, self._exited)
        self._lock = threading.Lock()
        self._sessions: dict[str, SessionInfo] = {}
        # set by whoever owns the Kiosk: where a session that ended by itself is reported
        self.on_exit: Callable[[SessionInfo, int], None] = lambda session, code: None

    def start(self, session: SessionInfo) -> None:
        user = SessionUser(
            username=session.user.username,
            domain=session.user.domain,
            display_name=session.user.display_name,
            role=session.spine.role,
            session_id=session.id,
        )
        with self._lock:
            self._sessions[session.id] = session
        try:
            self._runner.start(user)
        except SessionStartError as error:
            with self._lock:
                self._sessions.pop(session.id, None)
            raise SessionError(str(error)) from None

    def switch(self, previous: SessionInfo, new: SessionInfo) -> AppsClosed:
        report = self._runner.end()
        with self._lock:
            self._sessions.pop(previous.id, None)
        self.start(new)
        return AppsClosed(
            report.user or previous.user.username,
            report.graceful,
            report.forced,
            report.duration_ms,
        )

    def stop(self) -> None:
        """Greeter shutdown: end the running session (its apps close as on a switch)."""
        self._runner.stop()

    def _exited(self, user: SessionUser, code: int) -> None:
        # on the runner's watcher thread
        with self._lock:
            session = self._sessions.pop(user.session_id, None)
        if session is not None:
            self.on_exit(session, code)


def build_kiosk(
    config: Config,
    executor: Executor,
    *,
    event_log_path: str | None = None,
    virtual_socket: Path | None = None,
    card_sources: bool = True,
) -> Kiosk:
    """The whole kiosk for `config`. `kiosk.start()` starts the card sources and asks the
    appliance for its settings; `kiosk.close()` stops the sources, ends the session and closes
    the backend and the log. `virtual_socket` adds virtual taps (the demo, `greeter tap`)."""
    appliance = config.appliance
    backend = Backend(
        BackendSettings(
            url=appliance.url,
            ca_path=appliance.ca,
            kiosk_name=config.kiosk.name,
            kiosk_secret=appliance.kiosk_secret,
            connect_timeout=appliance.connect_timeout,
            read_timeout=appliance.timeout,
        )
    )
    # the kiosk secret keys the card-id hash: stable on this kiosk, unguessable elsewhere
    event_log = EventLog(event_log_path or config.kiosk.event_log, appliance.kiosk_secret.encode())
    if not isinstance(config.session, SessionSettings):
        raise ConfigError(config.path, "[session]", "missing", "add a [session] section")
    sessions = RunnerSessions(config.session)
    kiosk = Kiosk(
        settings=config.flow_settings(),
        executor=executor,
        backend=backend,
        sessions=sessions,
        event_log=event_log,
    )
    sessions.on_exit = lambda session, code: kiosk.post(SessionExited(session, code))
    kiosk.on_close(sessions.stop, backend.close, event_log.close)
    if card_sources:
        if not isinstance(config.cards, CardSettings):
            raise ConfigError(config.path, "[cards]", "could not be read", "check the section")
        kiosk.attach_sources(
            build_sources(
                config.cards,
                virtual_socket=virtual_socket,
                on_lock=lambda: kiosk.post(LockRequested()),
            )
        )
    return kiosk
