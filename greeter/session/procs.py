"""Race-free handles on other processes: Linux pidfds (kernel 5.3+).

A pid can be reused the moment its process is reaped; a pidfd always names the process it was
opened for, so a signal never hits a stranger that took the number, and waiting is a `poll` on
the fds (woken by the kernel when a process exits) instead of a loop that checks pids.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
from collections.abc import Iterable

import psutil


class ProcessHandle:
    """One process we may signal and wait for; `open` returns None when it is already gone."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self._fd = fd

    @classmethod
    def open(cls, pid: int, create_time: float | None = None) -> ProcessHandle | None:
        """A handle on `pid`, if it still is the process created at `create_time` (from the
        snapshot that found it) -- otherwise the pid was reused in between and we leave it."""
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            return None
        handle = cls(pid, fd)
        if create_time is not None:
            try:
                same = psutil.Process(pid).create_time() == create_time
            except psutil.Error:
                same = False
            if not same:
                handle.close()
                return None
        return handle

    def fileno(self) -> int:
        return self._fd

    def signal(self, sig: signal.Signals) -> bool:
        """Send `sig`; False when the process has already exited (or is not ours to signal)."""
        try:
            signal.pidfd_send_signal(self._fd, sig)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def exited(self) -> bool:
        return bool(select.select([self._fd], [], [], 0)[0])

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def wait_gone(
    handles: Iterable[ProcessHandle], deadline: float, *, stop_fd: int | None = None
) -> set[ProcessHandle]:
    """Sleep until every process has exited, `deadline` (monotonic) passes, or `stop_fd` becomes
    readable; return the handles still alive."""
    alive = {handle.fileno(): handle for handle in handles}
    poller = select.poll()
    for fd in alive:
        poller.register(fd, select.POLLIN)
    if stop_fd is not None:
        poller.register(stop_fd, select.POLLIN)
    while alive:
        remaining_ms = (deadline - time.monotonic()) * 1000
        if remaining_ms <= 0:
            break
        ready = poller.poll(remaining_ms)
        if any(fd == stop_fd for fd, _ in ready):
            break
        for fd, _ in ready:
            if fd in alive:
                poller.unregister(fd)
                del alive[fd]
    return {handle for handle in alive.values() if not handle.exited()}


def close_all(handles: Iterable[ProcessHandle]) -> None:
    for handle in handles:
        with contextlib.suppress(OSError):
            handle.close()


def elapsed_ms(since: float) -> int:
    return round((time.monotonic() - since) * 1000)
