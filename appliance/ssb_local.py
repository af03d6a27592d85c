"""The SIMULATED Spine Security Broker (`appliance.ssb_sim`) as a child process on loopback
HTTPS: for `greeter demo` (`start_demo_ssb`) and the test rig (`tests/rig/ssb.py`). Not NHS
Spine: it knows the demo users' Spine roles and the CIS usernames of the demo's virtual
smartcards, nothing more.

    ssb = start_demo_ssb(state_dir)            # its CA made once in <state>/ssb-sim/, trusted
    start_local_appliance(state_dir, seed_demo=True, extra_config=demo_spine_config(ssb))
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from appliance.certs import ensure_certificates
from appliance.demo import DEMO_VSCS, DOMAIN, demo_users
from appliance.local import ChildServer, _die_with_parent, _read_port, _wait_until_answering
from appliance.private import PUBLIC, write_file
from appliance.ssbcerts import DEMO_CA_DIR
from appliance.ssbcerts import install_demo as install_demo_ssb
from appliance.statedir import make_state_dir

# the demo's Spine environment (a kiosk's `[spine] environment` defaults to it too)
DEMO_ENVIRONMENT = "development"
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
# who may reset a Spine session at a kiosk in the demo
DEMO_ADMINISTRATORS = ("ravi@DEMO",)


class LocalSsb(ChildServer):
    def __init__(self, process: subprocess.Popen[bytes], url: str, ca: Path) -> None:
        self.process, self.url, self.ca = process, url, ca


def start_ssb_process(directory: Path, config: dict[str, Any]) -> LocalSsb:
    """Serve the simulated SSB with `config` (ssb.json's content, `appliance.ssb_sim`) from
    `directory`, under a server certificate from the CA there (made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    ensure_certificates(directory, LOOPBACK_NAMES)
    write_file(directory / "ssb.json", json.dumps(config).encode(), PUBLIC)
    read_end, write_end = os.pipe()
    command = [
        sys.executable, "-m", "appliance.ssb_sim", "--config", str(directory / "ssb.json"),
        "--cert", str(directory / "server.pem"), "--key", str(directory / "server.key"),
        "--port", "0", "--ready-fd", str(write_end),
    ]  # fmt: skip
    process = subprocess.Popen(command, pass_fds=(write_end,), preexec_fn=_die_with_parent)
    os.close(write_end)
    try:
        port = _read_port(read_end, process)
        url = f"https://127.0.0.1:{port}"
        _wait_until_answering(url, directory / "ca.pem", process)
    except BaseException:
        process.kill()
        process.wait(timeout=10)
        raise
    finally:
        with contextlib.suppress(OSError):
            os.close(read_end)
    return LocalSsb(process, url, directory / "ca.pem")


def demo_ssb_users() -> dict[str, dict[str, Any]]:
    """The demo users as the simulated SSB knows them: their Spine roles, and for those the
    demo gives a VSC the CIS username whose certificates it accepts. No physical Spine
    smartcard is simulated in the demo."""
    cis = {user: entry[0] for user, entry in DEMO_VSCS.items()}
    users: dict[str, dict[str, Any]] = {}
    for user in demo_users(dt.datetime.now(dt.UTC).date()):
        entry: dict[str, Any] = {
            "roles": [{"code": code, "name": name} for code, name in user.roles]
        }
        if user.username in cis:
            entry["cis_username"] = cis[user.username]
        users[f"{user.username}@{DOMAIN}"] = entry
    return users


def start_demo_ssb(state_dir: Path, *, latency_ms: int = 0) -> LocalSsb:
    """The demo's simulated SSB, its server certificate issued by the simulation's CA in
    `<state_dir>/ssb-sim/`, which is made once and put in the appliance's SSB store."""
    make_state_dir(state_dir)
    install_demo_ssb(state_dir)
    config = {
        "environment": DEMO_ENVIRONMENT,
        "latency_ms": latency_ms,
        "max_seconds": 12 * 3600,
        "users": demo_ssb_users(),
    }
    return start_ssb_process(state_dir / DEMO_CA_DIR, config)


def demo_spine_config(ssb: LocalSsb) -> dict[str, Any]:
    """The `[spine]` table of the demo appliance: its environment served by `ssb`."""
    return {
        "spine": {
            "environment": DEMO_ENVIRONMENT,
            "administrators": list(DEMO_ADMINISTRATORS),
            "urls": {DEMO_ENVIRONMENT: ssb.url},
        }
    }
