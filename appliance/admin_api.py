"""The admin API (`/v1/admin/...`): what the CLI does, for an administrator's tools.

It takes `Authorization: Bearer <token>` with the token `appliance init` writes to
`<state_dir>/admin.token` (0600: whoever may read the state dir is an administrator anyway).
Kiosk credentials are no use here, nor the token at a kiosk route.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Response
from pydantic import Field
from sqlalchemy.orm import Session, sessionmaker

from appliance import errors, ssbcerts
from appliance.alerts import check
from appliance.audit import Auditor
from appliance.config import ADMIN_TOKEN_NAME, ApplianceError, Settings, read_state_file
from appliance.errors import ApiError
from appliance.models import Strict
from appliance.private import write_new

MAX_UPLOAD = 12 * 1024  # base64 of it fits the 16 KiB body limit
Authorization = Annotated[str | None, Header(max_length=512)]


def ensure_admin_token(state_dir: Path) -> None:
    write_new(state_dir / ADMIN_TOKEN_NAME, secrets.token_urlsafe(32).encode())


class Upload(Strict):
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content_base64: Annotated[str, Field(min_length=1, max_length=MAX_UPLOAD * 4 // 3 + 4)]


def admin_guard(state_dir: Path) -> Callable[[str | None], None]:
    """A check of the admin token, read once: the server's own copy."""
    token = (read_state_file(state_dir / ADMIN_TOKEN_NAME) or b"").strip()

    def check(authorization: str | None) -> None:
        offered = (authorization or "").removeprefix("Bearer ").strip().encode()
        if not token or not authorization or not hmac.compare_digest(offered, token):
            raise ApiError(401, "admin_unauthorized", "This request needs the admin token.")

    return check


def refused(error: ApplianceError, code: str = "refused") -> ApiError:
    return ApiError(400, code, str(error))


def decoded(upload: Upload) -> bytes:
    try:
        data = base64.b64decode(upload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise errors.invalid_request("unable to read content_base64: not base64") from None
    if len(data) > MAX_UPLOAD:
        raise errors.invalid_request(f"unable to read the file: larger than {MAX_UPLOAD} bytes")
    return data


@dataclass(frozen=True)
class Admin:
    """What every admin route needs."""

    settings: Settings
    database: sessionmaker[Session]
    clock: Callable[[], dt.datetime]
    auditor: Auditor
    guard: Callable[[str | None], None]

    def record(self, db: Session, event: str, **detail: Any) -> None:
        self.auditor.record(db, event, at=self.clock(), kiosk=ADMIN_API, **detail)


ADMIN_API = "admin-api"


def ssb_router(admin: Admin) -> APIRouter:
    router = APIRouter(prefix="/v1/admin")
    state_dir, guard, clock = admin.settings.state_dir, admin.guard, admin.clock

    @router.get("/ssb-certs")
    def list_certs(authorization: Authorization = None) -> dict[str, Any]:
        guard(authorization)
        now = clock()
        with admin.database() as db:
            alerts = check(db, admin.settings, admin.auditor, now)
        return {
            "certificates": [cert.wire(now) for cert in ssbcerts.listing(state_dir)],
            "alerts": [cert.wire(now) for cert in alerts],
        }

    @router.post("/ssb-certs", status_code=201)
    def add_cert(
        upload: Annotated[Upload, Body()], authorization: Authorization = None
    ) -> dict[str, Any]:
        guard(authorization)
        now = clock()
        try:
            added = ssbcerts.add(state_dir, upload.filename, decoded(upload), now)
        except ApplianceError as error:
            raise refused(error, "certificate_refused") from None
        with admin.database() as db:
            for cert in added:
                admin.record(db, "admin_ssb_cert_added", id=cert.id, subject=cert.subject)
            db.commit()
        return {"certificates": [cert.wire(now) for cert in added]}

    @router.delete("/ssb-certs/{cert_id}", status_code=204)
    def remove_cert(cert_id: str, authorization: Authorization = None) -> Response:
        guard(authorization)
        try:
            cert = ssbcerts.remove(state_dir, cert_id)
        except ApplianceError as error:
            raise errors.not_found(str(error)) from None
        with admin.database() as db:
            admin.record(db, "admin_ssb_cert_removed", id=cert.id, subject=cert.subject)
            db.commit()
        return Response(status_code=204)

    return router
