"""What one ticket API request gets: decided from the request line and who holds the kiosk now.

`holder_of(state)` says whose ticket may be handed out: the user of a desktop session in plain
view (not locked, no login running over it). `answer(line, current, spine)` reads the request
and asks the appliance for that user's ticket. Every answer is a JSON-ready dict (`ok` true or
an `error` with a stable code); nothing raises to the caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from greeter.backend import BackendError, Rejected, TimedOut, Unreachable
from greeter.flow.state import State
from greeter.spine_client import SpineStatus

Answer = dict[str, Any]


@dataclass(frozen=True)
class Holder:
    """The signed-in user whose ticket the socket hands out, and their appliance session."""

    session_id: str
    username: str
    domain: str


class TicketSource(Protocol):
    """`greeter.spine_client.SpineClient` as the ticket API uses it."""

    def ticket(self, session_id: str) -> SpineStatus: ...


def holder_of(state: State) -> Holder | None:
    """The user of the desktop session in plain view; None while the kiosk shows anything else
    (idle, locked, a login or a switch in progress): then nobody gets a ticket."""
    desktop = state.desktop
    if desktop is None or desktop.locked or state.phase is not None:
        return None
    user = desktop.session.user
    return Holder(desktop.session.id, user.username, user.domain)


def refusal(code: str, message: str) -> Answer:
    return {"ok": False, "error": {"code": code, "message": message}}


NO_SESSION = refusal("no_session", "unable to give a ticket: nobody is signed in at this kiosk")
LOCKED = refusal("locked", "unable to give a ticket: the session is locked or changing user")


def read_request(line: bytes) -> Answer | None:
    """None for a well-formed ticket request; else the refusal it gets."""
    try:
        request = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return refusal("bad_request", "unable to read the request: not a JSON line")
    if not isinstance(request, dict) or request.get("get") != "ticket":
        return refusal("bad_request", 'unable to read the request: expected {"get": "ticket"}')
    return None


# who holds the kiosk now, and whether a desktop session runs at all (locked or not)
Current = Callable[[], tuple[Holder | None, bool]]


def answer(line: bytes, current: Current, spine: TicketSource) -> Answer:
    """The answer to one request line, for whoever holds the kiosk when it is asked and still
    holds it when the appliance has answered (a user switch in between: nothing)."""
    bad = read_request(line)
    if bad is not None:
        return bad
    holder, running = current()
    if holder is None:
        return LOCKED if running else NO_SESSION
    try:
        status = spine.ticket(holder.session_id)
    except Rejected as error:
        if error.code == "spine_session_ended":
            return _ended(holder)
        return refusal(
            "appliance_refused", f"unable to give a ticket: the appliance refused ({error.code})"
        )
    except (TimedOut, Unreachable):
        return refusal("appliance_unreachable", "unable to give a ticket: no appliance answers")
    except BackendError as error:
        return refusal("appliance_error", f"unable to give a ticket: {error}")
    if current()[0] != holder:
        return LOCKED
    if not status.ticket:
        return _ended(holder)
    return {
        "ok": True,
        "username": holder.username,
        "domain": holder.domain,
        "role": status.role,
        "ticket": status.ticket,
        "ticket_until": status.ticket_until,
        "environment": status.environment,
    }


def _ended(holder: Holder) -> Answer:
    return refusal(
        "spine_session_ended",
        f"unable to give a ticket: {holder.username} has no live Spine session; "
        "authenticate to Spine again",
    )
