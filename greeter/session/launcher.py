"""Starting the session's commands for a user: environment, own process group, clear errors."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

import psutil

from greeter.ticketapi import TICKET_SOCKET_VAR
from greeter.ui.caches import greeter_only

# in every session's environment: which greeter started it ("pid@start time"), so a greeter
# that comes back after a crash can tell a dead greeter's session from a live one's
GREETER_VAR = "TAPKIOSK_GREETER"


@dataclass(frozen=True)
class SessionUser:
    username: str
    domain: str
    display_name: str
    role: str | None
    session_id: str


class SessionStartError(Exception):
    """A session command could not be started; the message reads
    "unable to start session: <cmd>: <cause>" and is fit to show."""


def greeter_mark() -> str:
    me = psutil.Process()
    return f"{me.pid}@{me.create_time()!r}"


def greeter_alive(mark: str) -> bool:
    pid, _, started = mark.partition("@")
    try:
        return psutil.Process(int(pid)).create_time() == float(started)
    except (ValueError, psutil.Error):
        return False


def session_environment(user: SessionUser, base: Mapping[str, str]) -> dict[str, str]:
    # the caches the greeter pointed at its own directory stay the greeter's
    own = greeter_only()
    env = {name: value for name, value in base.items() if name not in own}
    env.update(
        TAPKIOSK_GREETER=greeter_mark(),
        TAPKIOSK_USER=user.username,
        TAPKIOSK_DOMAIN=user.domain,
        TAPKIOSK_DISPLAY_NAME=user.display_name,
        TAPKIOSK_SESSION_ID=user.session_id,
    )
    # no role: the variable is absent, never one inherited from the greeter's own environment;
    # the ticket API's socket likewise comes from this greeter only (SessionRunner's `env`)
    env.pop("TAPKIOSK_SPINE_ROLE", None)
    env.pop(TICKET_SOCKET_VAR, None)
    if user.role is not None:
        env["TAPKIOSK_SPINE_ROLE"] = user.role
    return env


def placeholders(user: SessionUser) -> dict[str, str]:
    return {
        "user": user.username,
        "domain": user.domain,
        "display_name": user.display_name,
        "role": user.role or "",
        "session_id": user.session_id,
    }


def spawn_all(argvs: list[list[str]], env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """Start every command, each leading its own session and process group, so ending one ends
    everything it started and nothing else; if one cannot start, the others are ended again."""
    started: list[subprocess.Popen[bytes]] = []
    for argv in argvs:
        try:
            started.append(
                subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
            )
        except OSError as error:
            for proc in started:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            raise SessionStartError(f"unable to start session: {argv[0]}: {_why(error)}") from None
    return started


def _why(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "not found"
    if isinstance(error, PermissionError):
        return "not executable"
    return error.strerror or type(error).__name__
