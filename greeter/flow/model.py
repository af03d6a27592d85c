"""What the screen shows and what the user can do: the contract between the flow and the UI.

`View` is everything QML needs, computed from the flow's state by `greeter.flow.view`; the UI
input events are what QML hands back. Both are closed sets: the UI renders whatever `screen`
says and never decides anything itself (greetd's greeter/daemon split).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

Screen = Literal[
    "idle",
    "pin",
    "password",
    "enroll_card",
    "enroll_pin",
    "role",
    "notice",
    "error",
    "locked",
    "session",
]
SCREENS: tuple[Screen, ...] = (
    "idle",
    "pin",
    "password",
    "enroll_card",
    "enroll_pin",
    "role",
    "notice",
    "error",
    "locked",
    "session",
)

# Stable keys the QML turns into sentences (and tests assert on). `View.error_reason` refines
# some (the appliance's reason behind `denied`, the PIN rule behind `pin_rules`, the error code
# behind `rejected`): codes too, worded by the QML. No text from the appliance or a developer
# reaches the screen: every sentence comes from the translation catalogue.
ErrorKey = Literal[
    "",
    "bad_pin",
    "bad_password",
    "locked",
    "card_not_registered",
    "card_not_supported",
    "unreachable",
    "timeout",
    "bad_reply",
    "state_expired",
    "pin_mismatch",
    "pin_rules",
    "denied",
    "session_failed",
    "rejected",
    # the appliance cannot be reached: only the locked session's owner may unlock (card + PIN)
    "offline_owner_only",
    # the appliance cannot be reached and the owner's offline unlock is not (or no more) there
    "offline_needs_server",
    # too many wrong PINs offline: the offline unlock is gone until the appliance is back
    "offline_pin_limit",
    # the appliance cannot be reached: only users who signed in here recently (card + PIN)
    # can sign in, and this card is not one of theirs (or their window is over)
    "offline_recent_only",
    # too many wrong PINs offline for this card: signing in needs the appliance again
    "offline_login_locked",
]
ERROR_KEYS: tuple[ErrorKey, ...] = get_args(ErrorKey)


@dataclass(frozen=True)
class Notice:
    """Something the user must read before the session starts (e.g. VSC expiring)."""

    code: str
    days_left: int | None
    message: str
    # ISO date (YYYY-MM-DD) a renewed VSC is valid until; "" for other notices
    valid_until: str = ""


@dataclass(frozen=True)
class Role:
    """A Spine role the user may act in."""

    code: str
    name: str


# the rule a new PIN breaks (with error key "pin_rules"): the appliance's `bad_factor.rule`, or
# the kiosk's own check of the rules it was given
PinRule = Literal[
    "too_short", "too_long", "digits_only", "printable", "repeated", "sequential", "common"
]

# why no card can be read: no reader attached, or the reader service (pcscd) is down
ReaderProblem = Literal["", "missing", "down"]


@dataclass(frozen=True)
class PinRules:
    """What a new PIN must look like (the appliance's `pin_rules`)."""

    min_length: int = 4
    max_length: int = 8
    digits_only: bool = True


@dataclass(frozen=True)
class View:
    """Everything one frame of the greeter shows. Read-only; a new View per change."""

    screen: Screen = "idle"
    # a backend call has been running for more than the busy delay (300 ms): show a spinner
    busy: bool = False
    kiosk_name: str = ""
    readers_ok: bool = True
    reader_problem: ReaderProblem = ""
    # capability flags: QML hides what is not available (SDDM's canReboot)
    can_password_login: bool = False
    can_enroll_card: bool = False
    user_display_name: str = ""
    # the password screen knows whose password it asks for (a known card's): no username field
    username_known: bool = False
    error_key: ErrorKey = ""
    # the code behind error_key (see ErrorKey), "" when there is none
    error_reason: str = ""
    # the site's help line ("Call IT on 4444"): every error ends with it ("" : a general one)
    help_line: str = ""
    # -1 when unknown / not applicable
    attempts_left: int = -1
    # ISO 8601 UTC, set with error_key "locked"
    locked_until: str = ""
    can_retry: bool = False
    domains: tuple[str, ...] = ()
    pin_min: int = 4
    pin_max: int = 8
    pin_digits_only: bool = True
    notices: tuple[Notice, ...] = ()
    roles: tuple[Role, ...] = ()
    # seconds the current input screen waits before going back (0: no limit shown); the count
    # starts again whenever entry_round changes (the flow armed the entry timer anew)
    entry_timeout: int = 0
    entry_round: int = 0
    # display name of the user whose session is locked (screen "locked"), or who is signed in
    # while another user's tap-over login runs
    locked_user: str = ""
    # a login is running over someone else's session: success switches user
    switching: bool = False
    # the appliance cannot be reached: the PIN is checked on the kiosk (screen "pin")
    offline: bool = False


# ---------------------------------------------------------------------------------------------
# UI input events: what QML hands back. Secrets are excluded from repr so a logged event never
# shows them; the flow passes them straight into the one backend request that needs them.


@dataclass(frozen=True)
class PinEntered:
    """The user typed their PIN on the `pin` screen."""

    pin: str = field(repr=False)


@dataclass(frozen=True)
class PasswordLoginRequested:
    """The user chose "sign in with password" on the idle or the lock screen."""


@dataclass(frozen=True)
class PasswordSubmitted:
    """The `password` screen's form (first factor, or the second factor a card asked for;
    then `username` may be empty: the card named its user)."""

    username: str
    password: str = field(repr=False)
    domain: str = ""


@dataclass(frozen=True)
class CardEnrollmentSubmitted:
    """The `enroll_card` form: who owns this unknown card."""

    username: str
    password: str = field(repr=False)
    domain: str = ""


@dataclass(frozen=True)
class NewPinSubmitted:
    """The `enroll_pin` form: the new PIN twice."""

    pin: str = field(repr=False)
    confirm: str = field(repr=False)


@dataclass(frozen=True)
class RoleChosen:
    """The user picked a Spine role on the `role` screen."""

    code: str


@dataclass(frozen=True)
class NoticesAcknowledged:
    """The user read the `notice` screen."""


@dataclass(frozen=True)
class Cancelled:
    """Back / cancel / dismiss on any screen: abandon the current step."""


@dataclass(frozen=True)
class RetryRequested:
    """ "Try again" on an error screen that has `can_retry`."""


@dataclass(frozen=True)
class LockRequested:
    """Lock the running session (hotkey or menu, through the virtual socket or the UI)."""


UiEvent = (
    PinEntered
    | PasswordLoginRequested
    | PasswordSubmitted
    | CardEnrollmentSubmitted
    | NewPinSubmitted
    | RoleChosen
    | NoticesAcknowledged
    | Cancelled
    | RetryRequested
    | LockRequested
)
