"""The in-session agent as plain data: its state, what comes in (events), what it asks the
shell to do (effects) and what its window shows (`AgentView`). No Qt, no I/O.

Secrets (a passcode, an administrator's password) live only in the event that carries them and
the one effect that uses them; both hide them from repr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from greeter.flow.model import Role
from greeter.spine_client import RaUser, SpineStatus, Vsc

# what the agent's window shows: "collapsed" is the one small control in the corner
Page = Literal[
    "collapsed",
    "menu",
    "passcode",  # insert your Spine smartcard and type its passcode
    "roles",  # pick a role (for the session, as the default, or a VSC user's change)
    "card_role",  # smartcard users change role by restarting the Spine session
    "reset",  # an administrator's username, password and domain
    "message",  # one plain sentence and OK
    "ra_search",  # Manage virtual smartcards: find a user
    "ra_user",  # the chosen user, their VSC, Assign VSC
    "ra_vscs",  # the unassigned VSCs to pick from
]

# what a roles page is for: the session's role (VSC), a VSC user's change, the default role,
# or the role of the next smartcard authentication (a card session's role changes only so)
RolePurpose = Literal["session", "change", "default", "restart"]

# what a Spine authentication is for: the first of the session, or a restart
AuthPurpose = Literal["first", "restart"]

# which call is in flight
CallKind = Literal[
    "", "ticket", "vsc", "card", "role", "default", "reset", "users", "vscs", "assign"
]

# the menu's entries; "reset" is the hidden one (Ctrl+click or a long press on the title)
MenuAction = Literal[
    "change_role", "default_role", "restart", "lock", "log_out", "manage_vscs", "reset"
]


@dataclass(frozen=True)
class AgentSession:
    """The desktop session the agent serves (from the kiosk's running session)."""

    id: str
    username: str
    display_name: str
    registration_authority: bool
    roles: tuple[Role, ...] = ()
    role: str | None = None


@dataclass(frozen=True)
class AgentState:
    session: AgentSession | None = None
    # the session is in plain view (not locked, no greeter screen over it)
    visible: bool = False
    page: Page = "collapsed"
    # the Spine session as last heard: None until known, or once it has ended
    spine: SpineStatus | None = None
    # no live ticket: the user must authenticate to Spine (shown when the session is in view)
    needs_spine: bool = False
    auth_purpose: AuthPurpose = "first"
    role_purpose: RolePurpose = "session"
    # the role the next Spine authentication asks for (None: the appliance's choice)
    wanted_role: str | None = None
    # the call in flight (0: none) and the last id handed out
    call: int = 0
    last_call: int = 0
    pending: CallKind = ""
    # the sentence the page shows (a stable key: the QML words it), and a passcode's tries left
    message: str = ""
    tries_left: int = -1
    ra_users: tuple[RaUser, ...] = ()
    ra_user: RaUser | None = None
    ra_vscs: tuple[Vsc, ...] = ()
    # what the last assignment gave (for the "assigned" message)
    assigned: Vsc | None = None


# --- events: what comes in ----------------------------------------------------------------


@dataclass(frozen=True)
class SessionSeen:
    """The kiosk's picture changed: its running session (None: none) and whether it is in
    plain view."""

    session: AgentSession | None
    visible: bool


@dataclass(frozen=True)
class Opened:
    """The collapsed control was touched: open the menu (or close it again)."""


@dataclass(frozen=True)
class Back:
    """Back, Cancel or Escape: one page up, the menu closes."""


@dataclass(frozen=True)
class Chosen:
    action: MenuAction


@dataclass(frozen=True)
class PasscodeSubmitted:
    passcode: str = field(repr=False)


@dataclass(frozen=True)
class RolePicked:
    code: str


@dataclass(frozen=True)
class ResetSubmitted:
    username: str
    password: str = field(repr=False)
    domain: str = ""


@dataclass(frozen=True)
class SearchSubmitted:
    query: str


@dataclass(frozen=True)
class UserPicked:
    username: str
    domain: str


@dataclass(frozen=True)
class AssignAsked:
    """Assign VSC on the chosen user: list the unassigned VSCs."""


@dataclass(frozen=True)
class VscPicked:
    cis_username: str
    serial: str


@dataclass(frozen=True)
class Dismissed:
    """OK on a message."""


# results of the shell's work, each carrying the id of the call it answers


@dataclass(frozen=True)
class SpineAnswered:
    call_id: int
    spine: SpineStatus


@dataclass(frozen=True)
class Done:
    """A call with no reply body (reset) finished."""

    call_id: int


@dataclass(frozen=True)
class UsersFound:
    call_id: int
    users: tuple[RaUser, ...]


@dataclass(frozen=True)
class VscsFound:
    call_id: int
    vscs: tuple[Vsc, ...]


@dataclass(frozen=True)
class VscAssigned:
    call_id: int
    vsc: Vsc


@dataclass(frozen=True)
class Refused:
    """The appliance refused with a stable `code` (docs/api.md)."""

    call_id: int
    code: str


@dataclass(frozen=True)
class Unanswered:
    """No usable answer from the appliance (down, slow, or a reply we cannot read)."""

    call_id: int


@dataclass(frozen=True)
class CardFailed:
    """The Spine smartcard could not sign (`greeter.spine_signer.SpineCardProblem`)."""

    call_id: int
    problem: str
    tries_left: int | None = None


AgentEvent = (
    SessionSeen
    | Opened
    | Back
    | Chosen
    | PasscodeSubmitted
    | RolePicked
    | ResetSubmitted
    | SearchSubmitted
    | UserPicked
    | AssignAsked
    | VscPicked
    | Dismissed
    | SpineAnswered
    | Done
    | UsersFound
    | VscsFound
    | VscAssigned
    | Refused
    | Unanswered
    | CardFailed
)


# --- effects: what the shell does ---------------------------------------------------------


@dataclass(frozen=True)
class FetchTicket:
    call_id: int
    session_id: str


@dataclass(frozen=True)
class AuthenticateWithVsc:
    call_id: int
    session_id: str
    role: str | None = None


@dataclass(frozen=True)
class AuthenticateWithCard:
    """Challenge, have the card sign it with `passcode`, authenticate."""

    call_id: int
    session_id: str
    passcode: str = field(repr=False)
    role: str | None = None


@dataclass(frozen=True)
class SetRole:
    call_id: int
    session_id: str
    role: str
    default: bool


@dataclass(frozen=True)
class ResetSpine:
    call_id: int
    session_id: str
    username: str
    domain: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class FindUsers:
    call_id: int
    session_id: str
    query: str


@dataclass(frozen=True)
class ListVscs:
    call_id: int
    session_id: str


@dataclass(frozen=True)
class AssignVsc:
    call_id: int
    session_id: str
    user: RaUser
    vsc: Vsc


@dataclass(frozen=True)
class Lock:
    """Lock the session, as the kiosk's lock hotkey does."""


@dataclass(frozen=True)
class LogOut:
    """End the session, as the desktop's own log out does."""


AgentCall = (
    FetchTicket
    | AuthenticateWithVsc
    | AuthenticateWithCard
    | SetRole
    | ResetSpine
    | FindUsers
    | ListVscs
    | AssignVsc
)
AgentEffect = AgentCall | Lock | LogOut


# --- what the window shows ----------------------------------------------------------------


@dataclass(frozen=True)
class AgentView:
    shown: bool = False
    page: Page = "collapsed"
    busy: bool = False
    display_name: str = ""
    # the current Spine role's name ("" when none), and its code
    role_name: str = ""
    role: str = ""
    default_role: str = ""
    has_ticket: bool = False
    # how the live ticket was won: "card" or "vsc" ("" when none)
    method: str = ""
    roles: tuple[Role, ...] = ()
    role_purpose: RolePurpose = "session"
    auth_purpose: AuthPurpose = "first"
    can_manage_vscs: bool = False
    message: str = ""
    tries_left: int = -1
    ra_users: tuple[RaUser, ...] = ()
    ra_user: RaUser | None = None
    ra_vscs: tuple[Vsc, ...] = ()
    assigned: Vsc | None = None
