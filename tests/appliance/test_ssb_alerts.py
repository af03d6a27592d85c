"""An SSB certificate expiring within 30 days: an alert in the listing (API and CLI), once a
day in the audit even across restarts, and one e-mail received by a real SMTP server."""

from __future__ import annotations

import base64
import datetime as dt
import time
from pathlib import Path

from appliance.bootstrap import initialise
from appliance.vscgen import test_certificate
from tests.appliance.admin_client import AdminClient
from tests.rig.appliance import start_demo_appliance
from tests.rig.smtp import SmtpServer, smtp_server  # noqa: F401

SUBJECT = "CN=expiring.ssb.example"


def wait_for_mail(smtp: SmtpServer, count: int) -> None:
    deadline = time.monotonic() + 15
    while len(smtp.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_the_30_day_alert_in_listing_audit_and_mail(tmp_path: Path, smtp_server: SmtpServer):  # noqa: F811
    state_dir = tmp_path / "appliance"
    smtp = {"host": smtp_server.host, "port": smtp_server.port, "from": "kiosk@trust.example",
            "to": ["it@trust.example"]}  # fmt: skip
    initialise(state_dir, extra_config={"smtp": smtp})
    soon = test_certificate("expiring.ssb.example", dt.datetime.now(dt.UTC) + dt.timedelta(days=20))
    later = test_certificate(
        "fine.ssb.example", dt.datetime.now(dt.UTC) + dt.timedelta(days=31, hours=1)
    )
    with start_demo_appliance(state_dir) as server:
        admin = AdminClient(server)
        for name, made in (("later.cer", later), ("soon.crt", soon)):
            body = {"filename": name, "content_base64": base64.b64encode(made.cert_der).decode()}
            admin.ok("POST", "/ssb-certs", body)
        listed = admin.ok("GET", "/ssb-certs")
        assert [alert["subject"] for alert in listed["alerts"]] == [SUBJECT]
        assert listed["alerts"][0]["days_left"] == 19
        alerting = {cert["subject"]: cert["alert"] for cert in listed["certificates"]}
        assert alerting == {
            SUBJECT: True, "CN=fine.ssb.example": False, "CN=Simulated SSB CA (demo)": False
        }  # fmt: skip
        wait_for_mail(smtp_server, 1)
        assert len(admin.ok("GET", "/ssb-certs")["alerts"]) == 1  # still shown
    # a restart checks again at start: the day's alert was raised already
    with start_demo_appliance(state_dir) as server:
        cli = server.admin("ssb-cert", "list").stdout
        assert "ALERT: expires in 19 days" in cli
        assert AdminClient(server).ok("GET", "/ssb-certs")["alerts"][0]["subject"] == SUBJECT
        audit = server.admin("audit", "-n", "500").stdout
    lines = [line for line in audit.splitlines() if "ssb_cert_expiring" in line]
    assert len(lines) == 1, audit
    assert SUBJECT in lines[0]
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert (mail.sender, mail.recipients) == ("kiosk@trust.example", ["it@trust.example"])
    assert "Subject: tapkiosk: 1 SSB certificate(s) expire within 30 days" in mail.data
    assert "expiring.ssb.example" in mail.data
    assert "fine.ssb.example" not in mail.data
