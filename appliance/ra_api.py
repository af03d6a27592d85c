"""The kiosk's RA routes (`/v1/sessions/{id}/ra/...`): a Registration Authority signed in at
the kiosk searches users, lists the unassigned VSCs and assigns one. Each request needs the
kiosk's credentials, the RA's desktop session held by that kiosk, and `ra_card`: the kiosk's
word that the RA's own physical smartcard is in its reader (for now a field the kiosk fills;
without it every request is refused `ra_card_absent`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header
from pydantic import Field
from sqlalchemy.orm import Session, sessionmaker

from appliance import desktop, errors, ra, vsc
from appliance.audit import Auditor
from appliance.errors import ApiError
from appliance.models import Domain, SessionId, Strict, Username, column_length
from appliance.store import Kiosk, User, Vsc

Authorised = Callable[[Any, str | None, str | None], str]
XKiosk = Annotated[str | None, Header(max_length=column_length(Kiosk.name))]
Authorization = Annotated[str | None, Header(max_length=512)]
CisUsername = Annotated[str, Field(min_length=1, max_length=column_length(Vsc.cis_username))]
Serial = Annotated[str, Field(min_length=1, max_length=column_length(Vsc.serial))]


class RaCard(Strict):
    present: bool


class RaRequest(Strict):
    ra_card: RaCard | None = None


class Search(RaRequest):
    query: Annotated[str, Field(min_length=1, max_length=128)]


class Assign(RaRequest):
    username: Username
    domain: Domain
    cis_username: CisUsername
    serial: Serial


def _refused(refusal: ra.AssignmentRefused) -> ApiError:
    return ApiError(refusal.status, refusal.code, refusal.message)


def router(
    database: sessionmaker[Session],
    authorised: Authorised,
    clock: Callable[[], dt.datetime],
    auditor: Auditor,
) -> APIRouter:
    routes = APIRouter(prefix="/v1/sessions/{session_id}/ra")

    def session_user(
        db: Session, session_id: str, x_kiosk: str | None, auth: str | None
    ) -> tuple[str, User]:
        """The kiosk, and the user of its desktop session `session_id`."""
        kiosk = authorised(db, x_kiosk, auth)
        session = desktop.owned(db, session_id, kiosk)
        if session is None:  # ended, or another kiosk's: both read as none
            raise errors.not_found("There is no such session.")
        user = db.get(User, session.user_id)
        assert user is not None
        return kiosk, user

    def signed_in_ra(
        db: Session, session_id: str, x_kiosk: str | None, auth: str | None, body: RaRequest
    ) -> tuple[str, User]:
        kiosk, user = session_user(db, session_id, x_kiosk, auth)
        try:
            ra.check_ra(user, body.ra_card is not None and body.ra_card.present)
        except ra.AssignmentRefused as refusal:
            raise _refused(refusal) from None
        return kiosk, user

    @routes.post("/users")
    def search(
        session_id: SessionId,
        body: Annotated[Search, Body()],
        x_kiosk: XKiosk = None,
        authorization: Authorization = None,
    ) -> dict[str, Any]:
        with database() as db:
            signed_in_ra(db, session_id, x_kiosk, authorization, body)
            now = clock()
            found = []
            for user in ra.search(db, body.query):
                held = vsc.of_user(db, user.id)
                found.append(
                    {
                        "username": user.username,
                        "domain": user.domain,
                        "display_name": user.display_name,
                        "registration_authority": user.registration_authority,
                        "vsc": vsc.view(held, now) if held is not None else None,
                    }
                )
            return {"users": found}

    @routes.post("/vscs")
    def unassigned(
        session_id: SessionId,
        body: Annotated[RaRequest, Body()],
        x_kiosk: XKiosk = None,
        authorization: Authorization = None,
    ) -> dict[str, Any]:
        with database() as db:
            signed_in_ra(db, session_id, x_kiosk, authorization, body)
            now = clock()
            views = [vsc.view(item, now) for item in vsc.listing(db)]
            return {"vscs": [item for item in views if item["status"] == "unassigned"]}

    @routes.post("/assign")
    def assign(
        session_id: SessionId,
        body: Annotated[Assign, Body()],
        x_kiosk: XKiosk = None,
        authorization: Authorization = None,
    ) -> dict[str, Any]:
        with database() as db:
            kiosk, user = session_user(db, session_id, x_kiosk, authorization)
            now = clock()
            try:
                wanted = ra.Assignment(
                    (body.username, body.domain), body.cis_username, body.serial,
                    body.ra_card is not None and body.ra_card.present,
                )  # fmt: skip
                assigned = ra.assign(db, auditor, kiosk, user, wanted, now)
            except ra.AssignmentRefused as refusal:
                db.commit()  # the refusal's audit line
                raise _refused(refusal) from None
            db.commit()
            return {"vsc": vsc.view(assigned, now)}

    return routes
