"""The event log's `login` line: how each step of a login was answered, for IT.

Built from the request's shape and the answer, never from their secrets: which step it was
(`card`, `pin`, `password`, `enroll_card`, `enroll_pin`), the appliance's `status` (or `failed`
when no usable answer came), its `reason`, the `method` of a session, the user it named, and
the tap it belongs to.
"""

from __future__ import annotations

from greeter.events import LogValue
from greeter.flow.inputs import FailureKind, OfflineCheck
from greeter.flow.wire import (
    AuthBadFactor,
    AuthContinue,
    AuthDenied,
    AuthEnroll,
    AuthLocked,
    AuthOk,
    AuthReply,
    AuthRequest,
    AuthUnknownCard,
    CardFactor,
    EnrollPin,
    PasswordFactor,
    PinFactor,
    Reply,
    Request,
)

Line = dict[str, LogValue]


def step_name(request: Request) -> str | None:
    """The login step `request` is, or None when it is not one (kiosk settings, a role)."""
    if isinstance(request, CardFactor):
        return "card"
    if isinstance(request, PinFactor):
        return "pin"
    if isinstance(request, EnrollPin):
        return "enroll_pin"
    if isinstance(request, PasswordFactor):
        return "enroll_card" if request.enroll_card else "password"
    return None


def answered(request: AuthRequest, reply: Reply, tap: str = "") -> Line:
    """The line for a reply the appliance gave to a login step."""
    line: Line = {"step": step_name(request) or "", **_reply_fields(reply)}
    if tap:
        line["tap"] = tap
    return line


def failed(
    request: AuthRequest, kind: FailureKind, code: str = "", detail: str = "", tap: str = ""
) -> Line:
    """The line for a login step that got no usable answer (`code`: the appliance's own;
    `detail`: the plain sentence saying why)."""
    line: Line = {"step": step_name(request) or "", "status": "failed", "reason": code or kind}
    if detail:
        line["detail"] = detail
    if tap:
        line["tap"] = tap
    return line


def checked_offline(result: OfflineCheck) -> Line:
    """The line for a PIN checked without the appliance (the offline unlock)."""
    status = {"right": "ok", "wrong": "bad_factor", "none": "failed"}[result]
    line: Line = {"step": "pin", "status": status, "offline": True}
    if result == "wrong":
        line["reason"] = "bad_pin"
    elif result == "none":
        line["reason"] = "no_offline_verifier"
    return line


def _reply_fields(reply: Reply) -> Line:
    if not isinstance(reply, AuthReply):
        return {"status": "bad_reply"}
    if isinstance(reply, AuthOk):
        session = reply.session
        return {"status": "ok", "method": session.method, "user": session.user.username}
    if isinstance(reply, AuthContinue | AuthEnroll):
        status = "continue" if isinstance(reply, AuthContinue) else "enroll"
        return {"status": status, "need": ",".join(reply.need), "user": reply.user.username}
    if isinstance(reply, AuthUnknownCard):
        return {"status": "unknown_card", "reason": f"enrollment_{reply.enrollment}"}
    if isinstance(reply, AuthBadFactor):
        line: Line = {"status": "bad_factor", "reason": reply.reason}
        if reply.attempts_left >= 0:  # -1: the appliance gave no count (no attempt counted)
            line["attempts_left"] = reply.attempts_left
        return line
    if isinstance(reply, AuthLocked):
        fields: Line = {"status": "locked", "until": reply.until}
        if reply.user is not None:
            fields["user"] = reply.user.username
        return fields
    assert isinstance(reply, AuthDenied)
    return {"status": "denied", "reason": reply.reason}
