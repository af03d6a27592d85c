"""The VSC inventory and its assignment by a Registration Authority at a kiosk, through a real
appliance over HTTPS (SQLite and PostgreSQL): each refusal with its own code."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from appliance.config import ApplianceError, load_settings
from appliance.db import make_engine, session_factory
from appliance.keys import Keys
from appliance.local import LocalAppliance
from appliance.store import User
from appliance.vsc import signing_material
from tests.appliance.admin_client import AdminClient
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.vsc_helpers import add_vsc, assign, days, ra_session
from tests.rig.appliance import DATABASES, start_on_database

ALICE = "04A1B2C3D4E5F6"


@pytest.fixture(params=DATABASES)
def server(request: pytest.FixtureRequest, tmp_path) -> Iterator[LocalAppliance]:
    with start_on_database(request, tmp_path / "appliance") as running:
        yield running


def admin_ok(server: LocalAppliance, *args: str) -> str:
    done = server.admin(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_ra_assigns_a_vsc_and_each_refusal_has_its_code(server: LocalAppliance):
    admin, kiosk = AdminClient(server), Kiosk(server)
    add_vsc(admin, "555000000010", "VSC-10", days(200))
    add_vsc(admin, "555000000011", "VSC-11", days(200))
    add_vsc(admin, "555000000012", "VSC-12", days(200))
    add_vsc(admin, "555000000013", "VSC-13", dt.timedelta(seconds=3))  # expires meanwhile
    session = ra_session(kiosk)

    def refused(code: str, status: int, **body: object) -> None:
        defaults = {"user": "bob", "cis": "555000000010", "serial": "VSC-10"}
        args = {key: body.pop(key, value) for key, value in defaults.items()}
        reply = assign(
            kiosk, session, str(args["user"]), str(args["cis"]), str(args["serial"]), **body
        )
        assert (reply.status_code, reply.json()["code"]) == (status, code), reply.text
        assert reply.json()["message"]

    refused("ra_card_absent", 403, ra_card=None)
    refused("ra_card_absent", 403, ra_card={"present": False})
    refused("self_assignment", 403, user="ravi")
    admin_ok(server, "user", "set", "alice", "--ra")
    refused("target_is_ra", 403, user="alice")
    refused("user_not_found", 404, user="nobody")
    refused("vsc_not_found", 404, serial="VSC-11")  # its CIS username is another's
    refused("vsc_assigned", 409, cis="555000000003", serial="VSC-DEMO-0003")  # carol's
    time.sleep(3.5)
    refused("vsc_expired", 409, cis="555000000013", serial="VSC-13")
    admin.ok("POST", "/vscs/VSC-12/revoke")
    refused("vsc_revoked", 409, cis="555000000012", serial="VSC-12")

    done = assign(kiosk, session, "bob", "555000000010", "VSC-10")
    assert done.status_code == 200, done.text
    assert done.json()["vsc"]["owner"] == "bob@DEMO"
    assert done.json()["vsc"]["status"] == "assigned"
    refused("user_has_vsc", 409, cis="555000000011", serial="VSC-11")

    # a user who is no (longer an) RA is refused, even with the card present
    other = Kiosk(server)
    alice = ra_session(other, ALICE, "1234")
    admin_ok(server, "user", "set", "alice", "--no-ra")
    reply = assign(other, alice, "bob", "555000000011", "VSC-11")
    assert reply.json()["code"] == "not_an_ra"
    # a session is its kiosk's alone
    secret = admin_ok(server, "kiosk", "add", "ward9").strip()
    stranger = Kiosk(server, name="ward9", secret=secret)
    assert assign(stranger, session, "bob", "555000000011", "VSC-11").status_code == 404
    stranger.close()

    listed = {item["serial"]: item for item in admin.ok("GET", "/vscs")["vscs"]}
    assert listed["VSC-10"]["owner"] == "bob@DEMO"
    assert listed["VSC-12"]["status"] == "revoked"
    assert listed["VSC-13"]["status"] == "expired"
    assert listed["VSC-11"]["status"] == "unassigned"
    audit = admin_ok(server, "audit", "-n", "200")
    for code in ("ra_card_absent", "self_assignment", "target_is_ra", "vsc_expired"):
        assert f'"reason": "{code}"' in audit
    assert "vsc_assigned kiosk=demo-kiosk user=bob" in audit
    kiosk.close()
    other.close()


def test_the_ra_searches_users_and_lists_unassigned_vscs(server: LocalAppliance):
    kiosk = Kiosk(server)
    session = ra_session(kiosk)
    found = kiosk.post(
        f"/v1/sessions/{session}/ra/users", {"query": "CAR", "ra_card": {"present": True}}
    ).json()["users"]
    assert [(user["username"], user["vsc"]["serial"]) for user in found] == [
        ("carol", "VSC-DEMO-0003")
    ]
    listed = kiosk.post(f"/v1/sessions/{session}/ra/vscs", {"ra_card": {"present": True}})
    assert [item["serial"] for item in listed.json()["vscs"]] == ["VSC-DEMO-0002"]
    no_card = kiosk.post(f"/v1/sessions/{session}/ra/vscs", {})
    assert (no_card.status_code, no_card.json()["code"]) == (403, "ra_card_absent")
    kiosk.close()


def test_a_vsc_key_is_sealed_at_rest_and_opens_only_for_the_broker(
    appliance_server: LocalAppliance,
):
    server = appliance_server
    made = add_vsc(AdminClient(server), "555000000020", "VSC-20", days(90))
    kiosk = Kiosk(server)
    assert assign(kiosk, ra_session(kiosk), "bob", "555000000020", "VSC-20").status_code == 200
    kiosk.close()
    key_body = "".join(made.key_pem.decode().splitlines()[1:-1])
    engine = make_engine(server.db_url)
    with engine.connect() as db:
        everything = " ".join(
            str(value)
            for table in ("vscs", "audit_events")
            for row in db.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 - fixed names
            for value in row
        )
    assert "PRIVATE KEY" not in everything
    assert key_body[:40] not in everything
    settings = load_settings(server.state_dir)
    now = dt.datetime.now(dt.UTC)
    with session_factory(engine)() as db:
        bob = db.scalars(select(User).where(User.username == "bob")).one()
        material = signing_material(db, settings.keys, bob.id, now)
        assert material is not None
        cert, key = material
        assert cert == made.certificate
        assert key.public_key() == made.key.public_key()
        # a copy of the database without secret.key opens nothing
        with pytest.raises(ApplianceError):
            signing_material(db, Keys(b"another key" * 3), bob.id, now)
    engine.dispose()
