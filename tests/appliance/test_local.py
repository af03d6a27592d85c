"""The local appliance the greeter demo and other tests start: up over HTTPS, demo users in."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import requests

from appliance.local import LocalAppliance, start_local_appliance
from tests.appliance.kiosk_client import Kiosk

ALICE_CARD = "04A1B2C3D4E5F6"
RAVI_CARD = "04AA0000000002"


def test_demo_appliance_answers_over_https_with_pinned_ca(appliance_server: LocalAppliance):
    kiosk = Kiosk(appliance_server)
    info = kiosk.get("/v1/kiosk").json()
    assert info == {
        "kiosk": "demo-kiosk",
        "domains": ["DEMO"],
        "password_login": True,
        "card_enrollment": True,
        "entry_timeout": 60,
        "pin_rules": {"min_length": 4, "max_length": 8, "digits_only": True},
    }
    # without the pinned CA the certificate is not trusted
    try:
        requests.get(appliance_server.url + "/healthz", timeout=10)
        raise AssertionError("an unpinned client trusted the appliance's certificate")
    except requests.exceptions.SSLError:
        pass


def test_alice_logs_in_with_card_and_pin_on_real_argon2_cost(tmp_path: Path):
    # the product's own cost (19 MiB, t=2), not the tests' cheap one
    with start_local_appliance(tmp_path / "a", seed_demo=True, kiosk_name="ward7") as server:
        kiosk = Kiosk(server)
        first = kiosk.tap(ALICE_CARD)
        assert first["status"] == "continue"
        assert first["need"] == ["pin"]
        assert first["user"] == {"username": "alice", "display_name": "Alice Adams"}
        done = kiosk.pin(first["state"], "1234")
        assert done["status"] == "ok"
        assert done["session"]["method"] == "card_pin"
        assert done["session"]["user"]["registration_authority"] is False
        assert done["session"]["spine"]["role"] is None
        assert len(done["session"]["spine"]["roles"]) == 2
        assert "memory_kib" not in (server.state_dir / "appliance.toml").read_text()
    assert server.process.poll() is not None, "stop() leaves no server running"


def test_admin_runs_the_cli_against_the_same_state(appliance_server: LocalAppliance):
    listed = appliance_server.admin("user", "list")
    assert listed.returncode == 0
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [
        "alice@DEMO", "bob@DEMO", "carol@DEMO", "ravi@DEMO",
    ]  # fmt: skip


def test_a_crashed_parent_leaves_no_appliance_serving(tmp_path: Path):
    crash = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from appliance.local import start_local_appliance\n"
        "app = start_local_appliance(Path(sys.argv[1]), fast_hashing=True)\n"
        "print(app.process.pid, flush=True)\n"
        "os._exit(1)\n"  # dies without any clean-up, like a segfault
    )
    done = subprocess.run(
        [sys.executable, "-c", crash, str(tmp_path / "state")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    server = psutil.Process(int(done.stdout.split()[-1])) if done.stdout else None
    assert server is not None, done.stderr
    with contextlib.suppress(psutil.NoSuchProcess):
        server.wait(timeout=10)
    assert not server.is_running()


def test_users_finishing_logins_at_once_on_two_workers_share_nothing_but_their_own(
    tmp_path: Path,
):
    # two server processes share the hash slots; the PINs arrive together, so sessions are
    # created and the users' lockout counts ended by racing requests
    with start_local_appliance(
        tmp_path / "a", seed_demo=True, fast_hashing=True, workers=2
    ) as server:
        cards = [(ALICE_CARD, "1234"), (RAVI_CARD, "2468")] * 3
        kiosks = [Kiosk(server) for _ in cards]
        # one open PIN step per user: a user's new tap ends their older ones
        taps = [kiosk.tap(card) for kiosk, (card, _) in zip(kiosks, cards, strict=True)]
        barrier = threading.Barrier(len(kiosks))

        def pin(kiosk: Kiosk, tap: dict[str, Any], pin: str) -> tuple[int, str]:
            barrier.wait(timeout=30)
            reply = kiosk.post(
                "/v1/auth", {"state": tap["state"], "factor": {"type": "pin", "value": pin}}
            )
            return reply.status_code, reply.json().get("status") or reply.json()["code"]

        with ThreadPoolExecutor(len(kiosks)) as pool:
            done = list(pool.map(pin, kiosks, taps, [p for _, p in cards]))
        # the last tap of each user is the one left open
        assert sorted(done) == [(200, "ok")] * 2 + [(400, "state_invalid")] * 4
        both = [kiosk.tap(card) for kiosk, (card, _) in zip(kiosks[:2], cards[:2], strict=True)]
        assert [reply["session"]["method"] for reply in both] == ["tap_and_go"] * 2
        for kiosk in kiosks:
            kiosk.close()


def test_openapi_documents_the_closed_set_of_auth_replies(appliance_server: LocalAppliance):
    spec = requests.get(
        appliance_server.url + "/openapi.json", verify=str(appliance_server.ca_path), timeout=30
    ).json()
    reply = spec["paths"]["/v1/auth"]["post"]["responses"]["200"]["content"]["application/json"]
    mapping = reply["schema"]["discriminator"]["mapping"]
    assert set(mapping) == {
        "ok", "continue", "unknown_card", "enroll", "bad_factor", "locked", "denied",
    }  # fmt: skip
    denied = spec["components"]["schemas"]["Denied"]["properties"]["reason"]["enum"]
    assert "card_pending" in denied
