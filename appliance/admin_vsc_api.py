"""Admin API routes of the VSC inventory and its report (`/v1/admin/vscs`, `/v1/admin/reports`).

Certificates and keys come as PEM text or base64 of DER; a private key is sealed at once and
is in no reply, log or audit line.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field
from sqlalchemy.orm import Session

from appliance import errors, report, vsc
from appliance.admin_api import ADMIN_API, Admin, Authorization, refused
from appliance.config import ApplianceError
from appliance.models import Strict
from appliance.store import Vsc

_PEM_OR_B64 = Field(min_length=1, max_length=6000)


class Pair(Strict):
    """A certificate and its private key: PEM text, or base64 of DER."""

    certificate: Annotated[str, _PEM_OR_B64]
    private_key: Annotated[str, Field(min_length=1, max_length=6000, repr=False)]


class NewVsc(Pair):
    cis_username: Annotated[str, Field(min_length=1, max_length=128)]
    serial: Annotated[str, Field(min_length=1, max_length=64)]


def _bytes(text: str, what: str) -> bytes:
    if "-----BEGIN" in text:
        return text.encode()
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise errors.invalid_request(f"unable to read {what}: neither PEM nor base64") from None


def _material(body: Pair) -> vsc.Material:
    return vsc.Material(
        _bytes(body.certificate, "certificate"), _bytes(body.private_key, "private_key")
    )


def vsc_router(admin: Admin) -> APIRouter:
    router = APIRouter(prefix="/v1/admin")
    keys = admin.settings.keys

    @router.get("/vscs")
    def list_vscs(authorization: Authorization = None) -> dict[str, Any]:
        admin.guard(authorization)
        now = admin.clock()
        with admin.database() as db:
            return {"vscs": [vsc.view(item, now) for item in vsc.listing(db)]}

    def change() -> vsc.Change:
        return vsc.Change(keys, admin.auditor, admin.clock(), ADMIN_API)

    def done(db: Session, work: Callable[[], Vsc]) -> dict[str, Any]:
        """The VSC `work` made, committed; a refusal is `400 vsc_refused` with its reason."""
        try:
            changed = work()
        except ApplianceError as error:
            raise refused(error, "vsc_refused") from None
        db.commit()
        return {"vsc": vsc.view(changed, admin.clock())}

    @router.post("/vscs", status_code=201)
    def add_vsc(body: Annotated[NewVsc, Body()], authorization: Authorization = None) -> Any:
        admin.guard(authorization)
        with admin.database() as db:
            pair = _material(body)
            return done(db, lambda: vsc.add(db, change(), body.cis_username, body.serial, pair))

    @router.post("/vscs/{serial}/renew")
    def renew_vsc(
        serial: str, body: Annotated[Pair, Body()], authorization: Authorization = None
    ) -> Any:
        admin.guard(authorization)
        with admin.database() as db:
            _exists(db, serial)
            pair = _material(body)
            return done(db, lambda: vsc.renew(db, change(), serial, pair))

    @router.post("/vscs/{serial}/revoke")
    def revoke_vsc(serial: str, authorization: Authorization = None) -> Any:
        admin.guard(authorization)
        with admin.database() as db:
            _exists(db, serial)
            return done(db, lambda: vsc.revoke(db, change(), serial))

    @router.get("/reports/vsc")
    def vsc_report(authorization: Authorization = None) -> Any:
        admin.guard(authorization)
        with admin.database() as db:
            return report.vsc_report(db, admin.clock())

    return router


def _exists(db: Session, serial: str) -> None:
    try:
        vsc.find(db, serial, "find the VSC")
    except ApplianceError as error:
        raise errors.not_found(str(error)) from None
