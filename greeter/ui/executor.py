"""The Qt implementation of `greeter.app.Executor`: where the kiosk's effects run.

Shaped like Anki's taskman: blocking work runs on a private `QThreadPool`, and everything that
comes back (a work result, a card event posted by a reader thread) crosses to the Qt main thread
through one queued signal, so the Kiosk only ever sees events on the thread that owns it. Timers
are named single-shot `QTimer`s on the main thread: arming a name again restarts it and a stopped
QTimer never fires, so a stale timeout cannot reach a later screen. The UI thread never waits on
the network or a card: nothing here blocks except `close`, once, at shut-down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot

from greeter.flow.inputs import Event, TimerFired

log = logging.getLogger(__name__)

Dispatch = Callable[[Event], None]

# Backend calls, session starts and switches rarely overlap; two cores on a thin client.
DEFAULT_WORKERS = 4


class QtExecutor(QObject):
    """Runs work off the Qt thread and hands every resulting event to `dispatch` on it.

    Create it on the Qt main thread (its queued signal is delivered to the thread it lives on).
    """

    # the one crossing from any thread to the main thread: carries an Event
    _arrived = Signal(object)

    def __init__(self, workers: int = DEFAULT_WORKERS) -> None:
        super().__init__()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(workers)
        self._timers: dict[str, QTimer] = {}
        self._dispatch: Dispatch | None = None
        # events that arrived before `attach` (a reader may report before the Kiosk exists)
        self._early: list[Event] = []
        self._closed = False
        self._arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def attach(self, dispatch: Dispatch) -> None:
        """Where events go from now on; events that came earlier are delivered in order."""
        self._dispatch = dispatch
        early, self._early = self._early, []
        for event in early:
            dispatch(event)

    def run_in_background(self, work: Callable[[], Event | None]) -> None:
        """Run `work` on the pool; its event (if any) is dispatched on the main thread."""
        if self._closed:
            return
        self._pool.start(lambda: self._run(work))

    def arm_timer(self, name: str, seconds: float) -> None:
        """(Re)start the single-shot timer `name`; TimerFired(name) when it runs out."""
        if self._closed:
            return
        timer = self._timers.get(name)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setTimerType(Qt.TimerType.PreciseTimer)
            timer.timeout.connect(lambda: self._deliver(TimerFired(name)))
            self._timers[name] = timer
        timer.start(max(0, round(seconds * 1000)))

    def cancel_timer(self, name: str) -> None:
        """Stop timer `name` if it runs; it will not fire."""
        timer = self._timers.get(name)
        if timer is not None:
            timer.stop()

    def timer_active(self, name: str) -> bool:
        """Whether timer `name` is running (for tests and `greeter doctor`)."""
        timer = self._timers.get(name)
        return timer is not None and timer.isActive()

    def post(self, event: Event) -> None:
        """Thread-safe: dispatch `event` on the main thread soon. Never blocks."""
        self._arrived.emit(event)

    def close(self, timeout_ms: int = 5000) -> bool:
        """Stop timers, refuse new work and wait for running work; False if some is still
        running after `timeout_ms` (its result is then dropped)."""
        self._closed = True
        for timer in self._timers.values():
            timer.stop()
        self._pool.clear()
        return self._pool.waitForDone(timeout_ms)

    def _run(self, work: Callable[[], Event | None]) -> None:
        # on a pool thread
        try:
            event = work()
        except Exception as error:
            # work is meant to turn its own failures into events; this is the last guard so a
            # bug costs one login, not the kiosk. No traceback: it could carry a secret.
            log.error("unable to run background work: %s", type(error).__name__)
            return
        if event is not None:
            self._arrived.emit(event)

    @Slot(object)
    def _deliver(self, event: Event) -> None:
        # on the main thread
        if self._closed:
            return
        if self._dispatch is None:
            self._early.append(event)
            return
        self._dispatch(event)
