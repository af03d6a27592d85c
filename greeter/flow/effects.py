"""What the flow asks the shell to do: a closed set of effects, run by `greeter.app.Kiosk`.

Results come back as events (`greeter.flow.inputs`). Timers are named: arming a name again
replaces the running one, so a stale timer can never fire into a later screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from greeter.flow.cached import CachedUser, Outcome
from greeter.flow.wire import Request, SessionInfo

# how a call got no answer: what sends a card login to the offline cache
Unanswered = Literal["unreachable", "timeout"]

# the timers the flow uses
TimerName = Literal["busy", "call", "entry", "error", "kiosk", "grace"]


@dataclass(frozen=True)
class CallBackend:
    """Send `request`; the answer comes back as BackendReplied/BackendFailed with `call_id`."""

    call_id: int
    request: Request


@dataclass(frozen=True)
class ArmTimer:
    name: TimerName
    seconds: float


@dataclass(frozen=True)
class CancelTimer:
    name: TimerName


@dataclass(frozen=True)
class StartSession:
    """Start `session`'s desktop; answers SessionStarted or SessionStartFailed."""

    session: SessionInfo


@dataclass(frozen=True)
class SwitchSession:
    """Close `previous`'s apps, end it, start `new`; answers SessionSwitched or
    SessionStartFailed."""

    previous: SessionInfo
    new: SessionInfo


@dataclass(frozen=True)
class LockScreen:
    """Cover the running session with the greeter (the session keeps running)."""


@dataclass(frozen=True)
class UnlockScreen:
    """Step aside: the signed-in user is back."""


@dataclass(frozen=True)
class KeepOfflineVerifier:
    """Make the offline verifier from `pin` (Argon2id, a fresh salt, in memory only), valid
    until `until` (ISO 8601) by the kiosk's clock, in place of any earlier one; answers
    OfflineVerifierKept(session_id, seconds left)."""

    session_id: str
    pin: str = field(repr=False)
    until: str


@dataclass(frozen=True)
class DropOfflineVerifier:
    """Wipe the offline verifier: nobody unlocks without the appliance any more."""


@dataclass(frozen=True)
class CheckOfflinePin:
    """Check `pin` against the offline verifier; answers OfflinePinChecked(call_id, ...)."""

    call_id: int
    pin: str = field(repr=False)


@dataclass(frozen=True)
class CacheOfflineLogin:
    """Cache this card + PIN login for offline login, for `window_seconds` (capped) from now by
    the kiosk's clock, in place of any entry of that card (`greeter.offline_cache`)."""

    card_id: str = field(repr=False)
    pin: str = field(repr=False)
    user: CachedUser
    window_seconds: int


@dataclass(frozen=True)
class LookUpOfflineLogin:
    """What the offline cache holds for this card; answers OfflineLoginFound(call_id, ...,
    `failure`): how the appliance failed, for the screen if the cache cannot help."""

    call_id: int
    card_id: str = field(repr=False)
    failure: Unanswered = "unreachable"


@dataclass(frozen=True)
class CheckOfflineLogin:
    """Check `pin` against this card's cached entry and count the guess; answers
    OfflineLoginChecked(call_id, ...)."""

    call_id: int
    card_id: str = field(repr=False)
    pin: str = field(repr=False)


@dataclass(frozen=True)
class QueueOfflineEvent:
    """Queue what happened offline (no secret) for the appliance's audit, sent when it is back."""

    outcome: Outcome
    username: str


LogValue = str | int


@dataclass(frozen=True)
class Log:
    """One event-log line (DESIGN.md contract) without `ts`/`mono`: the writer adds them."""

    event: tuple[tuple[str, LogValue], ...]

    def as_dict(self) -> dict[str, LogValue]:
        return dict(self.event)


@dataclass(frozen=True)
class Report:
    """Send an audit event to the appliance (`POST /v1/events`); fire and forget."""

    event: tuple[tuple[str, LogValue], ...]

    def as_dict(self) -> dict[str, LogValue]:
        return dict(self.event)


Effect = (
    CallBackend
    | ArmTimer
    | CancelTimer
    | StartSession
    | SwitchSession
    | LockScreen
    | UnlockScreen
    | KeepOfflineVerifier
    | DropOfflineVerifier
    | CheckOfflinePin
    | CacheOfflineLogin
    | LookUpOfflineLogin
    | CheckOfflineLogin
    | QueueOfflineEvent
    | Log
    | Report
)
