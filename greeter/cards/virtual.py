"""Virtual taps over a local Unix socket: the demo's keyboard, `greeter tap`, and tests.

One JSON object a line; each gets a one-line JSON answer `{"ok": true}` or
`{"ok": false, "error": "..."}`:

    {"tap": "04A1B2C3D4E5F6"}                      a contactless tap
    {"tap": "04A1B2C3", "kind": "contact"}         a contact card inserted (stays in)
    {"remove": "04A1B2C3"}                         that card pulled out
    {"lock": true}                                 the session's lock hotkey/menu

The socket is the owner's only (0600 in a 0700 directory): anyone who can write to it can tap
any card. Garbage is answered with an error and logged, never fatal.
"""

from __future__ import annotations

import contextlib
import json
import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from greeter.cards import (
    CardAction,
    CardEvent,
    CardIdError,
    CardKind,
    CardSink,
    ReaderStatus,
    canonical_id,
)
from greeter.localsock import listen_private, runtime_dir

log = logging.getLogger(__name__)

READER_NAME = "virtual"
MAX_LINE = 4096
CLIENT_TIMEOUT = 3.0


class VirtualTapError(RuntimeError):
    """A virtual tap that could not be delivered; the message says why and what to do."""


def default_socket_path() -> Path:
    """`taps.sock` in the greeter's runtime dir (`greeter.localsock.runtime_dir`)."""
    return runtime_dir() / "taps.sock"


def _card_id(value: Any) -> str:
    if not isinstance(value, str):
        raise CardIdError("unable to read card id: expected hex text")
    try:
        raw = bytes.fromhex(value)
    except ValueError as error:
        raise CardIdError("unable to read card id: not hex") from error
    return canonical_id(raw)


