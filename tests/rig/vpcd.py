"""A virtual smartcard for vsmartcard's vpcd reader driver: a TCP client that plays the card.

vpcd (the pcscd driver) listens on a TCP port per slot; a connected client *is* a card in that
slot, closing the connection takes it out. Every message either way is a 2-byte big-endian
length and a payload. From vpcd, a 1-byte payload is a control (0 power off, 1 power on,
2 reset: no answer; 4 get ATR: answer with the ATR) and a longer one is a command APDU (answer
response data + SW1 SW2). pcscd polls presence by asking for the ATR every ~0.4 s.

    card = VirtualCard(port, uid=bytes.fromhex("04A1B2C3D4E5F6"))
    card.insert()        # the reader sees a card on pcscd's next poll
    card.remove()        # the connection closes: the card is gone

Start it against a reader of the isolated pcscd from `tests.rig.pcsc` (`pcscd.readers[0].port`).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# A PC/SC part 3 contactless ATR: storage card (RID A0 00 00 03 06), ISO 14443 A part 3,
# card name 00 01 (MIFARE Classic 1K); the last byte is the checksum.
CONTACTLESS_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
# A typical T=1 contact smartcard ATR (no PC/SC part 3 structure).
CONTACT_ATR = bytes.fromhex("3BDB9600801F030031C06477E30300829000C1")

GET_UID = bytes.fromhex("FFCA000000")
GET_CPLC = bytes.fromhex("80CA9F7F00")
SW_OK = b"\x90\x00"
SW_NOT_FOUND = b"\x6a\x88"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"

Fault = Literal["garbage", "short", "pulled"]

CTRL_OFF, CTRL_ON, CTRL_RESET, _CTRL_ATR = 0, 1, 2, 4


def cplc_with_serial(serial: bytes) -> bytes:
    """A 42-byte CPLC record whose IC serial number (bytes 12..15) is `serial`."""
    if len(serial) != 4:
        raise ValueError("the CPLC IC serial number is 4 bytes")
    head = bytes.fromhex("479050404791208134000000")  # fabricator .. fab date
    return head + serial + bytes(42 - len(head) - 4)


@dataclass
class VirtualCard:
    """One card for one vpcd slot.

    `uid` answers `FF CA 00 00 00`; `cplc` (42 bytes, or 45 with the 9F7F2A tag) answers
    `80 CA 9F 7F 00`; `responses` maps further command APDUs (hex, upper case) to full
    responses (data + SW). `fault` makes identifying APDUs fail the way worn cards and hasty
    hands do: "garbage" answers random-looking bytes without a status word, "short" answers a
    lone byte, "pulled" closes the connection instead of answering (card pulled mid-APDU).
    """

    port: int
    uid: bytes | None = None
    cplc: bytes | None = None
    atr: bytes = CONTACTLESS_ATR
    responses: Mapping[str, bytes] = field(default_factory=dict)
    fault: Fault | None = None
    host: str = "127.0.0.1"
    apdus_seen: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    @property
    def inserted(self) -> bool:
        with self._lock:
            return self._sock is not None

    def insert(self) -> None:
        """Put the card in the slot (connect to vpcd)."""
        with self._lock:
            if self._sock is not None:
                return
            sock = socket.create_connection((self.host, self.port), timeout=5)
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sock = sock
            self._thread = threading.Thread(
                target=self._serve, args=(sock,), name=f"vicc-{self.port}", daemon=True
            )
            self._thread.start()

    def remove(self) -> None:
        """Take the card out (close the connection); idempotent."""
        with self._lock:
            sock, self._sock = self._sock, None
            thread, self._thread = self._thread, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)

    def __enter__(self) -> VirtualCard:
        self.insert()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    # -- the card side of the protocol -------------------------------------------------------

    def answer(self, apdu: bytes) -> bytes | None:
        """The response to a command APDU; None means: drop the connection (card pulled)."""
        self.apdus_seen.append(apdu)
        identifying = apdu in (GET_UID, GET_CPLC) or apdu.hex().upper() in self.responses
        if identifying and self.fault == "pulled":
            return None
        if identifying and self.fault == "garbage":
            return bytes.fromhex("DEADBEEF13")
        if identifying and self.fault == "short":
            return b"\x90"
        if apdu == GET_UID:
            return self.uid + SW_OK if self.uid is not None else SW_NOT_FOUND
        if apdu == GET_CPLC:
            return self.cplc + SW_OK if self.cplc is not None else SW_NOT_FOUND
        return self.responses.get(apdu.hex().upper(), SW_INS_NOT_SUPPORTED)

    def control(self, code: int) -> None:
        """vpcd powered the card off (0), on (1) or reset it (2); a card with state forgets
        what a power cycle forgets."""

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                message = _recv_message(sock)
                if message is None:
                    break  # vpcd went away (pcscd stopped)
                if len(message) == 1:
                    if message[0] == _CTRL_ATR:
                        _send_message(sock, self.atr)
                    else:
                        self.control(message[0])  # power off/on/reset need no answer
                    continue
                reply = self.answer(message)
                if reply is None:
                    break  # pulled mid-APDU: vpcd sees the connection close, no answer
                _send_message(sock, reply)
        except OSError:
            pass
        with self._lock:
            if self._sock is sock:
                self._sock = None
                self._thread = None
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        # vpcd sends a control (power on) and then at once a small request (get ATR) on a
        # socket with Nagle on; a delayed ACK from us would hold that request back ~40 ms, a
        # delay no real reader has. Linux clears QUICKACK after use: set it after every read.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        data += chunk
    return data


def _recv_message(sock: socket.socket) -> bytes | None:
    head = _recv_exact(sock, 2)
    if head is None:
        return None
    (size,) = struct.unpack(">H", head)
    return _recv_exact(sock, size) if size else b""


def _send_message(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)
