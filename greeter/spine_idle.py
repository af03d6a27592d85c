"""The Spine idle period (`[spine] idle_seconds`, the NHS Identity Agent's
IdleWaitPeriodInSeconds): after that long with no keyboard, pointer or touch input while a
user's desktop session runs (locked or not), the kiosk ends that user's Spine session on the
appliance; their next Spine use authenticates afresh.

`decide` is the rule, pure; `SpineIdle` is the shell: it reads the X server's idle time
(`greeter.session.idle.IdleClock`) on its own thread and calls `SpineClient.end` there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from greeter.backend import BackendError, Rejected
from greeter.flow.state import State
from greeter.session.idle import MIN_PERIOD_SECONDS, IdleClock, IdleLoop

log = logging.getLogger(__name__)

# two readings of one stretch without input agree on when it began to within this
SAME_STRETCH_SECONDS = 1.0
# after a failed end (no appliance answered), when to try again
RETRY_SECONDS = 30.0


@dataclass(frozen=True)
class Decision:
    end: bool  # end the session's Spine session now
    wait: float | None  # seconds to the next look; None: only when the session changes


def decide(
    limit: float, session: str | None, idle: float, now: float, ended: tuple[str, float] | None
) -> Decision:
    """Whether `session`'s Spine session ends now. `idle`: seconds without input, counted from
    no earlier than the session's start; `ended`: (session, when its stretch without input
    began) of the last end, so one stretch ends it once and new input re-arms."""
    if session is None or limit <= 0:
        return Decision(False, None)
    began = now - idle
    if ended is not None and ended[0] == session and abs(ended[1] - began) < SAME_STRETCH_SECONDS:
        return Decision(False, limit)
    if idle >= limit:
        return Decision(True, limit)
    return Decision(False, limit - idle)


def idle_session(state: State) -> str | None:
    """The session whose Spine idleness counts: the running desktop's, locked or in view."""
    return state.desktop.session.id if state.desktop is not None else None


class SpineEnder(Protocol):
    """`greeter.spine_client.SpineClient` as the idle period uses it."""

    def end(self, session_id: str) -> None: ...


class SpineIdle(IdleLoop):
    """`follow(state)` on each change of the kiosk (any thread); `start()`/`stop()`."""

    purpose = "Spine idle period"
    thread_name = "spine-idle"
    # on by default (10 h): a greeter with no X display (offscreen, a test) says so quietly
    off_level = logging.INFO

    def __init__(
        self,
        limit: float,
        spine: SpineEnder,
        *,
        display: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(display)
        self._limit = limit
        self._spine = spine
        self._clock = clock
        self._session: str | None = None  # guarded by _lock, as `_since`
        self._since = 0.0  # when `_session` began to count

    def _started(self, clock: IdleClock) -> str:
        return f"Spine sessions end after {self._limit:g} s of no input on {clock.name}"

    def follow(self, state: State) -> None:
        session = idle_session(state)
        with self._lock:
            if session == self._session:
                return
            self._session, self._since = session, self._clock()
        self._wake.set()

    def _watch(self, x_clock: IdleClock) -> None:
        ended: tuple[str, float] | None = None
        while True:
            self._wake.clear()  # before reading: a change after this wakes the wait at once
            with self._lock:
                if self._stopping:
                    return
                session, since = self._session, self._since
            now = self._clock()
            idle = min(x_clock.idle_seconds(), now - since) if session is not None else 0.0
            decision = decide(self._limit, session, idle, now, ended)
            wait = decision.wait
            if decision.end and session is not None:
                if self._end(session, idle):
                    ended = (session, now - idle)
                else:
                    wait = min(self._limit, RETRY_SECONDS)
            self._wake.wait(None if wait is None else max(wait, MIN_PERIOD_SECONDS))

    def _end(self, session: str, idle: float) -> bool:
        try:
            self._spine.end(session)
        except Rejected as error:
            # the appliance answered: asking again would get the same answer
            if error.code != "spine_session_ended":  # else: nothing was left to end
                log.warning("unable to end the Spine session after %.0f s idle: %s", idle, error)
            return True
        except BackendError as error:  # no appliance answered: try again later
            log.warning("unable to end the Spine session after %.0f s idle: %s", idle, error)
            return False
        log.info("no input for %.0f s: the Spine session ended", idle)
        return True
