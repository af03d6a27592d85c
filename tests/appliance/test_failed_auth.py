"""Wrong kiosk credentials are throttled by source address, over real HTTPS (the server sees
loopback clients from 127.0.0.1 and, for "another address", 127.0.0.2)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.appliance.kiosk_client import Kiosk
from tests.rig.appliance import start_demo_appliance


def test_wrong_secrets_are_throttled_by_address_and_others_get_in(tmp_path: Path):
    # a burst of 3, then one every 2 s
    with start_demo_appliance(tmp_path / "a", failed_auth=(3, 30.0)) as server:
        wrong = Kiosk(server, secret="not-the-secret")
        right_here = Kiosk(server)
        right_elsewhere = Kiosk(server, source="127.0.0.2")
        try:
            codes = [wrong.get("/v1/kiosk").status_code for _ in range(100)]
            assert codes[:3] == [401, 401, 401]
            assert codes.count(401) <= 4, codes  # a token may refill during the run
            limited = wrong.get("/v1/kiosk")
            assert limited.status_code == 429
            assert limited.json()["code"] == "rate_limited"
            retry = int(limited.headers["Retry-After"])
            assert 1 <= retry <= 3
            # from that address even the right secret waits: the secret is not looked at
            assert right_here.get("/v1/kiosk").status_code == 429
            # nor does a card tap
            tap = right_here.post("/v1/auth", {"factor": {"type": "card", "id": "04A1B2C3D4E5F6"}})
            assert tap.status_code == 429
            # another address is not held up
            assert right_elsewhere.get("/v1/kiosk").status_code == 200
            assert right_elsewhere.tap("04A1B2C3D4E5F6")["status"] == "continue"
            time.sleep(retry)  # the bucket refills: the address is heard again
            assert right_here.get("/v1/kiosk").status_code == 200
        finally:
            for kiosk in (wrong, right_here, right_elsewhere):
                kiosk.close()


def test_successes_do_not_count_against_an_address(tmp_path: Path):
    with start_demo_appliance(tmp_path / "a", failed_auth=(2, 1.0)) as server:
        kiosk = Kiosk(server)
        try:
            assert {kiosk.get("/v1/kiosk").status_code for _ in range(20)} == {200}
        finally:
            kiosk.close()
