"""`appliance audit`: whatever kiosks send or a row holds, each event is one honest line, and
`--json` gives the exact values. Through the real API and the real CLI."""

from __future__ import annotations

import datetime as dt
import json
import re

from appliance.audit import Auditor
from appliance.config import load_settings
from appliance.db import make_engine, session_factory
from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk

FAKE = "2026-01-01T00:00:00Z login kiosk=ward1 user=eve"
# what could end a line, or look as if it had, in a terminal or a log tool
BREAKS = ["\n", "\r", "\r\n", "\x1b[2K\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]
LINE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [a-z_]+ kiosk=\S+ user=\S+( card=[0-9a-f]{12})?( \{.*\})?"
)


def audit(server: LocalAppliance, *args: str) -> list[str]:
    done = server.admin("audit", "-n", "1000", *args)
    assert done.returncode == 0, done.stderr
    # as a terminal or a line-based tool would split it
    return done.stdout.splitlines()


def test_line_breaks_sent_to_the_api_never_reach_the_audit(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    for mark in BREAKS:
        forged = f"alice{mark}{FAKE}"
        event = kiosk.post("/v1/events", {"event": "session", "action": "started", "user": forged})
        factor = {"type": "password", "username": forged, "password": "x", "domain": "DEMO"}
        login = kiosk.post("/v1/auth", {"factor": factor})
        for reply in (event, login):
            assert (reply.status_code, reply.json()["code"]) == (422, "invalid_request"), mark
    honest = {"event": "apps_closed", "user": "alice", "graceful": 4, "forced": 1}
    assert kiosk.post("/v1/events", honest).status_code == 204
    lines = audit(appliance_server)
    assert all(LINE.fullmatch(line) for line in lines), lines
    assert not any("user=eve" in line for line in lines)
    records = [json.loads(line) for line in audit(appliance_server, "--json")]
    assert len(records) == len(lines)
    assert "eve" not in {record["user"] for record in records}
    assert records[-1]["event"] == "kiosk_apps_closed"
    assert records[-1]["detail"] == {"graceful": 4, "forced": 1}


def test_rows_holding_control_characters_are_escaped_and_exact_in_json(
    appliance_server: LocalAppliance,
):
    """Rows from before the API checked names (the forgeries of issue 12 are in databases
    now), written by the appliance's own audit writer: one line each, escaped."""
    settings = load_settings(appliance_server.state_dir)
    at = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    rows = [(f"eve{mark}{FAKE}", f"ward\x1b[31m{mark}7", f"s_{mark}\\") for mark in BREAKS]
    card = "0123456789abcdef" * 2  # what the audit keeps of a card
    engine = make_engine(settings.db_url)
    try:
        with session_factory(engine)() as db:
            written = [
                {
                    "at": at,
                    "kiosk": kiosk_name,
                    "username": user,
                    "event": "kiosk_session",
                    "card_hash": card,
                    "detail": json.dumps({"session": session}),
                }
                for user, kiosk_name, session in rows
            ]
            Auditor().record_all(db, written)
            db.commit()
    finally:
        engine.dispose()
    lines = audit(appliance_server)[-len(rows) :]
    for line in lines:
        assert LINE.fullmatch(line), line
        assert line.startswith("2026-05-01T12:00:00Z kiosk_session kiosk=ward\\x1b[31m")
        assert " user=eve\\" in line  # the break, escaped
        assert "\\x20login\\x20kiosk=ward1" in line  # spaces cannot fake fields either
    records = [json.loads(line) for line in audit(appliance_server, "--json")[-len(rows) :]]
    assert records == [
        {
            "at": "2026-05-01T12:00:00Z",
            "event": "kiosk_session",
            "kiosk": kiosk_name,
            "user": user,
            "card": card[:12],
            "detail": {"session": session},
        }
        for user, kiosk_name, session in rows
    ]
