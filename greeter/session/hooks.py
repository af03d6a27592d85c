"""Procedure hooks: executables that close what the greeter cannot see directly (a Java app a
browser launched), run with the previous user's name; a hung hook is killed, a failing one is
reported, neither stops the switch."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

from greeter.session.procs import elapsed_ms
from greeter.session.report import HookOutcome
from greeter.session.settings import Hook, fill

# a hook's last words (stderr) are kept for the report, but never a novel
DETAIL_LIMIT = 200


def run_hook(hook: Hook, user: str, domain: str, deadline: float) -> HookOutcome:
    """Run `hook` until it exits, its timeout, or `deadline` (monotonic), whichever is first."""
    started = time.monotonic()
    argv = fill(hook.command, {"user": user, "domain": domain})
    env = dict(os.environ, TAPKIOSK_USER=user, TAPKIOSK_DOMAIN=domain, TAPKIOSK_HOOK=hook.name)
    try:
        proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so a hung hook is killed with everything it started
        )
    except OSError as error:
        return HookOutcome(
            hook.name, "failed", None, elapsed_ms(started), f"unable to run hook: {_why(error)}"
        )
    timeout = max(0.0, min(started + hook.timeout_seconds, deadline) - time.monotonic())
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return HookOutcome(
            hook.name,
            "timed_out",
            None,
            elapsed_ms(started),
            f"unable to finish hook: still running after {timeout:.1f} s, killed",
        )
    detail = _last_line(stderr)
    if proc.returncode != 0:
        return HookOutcome(
            hook.name,
            "failed",
            proc.returncode,
            elapsed_ms(started),
            f"unable to finish hook: exit status {proc.returncode}"
            + (f": {detail}" if detail else ""),
        )
    return HookOutcome(hook.name, "ok", 0, elapsed_ms(started), detail)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # the hook leads its own process group (start_new_session) and is not reaped yet, so the
    # group id cannot have been reused
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    # a grandchild that escaped the group could hold stderr open: don't wait on it for ever
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=1.0)
    if proc.returncode is None:
        if proc.stderr is not None:
            proc.stderr.close()
        proc.wait()


def _last_line(stderr: bytes | None) -> str:
    lines = (stderr or b"").decode(errors="replace").strip().splitlines()
    return lines[-1][:DETAIL_LIMIT] if lines else ""


def _why(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return f"{error.filename}: not found"
    if isinstance(error, PermissionError):
        return f"{error.filename}: not executable"
    return f"{error.filename}: {error.strerror}"
