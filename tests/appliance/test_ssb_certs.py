"""The SSB certificate store through the admin API and CLI of a real appliance."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from appliance.local import LocalAppliance
from appliance.ssbcerts import store_dir
from appliance.vscgen import test_certificate
from tests.appliance.admin_client import AdminClient

NOW = dt.datetime.now(dt.UTC)


def upload(filename: str, data: bytes) -> dict[str, str]:
    return {"filename": filename, "content_base64": base64.b64encode(data).decode()}


@pytest.fixture
def admin(appliance_server: LocalAppliance) -> AdminClient:
    return AdminClient(appliance_server)


def test_the_demo_installs_the_simulated_ssbs_ca(admin: AdminClient):
    listed = admin.ok("GET", "/ssb-certs")
    assert [cert["subject"] for cert in listed["certificates"]] == ["CN=Simulated SSB CA (demo)"]
    assert listed["alerts"] == []


@pytest.mark.parametrize(
    ("filename", "encoding"),
    [("ssb.cer", "pem"), ("ssb.crt", "der"), ("ssb.pem", "pem"), ("SSB.CER", "der")],
)
def test_upload_pem_or_der_then_list_and_remove(admin: AdminClient, filename: str, encoding: str):
    made = test_certificate("ssb.spine.example", NOW + dt.timedelta(days=400))
    data = made.cert_pem if encoding == "pem" else made.cert_der
    added = admin.ok("POST", "/ssb-certs", upload(filename, data))["certificates"]
    assert [cert["subject"] for cert in added] == ["CN=ssb.spine.example"]
    cert_id = added[0]["id"]
    # kept as PEM, where the broker loads its trust store from
    kept = store_dir(admin.server.state_dir) / f"{cert_id}.pem"
    assert kept.read_bytes() == made.cert_pem
    listed = admin.ok("GET", "/ssb-certs")["certificates"]
    assert {cert["id"] for cert in listed} >= {cert_id}
    assert admin.call("DELETE", f"/ssb-certs/{cert_id}").status_code == 204
    assert not kept.exists()
    assert admin.call("DELETE", f"/ssb-certs/{cert_id}").json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("ssb.txt", test_certificate("x", NOW + dt.timedelta(days=99)).cert_pem, "only .cer"),
        ("ssb.cer", b"not a certificate at all", "not an X.509 certificate"),
        ("ssb.pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not an"),
        ("old.crt", test_certificate("old", NOW - dt.timedelta(days=1)).cert_der, "expired on"),
    ],
)
def test_refused_uploads_say_why(admin: AdminClient, filename: str, data: bytes, reason: str):
    before = sorted(store_dir(admin.server.state_dir).iterdir())
    reply = admin.call("POST", "/ssb-certs", upload(filename, data))
    assert reply.status_code == 400
    assert reply.json()["code"] == "certificate_refused"
    assert reason in reply.json()["message"]
    assert sorted(store_dir(admin.server.state_dir).iterdir()) == before


def test_the_admin_api_needs_the_admin_token(appliance_server: LocalAppliance):
    for token in ("wrong", appliance_server.kiosk_secret):
        reply = AdminClient(appliance_server, token=token).call("GET", "/ssb-certs")
        assert reply.status_code == 401
        assert reply.json()["code"] == "admin_unauthorized"


def test_the_cli_adds_lists_and_removes(appliance_server: LocalAppliance, tmp_path):
    made = test_certificate("cli.ssb.example", NOW + dt.timedelta(days=10))
    path = tmp_path / "cli.cer"
    path.write_bytes(made.cert_der)
    added = appliance_server.admin("ssb-cert", "add", str(path))
    assert added.returncode == 0, added.stderr
    listed = appliance_server.admin("ssb-cert", "list").stdout
    line = next(line for line in listed.splitlines() if "cli.ssb.example" in line)
    assert "ALERT: expires in 9 days" in line
    garbage = tmp_path / "bad.pem"
    garbage.write_text("hello")
    refused = appliance_server.admin("ssb-cert", "add", str(garbage))
    assert refused.returncode == 1
    assert refused.stderr.startswith("appliance: unable to add 'bad.pem'")
    assert "Traceback" not in refused.stderr
    removed = appliance_server.admin("ssb-cert", "remove", line.split("\t")[0])
    assert removed.returncode == 0, removed.stderr
    assert "cli.ssb.example" not in appliance_server.admin("ssb-cert", "list").stdout
