"""The SSB certificate alert: a certificate of the store expiring within 30 days shows in
every listing (CLI and admin API) and, once a day, goes to the audit and (when `[smtp]` is
configured) by e-mail. "Once a day" holds across restarts and workers: whoever first inserts
the day's `daily_alerts` row raises it. The appliance checks at start and every hour, and at
each listing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import smtplib
import threading
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from appliance import mailer, ssbcerts
from appliance.audit import Auditor
from appliance.config import ApplianceError, Settings
from appliance.lifespan import while_serving
from appliance.store import DailyAlert

log = logging.getLogger(__name__)
KIND = "ssb_cert_expiring"
APPLIANCE = "appliance"
CHECK_EVERY_SECONDS = 3600.0


def _claim(db: Session, day: dt.date, now: dt.datetime) -> bool:
    """Whether this process raises today's alert (False: someone already did)."""
    db.add(DailyAlert(kind=KIND, day=day, raised_at=now))
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        return False
    return True


def message(expiring: list[ssbcerts.SsbCert], now: dt.datetime) -> tuple[str, str]:
    subject = f"tapkiosk: {len(expiring)} SSB certificate(s) expire within 30 days"
    lines = [
        "These SSB certificates, trusted by the appliance's Spine broker, expire soon.",
        "Upload their replacements (appliance ssb-cert add) before they do:",
        "",
        *(
            f"- {cert.subject} (issuer {cert.issuer}; id {cert.id}): expires "
            f"{cert.not_after:%Y-%m-%d %H:%M} UTC, in {cert.days_left(now)} days"
            for cert in expiring
        ),
    ]
    return subject, "\n".join(lines) + "\n"


def _mail(settings: Settings, subject: str, body: str) -> None:
    try:
        smtp = mailer.load_smtp(settings.state_dir)
        if smtp is not None:
            mailer.send(smtp, subject, body)
    except (ApplianceError, OSError, smtplib.SMTPException) as error:
        log.warning("unable to send the SSB certificate alert e-mail: %s", error)


def check(
    db: Session, settings: Settings, audit: Auditor, now: dt.datetime, *, wait: bool = False
) -> list[ssbcerts.SsbCert]:
    """The certificates expiring within 30 days; raises the day's alert if nobody has. The
    e-mail goes from a thread (`wait`: before returning) so no request waits on SMTP."""
    expiring = [cert for cert in ssbcerts.listing(settings.state_dir) if cert.alert(now)]
    if not expiring or not _claim(db, now.date(), now):
        return expiring
    for cert in expiring:
        audit.record(
            db, KIND, at=now, kiosk=APPLIANCE, id=cert.id, subject=cert.subject,
            not_after=f"{cert.not_after:%Y-%m-%dT%H:%M:%SZ}", days_left=cert.days_left(now),
        )  # fmt: skip
    db.commit()
    sender = threading.Thread(target=_mail, args=(settings, *message(expiring, now)), daemon=True)
    sender.start()
    if wait:
        sender.join()
    return expiring


def schedule(
    app: FastAPI,
    settings: Settings,
    database: sessionmaker[Session],
    clock: Callable[[], dt.datetime],
    audit: Auditor,
) -> None:
    """Check at start and every hour while the server runs (each worker: the day's row lets
    one of them raise it)."""

    def once() -> None:
        try:
            with database() as db:
                check(db, settings, audit, clock())
        except (SQLAlchemyError, ApplianceError, OSError) as error:
            log.warning("unable to check the SSB certificates: %s", error)

    async def every_hour() -> None:
        while True:
            await run_in_threadpool(once)
            await asyncio.sleep(CHECK_EVERY_SECONDS)

    while_serving(app, lambda: asyncio.create_task(every_hour()).cancel)
