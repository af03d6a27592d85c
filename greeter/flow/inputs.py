"""Everything that can happen to the flow, as one closed set of events.

Card events come from `greeter.cards`; UI input from `greeter.flow.model`; the rest are results
of effects coming back (backend replies, timers, the session runner) and the start signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from greeter.cards import CardEvent, ReaderStatus, SpineCardEvent
from greeter.flow.cached import CachedUser, Outcome, Verdict
from greeter.flow.effects import Unanswered
from greeter.flow.model import UiEvent
from greeter.flow.wire import Reply, SessionInfo


@dataclass(frozen=True)
class Started:
    """The kiosk is up: fetch what the idle screen needs."""


@dataclass(frozen=True)
class BackendReplied:
    """The call `call_id` answered."""

    call_id: int
    reply: Reply


FailureKind = Literal["unreachable", "timeout", "bad_reply", "rejected"]


@dataclass(frozen=True)
class BackendFailed:
    """The call `call_id` failed. `code` is the appliance's stable code for `rejected`
    (e.g. `state_expired`, `rate_limited`), empty otherwise; `message` is a plain sentence."""

    call_id: int
    kind: FailureKind
    code: str = ""
    message: str = ""


@dataclass(frozen=True)
class TimerFired:
    """A timer armed by `ArmTimer(name, ...)` ran out (and was not cancelled or re-armed)."""

    name: str


@dataclass(frozen=True)
class SessionStarted:
    """The session runner started the user's session."""

    session: SessionInfo


@dataclass(frozen=True)
class AppsClosed:
    """What closing the previous user's apps did (on a switch or an ended session)."""

    username: str
    graceful: int
    forced: int
    duration_ms: int


@dataclass(frozen=True)
class SessionStartFailed:
    """The session could not start (after a start or the start half of a switch). On a switch
    the previous session had ended first: `apps` is what closing its apps did."""

    session: SessionInfo
    message: str
    apps: AppsClosed | None = None


@dataclass(frozen=True)
class SessionSwitched:
    """The previous session ended (its apps closed) and the new one started."""

    previous: SessionInfo
    new: SessionInfo
    apps: AppsClosed


@dataclass(frozen=True)
class SessionExited:
    """The user's session ended by itself (logout, crash) with its exit code, after the runner
    closed its apps (`apps`; None when the runner had nothing to report)."""

    session: SessionInfo
    code: int
    apps: AppsClosed | None = None


@dataclass(frozen=True)
class InactivityTimedOut:
    """No keyboard, pointer or touch input for the configured time (`greeter.session.idle`)."""


@dataclass(frozen=True)
class OfflineVerifierKept:
    """The shell made the offline verifier for `session_id`; it is good for `seconds_left`
    more seconds by the kiosk's clock (0 or less: the grace period is over, or no verifier
    could be made)."""

    session_id: str
    seconds_left: float


OfflineCheck = Literal["right", "wrong", "none"]


@dataclass(frozen=True)
class OfflinePinChecked:
    """What the offline verifier said to the PIN of check `call_id` ("none": there is no
    verifier, or its grace period is over)."""

    call_id: int
    result: OfflineCheck


@dataclass(frozen=True)
class OfflineLoginFound:
    """What the offline cache holds for the card of lookup `call_id`: `user` and the attempts
    left when there is an entry (even an expired or locked one)."""

    call_id: int
    verdict: Verdict
    user: CachedUser | None = None
    attempts_left: int = 0
    failure: Unanswered = "unreachable"


@dataclass(frozen=True)
class OfflineLoginChecked:
    """The offline check `call_id`: `verdict` of the entry before the guess; `outcome` None when
    it was not usable (then the PIN was not checked). `session_id`: a fresh id for the session
    a right PIN opens."""

    call_id: int
    verdict: Verdict
    outcome: Outcome | None = None
    user: CachedUser | None = None
    attempts_left: int = 0
    session_id: str = ""


@dataclass(frozen=True)
class Stopping:
    """The greeter is shutting down: the running session ends with it."""


Event = (
    CardEvent
    | SpineCardEvent
    | ReaderStatus
    | UiEvent
    | Started
    | BackendReplied
    | BackendFailed
    | TimerFired
    | SessionStarted
    | SessionStartFailed
    | SessionSwitched
    | SessionExited
    | InactivityTimedOut
    | OfflineVerifierKept
    | OfflinePinChecked
    | OfflineLoginFound
    | OfflineLoginChecked
    | Stopping
)
