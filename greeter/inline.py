"""An Executor with no event loop, for tests, benchmarks and tools."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from greeter.flow.inputs import Event, TimerFired


class InlineExecutor:
    """An Executor with no event loop: work runs at once on the calling (main) thread, timers
    wait until `fire(name)`, and events posted from other threads wait in a queue until the
    main thread calls `run_until`. For tests and tools; the kiosk itself uses the Qt one."""

    def __init__(self) -> None:
        self._dispatch: Callable[[Event], None] | None = None
        self._main = threading.get_ident()
        self._posted: queue.Queue[Event] = queue.Queue()
        self.timers: dict[str, float] = {}

    def attach(self, dispatch: Callable[[Event], None]) -> None:
        self._dispatch = dispatch

    def run_in_background(self, work: Callable[[], Event | None]) -> None:
        event = work()
        if event is not None:
            self.post(event)

    def arm_timer(self, name: str, seconds: float) -> None:
        self.timers[name] = seconds

    def cancel_timer(self, name: str) -> None:
        self.timers.pop(name, None)

    def post(self, event: Event) -> None:
        if threading.get_ident() != self._main:
            self._posted.put(event)
            return
        if self._dispatch is None:
            raise RuntimeError("unable to deliver an event: no Kiosk attached yet")
        self._dispatch(event)

    def fire(self, name: str) -> bool:
        """Let timer `name` run out now; False if it was not armed."""
        if self.timers.pop(name, None) is None:
            return False
        self.post(TimerFired(name))
        return True

    def run_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Deliver events posted from other threads until `done()`; False on timeout."""
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                event = self._posted.get(timeout=left)
            except queue.Empty:
                return done()
            self.post(event)
        return True
