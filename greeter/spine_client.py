"""The kiosk's calls to the appliance's Spine and RA routes (docs/api.md), typed.

They go through `greeter.backend.Backend` (the one place that speaks HTTP: pinned CA, kiosk
credentials, fail-over rules) and add `X-Spine-Environment`, the Spine environment this kiosk is
set up for (`[spine] environment`), which the appliance checks on every Spine route. None of
these calls is replayed on another appliance after its request went out: a signature, a restart
or an assignment must not happen twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from greeter.backend import Backend, ProtocolError
from greeter.flow.model import Role
from greeter.flow.parse import Fields, WireError


@dataclass(frozen=True)
class SpineStatus:
    """`{"spine": {…}}` of the Spine routes. `ticket` only from `ticket()`; `method` (how the
    ticket was won: "card" or "vsc", "" when none) decides how the user changes role."""

    environment: str
    ticket_until: str  # ISO 8601 UTC; "" when no live ticket
    roles: tuple[Role, ...]
    role: str | None
    default_role: str | None
    method: str = ""
    ticket: str = ""


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    challenge: str  # base64: what the user's smartcard signs


@dataclass(frozen=True)
class Vsc:
    serial: str
    cis_username: str
    status: str
    owner: str | None
    not_after: str
    days_left: int | None


@dataclass(frozen=True)
class RaUser:
    username: str
    domain: str
    display_name: str
    registration_authority: bool
    vsc: Vsc | None


class SpineClient:
    def __init__(self, backend: Backend, environment: str) -> None:
        self.backend = backend
        self.environment = environment

    # --- Spine sessions: /v1/sessions/{id}/spine/… ------------------------------------------

    def challenge(self, session_id: str) -> Challenge:
        f = _fields(self._spine("POST", session_id, "challenge", {}), "challenge")
        return _read(lambda: Challenge(f.text("challenge_id"), f.text("challenge")))

    def authenticate(
        self, session_id: str, challenge_id: str, signature: str, role: str | None = None
    ) -> SpineStatus:
        """The first Spine authentication of the shift with a smartcard's `signature` (base64)
        over the challenge; while a ticket is live, a restart. `role`: the role wanted (a card's
        ticket changes role only this way)."""
        body = {"challenge_id": challenge_id, "signature": signature}
        if role is not None:
            body["role"] = role
        return _status(self._spine("POST", session_id, "authenticate", body))

    def authenticate_with_vsc(self, session_id: str, role: str | None = None) -> SpineStatus:
        """The same, done by the appliance with the user's virtual smartcard: no card here."""
        body: dict[str, object] = {"vsc": True}
        if role is not None:
            body["role"] = role
        return _status(self._spine("POST", session_id, "authenticate", body))

    def ticket(self, session_id: str) -> SpineStatus:
        """The live ticket, from the appliance's stored Spine session (never the broker)."""
        return _status(self._spine("GET", session_id, "ticket", None))

    def choose_role(self, session_id: str, role: str) -> SpineStatus:
        return _status(self._spine("POST", session_id, "role", {"role": role}))

    def set_default_role(self, session_id: str, role: str) -> SpineStatus:
        return _status(self._spine("POST", session_id, "default-role", {"role": role}))

    def reset(self, session_id: str, username: str, domain: str, password: str) -> None:
        """An administrator ends the user's Spine session (their credentials, checked there)."""
        body = {"username": username, "domain": domain, "password": password}
        self._spine("POST", session_id, "reset", body)

    def end(self, session_id: str) -> None:
        """The user's own kiosk ends their Spine session (their Spine card was taken out with
        `[spine] card_removal_ends_session`, or the Spine idle period ran out): the ticket is
        revoked and the next Spine use authenticates afresh."""
        self._spine("POST", session_id, "end", {})

    # --- Registration Authorities: /v1/sessions/{id}/ra/… -----------------------------------

    def ra_users(self, session_id: str, query: str, *, card_present: bool) -> tuple[RaUser, ...]:
        body = {"query": query, "ra_card": {"present": card_present}}
        f = _fields(self._ra(session_id, "users", body), "users reply")
        return _read(lambda: tuple(_ra_user(item, i) for i, item in enumerate(f.items("users"))))

    def ra_unassigned_vscs(self, session_id: str, *, card_present: bool) -> tuple[Vsc, ...]:
        body = {"ra_card": {"present": card_present}}
        f = _fields(self._ra(session_id, "vscs", body), "vscs reply")
        return _read(
            lambda: tuple(_vsc(item, f"vscs[{i}]") for i, item in enumerate(f.items("vscs")))
        )

    def ra_assign(self, session_id: str, user: RaUser, vsc: Vsc, *, card_present: bool) -> Vsc:
        body = {
            "username": user.username,
            "domain": user.domain,
            "cis_username": vsc.cis_username,
            "serial": vsc.serial,
            "ra_card": {"present": card_present},
        }
        f = _fields(self._ra(session_id, "assign", body), "assign reply")
        return _read(lambda: _vsc(f.data.get("vsc"), "vsc"))

    # --- the seam ----------------------------------------------------------------------------

    def _spine(self, method: str, session_id: str, route: str, body: object) -> Any:
        path = f"/v1/sessions/{self.backend.segment(session_id)}/spine/{route}"
        headers = {"X-Spine-Environment": self.environment}
        return self.backend.call(method, path, body, headers)

    def _ra(self, session_id: str, route: str, body: object) -> Any:
        return self.backend.call(
            "POST", f"/v1/sessions/{self.backend.segment(session_id)}/ra/{route}", body
        )


def _fields(body: object, where: str) -> Fields:
    return _read(lambda: Fields(body, where))


def _read(build: Any) -> Any:
    try:
        return build()
    except WireError as error:
        raise ProtocolError(str(error)) from None


def _status(body: object) -> SpineStatus:
    def build() -> SpineStatus:
        outer = Fields(body, "reply")
        f = outer.obj("spine")
        roles = tuple(
            Role(role.text("code"), role.opt_text("name", role.text("code")))
            for role in (
                Fields(item, f"spine.roles[{index}]")
                for index, item in enumerate(f.items("roles", optional=True))
            )
        )
        return SpineStatus(
            environment=f.opt_text("environment"),
            ticket_until=f.opt_text("ticket_until"),
            roles=roles,
            role=f.opt_text("role") or None,
            default_role=f.opt_text("default_role") or None,
            method=f.opt_text("method"),
            ticket=f.opt_text("ticket"),
        )

    result: SpineStatus = _read(build)
    return result


def _vsc(body: object, where: str) -> Vsc:
    f = Fields(body, where)
    return Vsc(
        serial=f.text("serial"),
        cis_username=f.text("cis_username"),
        status=f.text("status"),
        owner=f.opt_text("owner") or None,
        not_after=f.opt_text("not_after"),
        days_left=f.opt_number("days_left"),
    )


def _ra_user(body: object, index: int) -> RaUser:
    f = Fields(body, f"users[{index}]")
    vsc = f.data.get("vsc")
    return RaUser(
        username=f.text("username"),
        domain=f.opt_text("domain"),
        display_name=f.opt_text("display_name", f.text("username")),
        registration_authority=bool(f.data.get("registration_authority", False)),
        vsc=None if vsc is None else _vsc(vsc, f"users[{index}].vsc"),
    )
