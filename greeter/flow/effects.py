"""What the flow asks the shell to do: a closed set of effects, run by `greeter.app.Kiosk`.

Results come back as events (`greeter.flow.inputs`). Timers are named: arming a name again
replaces the running one, so a stale timer can never fire into a later screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from greeter.flow.wire import Request, SessionInfo

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
    | Log
    | Report
)
