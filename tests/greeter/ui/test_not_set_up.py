"""A kiosk whose config is missing or broken shows "This kiosk is not set up" with the reason and
what IT should run, and becomes the greeter once the config is fixed (that it stays up as a
process: test_process.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from greeter.config import load
from greeter.configkit import ConfigError
from greeter.ui.i18n import Translations
from greeter.ui.main import KioskFactory
from greeter.ui.not_set_up import NotSetUpWindow, SetupProblem
from greeter.ui.supervisor import KioskProcess
from greeter.wiring import build_kiosk
from tests.greeter.ui.kiosk_rig import write_config

pytestmark = [pytest.mark.ui]


def factory_for(event_log: Path):
    def make(config) -> KioskFactory:
        return lambda executor: build_kiosk(config, executor, event_log_path=str(event_log))

    return make


@pytest.fixture
def process(tmp_path, qt_style) -> Iterator[KioskProcess]:
    path = tmp_path / "greeter.toml"
    made = KioskProcess(
        str(path),
        lambda: load(path),
        factory_for(tmp_path / "events.jsonl"),
        windowed=True,
        event_log_path=str(tmp_path / "events.jsonl"),
    )
    yield made
    made.close()


def lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def shown(process: KioskProcess, name: str) -> str:
    assert process.not_set_up is not None, "the not-set-up screen is not shown"
    item = process.not_set_up.window.find(name)
    assert item is not None, f"no {name} on the not-set-up screen"
    return str(item.property("text"))


def test_a_missing_config_shows_the_reason_and_the_fix(process, tmp_path, qtbot):
    process.start()
    assert process.greeter is None
    window = process.not_set_up.window
    qtbot.waitExposed(window.view)
    path = tmp_path / "greeter.toml"
    assert shown(process, "notSetUpHeadline") == "This kiosk is not set up"
    assert "call IT" in shown(process, "notSetUpAdvice")
    assert shown(process, "notSetUpReason") == f"{path}: (file): not found"
    assert shown(process, "notSetUpFix") == (
        "Fix: create it (see packaging/greeter.toml) or pass --config"
    )
    assert f"greeter doctor --config {path}" in shown(process, "notSetUpCheck")
    start, screen = lines(tmp_path / "events.jsonl")
    assert (start["event"], start["kiosk"], start["config"]) == ("start", "", str(path))
    assert (screen["screen"], screen["reason"]) == ("not_set_up", "(file)")
    assert "not found" in screen["detail"]


def test_a_broken_config_shows_where_and_becomes_the_greeter_once_fixed(
    process, tmp_path, qtbot, appliance_server
):
    path = tmp_path / "greeter.toml"
    path.write_text('[kiosk]\nname = "ward7-bay3\n')
    process.start()
    qtbot.waitExposed(process.not_set_up.window.view)
    assert shown(process, "notSetUpReason").startswith(f"{path}: (syntax): ")
    assert shown(process, "notSetUpFix") == "Fix: fix the TOML syntax there"

    # another mistake: the screen follows the file as it is edited
    path.write_text('[kiosk]\nname = "ward7-bay3"\n')
    qtbot.waitUntil(lambda: "[appliance]" in shown(process, "notSetUpReason"), timeout=10000)
    assert shown(process, "notSetUpFix") == "Fix: add a [appliance] section"

    # fixed: the same process becomes the greeter, with no restart
    write_config(
        tmp_path, url=appliance_server.url, ca=appliance_server.ca_path,
        kiosk_name=appliance_server.kiosk_name, kiosk_secret=appliance_server.kiosk_secret,
        marker=tmp_path / "sessions.txt", event_log=tmp_path / "events.jsonl", pcsc=False,
    )  # fmt: skip
    qtbot.waitUntil(lambda: process.greeter is not None, timeout=10000)
    assert process.not_set_up is None
    events = tmp_path / "events.jsonl"
    qtbot.waitUntil(lambda: any(line["event"] == "ready" for line in lines(events)), timeout=10000)
    assert process.greeter.bridge.view.screen == "idle"
    assert [line["event"] for line in lines(events)][:5] == [
        "start",  # not set up: no kiosk name yet
        "screen",
        "screen",
        "start",  # the greeter, with its kiosk
        "screen",
    ]
    reasons = [line.get("reason") for line in lines(events) if line.get("screen") == "not_set_up"]
    assert reasons == ["(syntax)", "[appliance]"]


def test_the_clinician_reads_it_in_the_systems_language(qapp, qt_style, qtbot):
    # no config, no locale setting: the system's (here Swedish); IT's lines stay English
    swedish = Translations(qapp, QLocale("sv_SE"))
    problem = ConfigError("/etc/tapkiosk/greeter.toml", "(file)", "not found", "create it")
    window = NotSetUpWindow(SetupProblem("/etc/tapkiosk/greeter.toml", problem), fullscreen=False)
    try:
        window.present()
        qtbot.waitExposed(window.view)

        def text(name: str) -> str:
            item = window.find(name)
            assert item is not None, name
            return str(item.property("text"))

        assert text("notSetUpHeadline") == "Den här datorn är inte konfigurerad"
        assert text("notSetUpAdvice").endswith("Ring IT.")
        assert text("notSetUpFix") == "Fix: create it"
    finally:
        window.close()
        swedish.remove()
