"""The greeter config of the switch flows and the switch benchmark: a real appliance, PC/SC,
and a session whose desktop starts the user's Spine portal (both test programs that save their
work on SIGTERM)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from appliance.local import LocalAppliance
from tests.session.programs import Programs


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
