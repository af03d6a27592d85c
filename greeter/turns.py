"""`Turns`: events handled one at a time, in the order they came, on the one thread that
dispatches them. An event dispatched while another is being handled (an inline executor
answering at once, a listener dispatching back) waits its turn, so effects run in the order
they were decided and a reply can never overtake what was started with its call."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")

log = logging.getLogger(__name__)


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


S = TypeVar("S")
F = TypeVar("F")


def step_safely(
    step: Callable[[S, E], tuple[S, list[F]]], state: S, event: E
) -> tuple[S, list[F]] | None:
    """`step(state, event)`, or None if it raised: a bug costs this event, not the kiosk. Only
    the event's type is logged: its fields may hold a PIN, a password or a passcode."""
    try:
        return step(state, event)
    except Exception as error:
        log.error("unable to handle %s: %s", type(event).__name__, type(error).__name__)
        return None
