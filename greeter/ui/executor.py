"""The Qt implementation of `greeter.app.Executor`: where the kiosk's effects run.

Shaped like Anki's taskman: blocking work runs on a private pool of Python threads
(`concurrent.futures.ThreadPoolExecutor`), and everything that comes back (a work result, a card
event posted by a reader thread) crosses to the Qt main thread through one queued signal, so the
Kiosk only ever sees events on the thread that owns it. Not a `QThreadPool`: its threads are
foreign to Python, which makes and drops a Python thread state around every task, so nothing a
task keeps per thread would last to the next. Timers are named single-shot `QTimer`s on the
main thread: arming a name again restarts it and a stopped QTimer never fires, so a stale
timeout cannot reach a later screen. The UI thread never waits on the network or a card:
nothing here blocks except `close`, once, at shut-down.

No `Qt.` enums here: the first touch of PySide's `Qt` namespace builds all of its enums (~25 ms
of start-up), so the timer type is set by name and events from the main thread itself are
queued behind a zero timer rather than a QueuedConnection.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from greeter.flow.inputs import Event, TimerFired

log = logging.getLogger(__name__)

Dispatch = Callable[[Event], None]

# Backend calls, session starts and switches rarely overlap; two cores on a thin client.
DEFAULT_WORKERS = 4


class QtExecutor(QObject):
    """Runs work off the Qt thread and hands every resulting event to `dispatch` on it.

    Create it on the Qt main thread (its queued signal is delivered to the thread it lives on).
    """

    # the one crossing from other threads to the main thread (queued: the receiver lives on the
    # main thread): carries an Event
    _arrived = Signal(object)

    def __init__(self, workers: int = DEFAULT_WORKERS) -> None:
        super().__init__()
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="greeter-work"
        )
        self._running: set[concurrent.futures.Future[None]] = set()
        self._running_lock = threading.Lock()
        self._timers: dict[str, QTimer] = {}
        self._dispatch: Dispatch | None = None
        # events that arrived before `attach` (a reader may report before the Kiosk exists)
        self._early: list[Event] = []
        self._closed = False
        self._arrived.connect(self._deliver)
        # events posted on the main thread itself wait here for the handler that posted them to
        # return (a signal would be delivered inside it)
        self._home_thread = threading.get_ident()
        self._posted_here: deque[Event] = deque()
        self._posted_here_timer = QTimer(self)
        self._posted_here_timer.setSingleShot(True)
        self._posted_here_timer.setInterval(0)
        self._posted_here_timer.timeout.connect(self._deliver_posted_here)

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
        future = self._pool.submit(self._run, work)
        with self._running_lock:
            self._running.add(future)
        future.add_done_callback(self._finished)

    def arm_timer(self, name: str, seconds: float) -> None:
        """(Re)start the single-shot timer `name`; TimerFired(name) when it runs out."""
        if self._closed:
            return
        timer = self._timers.get(name)
        if timer is None:
            timer = QTimer(self)
            timer.setObjectName(name)
            timer.setSingleShot(True)
            timer.setProperty("timerType", "PreciseTimer")
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
        if threading.get_ident() == self._home_thread:
            self._posted_here.append(event)
            self._posted_here_timer.start()
        else:
            self._arrived.emit(event)

    def close(self, timeout_ms: int = 5000) -> bool:
        """Stop timers, refuse new work and wait for running work; False if some is still
        running after `timeout_ms` (its result is then dropped)."""
        self._closed = True
        for timer in self._timers.values():
            timer.stop()
        with self._running_lock:
            running = list(self._running)
        _, late = concurrent.futures.wait(running, timeout=timeout_ms / 1000)
        self._pool.shutdown(wait=False, cancel_futures=True)
        return not late

    def _finished(self, future: concurrent.futures.Future[None]) -> None:
        with self._running_lock:
            self._running.discard(future)

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

    def _deliver_posted_here(self) -> None:
        while self._posted_here:
            self._deliver(self._posted_here.popleft())

    @Slot(object)
    def _deliver(self, event: Event) -> None:
        # on the main thread
        if self._closed:
            return
        if self._dispatch is None:
            self._early.append(event)
            return
        self._dispatch(event)
