"""The ticket API's socket: a few worker threads, each accepting and serving one connection at
a time, so the number of requests in flight (and of HTTP connection pools, one per thread in
`greeter.backend`) stays bounded and no request ever runs on the UI thread.

Each connection: the peer's uid (SO_PEERCRED) first, before a byte is read; then one request
line of at most MAX_REQUEST bytes within REQUEST_SECONDS; one answer line; closed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

from greeter.localsock import listen_private
from greeter.ticketapi import MAX_REQUEST
from greeter.ticketapi.answers import Answer, refusal

log = logging.getLogger(__name__)

WORKERS = 4
# a client has this long to send its request line
REQUEST_SECONDS = 2.0
# how long a stop waits for a worker still answering
STOP_WAIT_SECONDS = 1.0
_UCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


def peer_uid(conn: socket.socket) -> int:
    _pid, uid, _gid = _UCRED.unpack(
        conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size)
    )
    return int(uid)


def not_allowed(uid: int) -> Answer:
    return refusal(
        "not_allowed",
        f"unable to give a ticket: uid {uid} is not the signed-in session's user; "
        "only the session's own programs may ask",
    )


class TicketServer:
    """Serves `handle(request_line) -> answer` on the Unix socket at `path` to processes of
    the greeter's own uid; any other uid (root too) gets a `not_allowed` refusal and nothing
    else: the session's programs run as the greeter's user, and nothing else has a reason to
    ask for a clinician's ticket."""

    def __init__(self, path: Path, handle: Callable[[bytes], Answer]) -> None:
        self.path = path
        self._handle = handle
        self._uid = os.getuid()
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> bool:
        """Listen and serve; False (after one log line) when the socket cannot be made -- the
        ticket API is off then, the kiosk works on."""
        try:
            listener = listen_private(self.path)
        except OSError as error:
            log.error("ticket API is off: unable to listen at %s: %s", self.path, error)
            return False
        self._listener = listener
        self._threads = [
            threading.Thread(target=self._serve, name=f"ticket-api-{n}", daemon=True)
            for n in range(WORKERS)
        ]
        for thread in self._threads:
            thread.start()
        log.info("ticket API listening at %s", self.path)
        return True

    def stop(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            # wakes every worker blocked in accept() (Linux): no polling while idle
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            # one still asking the appliance answers (or fails) on its own; nobody waits on it
            thread.join(timeout=STOP_WAIT_SECONDS)
        self._threads = []
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            with contextlib.suppress(OSError):
                self.path.unlink()

    def _serve(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError as error:
                if not self._stopping.is_set():
                    log.error("ticket API stopped: unable to accept: %s", error)
                return
            with conn:
                try:
                    self._serve_one(conn)
                except Exception as error:  # one broken exchange must not end the worker
                    log.error("unable to answer a ticket request: %s", type(error).__name__)

    def _serve_one(self, conn: socket.socket) -> None:
        conn.settimeout(REQUEST_SECONDS)
        uid = peer_uid(conn)
        if uid != self._uid:
            log.warning("ticket API: refused a request from uid %d", uid)
            _send(conn, not_allowed(uid))
            return
        line = _read_line(conn, time.monotonic() + REQUEST_SECONDS)
        if isinstance(line, dict):
            _send(conn, line)
            return
        answer = self._handle(line)
        if not answer.get("ok"):
            # the code only (the request may hold anything); debug: an application that asks
            # every few seconds while nobody has a Spine session must not fill the journal
            log.debug("ticket API: %s", answer["error"]["code"])
        _send(conn, answer)


def _read_line(conn: socket.socket, deadline: float) -> bytes | Answer:
    """The request line (without its newline), or the refusal for a client that sends too
    much, too slowly, or nothing."""
    data = b""
    while b"\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            return refusal("timeout", "unable to read the request: it did not come in time")
        conn.settimeout(left)
        try:
            chunk = conn.recv(MAX_REQUEST + 1 - len(data))
        except TimeoutError:
            return refusal("timeout", "unable to read the request: it did not come in time")
        if not chunk:
            break  # the client closed its side: what came is the request
        data += chunk
        if len(data) > MAX_REQUEST and b"\n" not in data[:MAX_REQUEST]:
            return refusal(
                "bad_request", f"unable to read the request: longer than {MAX_REQUEST} bytes"
            )
    return data.split(b"\n", 1)[0]


def _send(conn: socket.socket, answer: Answer) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(answer).encode() + b"\n")
