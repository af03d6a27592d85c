"""The demo users `greeter demo` and the tests log in as (all local, domain DEMO)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from appliance.admin import NewUser, add_user
from appliance.audit import Auditor
from appliance.config import HashCost
from appliance.directory import find_user
from appliance.keys import Keys
from appliance.ra import bind
from appliance.store import User
from appliance.vsc import Change, Material
from appliance.vsc import add as add_vsc
from appliance.vscgen import test_certificate

DOMAIN = "DEMO"
CLINICAL = ("R8000", "Clinical Practitioner Access Role")
ADMIN_ROLE = ("R8008", "Admin/Clinical Support Access Role")
RA_ROLE = ("R1990", "Registration Authority Agent")


def demo_users(today: dt.date) -> list[NewUser]:
    return [
        NewUser(
            "alice",
            DOMAIN,
            "Alice Adams",
            password="alice-demo-pass",  # noqa: S106 - published demo credentials
            pin="1234",
            roles=(CLINICAL, ADMIN_ROLE),  # two roles and none current: the role screen shows
            cards=("04A1B2C3D4E5F6",),
        ),
        NewUser(
            "bob",
            DOMAIN,
            "Bob Brown",
            password="bob-demo-pass",  # noqa: S106 - published demo credentials
            roles=(CLINICAL,),
            current_role=CLINICAL[0],
        ),
        NewUser(
            "carol",
            DOMAIN,
            "Carol Clark",
            password="carol-demo-pass",  # noqa: S106 - published demo credentials
            roles=(CLINICAL,),
            current_role=CLINICAL[0],
            cards=("04C0FFEE000001",),
        ),
        NewUser(
            "ravi",
            DOMAIN,
            "Ravi Rao",
            password="ravi-demo-pass",  # noqa: S106 - published demo credentials
            pin="2468",
            registration_authority=True,
            roles=(RA_ROLE,),
            current_role=RA_ROLE[0],
            cards=("04AA0000000002",),
        ),
    ]


def seed_demo(db: Session, cost: HashCost, keys: Keys, audit: Auditor) -> list[str]:
    """Add the demo users that are missing; returns the names added."""
    added = []
    for new in demo_users(dt.datetime.now(dt.UTC).date()):
        if find_user(db, new.username, new.domain) is None:
            user = add_user(db, new, cost, keys, audit)
            added.append(new.username)
            if new.username in DEMO_VSCS:
                _demo_vsc(db, keys, audit, user, *DEMO_VSCS[new.username])
    db.commit()
    return added


# the demo's VSCs (test certificates, `appliance.vscgen`): carol holds one expiring in 5 days;
# bob's is unassigned, for an RA (ravi) to assign at a kiosk
DEMO_VSCS = {
    "carol": ("555000000003", "VSC-DEMO-0003", 5, True),
    "bob": ("555000000002", "VSC-DEMO-0002", 400, False),
}


def _demo_vsc(
    db: Session,
    keys: Keys,
    audit: Auditor,
    user: User,
    cis: str,
    serial: str,
    days: int,
    held: bool,
) -> None:
    now = dt.datetime.now(dt.UTC)
    # an hour's margin: whole days left read `days` for the first hour after seeding
    made = test_certificate(cis, now + dt.timedelta(days=days, hours=1))
    change = Change(keys, audit, now, "demo")
    vsc = add_vsc(db, change, cis, serial, Material(made.cert_pem, made.key_pem))
    if held:
        bind(db, vsc, user, "demo", now)
