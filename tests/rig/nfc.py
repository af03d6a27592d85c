"""An emulated NFC type A tag on nfcpy's udp driver: the far side of a `udp:` reader in tests.

nfcpy's udp driver simulates RF over UDP datagrams: the tag side listens (binds the port) as
`ContactlessFrontend('udp:localhost:PORT').listen(LocalTarget('106A', sdd_res=UID, ...))`, the
reader side senses from any port and sees a tag whose `identifier` is the UID. After selection
the tag answers type 2 READ commands (16 bytes), which is all nfcpy's presence check sends.

    tag = EmulatedTag(port, uid=bytes.fromhex("08A1B2C3"))
    tag.place()      # the reader finds it on its next discovery round
    tag.lift()       # it stops answering: the reader's presence check fails -> removed

Use a UID whose first byte is not 0x04: nfcpy probes NXP tags (0x04) with commands that make it
re-select the tag mid-session, which this small emulation does not do.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import nfc
import nfc.clf

READ = 0x30


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmulatedTag:
    """A type 2 tag that rests on a udp reader between `place()` and `lift()`."""

    def __init__(self, port: int, uid: bytes) -> None:
        self.port = port
        self.uid = uid
        self._lifted = threading.Event()
        self._thread: threading.Thread | None = None
        self.selected = threading.Event()  # set once a reader has selected the tag
        # 4 pages of UID/lock/CC then an empty NDEF TLV; enough for presence checks
        self.memory = bytes(uid.ljust(9, b"\x00")[:9]) + bytes(3) + bytes.fromhex("E1101200")
        self.memory += bytes.fromhex("0300FE") + bytes(64 - len(self.memory) - 3)

    def place(self) -> None:
        if self._thread is not None:
            return
        self._lifted.clear()
        self.selected.clear()
        self._thread = threading.Thread(target=self._run, name=f"tag-{self.port}", daemon=True)
        self._thread.start()

    def lift(self) -> None:
        thread, self._thread = self._thread, None
        self._lifted.set()
        if thread is not None:
            thread.join(timeout=5)

    def _answer(self, command: bytes) -> bytes | None:
        if len(command) == 2 and command[0] == READ:
            start = (command[1] * 4) % len(self.memory)
            return (self.memory + self.memory)[start : start + 16]
        return None  # anything else: the tag stays mute, as a real type 2 tag does

    def _run(self) -> None:
        clf: Any = nfc.ContactlessFrontend(f"udp:localhost:{self.port}")
        try:
            while not self._lifted.is_set():
                target = nfc.clf.LocalTarget("106A")
                target.sens_res = bytes.fromhex("4400")
                target.sdd_res = self.uid
                target.sel_res = b"\x00"
                activated = clf.listen(target, 0.5)
                if activated is None:
                    continue
                self.selected.set()
                command = activated.tt2_cmd
                while command is not None and not self._lifted.is_set():
                    try:
                        command = clf.exchange(self._answer(bytes(command)), 0.5)
                    except nfc.clf.CommunicationError:
                        break
        finally:
            clf.close()
