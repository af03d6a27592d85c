"""The greeter of the switch flows and the switch benchmark: a real appliance, PC/SC, and a
session whose desktop starts the user's Spine portal (both test programs that save their work
on SIGTERM); and the steps those flows share."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from appliance.local import LocalAppliance
from greeter import config as greeter_config
from greeter.ui.main import Greeter
from greeter.wiring import build_kiosk
from tests.greeter.ui.conftest import Screen
from tests.greeter.ui.kiosk_rig import KioskRig, sign_in
from tests.rig.pcsc import IsolatedPcscd
from tests.session.programs import Programs

ALICE = bytes.fromhex("04A1B2C3D4E5F6")
CAROL = bytes.fromhex("04C0FFEE000001")
RAVI = bytes.fromhex("04AA0000000002")


def write_config(
    directory: Path, appliance: LocalAppliance, programs: Programs, event_log: Path
) -> Path:
    secret_file = directory / "kiosk.secret"
    secret_file.write_text(appliance.kiosk_secret)
    secret_file.chmod(0o600)
    # the desktop is the session command; it starts the user's Spine portal, which the switch
    # must close (matched by its command line) after it saved
    desktop = [*programs.app_command("{user}-desktop"), "--spawn", "{user}-portal"]
    portal_rule = re.escape(str(programs.app)) + r" --name \S+-portal( |$)"
    path = directory / "greeter.toml"
    path.write_text(
        f"""
[kiosk]
name = "{appliance.kiosk_name}"
locale = "en"
event_log = "{event_log}"
busy_delay = 0.3

[appliance]
url = "{appliance.url}"
ca = "{appliance.ca_path}"
kiosk_secret_file = "{secret_file}"
timeout = 5
connect_timeout = 2

[cards]
pcsc = true

[session]
commands = [{json.dumps(desktop)}]
close_budget_seconds = 5

[[session.spine_app]]
name = "Spine portal"
match_cmdline = {json.dumps(portal_rule)}
wait_seconds = 2
"""
    )
    return path


@dataclass
class SwitchRig(KioskRig):
    apps: Path  # where the session's programs write their ready/saved files


def build_switch_rig(tmp_path: Path, appliance: LocalAppliance, qtbot: Any) -> Iterator[SwitchRig]:
    """The whole greeter on `write_config`'s settings, at the idle screen; closed afterwards."""
    apps = tmp_path / "apps"
    apps.mkdir()
    programs = Programs(apps)
    event_log = tmp_path / "events.jsonl"
    config = greeter_config.load(write_config(tmp_path, appliance, programs, event_log))
    greeter = Greeter(
        config,
        lambda executor: build_kiosk(config, executor, event_log_path=str(event_log)),
        windowed=True,
    )
    try:
        greeter.start()
        qtbot.waitExposed(greeter.window.view)
        # (the ui rig's marker file is for its shell-script session; unused here)
        rig = SwitchRig(greeter, Screen(greeter.window, qtbot), apps / "-", event_log, qtbot, apps)
        rig.wait_idle_ready()
        yield rig
    finally:
        greeter.close()


def app_file(kiosk: SwitchRig, name: str) -> Path:
    return kiosk.apps / name


def wait_running(kiosk: SwitchRig, name: str) -> dict[str, Any]:
    path = app_file(kiosk, f"{name}.ready")
    kiosk.qtbot.waitUntil(path.exists, timeout=15000)
    ready: dict[str, Any] = json.loads(path.read_text())
    return ready


def sign_in_alice(kiosk: SwitchRig, pcscd: IsolatedPcscd) -> dict[str, Any]:
    """Alice's card, PIN and role; her desktop and Spine portal running (the portal's info)."""
    sign_in(kiosk, pcscd, ALICE, "1234", "R8000")
    wait_running(kiosk, "alice-desktop")
    return wait_running(kiosk, "alice-portal")


def still_running(pid: int) -> bool:
    return psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
