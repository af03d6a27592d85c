"""The user's desktop session as the Kiosk sees it: the `Sessions` port and its implementation
on the session helper's `SessionRunner`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from greeter.flow.inputs import AppsClosed
from greeter.flow.wire import SessionInfo

if TYPE_CHECKING:
    from greeter.session import SessionRunner, SessionSettings, SessionUser


class SessionError(Exception):
    """A session could not start; `str()` is a plain sentence for the screen."""


class SwitchFailed(SessionError):
    """The new session of a switch could not start, after the previous one ended (`apps`: what
    closing its apps did)."""

    def __init__(self, message: str, apps: AppsClosed) -> None:
        super().__init__(message)
        self.apps = apps


class Sessions(Protocol):
    """Starting and switching the user's desktop session (blocking; run in the background)."""

    def start(self, session: SessionInfo) -> None:
        """Start `session`'s desktop; raises SessionError."""

    def switch(self, previous: SessionInfo, new: SessionInfo) -> AppsClosed:
        """Close `previous`'s apps, end its session, start `new`'s; raises SwitchFailed when
        `new` did not start (`previous` has ended then)."""

    def end(self, session: SessionInfo) -> AppsClosed:
        """Close `session`'s apps and end it, as its own log out would (no exit report
        follows: the caller reports the end)."""


class RunnerSessions:
    """`Sessions` on the session helper's `SessionRunner`: a switch is `end()` then `start()`
    in the one background job, so the next user never sees the previous user's apps.

    The runner (with psutil and the closer) is made at the first login, on the worker that
    starts it: none of it is needed to draw the idle screen, and start-up is what users wait on."""

    def __init__(self, settings: SessionSettings, env: Mapping[str, str] | None = None) -> None:
        self._settings = settings
        self._env = dict(env or {})
        self._runner: SessionRunner | None = None
        self._stopped = False
        self._lock = threading.Lock()
        self._sessions: dict[str, SessionInfo] = {}
        # set by whoever owns the Kiosk: where a session that ended by itself is reported
        self.on_exit: Callable[[SessionInfo, int, AppsClosed | None], None] = (
            lambda session, code, apps: None
        )

    def start(self, session: SessionInfo) -> None:
        from greeter.session import SessionStartError, SessionUser

        runner = self._session_runner()
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
            runner.start(user)
        except SessionStartError as error:
            with self._lock:
                self._sessions.pop(session.id, None)
            raise SessionError(str(error)) from None

    def switch(self, previous: SessionInfo, new: SessionInfo) -> AppsClosed:
        report = self._session_runner().end()
        with self._lock:
            self._sessions.pop(previous.id, None)
        apps = AppsClosed(
            report.user or previous.user.username,
            report.graceful,
            report.forced,
            report.duration_ms,
        )
        try:
            self.start(new)
        except SessionError as error:
            raise SwitchFailed(str(error), apps) from None
        return apps

    def end(self, session: SessionInfo) -> AppsClosed:
        report = self._session_runner().end()
        with self._lock:
            self._sessions.pop(session.id, None)
        return AppsClosed(
            report.user or session.user.username,
            report.graceful,
            report.forced,
            report.duration_ms,
        )

    def stop(self) -> None:
        """Greeter shutdown: end the running session (its apps close as on a switch)."""
        with self._lock:
            self._stopped = True
            runner = self._runner
        if runner is not None:
            runner.stop()

    def _session_runner(self) -> SessionRunner:
        with self._lock:
            if self._stopped:
                raise SessionError("unable to start session: the greeter is stopping")
            if self._runner is None:
                from greeter.session import SessionRunner

                self._runner = SessionRunner(self._settings, self._exited, self._env)
            return self._runner

    def _exited(self, user: SessionUser, code: int) -> None:
        # on the runner's watcher thread
        with self._lock:
            session = self._sessions.pop(user.session_id, None)
        if session is None:
            return
        # the runner closed the session's apps before calling us: that report goes with the exit
        report = self._runner.last_report if self._runner is not None else None
        apps = None
        if report is not None and report.user == user.username:
            apps = AppsClosed(report.user, report.graceful, report.forced, report.duration_ms)
        self.on_exit(session, code, apps)
