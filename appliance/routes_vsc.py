"""Mounts the admin API (SSB certificates, VSC inventory, report) and the kiosk's RA routes
on the app: `appliance.api` calls `install` once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from appliance import alerts, ra_api
from appliance.admin_api import Admin, ssb_router
from appliance.admin_vsc_api import vsc_router
from appliance.audit import Auditor
from appliance.config import Settings


def install(
    app: FastAPI,
    settings: Settings,
    database: sessionmaker[Session],
    clock: Callable[[], dt.datetime],
    auditor: Auditor,
    authorised: ra_api.Authorised,
    admin_check: Callable[[str | None], None],
) -> Admin:
    admin = Admin(settings, database, clock, auditor, admin_check)
    app.include_router(ssb_router(admin))
    app.include_router(vsc_router(admin))
    app.include_router(ra_api.router(database, authorised, clock, auditor))
    alerts.schedule(app, settings, database, clock, auditor)
    return admin
