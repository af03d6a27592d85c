"""NFC readers through nfcpy: one thread per reader path, tags reported once per tap.

The reader is opened from its config path (`usb`, `usb:VID:PID`, `tty:...`, `udp:HOST:PORT`) and
re-opened with backoff when it goes away. A tag resting on the reader is one `present`; nfcpy's
presence check then holds until the tag leaves (`removed`, kind contactless). RF discovery is
polling by nature (the reader must send SENS_REQ to find a tag); between rounds the thread
sleeps on the stop Event, so a stop is prompt.

The classic fault on Linux: the pn533_usb kernel driver or pcscd (with a CCID/ACR122 driver)
holds the device, and nfcpy cannot claim it (EBUSY/EACCES, or a partial path finds nothing).
That is reported once with the fix, not retried in a tight loop.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greeter.cards import CardAction, CardEvent, CardIdError, CardSink, ServiceState
from greeter.cards.normalise import normalise
from greeter.cards.reporting import Reporter
from greeter.cards.settings import CardSettings

log = logging.getLogger(__name__)

PN533_DRIVER = Path("/sys/bus/usb/drivers/pn533_usb")
ROUND_SECONDS = 0.3  # how long one discovery round may take before we pause
PAUSE_SECONDS = 0.2  # pause between discovery rounds (RF polling interval)

FIX_PN533 = (
    "run `echo 'blacklist pn533_usb' | sudo tee /etc/modprobe.d/blacklist-pn533.conf` "
    "and `sudo modprobe -r pn533_usb` (or replug the reader)"
)
FIX_BUSY = (
    "stop pcscd for that reader (`systemctl stop pcscd.socket pcscd`) or read it through "
    "PC/SC instead (remove it from [cards] nfc); a running greeter holds it too"
)
FIX_ACCESS = (
    "install tapkiosk's udev rule for NFC readers and replug it, or run the greeter in the "
    "group that owns the device"
)
FIX_MISSING = (
    "plug it in, or correct the [cards] nfc path; if it is plugged in, the pn533_usb driver "
    "(`lsmod | grep pn533`) or pcscd may hold it"
)


@dataclass(frozen=True)
class OpenFault:
    """Why an NFC reader could not be opened, and what to do about it."""

    service: ServiceState
    problem: str
    fix: str

    def message(self, path: str) -> str:
        return f"unable to open NFC reader {path}: {self.problem}; {self.fix}"


def _pn533_bound() -> bool:
    """True when the kernel's pn533_usb driver has claimed an interface of some device."""
    try:
        return any(":" in entry.name for entry in PN533_DRIVER.iterdir())
    except OSError:
        return False


def open_fault(path: str, error: BaseException | None) -> OpenFault:
    """What a failed open means for the user: service state, the problem and its fix."""
    code = getattr(error, "errno", None)
    if path.startswith("usb") and _pn533_bound():
        return OpenFault("down", "the pn533_usb kernel driver holds the reader", FIX_PN533)
    if code == errno.EBUSY:
        return OpenFault("down", "another program holds the reader (usually pcscd)", FIX_BUSY)
    if code == errno.EACCES:
        return OpenFault("down", "no permission to open the reader", FIX_ACCESS)
    if error is None or code == errno.ENODEV:
        return OpenFault("missing", "no reader found", FIX_MISSING)
    return OpenFault("missing", str(error) or type(error).__name__, FIX_MISSING)


def _default_opener(path: str) -> Any:
    import nfc  # heavy import: only when an NFC reader is configured

    return nfc.ContactlessFrontend(path)


class NfcSource:
    """Tags from one nfcpy reader; `opener(path)` returns a ContactlessFrontend."""

    def __init__(
        self,
        path: str,
        settings: CardSettings,
        *,
        opener: Callable[[str], Any] = _default_opener,
        backoff: tuple[float, float] = (0.5, 10.0),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self._settings = settings
        self._opener = opener
        self._backoff = backoff
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._report = Reporter("nfc", log)
        self._reader = path
        self._tag_id: str | None = None
        self._connected = False
        # RF discovery needs different targets on the simulator: its sense waits 1 s per type
        self._targets = ("106A",) if path.startswith("udp") else ("106A", "106B", "212F")

    def start(self, sink: CardSink) -> None:
        if self._thread is not None:
            return
        self._report.sink = sink
        self._stop.clear()
        # nfcpy logs an ERROR on every failed open; this source retries with backoff and
        # reports the problem once, with its fix, so nfcpy's own lines would only flood the log
        logging.getLogger("nfc.clf").setLevel(logging.CRITICAL)
        self._thread = threading.Thread(
            target=self._run, name=f"cards-nfc-{self.path}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join(timeout=3)
            if thread.is_alive():
                log.warning("unable to stop the NFC watcher of %s within 3 s", self.path)

    def _run(self) -> None:
        delay = self._backoff[0]
        while not self._stop.is_set():
            try:
                clf = self._opener(self.path)
            except Exception as error:  # nfcpy raises IOError, usb1 errors, ValueError on paths
                fault = open_fault(self.path, error)
                self._report.status(fault.service, (), fault.message(self.path))
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff[1])
                continue
            delay = self._backoff[0]
            self._reader = str(clf)
            self._report.status("ok", (self._reader,))
            try:
                lost = self._discover(clf)
            finally:
                try:
                    clf.close()
                except Exception:  # a reader that is already gone cannot close cleanly
                    log.debug("closing the NFC reader failed", exc_info=True)
            if lost and not self._stop.is_set():
                self._report.status(
                    "down",
                    (),
                    f"unable to read NFC reader {self._reader}: it went away; "
                    "reconnecting (check its cable)",
                )
                self._stop.wait(delay)

    def _discover(self, clf: Any) -> bool:
        """Run discovery rounds until stopped (False) or the reader fails (True)."""
        rdwr = {
            "targets": self._targets,
            "on-connect": self._on_connect,
            "on-release": self._on_release,
            "iterations": 1,
            "beep-on-connect": False,
        }
        while not self._stop.is_set():
            deadline = time.monotonic() + ROUND_SECONDS

            def terminate(deadline: float = deadline) -> bool:
                if self._stop.is_set():
                    return True
                return not self._connected and time.monotonic() > deadline

            try:
                result = clf.connect(rdwr=rdwr, terminate=terminate)
            except Exception:
                log.info("NFC reader %s failed", self.path, exc_info=True)
                return True
            finally:
                self._release_if_connected()
            if result is False:  # nfcpy turns the reader's IOError into False
                return True
            if result is None:
                self._stop.wait(PAUSE_SECONDS)
        return False

    def _on_connect(self, tag: Any) -> bool:
        self._connected = True
        profile = self._settings.reader_profile(self._reader)
        try:
            self._tag_id = normalise(bytes(tag.identifier), profile)
        except CardIdError as error:
            log.info("tag on %s: %s", self._reader, error)
            self._tag_id = None
        action: CardAction = "present" if self._tag_id else "unsupported"
        self._report.emit(
            CardEvent(action, self._tag_id, self._reader, "nfc", "contactless", self._clock())
        )
        return True  # hold until the tag leaves: one tap, not a stream

    def _on_release(self, tag: Any) -> bool:
        self._release_if_connected()
        return True

    def _release_if_connected(self) -> None:
        if not self._connected:
            return
        self._connected = False
        card_id, self._tag_id = self._tag_id, None
        if card_id is not None:
            event = CardEvent("removed", card_id, self._reader, "nfc", "contactless", self._clock())
            self._report.emit(event)
