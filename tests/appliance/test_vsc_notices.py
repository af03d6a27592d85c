"""A VSC user's notices at login, through a real appliance: inside the policy's warning
window (29 days warns, 31 does not with 30; 13 warns, 15 does not with 14), expired, and a
renewal told once. Also: an administrator registers a card when self-enrolment is off."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from appliance.local import LocalAppliance
from appliance.vscgen import test_certificate
from tests.appliance.admin_client import AdminClient
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.vsc_helpers import add_vsc, assign, days, ra_session
from tests.rig.appliance import DATABASES, start_on_database

USERS = {"dan": 29, "erin": 31, "frank": 13, "gina": 15}


@pytest.fixture(params=DATABASES)
def server(request: pytest.FixtureRequest, tmp_path) -> Iterator[LocalAppliance]:
    with start_on_database(request, tmp_path / "appliance") as running:
        yield running


def admin_ok(server: LocalAppliance, *args: str, input_text: str | None = None) -> str:
    done = server.admin(*args, input_text=input_text)
    assert done.returncode == 0, done.stderr
    return done.stdout


def notices(kiosk: Kiosk, user: str) -> list[dict[str, object]]:
    done = kiosk.password(user, f"{user}-pass")
    assert done["status"] == "ok", done
    return list(done["notices"])


def test_warning_window_expiry_and_renewal(server: LocalAppliance):
    admin, kiosk = AdminClient(server), Kiosk(server)
    admin_ok(server, "policy", "set", "--name", "nopin", "--create", "pin=off")
    session = ra_session(kiosk)
    for number, (user, left) in enumerate([*USERS.items(), ("hank", 0)]):
        admin_ok(
            server, "user", "add", user, "--domain", "DEMO", "--policy", "nopin",
            input_text=f"{user}-pass\n",
        )  # fmt: skip
        cis, serial = f"5550000001{number:02}", f"VSC-N{number}"
        lifetime = days(left) if left else dt.timedelta(seconds=3)
        add_vsc(admin, cis, serial, lifetime)
        assert assign(kiosk, session, user, cis, serial).status_code == 200

    warned = notices(kiosk, "dan")
    assert [(n["code"], n["days_left"]) for n in warned] == [("vsc_expiring", 29)]
    assert warned[0]["message"] == (
        "Your virtual smartcard expires in 29 days. "
        "Renew it in the Care Identity Service (CIS) before then."
    )
    assert notices(kiosk, "erin") == []
    admin_ok(server, "policy", "set", "--name", "nopin", "vsc_warning_days=14")
    assert notices(kiosk, "dan") == []
    assert [(n["code"], n["days_left"]) for n in notices(kiosk, "frank")] == [("vsc_expiring", 13)]
    assert notices(kiosk, "gina") == []

    time.sleep(3)
    expired = notices(kiosk, "hank")
    assert [n["code"] for n in expired] == ["vsc_expired"]
    assert "no longer be used for Spine" in str(expired[0]["message"])
    assert "Registration Authority" in str(expired[0]["message"])

    # CIS renewed frank's: installed through the admin API, told once, then no warning
    renewed = test_certificate("555000000102", dt.datetime.now(dt.UTC) + days(400))
    body = {"certificate": renewed.cert_pem.decode(), "private_key": renewed.key_pem.decode()}
    reply = admin.ok("POST", "/vscs/VSC-N2/renew", body)
    until = reply["vsc"]["not_after"][:10]
    told = notices(kiosk, "frank")
    assert told == [
        {
            "code": "vsc_renewed",
            "valid_until": until,
            "message": f"Your virtual smartcard was renewed: it is valid until {until}.",
        }
    ]
    assert notices(kiosk, "frank") == []
    # a renewal must be the same card's later certificate, with its own key
    stale = {"certificate": renewed.cert_pem.decode(), "private_key": renewed.key_pem.decode()}
    assert admin.call("POST", "/vscs/VSC-N2/renew", stale).json()["code"] == "vsc_refused"
    other = test_certificate("x", dt.datetime.now(dt.UTC) + days(500))
    mixed = {"certificate": other.cert_pem.decode(), "private_key": renewed.key_pem.decode()}
    refusal = admin.call("POST", "/vscs/VSC-N2/renew", mixed).json()
    assert "not the certificate's" in refusal["message"]
    kiosk.close()


def test_vsc_report_lists_expiring_and_ras_holding_one(appliance_server: LocalAppliance):
    server = appliance_server
    admin = AdminClient(server)
    found = admin.ok("GET", "/reports/vsc")
    assert [item["serial"] for item in found["expiring"]] == ["VSC-DEMO-0003"]
    assert found["ras_holding_vsc"] == []
    refused = server.admin("user", "set", "carol", "--ra")
    assert refused.returncode == 1
    assert "unable to make carol@DEMO an RA: they hold VSC VSC-DEMO-0003" in refused.stderr
    admin_ok(server, "policy", "set", "--name", "nospine", "--create", "spine=off")
    admin_ok(server, "user", "add", "ivy", "--domain", "DEMO", "--policy", "nospine",
             input_text="ivy-pass\n")  # fmt: skip
    refused = server.admin("user", "set", "ivy", "--ra")
    assert "does not enable Spine" in refused.stderr


def test_admin_registers_a_card_with_self_enrolment_off(appliance_server: LocalAppliance):
    server = appliance_server
    admin_ok(server, "policy", "set", "self_enrollment=off")
    kiosk = Kiosk(server)
    card = "04B0B0B0B0B0B0"
    assert kiosk.tap(card)["enrollment"] == "disabled"
    admin_ok(server, "card", "add", "bob", card)
    first = kiosk.tap(card)
    assert (first["status"], first["user"]["username"]) == ("continue", "bob")
    kiosk.close()
