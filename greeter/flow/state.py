"""The flow's state: one frozen value, replaced on every event.

Four things are tracked independently, which is what makes tap-over safe:
- `desktop`: the user session that is running (or None), and whether it is locked;
- `phase`: what the greeter is doing now (a login, an error screen, handing over to the session
  runner, or nothing);
- the backend call (or offline PIN check) in flight (`call`), whose late answer is recognised
  by its id and dropped;
- `offline`: whether the signed-in user may unlock their locked session without the appliance.
A login that starts over a session in plain view locks it first; a login that fails or is
cancelled drops `phase` and leaves `desktop` as it was then: locked.

Passwords go from the UI event straight into a request. The one secret kept here is the PIN of
a card login in progress (`Login.pin`, hidden from repr), from the moment it is sent until the
login ends: if the login succeeds with a grace period, the shell makes the offline verifier
from it (`KeepOfflineVerifier`). The verifier itself lives in the shell (`greeter.offline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from greeter.cards import CardKind, ReaderStatus
from greeter.flow.cached import CachedUser
from greeter.flow.model import ErrorKey, PinRule, PinRules
from greeter.flow.wire import AuthOk, KioskInfo, SessionInfo, UserRef


@dataclass(frozen=True)
class FlowSettings:
    """The greeter's own timings, fallbacks and help line (from `[kiosk]` in the config).
    Errors have no timing: they stay until dismissed or the next tap."""

    kiosk_name: str = "kiosk"
    # a call running longer than this shows the spinner
    busy_delay: float = 0.3
    # a call not answered within this is a timeout the user may retry
    call_timeout: float = 10.0
    # the site's help line, at the end of every error ("Call IT on 4444")
    help_line: str = ""
    # when to ask the appliance for its kiosk settings again after it was unreachable
    kiosk_retry_seconds: float = 30.0
    # input timeout used until the appliance says otherwise (role and notice screens too)
    entry_timeout: int = 60


@dataclass(frozen=True)
class CardRef:
    """The card a login or session belongs to (the raw id stays in memory, never in logs)."""

    card_id: str
    kind: CardKind
    reader: str


@dataclass(frozen=True)
class Desktop:
    """The running user session; `card` is the card it was opened with, if any."""

    session: SessionInfo
    card: CardRef | None
    locked: bool = False

    @property
    def username(self) -> str:
        return self.session.user.username


# --- the steps of a login ---------------------------------------------------------------------


@dataclass(frozen=True)
class Checking:
    """The first factor (a card) is with the appliance."""


@dataclass(frozen=True)
class PinStep:
    token: str
    user: UserRef
    expires_in: int
    attempts_left: int = -1
    error_key: ErrorKey = ""


@dataclass(frozen=True)
class PasswordStep:
    """First-factor password (`token` None) or the password a card asked for."""

    token: str | None
    user: UserRef | None
    expires_in: int
    attempts_left: int = -1
    error_key: ErrorKey = ""


@dataclass(frozen=True)
class EnrollCardStep:
    token: str
    domains: tuple[str, ...]
    expires_in: int
    attempts_left: int = -1
    error_key: ErrorKey = ""


@dataclass(frozen=True)
class EnrollPinStep:
    """`rule`: the PIN rule the last PIN broke (with error_key "pin_rules")."""

    token: str
    rules: PinRules
    user: UserRef
    expires_in: int
    error_key: ErrorKey = ""
    rule: PinRule | None = None


@dataclass(frozen=True)
class OfflinePinStep:
    """The appliance cannot be reached and the locked session's owner tapped their card: their
    PIN is checked against the offline verifier. `attempts_left` before it is dropped."""

    user: UserRef
    attempts_left: int
    error_key: ErrorKey = ""


@dataclass(frozen=True)
class CachedPinStep:
    """The appliance cannot be reached and this card has a cached offline login: its user's PIN
    is checked on the kiosk (`greeter.flow.offline_login`). `attempts_left` before it locks."""

    user: CachedUser
    attempts_left: int
    error_key: ErrorKey = ""


@dataclass(frozen=True)
class RoleStep:
    ok: AuthOk


@dataclass(frozen=True)
class NoticeStep:
    ok: AuthOk


Step = (
    Checking
    | PinStep
    | PasswordStep
    | EnrollCardStep
    | EnrollPinStep
    | OfflinePinStep
    | CachedPinStep
    | RoleStep
    | NoticeStep
)
# the steps that wait for the user: when the entry timer runs out the login is abandoned,
# except on the notice screen, where it goes on into the session (step.on_timer)
INPUT_STEPS = (
    PinStep,
    PasswordStep,
    EnrollCardStep,
    EnrollPinStep,
    OfflinePinStep,
    CachedPinStep,
    RoleStep,
    NoticeStep,
)


@dataclass(frozen=True)
class Login:
    """A login in progress; `card` None for a password-first login. `locked_open_session`:
    the tap found a session in plain view and locked it before asking anything. `pin`: the PIN
    this card login sent (see the module's docstring)."""

    card: CardRef | None
    step: Step
    locked_open_session: bool = False
    pin: str = field(default="", repr=False)


@dataclass(frozen=True)
class Failure:
    """The error screen, until dismissed or the next tap. `reason`: the code behind the key
    (`View.error_reason`). `retry_card` / `retry_password` say what "try again" restarts."""

    error_key: ErrorKey
    reason: str = ""
    locked_until: str = ""
    retry_card: CardRef | None = None
    retry_password: bool = False

    @property
    def can_retry(self) -> bool:
        return self.retry_card is not None or self.retry_password


@dataclass(frozen=True)
class Handover:
    """The session runner is starting `session` (or switching to it from the desktop)."""

    session: SessionInfo
    card: CardRef | None
    switching: bool


Phase = Login | Failure | Handover | None


@dataclass(frozen=True)
class OfflineUnlock:
    """The desktop session `session_id` may be unlocked without the appliance by the card
    `card_id` and its owner's PIN. `ready` once the shell made the verifier and the grace timer
    runs; `wrong`: wrong PINs in a row so far."""

    session_id: str
    card_id: str
    ready: bool = False
    wrong: int = 0


@dataclass(frozen=True)
class State:
    settings: FlowSettings = field(default_factory=FlowSettings)
    kiosk: KioskInfo | None = None
    readers: tuple[ReaderStatus, ...] = ()
    desktop: Desktop | None = None
    phase: Phase = None
    offline: OfflineUnlock | None = None
    # the auth/role call or offline PIN check in flight (0: none), the kiosk-settings call
    call: int = 0
    kiosk_call: int = 0
    busy: bool = False
    last_call: int = 0
    # how many times the entry timer was armed: a screen's countdown starts again when it moves
    entry_round: int = 0


def initial_state(settings: FlowSettings) -> State:
    return State(settings=settings)
