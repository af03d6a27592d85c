"""What the VSC and RA tests share: VSCs added through the admin API, an RA signed in at a
kiosk, assignment through the kiosk's RA routes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests

from appliance.local import LocalAppliance
from appliance.vscgen import TestCertificate, test_certificate
from tests.appliance.admin_client import AdminClient
from tests.appliance.kiosk_client import Kiosk
from tests.rig.ssb import CIS_USERNAMES

RAVI = "04AA0000000002"
CARD_PRESENT = {"present": True}


def add_vsc(admin: AdminClient, cis: str, serial: str, lifetime: dt.timedelta) -> TestCertificate:
    """A VSC valid for `lifetime` from now (give an hour's margin for whole days)."""
    made = test_certificate(cis, dt.datetime.now(dt.UTC) + lifetime)
    body = {
        "cis_username": cis,
        "serial": serial,
        "certificate": made.cert_pem.decode(),
        "private_key": made.key_pem.decode(),
    }
    admin.ok("POST", "/vscs", body)
    return made


def days(count: int) -> dt.timedelta:
    return dt.timedelta(days=count, hours=1)


def ra_session(kiosk: Kiosk, card: str = RAVI, pin: str = "2468") -> str:
    first = kiosk.tap(card)
    done = kiosk.pin(first["state"], pin)
    assert done["status"] == "ok", done
    return str(done["session"]["id"])


def assign(
    kiosk: Kiosk, session: str, user: str, cis: str, serial: str, **extra: Any
) -> requests.Response:
    body: dict[str, Any] = {
        "username": user, "domain": "DEMO", "cis_username": cis, "serial": serial,
        "ra_card": CARD_PRESENT,
    }  # fmt: skip
    body.update(extra)
    return kiosk.post(
        f"/v1/sessions/{session}/ra/assign", {k: v for k, v in body.items() if v is not None}
    )


def give_alice_a_vsc(
    server: LocalAppliance,
    serial: str,
    lifetime: dt.timedelta | None = None,
    cis: str = CIS_USERNAMES["alice@DEMO"],
) -> dt.datetime:
    """A VSC for alice (by default under her CIS username as the simulated SSB knows it),
    added through the admin API and assigned by the RA ravi at a kiosk with his card; returns
    the VSC's expiry."""
    made = add_vsc(AdminClient(server), cis, serial, lifetime or days(200))
    ra = Kiosk(server)
    try:
        done = assign(ra, ra_session(ra), "alice", cis, serial)
        assert done.status_code == 200, done.text
    finally:
        ra.close()
    return made.certificate.not_valid_after_utc
