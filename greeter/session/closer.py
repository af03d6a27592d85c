"""Closing without losing work: the app's own close command, then its signal, and only after
its wait SIGKILL. Each instance is closed on its own thread, so the whole takes about as long
as the slowest app, not the sum."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

from greeter.session.procs import ProcessHandle, close_all, elapsed_ms, wait_gone
from greeter.session.report import AppOutcome, AppResult
from greeter.session.scan import Seen, SpineInstance
from greeter.session.settings import fill

# SIGKILL cannot be ignored; this is only how long we look before reporting it done
KILL_CONFIRM_SECONDS = 1.0


def close_spine_instance(instance: SpineInstance, user: str, deadline: float) -> AppOutcome:
    """Close one Spine app instance; graceful steps end by `deadline` (monotonic) at the latest."""
    started = time.monotonic()
    app = instance.app
    root = ProcessHandle.open(instance.root.pid, instance.root.create_time)
    if root is None or root.exited():
        if root is not None:
            root.close()  # exited but not yet reaped (a session command that just ended)
        return AppOutcome(app.name, instance.root.pid, "spine_app", "gone", elapsed_ms(started))
    handles = [root, *_open(instance.members)]
    steps: list[str] = []
    try:
        alive = set(handles)
        if app.close_command is not None:
            steps.append("close_command")
            failure = _run_close_command(
                instance, user, alive, min(deadline, started + app.wait_seconds)
            )
            if failure:
                steps.append(failure)
            alive = {handle for handle in alive if not handle.exited()}
        if alive:
            steps.append(app.signal.name)
            root.signal(app.signal)
            alive = wait_gone(alive, min(deadline, time.monotonic() + app.wait_seconds))
        if not alive:
            return AppOutcome(
                app.name, root.pid, "spine_app", "graceful", elapsed_ms(started), tuple(steps)
            )
        steps.append("SIGKILL")
        for handle in alive:
            handle.signal(signal.SIGKILL)
        wait_gone(alive, time.monotonic() + KILL_CONFIRM_SECONDS)
        return AppOutcome(
            app.name, root.pid, "spine_app", "forced", elapsed_ms(started), tuple(steps)
        )
    finally:
        close_all(handles)


def _run_close_command(
    instance: SpineInstance, user: str, handles: set[ProcessHandle], deadline: float
) -> str:
    """Run the app's close command and wait for the app to go; '' or why the command failed.
    A command that fails stops the wait at once: the signal comes next, not after the wait."""
    root = instance.root
    values = {"pid": str(root.pid), "name": instance.app.name, "exe": root.exe, "user": user}
    env = dict(
        os.environ,
        TAPKIOSK_APP_PID=str(root.pid),
        TAPKIOSK_APP_NAME=instance.app.name,
        TAPKIOSK_USER=user,
    )
    assert instance.app.close_command is not None
    argv = fill(instance.app.close_command, values)
    try:
        proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        cause = "not found" if isinstance(error, FileNotFoundError) else error.strerror
        return f"close command {argv[0]}: {cause}"
    command = ProcessHandle.open(proc.pid)
    killed = False
    try:
        alive = wait_gone(handles, deadline, stop_fd=command.fileno() if command else None)
        if alive and proc.poll() == 0:
            # it did its part (e.g. asked the window to close); give the app the rest of the wait
            alive = wait_gone(alive, deadline)
    finally:
        if command is not None:
            command.close()
        if proc.poll() is None:
            # the app is gone (its job is done) or the wait is over: either way, it goes
            killed = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if not alive:
        return ""
    if killed:
        return "close command still running at the end of the wait, killed"
    if proc.returncode:
        return f"close command exited {proc.returncode}"
    return ""


@dataclass
class SessionGroup:
    """One started session command: its (unreaped) leader and what the snapshot found of it."""

    name: str
    leader: subprocess.Popen[bytes]
    members: Sequence[Seen]


def end_session_groups(groups: Sequence[SessionGroup], deadline: float) -> list[AppOutcome]:
    """SIGTERM every group at once, wait until `deadline`, then SIGKILL what is left."""
    started = time.monotonic()
    opened: list[tuple[SessionGroup, list[ProcessHandle], bool]] = []
    for group in groups:
        leader = ProcessHandle.open(group.leader.pid)
        handles = ([leader] if leader else []) + _open(group.members)
        was_running = any(not handle.exited() for handle in handles)
        opened.append((group, handles, was_running))
        # the leader is our unreaped child, so its group id still names this group only
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group.leader.pid, signal.SIGTERM)
        # members that left the group; one SIGTERM each (a second one means "quit now" to some)
        strays = {seen.pid for seen in group.members if seen.pgid != group.leader.pid}
        for handle in handles:
            if handle.pid in strays:
                handle.signal(signal.SIGTERM)
    everyone = [handle for _, handles, _ in opened for handle in handles]
    alive = wait_gone(everyone, deadline)
    if alive:
        for handle in alive:
            handle.signal(signal.SIGKILL)
    outcomes: list[AppOutcome] = []
    for group, handles, was_running in opened:
        # latecomers forked after the snapshot go with the group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group.leader.pid, signal.SIGKILL)
        forced = any(handle in alive for handle in handles)
        result: AppResult = "forced" if forced else "graceful" if was_running else "gone"
        steps = ("SIGTERM", "SIGKILL") if forced else ("SIGTERM",) if was_running else ()
        outcomes.append(
            AppOutcome(group.name, group.leader.pid, "session", result, elapsed_ms(started), steps)
        )
    if alive:
        wait_gone(alive, time.monotonic() + KILL_CONFIRM_SECONDS)
    close_all(everyone)
    for group in groups:
        with contextlib.suppress(subprocess.TimeoutExpired):
            group.leader.wait(timeout=KILL_CONFIRM_SECONDS)
    return outcomes


def _open(processes: Sequence[Seen]) -> list[ProcessHandle]:
    handles = (ProcessHandle.open(seen.pid, seen.create_time) for seen in processes)
    return [handle for handle in handles if handle is not None]


def end_leftovers(name: str, processes: Sequence[Seen], deadline: float) -> AppOutcome | None:
    """SIGTERM each of a dead greeter's session processes, SIGKILL what is left at `deadline`."""
    started = time.monotonic()
    handles = _open(processes)
    if not handles:
        return None
    try:
        for handle in handles:
            handle.signal(signal.SIGTERM)
        alive = wait_gone(handles, deadline)
        for handle in alive:
            handle.signal(signal.SIGKILL)
        if alive:
            wait_gone(alive, time.monotonic() + KILL_CONFIRM_SECONDS)
        result: AppResult = "forced" if alive else "graceful"
        steps = ("SIGTERM", "SIGKILL") if alive else ("SIGTERM",)
        return AppOutcome(name, handles[0].pid, "session", result, elapsed_ms(started), steps)
    finally:
        close_all(handles)
