"""A token bucket per kiosk (per server process): sustained rate plus a burst."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        per_second: float,
        burst: int,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.burst = float(burst)
        self.monotonic = monotonic
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # kiosk -> (tokens, last refill)

    def take(self, kiosk: str) -> float:
        """0 if the request may go ahead, else the seconds until a token is available."""
        now = self.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(kiosk, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.per_second)
            if tokens >= 1.0:
                self._buckets[kiosk] = (tokens - 1.0, now)
                return 0.0
            self._buckets[kiosk] = (tokens, now)
            return (1.0 - tokens) / self.per_second if self.per_second > 0 else 60.0
