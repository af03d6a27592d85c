"""`appliance serve --workers N`: N server processes, each accepting on its own socket.

The sockets share one port with SO_REUSEPORT, so the kernel spreads the kiosks' connections
over the workers. uvicorn's own supervisor hands every worker the same socket, and the first
worker to wake takes a whole burst of connections: measured, 50 kiosks connecting at once all
landed on one worker, whose single event loop then did every request while the other idled.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import threading
from multiprocessing.context import SpawnProcess
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from appliance.hashing import HASH_THREADS, Slots, share_cores, yield_cores_to_hashes

log = logging.getLogger("uvicorn.error")
_spawn = multiprocessing.get_context("spawn")
CHECK_EVERY_SECONDS = 0.5
STOP_TIMEOUT_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1


def listening_sockets(host: str, port: int, count: int, backlog: int = 2048) -> list[socket.socket]:
    """`count` sockets listening on one port (the first picks it when `port` is 0)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(
                socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM
            )
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if count > 1:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            # accepted connections inherit it: no Nagle delay between a reply's TLS records
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class _IdleTlsShutdownFilter(logging.Filter):
    """Idle kiosk connections over TLS do not answer close_notify until they next read, so a
    stop cancels them after the grace period; uvicorn logs that as an error. It is not one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "timeout graceful shutdown exceeded" not in record.getMessage()


def quiet_idle_tls_shutdowns() -> None:
    log.addFilter(_IdleTlsShutdownFilter())


def _worker(
    config: uvicorn.Config, sock: socket.socket, supervisor: int, hash_slots: Slots
) -> None:
    # a supervisor killed outright must not leave workers serving (Linux); one killed while
    # this worker was still starting has gone before it could be watched
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != supervisor:
        return
    config.configure_logging()
    quiet_idle_tls_shutdowns()
    share_cores(hash_slots)
    yield_cores_to_hashes()
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])


class Workers:
    """Starts one worker per socket, starts a worker again if it dies, stops all on
    SIGTERM or SIGINT."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        self.config = config
        self.sockets = sockets
        # one Argon2id hash per core at a time, whichever worker runs it (one process's hash
        # threads already are one per core); only a spawn-context semaphore reaches the
        # spawned workers
        self.hash_slots: Slots = _spawn.BoundedSemaphore(HASH_THREADS)
        self.processes: list[SpawnProcess] = []
        self.stopping = threading.Event()

    def _start(self, sock: socket.socket) -> SpawnProcess:
        args = (self.config, sock, os.getpid(), self.hash_slots)
        process = _spawn.Process(target=_worker, args=args)
        process.start()
        return process

    def _stop_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping.set()

    def run(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop_signal)
        self.processes = [self._start(sock) for sock in self.sockets]
        while not self.stopping.wait(CHECK_EVERY_SECONDS):
            self._replace_dead()
        self._stop_all()

    def _replace_dead(self) -> None:
        for index, process in enumerate(self.processes):
            if process.is_alive():
                continue
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                # the app, TLS or database is broken: every new worker would fail the same way
                log.error("a server worker failed to start; stopping the appliance")
                self.stopping.set()
                return
            log.warning(
                "server worker %s ended (%s); starting another", process.pid, process.exitcode
            )
            self.processes[index] = self._start(self.sockets[index])

    def _stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(STOP_TIMEOUT_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
