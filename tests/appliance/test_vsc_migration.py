"""The hand-typed VSC expiry of older databases becomes an assigned VSC without a certificate:
the user is still warned, and the report shows an RA holding one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import text

from appliance.config import sqlite_url
from appliance.db import make_engine, migrate
from appliance.local import start_local_appliance
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.test_migration import CARD, make_old_database


def test_a_typed_vsc_expiry_survives_the_upgrade(tmp_path: Path):
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    url = sqlite_url(state_dir)
    make_old_database(url)
    engine = make_engine(url)
    migrate(engine, b"", "0002")
    expires = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=5)
    with engine.begin() as db:
        db.execute(text("UPDATE users SET vsc_expires = :d"), {"d": expires})
    engine.dispose()
    with start_local_appliance(state_dir, fast_hashing=True) as server:
        kiosk = Kiosk(server)
        done = kiosk.pin(kiosk.tap(CARD)["state"], "8642")
        assert done["status"] == "ok"
        assert [(n["code"], n["days_left"]) for n in done["notices"]] == [("vsc_expiring", 5)]
        kiosk.close()
        listed = server.admin("vsc", "list").stdout
        assert f"legacy-1\tcis=olga\tassigned\tolga@OLD\t{expires + dt.timedelta(days=1)}" in listed
        found = json.loads(server.admin("report", "vsc", "--json").stdout)
        assert [item["owner"] for item in found["ras_holding_vsc"]] == ["olga@OLD"]
