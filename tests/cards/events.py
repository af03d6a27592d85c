"""Collecting what a card source reports, and waiting for it without sleeping blindly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from greeter.cards import CardEvent, CardReport, ReaderStatus, SpineCardEvent


class Collected:
    """A sink that keeps every event and status and lets a test wait for one."""

    def __init__(self) -> None:
        self.items: list[CardReport] = []
        self._changed = threading.Condition()

    def __call__(self, item: CardReport) -> None:
        with self._changed:
            self.items.append(item)
            self._changed.notify_all()

    @property
    def events(self) -> list[CardEvent]:
        with self._changed:
            return [i for i in self.items if isinstance(i, CardEvent)]

    @property
    def spine_events(self) -> list[SpineCardEvent]:
        with self._changed:
            return [i for i in self.items if isinstance(i, SpineCardEvent)]

    def wait_spine(self, action: str, timeout: float = 5.0) -> SpineCardEvent:
        item = self.wait_for(
            lambda i: isinstance(i, SpineCardEvent) and i.action == action, timeout
        )
        assert isinstance(item, SpineCardEvent)
        return item

    @property
    def statuses(self) -> list[ReaderStatus]:
        with self._changed:
            return [i for i in self.items if isinstance(i, ReaderStatus)]

    def wait_for(self, wanted: Callable[[CardReport], bool], timeout: float = 5.0) -> CardReport:
        deadline = time.monotonic() + timeout
        with self._changed:
            seen = 0
            while True:
                for item in self.items[seen:]:
                    if wanted(item):
                        return item
                seen = len(self.items)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"not reported within {timeout}s; got {self.items}")
                self._changed.wait(left)

    def wait_event(self, action: str, timeout: float = 5.0, **fields: object) -> CardEvent:
        item = self.wait_for(
            lambda i: (
                isinstance(i, CardEvent)
                and i.action == action
                and all(getattr(i, k) == v for k, v in fields.items())
            ),
            timeout,
        )
        assert isinstance(item, CardEvent)
        return item

    def wait_status(self, service: str, timeout: float = 5.0, **fields: object) -> ReaderStatus:
        item = self.wait_for(
            lambda i: (
                isinstance(i, ReaderStatus)
                and i.service == service
                and all(getattr(i, k) == v for k, v in fields.items())
            ),
            timeout,
        )
        assert isinstance(item, ReaderStatus)
        return item

    def clear(self) -> None:
        with self._changed:
            self.items.clear()
