"""HTTP routes of Spine sessions (docs/api.md, "Spine sessions"): the kiosk's, under
`/v1/sessions/{id}/spine/`, and the administrators' under `/v1/admin/spine/`.

Every kiosk route names the Spine environment the kiosk is set up for (`X-Spine-Environment`);
one that is not the appliance's is refused, so a kiosk of the integration environment never
gets a production ticket.
"""

# no `from __future__ import annotations`: FastAPI must resolve SpineKiosk, a name local to
# install_spine_routes, from the annotation itself
import base64
import binascii
import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Body, Depends, FastAPI, Header, Path, Query, Response
from fastapi.responses import PlainTextResponse
from pydantic import Field
from sqlalchemy.orm import Session, sessionmaker

from appliance import errors, spine_report
from appliance.config import ApplianceError, Settings
from appliance.db import Database
from appliance.errors import ApiError
from appliance.models import Domain, Password, RoleCode, SessionId, Strict, Username
from appliance.spine_sessions import SpineSessions

Authorised = Callable[[Database, str | None, str | None], str]
XEnvironment = Annotated[str | None, Header(max_length=32)]
XKiosk = Annotated[str | None, Header(max_length=128)]
Authorization = Annotated[str | None, Header(max_length=512)]
ADMIN_API = "admin-api"


class SpineAuthenticate(Strict):
    """A physical smartcard's answer to the challenge, or `vsc: true`: the appliance signs
    with the user's virtual smartcard. `role`: the role wanted (a restart to change role)."""

    challenge_id: str | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$"
    )
    # base64 of the smartcard's signature over the challenge
    signature: str | None = Field(
        default=None, min_length=1, max_length=2048, pattern=r"^[A-Za-z0-9+/=]+$"
    )
    vsc: bool = False
    role: RoleCode | None = None


class SpineRoleRequest(Strict):
    role: RoleCode


class AdminCredentials(Strict):
    username: Username
    domain: Domain
    password: Password


def install_spine_routes(
    app: FastAPI,
    settings: Settings,
    database: sessionmaker[Session],
    authorised: Authorised,
    spine: SpineSessions,
    administrator: Callable[[str | None], None],
) -> None:
    environment = settings.spine.environment

    def spine_kiosk(
        x_kiosk: XKiosk = None,
        authorization: Authorization = None,
        x_spine_environment: XEnvironment = None,
    ) -> str:
        """The kiosk's name, once its credentials and its Spine environment are checked."""
        stated = x_spine_environment
        with database() as db:
            name = authorised(db, x_kiosk, authorization)
        if not stated:
            raise ApiError(
                400,
                "spine_environment_missing",
                "unable to use Spine: the kiosk must state its Spine environment"
                " (X-Spine-Environment)",
            )
        if stated != environment:
            raise ApiError(
                409,
                "spine_environment_mismatch",
                f"unable to use Spine: this kiosk is set up for {stated[:32]!r} but the"
                f" appliance serves {environment!r}",
            )
        return name

    SpineKiosk = Annotated[str, Depends(spine_kiosk)]

    @app.post("/v1/sessions/{session_id}/spine/challenge")
    def challenge(
        session_id: SessionId,
        name: SpineKiosk,
    ) -> dict[str, Any]:
        issued = spine.challenge(name, session_id)
        return {"challenge_id": issued.id, "challenge": issued.nonce}

    @app.post("/v1/sessions/{session_id}/spine/authenticate")
    def authenticate(
        session_id: SessionId,
        body: Annotated[SpineAuthenticate, Body()],
        name: SpineKiosk,
    ) -> dict[str, Any]:
        card = (body.challenge_id, body.signature)
        if body.vsc:
            if card != (None, None):
                raise errors.invalid_request(
                    "unable to authenticate to Spine: give a card's signature or vsc, not both"
                )
            return {"spine": spine.authenticate_vsc(name, session_id, body.role)}
        if body.challenge_id is None or body.signature is None:
            raise errors.invalid_request(
                "unable to authenticate to Spine: give challenge_id and signature, or vsc: true"
            )
        try:
            base64.b64decode(body.signature, validate=True)
        except (binascii.Error, ValueError):
            raise errors.invalid_request("unable to read the signature: not base64") from None
        reply = spine.authenticate(name, session_id, body.challenge_id, body.signature, body.role)
        return {"spine": reply}

    @app.get("/v1/sessions/{session_id}/spine/ticket")
    def ticket(
        session_id: SessionId,
        name: SpineKiosk,
    ) -> dict[str, Any]:
        return {"spine": spine.ticket(name, session_id)}

    def role_route(path: str, default: bool) -> None:
        @app.post(path, name=path.rsplit("/", 1)[-1])
        def choose(
            session_id: SessionId,
            body: Annotated[SpineRoleRequest, Body()],
            name: SpineKiosk,
        ) -> dict[str, Any]:
            return {"spine": spine.choose_role(name, session_id, body.role, default=default)}

    role_route("/v1/sessions/{session_id}/spine/role", False)
    role_route("/v1/sessions/{session_id}/spine/default-role", True)

    @app.post("/v1/sessions/{session_id}/spine/reset", status_code=204)
    def reset(
        session_id: SessionId,
        body: Annotated[AdminCredentials, Body()],
        name: SpineKiosk,
    ) -> Response:
        spine.reset(name, session_id, (body.username, body.domain, body.password))
        return Response(status_code=204)

    @app.post("/v1/sessions/{session_id}/spine/end", status_code=204)
    def end(session_id: SessionId, name: SpineKiosk) -> Response:
        spine.end_own(name, session_id)
        return Response(status_code=204)

    # -- administrators: the admin API's one credential, its token (`administrator`)

    @app.delete("/v1/admin/spine/sessions/{user}", status_code=204)
    def delete(
        user: Annotated[str, Path(max_length=200)], authorization: Authorization = None
    ) -> Response:
        administrator(authorization)
        try:
            spine.delete(user, ADMIN_API, ADMIN_API)
        except ApplianceError as error:
            raise errors.not_found(str(error)) from None
        return Response(status_code=204)

    @app.get("/v1/admin/spine/report", response_model=None)
    def report(
        authorization: Authorization = None,
        since: Annotated[dt.datetime | None, Query()] = None,
        until: Annotated[dt.datetime | None, Query()] = None,
        user: Annotated[str | None, Query(max_length=128)] = None,
        format: Annotated[Literal["json", "csv", "table"], Query()] = "json",
    ) -> Any:
        administrator(authorization)
        for moment in (since, until):
            if moment is not None and moment.tzinfo is None:
                raise errors.invalid_request("unable to read the period: give times with a zone")
        with database() as db:
            lines = spine_report.report(db, since, until, user)
        text = spine_report.render(lines, format)
        if format == "json":
            return Response(text, media_type="application/json")
        return PlainTextResponse(text, media_type="text/csv" if format == "csv" else "text/plain")
