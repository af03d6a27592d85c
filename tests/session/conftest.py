"""Fixtures for the session tests: real child processes in a temp dir, runners always stopped."""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from greeter.session import SessionRunner, SessionSettings, SessionUser, SpineApp
from tests.session.programs import Programs

ALICE = SessionUser("alice", "NHS", "Alice Example", "R8000", "sess-alice-1")
BOB = SessionUser("bob", "NHS", "Bob Example", None, "sess-bob-1")


class Exits:
    """Records on_exit calls; `wait` sleeps on an Event, not a loop."""

    def __init__(self) -> None:
        self.calls: list[tuple[SessionUser, int]] = []
        self._called = threading.Event()

    def __call__(self, user: SessionUser, code: int) -> None:
        self.calls.append((user, code))
        self._called.set()

    def wait(self, timeout: float) -> bool:
        return self._called.wait(timeout)


@pytest.fixture
def programs(tmp_path: Path) -> Programs:
    return Programs(tmp_path)


@pytest.fixture
def exits() -> Exits:
    return Exits()


@pytest.fixture
def make_runner(exits: Exits) -> Iterator[Callable[[SessionSettings], SessionRunner]]:
    runners: list[SessionRunner] = []

    def make(settings: SessionSettings) -> SessionRunner:
        runner = SessionRunner(settings, exits)
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        runner.stop()


@pytest.fixture
def bystanders() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts itself (not through the runner); always reaped at the end."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def spine_app(
    programs: Programs,
    name: str,
    *,
    wait: float = 2.0,
    close_command: tuple[str, ...] | None = None,
) -> SpineApp:
    """A rule that matches this test's app `name` by its command line."""
    import signal

    return SpineApp(
        name=name,
        match_exe=None,
        match_cmdline=re.compile(programs.cmdline_rule(name)),
        close_command=close_command,
        signal=signal.SIGTERM,
        wait_seconds=wait,
    )
