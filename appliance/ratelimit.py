"""Token buckets by key (per server process): a sustained rate plus a burst. Per kiosk for
requests, per source address for failed kiosk authentication (`appliance/throttle.py`)."""

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
        max_keys: int | None = None,
    ) -> None:
        """`max_keys` bounds the buckets kept (keys a client chooses, such as addresses):
        past it, refilled buckets are forgotten, then the least recently used."""
        self.per_second = per_second
        self.burst = float(burst)
        self.monotonic = monotonic
        self.max_keys = max_keys
        self._lock = threading.Lock()
        # key -> (tokens, last refill), the least recently used first
        self._buckets: dict[str, tuple[float, float]] = {}

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.per_second)

    def _wait(self, tokens: float) -> float:
        return (1.0 - tokens) / self.per_second if self.per_second > 0 else 60.0

    def take(self, key: str) -> float:
        """0 if the request may go ahead (it takes a token), else the seconds until a token is
        available."""
        now = self.monotonic()
        with self._lock:
            tokens = self._tokens(key, now)
            taken = tokens >= 1.0
            self._buckets.pop(key, None)
            self._make_room(now)
            self._buckets[key] = (tokens - 1.0 if taken else tokens, now)
            return 0.0 if taken else self._wait(tokens)

    def wait(self, key: str) -> float:
        """What `take` would answer, without taking a token."""
        if self.burst >= 1.0 and key not in self._buckets:
            return 0.0  # a key never counted has a full bucket: every request asks, most so
        now = self.monotonic()
        with self._lock:
            tokens = self._tokens(key, now)
        return 0.0 if tokens >= 1.0 else self._wait(tokens)

    def _make_room(self, now: float) -> None:
        if self.max_keys is None or len(self._buckets) < self.max_keys:
            return
        # a refilled bucket is as good as none; then the least recently used go, down to
        # three quarters so that this scan runs once in many new keys
        for key in [key for key in self._buckets if self._tokens(key, now) >= self.burst]:
            del self._buckets[key]
        while len(self._buckets) > self.max_keys * 3 // 4:
            del self._buckets[next(iter(self._buckets))]
