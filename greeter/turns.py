"""`Turns`: events handled one at a time, in the order they came, on the one thread that
dispatches them. An event dispatched while another is being handled (an inline executor
answering at once, a listener dispatching back) waits its turn, so effects run in the order
they were decided and a reply can never overtake what was started with its call."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")


class Turns(Generic[E]):
    def __init__(self, handle: Callable[[E], None]) -> None:
        self._handle = handle
        self._queue: deque[E] = deque()
        self._handling = False

    def __call__(self, event: E) -> None:
        self._queue.append(event)
        if self._handling:
            return
        self._handling = True
        try:
            while self._queue:
                self._handle(self._queue.popleft())
        finally:
            self._handling = False
