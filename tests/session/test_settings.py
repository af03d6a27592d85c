"""The [session] config section: a good one reads as meant, every mistake names file, key, fix."""

from __future__ import annotations

import signal
import tomllib
from typing import Any

import pytest

from greeter.configkit import ConfigError
from greeter.session import Hook, parse

PATH = "/etc/tapkiosk/greeter.toml"

GOOD = """
[session]
commands = [["/usr/bin/firefox", "--kiosk", "https://portal.example/{user}"], ["/usr/bin/tray"]]
close_budget_seconds = 12
lock_after_idle_seconds = 300

[[session.spine_app]]
name = "Spine portal"
match_exe = "firefox"
close_command = ["wmctrl", "-c", "{name}"]
wait_seconds = 4

[[session.spine_app]]
name = "ICE"
match_cmdline = "java .*ice\\\\.jnlp"
signal = "sigint"

[[session.hook]]
name = "jp2launcher"
command = ["/usr/lib/tapkiosk/hooks/close-java", "{user}"]
timeout_seconds = 3
"""


def session_table(text: str) -> dict[str, Any]:
    return tomllib.loads(text)["session"]


def test_a_full_section_reads_as_written():
    settings = parse(session_table(GOOD), PATH)
    assert settings.commands == (
        ("/usr/bin/firefox", "--kiosk", "https://portal.example/{user}"),
        ("/usr/bin/tray",),
    )
    assert settings.close_budget_seconds == 12.0
    assert settings.lock_after_idle_seconds == 300.0
    portal, ice = settings.spine_apps
    assert (portal.name, portal.match_exe, portal.match_cmdline) == (
        "Spine portal",
        "firefox",
        None,
    )
    assert portal.close_command == ("wmctrl", "-c", "{name}")
    assert (portal.signal, portal.wait_seconds) == (signal.SIGTERM, 4.0)
    assert ice.match_cmdline is not None
    assert ice.match_cmdline.search("/usr/bin/java -jar /opt/ice.jnlp")
    assert (ice.signal, ice.wait_seconds, ice.close_command) == (signal.SIGINT, 5.0, None)
    assert settings.hooks == (
        Hook("jp2launcher", ("/usr/lib/tapkiosk/hooks/close-java", "{user}"), 3.0),
    )


def test_defaults_for_a_minimal_section():
    settings = parse({"commands": [["/usr/bin/vdi"]]}, PATH)
    assert (settings.spine_apps, settings.hooks, settings.close_budget_seconds) == ((), (), 15.0)
    assert settings.lock_after_idle_seconds == 0  # no inactivity lock unless IT asks for one


def cmd(**extra: Any) -> dict[str, Any]:
    return {"commands": [["/x"]], **extra}


def app(**extra: Any) -> dict[str, Any]:
    return cmd(spine_app=[{"name": "a", "match_exe": "f", **extra}])


def hook(**extra: Any) -> dict[str, Any]:
    return cmd(hook=[{"name": "j", **extra}])


APP0 = "session.spine_app[0]."
MISTAKES = [
    ({}, "session.commands", "missing"),
    ({"commands": []}, "session.commands", "is empty"),
    ({"commands": "/usr/bin/firefox"}, "session.commands", "expected list"),
    ({"commands": [["/usr/bin/x", 3]]}, "session.commands[0]", "list of strings"),
    ({"commands": [["/usr/bin/x", "{pin}"]]}, "session.commands[0]", "unknown placeholder"),
    (cmd(comands=1), "session.comands", "unknown key"),
    (cmd(close_budget_seconds=0), "session.close_budget_seconds", "more than 0"),
    (cmd(close_budget_seconds=True), "session.close_budget_seconds", "true/false"),
    (cmd(lock_after_idle_seconds=-5), "session.lock_after_idle_seconds", "0 or more"),
    (cmd(lock_after_idle_seconds="5m"), "session.lock_after_idle_seconds", "int or float"),
    (cmd(lock_after_idle_seconds=False), "session.lock_after_idle_seconds", "true/false"),
    (cmd(spine_app=[{"match_exe": "f"}]), APP0 + "name", "missing"),
    (cmd(spine_app=[{"name": "a"}]), APP0 + "match_exe", "exactly one"),
    (app(match_cmdline="f"), APP0 + "match_exe", "exactly one"),
    (cmd(spine_app=[{"name": "a", "match_exe": "/usr/bin/f"}]), APP0 + "match_exe", "a path"),
    (cmd(spine_app=[{"name": "a", "match_cmdline": "java ("}]), APP0 + "match_cmdline", "regular"),
    (app(signal="SIGKILL"), APP0 + "signal", "use one of: SIGTERM"),
    (app(wait_seconds=-1), APP0 + "wait_seconds", "more than 0"),
    (app(close_command=["c", "{user"]), APP0 + "close_command", "bad placeholder"),
    (app(close_command=[]), APP0 + "close_command", "non-empty list"),
    (app(colse_command=["c"]), APP0 + "colse_command", "unknown key"),
    (
        cmd(spine_app=[{"name": "a", "match_exe": "f"}, {"name": "a", "match_exe": "g"}]),
        "session.spine_app",
        "two entries",
    ),
    (cmd(spine_app={"name": "a"}), "session.spine_app", "expected list"),
    (hook(), "session.hook[0].command", "missing"),
    (hook(command=["/h", "{pid}"]), "session.hook[0].command", "unknown placeholder {pid}"),
    (hook(command=["/h"], timeout_seconds="5"), "session.hook[0].timeout_seconds", "int or float"),
    (cmd(hook=["/h"]), "session.hook[0]", "expected a table"),
]


@pytest.mark.parametrize(("table", "key", "says"), MISTAKES)
def test_mistakes_name_file_key_and_fix(table, key, says):
    with pytest.raises(ConfigError) as raised:
        parse(table, PATH)
    error = raised.value
    assert (error.path, error.key) == (PATH, key)
    assert error.fix
    assert says in str(error)
    assert str(error).startswith(f"{PATH}: {key}: ")
