"""PC/SC readers through pcscd: one thread blocked in SCardGetStatusChange, never polling.

The `\\\\?PnP?\\Notification` pseudo-reader wakes the thread when a reader is plugged in or
out; `SCardCancel` wakes it for a stop. A lost pcscd (restart, crash, not installed) is retried
with backoff and reported once as a ReaderStatus, not as a log flood; cards seen before are
compared after reconnecting, so a card resting through a pcscd restart is not a second tap.
A Spine smartcard (a contact card with the Spine applet) is reported as a SpineCardEvent, never
as a tap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smartcard import scard

from greeter.cards import CardAction, CardEvent, CardKind, CardSink, SpineCardEvent
from greeter.cards.identify import card_kind
from greeter.cards.pcsc_card import CardRead, read_card, still_present
from greeter.cards.reporting import Reporter
from greeter.cards.settings import CardSettings

log = logging.getLogger(__name__)

PNP_READER = "\\\\?PnP?\\Notification"
# a connection that lasted this long was healthy: the next reconnect starts from a short pause
STABLE_SECONDS = 5.0
MISSING_MESSAGE = (
    "unable to reach pcscd: the PC/SC service is not running; install and enable it "
    "(apt install pcscd; systemctl enable --now pcscd.socket)"
)
DOWN_MESSAGE = (
    "unable to reach pcscd: the PC/SC service stopped; reconnecting (if it persists: "
    "systemctl restart pcscd)"
)
NO_READER_MESSAGE = "no card reader is attached: plug in the reader"


class _ServiceLost(Exception):
    pass


@dataclass
class _Seen:
    """The card last reported on a reader (an unsupported card and a Spine card have no id)."""

    card_id: str | None
    kind: CardKind
    spine: bool = False


class PcscSource:
    """Card events from every PC/SC reader pcscd knows, including readers plugged in later."""

    def __init__(
        self,
        settings: CardSettings,
        *,
        backoff: tuple[float, float] = (0.2, 5.0),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._backoff = backoff
        self._clock = clock
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._context: Any = None
        self._thread: threading.Thread | None = None
        self._report = Reporter("pcsc", log)
        self._seen: dict[str, _Seen] = {}
        self._ever_connected = False
        self._reported_at = clock()

    def start(self, sink: CardSink) -> None:
        if self._thread is not None:
            return
        self._report.sink = sink
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="cards-pcsc", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is None:
            return
        # SCardCancel only wakes a call already waiting, so repeat it until the thread is out
        deadline = time.monotonic() + 2.0
        while thread.is_alive() and time.monotonic() < deadline:
            with self._lock:
                context = self._context
            if context is not None:
                scard.SCardCancel(context)
            thread.join(0.05)
        if thread.is_alive():
            log.warning("unable to stop the PC/SC watcher within 2 s")

    # -- reporting ----------------------------------------------------------------------------

    def _card(self, action: CardAction, reader: str, card_id: str | None, kind: CardKind) -> None:
        # `mono` is when pcscd reported the change, not when we finished reading the card
        self._report.emit(CardEvent(action, card_id, reader, "pcsc", kind, self._reported_at))

    # -- the thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        delay = self._backoff[0]
        while not self._stop.is_set():
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                if self._ever_connected:
                    self._report.status("down", (), DOWN_MESSAGE)
                else:
                    self._report.status("missing", (), MISSING_MESSAGE)
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff[1])
                continue
            with self._lock:
                self._context = context
            connected_at = time.monotonic()
            try:
                self._watch(context)
            except _ServiceLost as lost:
                log.info("lost pcscd: %s", lost)
                self._ever_connected = True
                self._report.status("down", (), DOWN_MESSAGE)
            except Exception:
                # whatever pyscard raises, the stream goes on after a pause
                log.exception("PC/SC watcher failed; reconnecting")
            finally:
                with self._lock:
                    self._context = None
                scard.SCardReleaseContext(context)
            # a pcscd that accepts us and then fails at once must not make this a busy loop
            if time.monotonic() - connected_at > STABLE_SECONDS:
                delay = self._backoff[0]
            self._stop.wait(delay)
            delay = min(delay * 2, self._backoff[1])

    def _list_readers(self, context: Any) -> list[str]:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise _ServiceLost(scard.SCardGetErrorMessage(hresult))
        return [r for r in readers if r != PNP_READER]

    def _watch(self, context: Any) -> None:
        self._reported_at = self._clock()
        readers = self._list_readers(context)
        self._ever_connected = True
        self._report_readers(readers)
        states = {name: scard.SCARD_STATE_UNAWARE for name in readers}
        pnp_state = scard.SCARD_STATE_UNAWARE
        fresh = set(readers)  # readers whose first state is compared with what we saw before
        while not self._stop.is_set():
            request = [(PNP_READER, pnp_state), *states.items()]
            hresult, result = scard.SCardGetStatusChange(context, scard.INFINITE, request)
            self._reported_at = self._clock()
            if hresult in (scard.SCARD_E_CANCELLED, scard.SCARD_E_TIMEOUT):
                continue
            if hresult in (scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE):
                # a reader went away between listing and waiting: look again
                self._known_readers(context, states, fresh)
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                raise _ServiceLost(scard.SCardGetErrorMessage(hresult))
            relist = False
            for name, event, atr in result:
                if name == PNP_READER:
                    relist |= bool(event & scard.SCARD_STATE_CHANGED)
                    pnp_state = event & ~scard.SCARD_STATE_CHANGED
                    continue
                if event & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_IGNORE):
                    relist = True
                    continue
                previous = states.get(name, scard.SCARD_STATE_UNAWARE)
                states[name] = event & ~scard.SCARD_STATE_CHANGED
                if event & scard.SCARD_STATE_CHANGED or name in fresh:
                    self._reader_changed(context, name, previous, event, bytes(atr), name in fresh)
                    fresh.discard(name)
            if relist:
                self._known_readers(context, states, fresh)

    def _known_readers(
        self, context: Any, states: dict[str, int], fresh: set[str] | None = None
    ) -> list[str]:
        """Bring `states` in line with pcscd's reader list; report removals and the list."""
        readers = self._list_readers(context)
        for gone in set(states) - set(readers):
            del states[gone]
            self._forget(gone)
        for added in set(readers) - set(states):
            states[added] = scard.SCARD_STATE_UNAWARE
            if fresh is not None:
                fresh.add(added)
        self._report_readers(readers)
        return readers

    def _report_readers(self, readers: list[str]) -> None:
        for gone in set(self._seen) - set(readers):
            self._forget(gone)
        self._report.status("ok", tuple(readers), "" if readers else NO_READER_MESSAGE)

    def _forget(self, reader: str) -> None:
        seen = self._seen.pop(reader, None)
        if seen is not None and seen.spine:
            self._report.emit(SpineCardEvent("removed", reader, self._reported_at))
        elif seen is not None and seen.card_id is not None:
            self._card("removed", reader, seen.card_id, seen.kind)

    def _reader_changed(
        self, context: Any, reader: str, previous: int, event: int, atr: bytes, fresh: bool
    ) -> None:
        present = bool(event & scard.SCARD_STATE_PRESENT)
        if not present:
            self._forget(reader)
            return
        # pcsc-lite counts insertions and removals in the high word: a quick out-and-in
        # between two wake-ups shows as PRESENT with another count
        reinserted = not fresh and (previous >> 16) != (event >> 16)
        if reader in self._seen and not fresh:
            if not reinserted:
                # the same card with other flags; pcsc-lite 1.9.9 does not wake us for these
                # (INUSE, power), other PC/SC stacks may: never a second tap
                return
            self._forget(reader)
        if event & scard.SCARD_STATE_MUTE:
            read = CardRead(card_kind(atr, self._settings.reader_profile(reader)), None)
        else:
            read = read_card(context, reader, atr, self._settings)
            if read.failed and not still_present(context, reader, event):
                read = CardRead(read.kind, None, gone=True)
        if read.gone:
            return
        seen = self._seen.get(reader)
        if fresh and seen is not None:
            if (seen.card_id, seen.spine) == (read.card_id, read.spine) and (
                read.card_id is not None or read.spine
            ):
                return  # the same card rested through a pcscd restart: not a new tap
            self._forget(reader)
        self._seen[reader] = _Seen(read.card_id, read.kind, read.spine)
        if read.spine:
            self._report.emit(SpineCardEvent("inserted", reader, self._reported_at))
        elif read.card_id is None:
            self._card("unsupported", reader, None, read.kind)
        else:
            self._card("present", reader, read.card_id, read.kind)
