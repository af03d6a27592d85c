"""One user's session at a time: start it, notice when it ends by itself, end it on a switch.

Threads: `start`/`end`/`stop` are called from the greeter's worker thread (they block); a watcher
thread per session waits for the main command. `_work` makes start, end and the clean-up after a
crash take turns, so a new session never starts while the previous user's apps are still open.
Before its first session a runner also closes any session a dead greeter left running (a greeter
killed or crashed and restarted by the kiosk session), as a switch would.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from greeter.session.closer import (
    SessionGroup,
    close_spine_instance,
    end_leftovers,
    end_session_groups,
)
from greeter.session.hooks import run_hook
from greeter.session.launcher import (
    SessionStartError,
    SessionUser,
    placeholders,
    session_environment,
    spawn_all,
)
from greeter.session.procs import elapsed_ms
from greeter.session.report import AppOutcome, AppsClosedReport, HookOutcome
from greeter.session.scan import Snapshot, find_leftovers
from greeter.session.settings import SessionSettings, fill

log = logging.getLogger(__name__)
T = TypeVar("T")

# of the close budget, what the session's own commands keep for saving their work after the
# Spine apps and hooks had theirs
SESSION_RESERVE_SECONDS = 3.0


@dataclass
class _Session:
    user: SessionUser
    names: list[str]
    procs: list[subprocess.Popen[bytes]]
    watcher: threading.Thread | None = field(default=None)


class SessionRunner:
    """Starts and ends one user's session; `on_exit(user, code)` runs on a watcher thread when
    the main command ends by itself (after its apps were closed, see `last_report`)."""

    def __init__(
        self,
        settings: SessionSettings,
        on_exit: Callable[[SessionUser, int], None],
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._settings = settings
        self._on_exit = on_exit
        # added to every session's environment (the ticket API's socket)
        self._env = dict(env or {})
        self._lock = threading.Lock()  # guards the fields below
        self._work = threading.Lock()  # start, end and crash clean-up take turns
        self._session: _Session | None = None
        self._stopped = False
        self._last_report: AppsClosedReport | None = None
        self._watcher: threading.Thread | None = None  # the latest session's
        self._swept = False  # looked for a dead greeter's leftover session yet

    @property
    def active_user(self) -> SessionUser | None:
        with self._lock:
            return self._session.user if self._session else None

    @property
    def last_report(self) -> AppsClosedReport | None:
        """The latest clean-up, including the one after a session ended by itself."""
        with self._lock:
            return self._last_report

    def start(self, user: SessionUser) -> None:
        """Start the session commands for `user`; raises SessionStartError (message fit to show)."""
        with self._work:
            with self._lock:
                if self._stopped:
                    raise SessionStartError("unable to start session: the greeter is stopping")
                if self._session is not None:
                    raise SessionStartError(
                        "unable to start session: another session is running; end it first"
                    )
            if not self._swept:
                self._swept = True
                self._sweep()
            argvs = [fill(command, placeholders(user)) for command in self._settings.commands]
            procs = spawn_all(argvs, session_environment(user, os.environ) | self._env)
            session = _Session(user, [os.path.basename(argv[0]) for argv in argvs], procs)
            session.watcher = threading.Thread(
                target=self._watch, args=(session,), name="session-watcher", daemon=True
            )
            with self._lock:
                self._session = session
                self._watcher = session.watcher
            session.watcher.start()
            log.info("session started for %s (%d commands)", user.username, len(procs))

    def end(self) -> AppsClosedReport:
        """Close the Spine apps and run the hooks in parallel, then end the session's process
        groups, all within the close budget. Blocking. No on_exit for an end we asked for. With no
        session running, an empty report (user "")."""
        with self._work:
            with self._lock:
                session, self._session = self._session, None
            if session is None:
                return AppsClosedReport.build("", 0, (), ())
            report = self._close(session)
            with self._lock:
                self._last_report = report
        return report

    def stop(self) -> None:
        """Greeter shutdown: end any session (its apps close as on a switch), start no more."""
        with self._lock:
            self._stopped = True
            watcher = self._watcher
        self.end()
        # a crash clean-up may still be running on the watcher (unless on_exit called stop)
        if watcher is not None and watcher is not threading.current_thread():
            watcher.join()

    def _watch(self, session: _Session) -> None:
        main = session.procs[0]
        try:
            # WNOWAIT: leave it unreaped, so its process-group id stays ours until the group ends
            status = os.waitid(os.P_PID, main.pid, os.WEXITED | os.WNOWAIT)
            # without WNOHANG waitid only returns once the child has exited
            assert status is not None
            code = status.si_status if status.si_code == os.CLD_EXITED else -status.si_status
        except ChildProcessError:
            code = main.returncode if main.returncode is not None else -1  # end() reaped it
        with self._work:
            with self._lock:
                if self._session is not session:
                    return  # ended on request
                self._session = None
            log.info("session of %s ended by itself (status %d)", session.user.username, code)
            report = self._close(session)
            with self._lock:
                self._last_report = report
        self._on_exit(session.user, code)

    def _close(self, session: _Session) -> AppsClosedReport:
        def end_groups(now: Snapshot, deadline: float) -> list[AppOutcome]:
            groups = [
                SessionGroup(name, proc, now.session_members(proc.pid))
                for name, proc in zip(session.names, session.procs, strict=True)
            ]
            return end_session_groups(groups, deadline)

        return self._close_all(session.user.username, session.user.domain, end_groups)

    def _sweep(self) -> None:
        """Once, before the first session: a greeter that crashed (or was killed) left its
        session running; the next user must not get the previous user's apps."""
        leftovers = find_leftovers(Snapshot.take())
        if leftovers is None:
            return
        log.warning(
            "a previous greeter left %s's session running (%d processes); closing it",
            leftovers.user or "someone",
            len(leftovers.processes),
        )

        def end_rest(_now: Snapshot, deadline: float) -> list[AppOutcome]:
            outcome = end_leftovers("leftover session", leftovers.processes, deadline)
            return [outcome] if outcome else []

        report = self._close_all(leftovers.user, leftovers.domain, end_rest)
        with self._lock:
            self._last_report = report

    def _close_all(
        self,
        username: str,
        domain: str,
        end_rest: Callable[[Snapshot, float], list[AppOutcome]],
    ) -> AppsClosedReport:
        """Spine apps and hooks in parallel, then `end_rest` (the session's own processes),
        all within the close budget."""
        started = time.monotonic()
        budget = self._settings.close_budget_seconds
        deadline = started + budget
        grace_deadline = deadline - min(SESSION_RESERVE_SECONDS, budget / 3)
        snapshot = Snapshot.take()
        instances = snapshot.spine_instances(self._settings.spine_apps)
        hooks = self._settings.hooks
        app_outcomes: list[AppOutcome] = []
        hook_outcomes: list[HookOutcome] = []
        if instances or hooks:
            with ThreadPoolExecutor(
                max_workers=len(instances) + len(hooks), thread_name_prefix="session-close"
            ) as pool:
                app_futures = [
                    pool.submit(close_spine_instance, instance, username, grace_deadline)
                    for instance in instances
                ]
                hook_futures = [
                    pool.submit(run_hook, hook, username, domain, grace_deadline) for hook in hooks
                ]
                for instance, future in zip(instances, app_futures, strict=True):
                    app_outcomes.append(
                        _result(future)
                        or AppOutcome(
                            instance.app.name, instance.root.pid, "spine_app", "failed", 0
                        )
                    )
                for hook, hook_future in zip(hooks, hook_futures, strict=True):
                    hook_outcomes.append(
                        _result(hook_future)
                        or HookOutcome(hook.name, "failed", None, 0, "unable to run hook")
                    )
        # looked at again: the session may have started processes while its apps were closing
        now = Snapshot.take(identities=False) if instances or hooks else snapshot
        rest = end_rest(now, deadline)
        report = AppsClosedReport.build(
            username, elapsed_ms(started), (*app_outcomes, *rest), tuple(hook_outcomes)
        )
        for app in report.apps:
            if app.result in ("forced", "failed"):
                log.warning("%s (pid %d) of %s: %s", app.name, app.pid, username, app.result)
        for failed in report.failed_hooks:
            log.warning("hook %s for %s: %s", failed.name, username, failed.detail)
        log.info(
            "closed %s's apps in %d ms: %d graceful, %d forced, %d hooks failed",
            username,
            report.duration_ms,
            report.graceful,
            report.forced,
            len(report.failed_hooks),
        )
        return report


def _result(future: Future[T]) -> T | None:
    """A worker's result; a bug in one closer must not keep the session from ending."""
    try:
        return future.result()
    except Exception as error:
        log.error("unable to close an application: %s", error)
        return None