class VirtualTapSource:
    """A CardSource fed by JSON lines on a Unix socket.

    `on_lock` is called for `{"lock": true}` from the source's thread: like the sink, it must
    hand the request over (post an event) rather than do the work there.
    """

    def __init__(
        self,
        socket_path: Path,
        on_lock: Callable[[], None] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.socket_path = Path(socket_path)
        self._on_lock = on_lock
        self._clock = clock
        self._thread: threading.Thread | None = None
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None
        self._inserted: dict[str, CardKind] = {}
        self._sink: CardSink | None = None

    def start(self, sink: CardSink) -> None:
        if self._thread is not None:
            return
        self._sink = sink
        try:
            server = self._listen()
        except OSError as error:
            sink(
                ReaderStatus(
                    "virtual",
                    "down",
                    (),
                    f"unable to listen for virtual taps at {self.socket_path}: {error}",
                )
            )
            return
        sink(ReaderStatus("virtual", "ok", (READER_NAME,)))
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(
            target=self._serve, args=(server, self._wake_r), name="cards-virtual", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self._wake_w is not None:
            self._wake_w.send(b"x")
        thread.join(timeout=2)
        for end in (self._wake_r, self._wake_w):
            if end is not None:
                end.close()
        self._wake_r = self._wake_w = None

    def _listen(self) -> socket.socket:
        server = listen_private(self.socket_path)
        server.setblocking(False)
        return server

    # -- the thread ---------------------------------------------------------------------------

    def _serve(self, server: socket.socket, wake: socket.socket) -> None:
        buffers: dict[socket.socket, bytes] = {}
        with selectors.DefaultSelector() as selector:
            selector.register(server, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            try:
                while True:
                    for key, _ in selector.select():
                        sock = key.fileobj
                        if sock is wake:
                            return
                        if sock is server:
                            with contextlib.suppress(OSError):
                                client, _ = server.accept()
                                client.setblocking(False)
                                buffers[client] = b""
                                selector.register(client, selectors.EVENT_READ)
                            continue
                        assert isinstance(sock, socket.socket)
                        if not self._read(sock, buffers):
                            selector.unregister(sock)
                            buffers.pop(sock, None)
                            sock.close()
            finally:
                for client in buffers:
                    client.close()
                server.close()
                with contextlib.suppress(OSError):
                    self.socket_path.unlink()

    def _read(self, sock: socket.socket, buffers: dict[socket.socket, bytes]) -> bool:
        """Handle what arrived on a client; False when the client is done."""
        try:
            chunk = sock.recv(MAX_LINE)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not chunk:
            return False
        data = buffers[sock] + chunk
        while b"\n" in data:
            line, data = data.split(b"\n", 1)
            if line.strip():
                self._reply(sock, self._handle(line))
        if len(data) > MAX_LINE:
            log.warning("ignored a virtual tap line longer than %d bytes", MAX_LINE)
            self._reply(sock, "line too long")
            return False
        buffers[sock] = data
        return True

    def _reply(self, sock: socket.socket, error: str | None) -> None:
        answer = {"ok": True} if error is None else {"ok": False, "error": error}
        with contextlib.suppress(OSError):
            sock.setblocking(True)
            sock.settimeout(1.0)
            sock.sendall(json.dumps(answer).encode() + b"\n")
            sock.setblocking(False)

    def _handle(self, line: bytes) -> str | None:
        """Act on one line; the error text for the client, or None when done."""
        try:
            message = json.loads(line)
            if not isinstance(message, dict):
                raise ValueError("not a JSON object")
            return self._act(message)
        except (ValueError, CardIdError) as error:
            # the text never holds the line itself: it may carry a card id
            log.warning("ignored a virtual tap line: %s", error)
            return str(error)

    def _act(self, message: dict[str, Any]) -> str | None:
        if "tap" in message:
            card_id = _card_id(message["tap"])
            kind = message.get("kind", "contactless")
            if kind not in ("contact", "contactless"):
                raise ValueError('kind must be "contact" or "contactless"')
            if kind == "contact":
                self._inserted[card_id] = kind
            self._event("present", card_id, kind)
            return None
        if "remove" in message:
            card_id = _card_id(message["remove"])
            self._event("removed", card_id, self._inserted.pop(card_id, "contact"))
            return None
        if message.get("lock") is True:
            if self._on_lock is None:
                return "this greeter has no lock action"
            try:
                self._on_lock()
            except Exception:
                log.exception("the lock action failed")
                return "unable to lock: the lock action failed"
            return None
        raise ValueError('expected "tap", "remove" or "lock"')

    def _event(self, action: CardAction, card_id: str, kind: CardKind) -> None:
        if self._sink is not None:
            self._sink(CardEvent(action, card_id, READER_NAME, "virtual", kind, self._clock()))


def _send(socket_path: Path, message: dict[str, Any]) -> None:
    path = Path(socket_path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CLIENT_TIMEOUT)
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError) as error:
            raise VirtualTapError(
                f"unable to reach the greeter: nothing listens at {path} "
                "(is the greeter running with virtual taps, and is this its socket?)"
            ) from error
        except PermissionError as error:
            raise VirtualTapError(
                f"unable to reach the greeter: {path} belongs to another user; "
                "run this as the greeter's user"
            ) from error
        try:
            sock.sendall(json.dumps(message).encode() + b"\n")
            answer = sock.makefile("rb").readline(MAX_LINE)
        except OSError as error:
            raise VirtualTapError(f"unable to reach the greeter: {error}") from error
    try:
        reply = json.loads(answer)
    except ValueError as error:
        raise VirtualTapError("unable to read the greeter's answer: it closed early") from error
    if not isinstance(reply, dict) or reply.get("ok") is not True:
        detail = reply.get("error") if isinstance(reply, dict) else None
        raise VirtualTapError(f"the greeter refused: {detail or 'no reason given'}")


def _checked_id(card_id: str) -> str:
    try:
        return _card_id(card_id)
    except CardIdError as error:
        raise VirtualTapError(f"{error}; give the card id as hex, e.g. 04A1B2C3D4E5F6") from error


def send_tap(socket_path: Path, card_id: str, *, kind: CardKind = "contactless") -> None:
    """Tap (contactless) or insert (contact) a virtual card; VirtualTapError if not delivered."""
    _send(socket_path, {"tap": _checked_id(card_id), "kind": kind})


def send_remove(socket_path: Path, card_id: str) -> None:
    """Pull a virtual contact card out."""
    _send(socket_path, {"remove": _checked_id(card_id)})


def send_lock(socket_path: Path) -> None:
    """Ask the greeter to lock the session (the lock hotkey/menu)."""
    _send(socket_path, {"lock": True})
