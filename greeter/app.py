"""The kiosk without Qt: holds the flow's state, runs `step`, executes its effects.

`Kiosk.dispatch(event)` must be called on one thread (the UI's main thread). Work that blocks
(backend calls, starting or switching sessions) goes through `Executor.run_in_background`,
whose result event the executor hands back to `dispatch` on that same thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from greeter.flow.inputs import Event


class Executor(Protocol):
    """Where the kiosk's effects run. The Qt one lives in `greeter.ui`; tests use a synchronous
    one. `attach` is called once by `Kiosk` with its `dispatch`; every result, timer and posted
    event goes to it on the main thread."""

    def attach(self, dispatch: Callable[[Event], None]) -> None:
        """Where events go from now on."""

    def run_in_background(self, work: Callable[[], Event | None]) -> None:
        """Run `work` off the main thread; dispatch its event (if any) on the main thread."""

    def arm_timer(self, name: str, seconds: float) -> None:
        """(Re)start the single-shot timer `name`; when it runs out dispatch TimerFired(name).
        Arming a running timer restarts it."""

    def cancel_timer(self, name: str) -> None:
        """Stop timer `name` if it runs; a cancelled timer never fires."""

    def post(self, event: Event) -> None:
        """Thread-safe: dispatch `event` on the main thread soon (card threads call this)."""
