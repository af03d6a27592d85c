"""The kiosk's local ticket API: the NHS Identity Agent's ticket API, for the Spine applications
in the signed-in user's session (README.md, "The ticket API").

While a desktop session runs, the greeter listens on a Unix socket (its path is in the session's
environment as `TAPKIOSK_TICKET_SOCKET`; 0600 in a 0700 directory). One JSON line in, one JSON
line out, then the greeter closes the connection:

    {"get": "ticket"}
    -> {"ok": true, "username": "alice", "domain": "DEMO", "role": "R8000",
        "ticket": "...", "ticket_until": "2026-11-30T10:00:00Z", "environment": "development"}
    -> {"ok": false, "error": {"code": "spine_session_ended", "message": "unable to ..."}}

The answer comes from the appliance's stored Spine session (`GET …/spine/ticket`), never from
the broker. Modules: `answers` decides what a request gets (pure but for that one call),
`server` is the socket (peer check, limits, threads), `client` the Spine applications' side
and `greeter ticket`.
"""

from __future__ import annotations

# in every session's environment (greeter.session.launcher sets the others)
TICKET_SOCKET_VAR = "TAPKIOSK_TICKET_SOCKET"
# a request line longer than this is refused unread
MAX_REQUEST = 1024
# an answer line is never longer than this (a ticket is a few hundred bytes)
MAX_ANSWER = 16384
