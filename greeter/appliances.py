"""Which appliance the kiosk is on, when its config lists several (instances sharing one
database, `[appliance] urls`).

The kiosk tries them in order from the one it is on, and stays on the one that answered until
the user's session is locked or ended; the next call after that starts again from the first.
Each move is told to a listener (the event log's `failover` line). What may be sent to the
next appliance after a failure is `greeter.backend`'s decision; this only keeps the place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# the kiosk moved from one appliance to another: (from URL, to URL, reason, detail), where
# reason is "unreachable" or "timeout" (the one it was on failed), or "back_to_first" (the
# session locked or ended and the first answered again); no secret in any of them
FailoverListener = Callable[[str, str, str, str], object]


class Appliances:
    """Thread-safe: calls on several worker threads may try and answer at once."""

    def __init__(self, urls: tuple[str, ...], on_failover: FailoverListener | None = None) -> None:
        if not urls:
            raise ValueError("unable to use the appliances: no URL")
        self.urls = urls
        self._on_failover = on_failover
        self._lock = threading.Lock()
        self._active = 0
        self._first_next = False

    @property
    def active_url(self) -> str:
        """The appliance the kiosk is on (the last that answered)."""
        with self._lock:
            return self.urls[self._active]

    def order(self) -> list[int]:
        """The appliances to try for one call, by index: the one the kiosk is on (the first,
        after a session ended), then the ones after it, wrapping round."""
        with self._lock:
            start = 0 if self._first_next else self._active
            self._first_next = False
        return [(start + step) % len(self.urls) for step in range(len(self.urls))]

    def current(self) -> int:
        """The appliance the next call would try first (no side effect, unlike `order`)."""
        with self._lock:
            return 0 if self._first_next else self._active

    def answered(self, index: int, failure: tuple[str, str] | None) -> None:
        """The appliance at `index` answered (whatever it said): the kiosk stays on it.
        `failure`: (reason, detail) of the failure that made this call move on, if any."""
        with self._lock:
            previous, self._active = self._active, index
        if previous == index or self._on_failover is None:
            return
        reason, detail = failure or (
            "back_to_first",
            "the session was locked or ended; the first appliance answered",
        )
        self._on_failover(self.urls[previous], self.urls[index], reason, detail)

    def session_over(self) -> None:
        """The user's session was locked or ended: the next call starts from the first."""
        with self._lock:
            self._first_next = True
