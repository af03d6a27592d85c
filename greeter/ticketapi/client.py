"""The Spine applications' side of the ticket API (and of `greeter ticket`): one request, the
answer as a dict. Standard library only, so a script can copy it.

    from greeter.ticketapi.client import request_ticket
    answer = request_ticket()          # the socket in $TAPKIOSK_TICKET_SOCKET
    if answer["ok"]:
        use(answer["ticket"], answer["role"])
    else:
        show(answer["error"]["message"])   # e.g. code "spine_session_ended"
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path
from typing import Any

from greeter.ticketapi import MAX_ANSWER, TICKET_SOCKET_VAR

# the appliance may take its own timeouts (3 s to connect, 10 s to read) before the greeter
# can answer
TIMEOUT_SECONDS = 15.0


class TicketApiError(Exception):
    """The ticket API could not be asked or did not answer; the message says why."""


def socket_from_environment() -> Path:
    value = os.environ.get(TICKET_SOCKET_VAR, "")
    if not value:
        raise TicketApiError(
            f"unable to find the ticket API: {TICKET_SOCKET_VAR} is not set "
            "(run this inside the kiosk's desktop session, or pass the socket's path)"
        )
    return Path(value)


def request_ticket(path: Path | None = None, *, timeout: float = TIMEOUT_SECONDS) -> Any:
    """The greeter's answer to `{"get": "ticket"}`: a dict with "ok" true (and the ticket) or
    false (and an "error" with a "code" and a "message"). TicketApiError when nobody answers."""
    where = path if path is not None else socket_from_environment()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(where))
        except (FileNotFoundError, ConnectionRefusedError):
            raise TicketApiError(
                f"unable to reach the ticket API: nothing listens at {where} "
                "(is a kiosk session running?)"
            ) from None
        except PermissionError:
            raise TicketApiError(
                f"unable to reach the ticket API: {where} belongs to another user; "
                "only the signed-in session's programs may ask"
            ) from None
        except OSError as error:
            raise TicketApiError(f"unable to reach the ticket API: {error}") from None
        try:
            # a refusal may come, and the greeter close its side, before the request is
            # read: the answer is still there to read
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(b'{"get": "ticket"}\n')
            line = sock.makefile("rb").readline(MAX_ANSWER)
        except OSError as error:
            raise TicketApiError(f"unable to read the ticket API's answer: {error}") from None
    try:
        answer = json.loads(line)
    except ValueError:
        raise TicketApiError("unable to read the ticket API's answer: it closed early") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
        raise TicketApiError("unable to read the ticket API's answer: not a ticket answer")
    return answer
