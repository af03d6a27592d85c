"""The `greeter` command: help, clear errors, virtual taps reaching a real kiosk, doctor."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from greeter.cli import main
from greeter.config import load
from greeter.demo import write_demo_config
from greeter.inline import InlineExecutor
from greeter.wiring import build_kiosk
from tests.rig.appliance import start_demo_appliance


@pytest.fixture
def appliance(tmp_path: Path) -> Iterator[LocalAppliance]:
    with start_demo_appliance(tmp_path / "appliance") as server:
        yield server


@pytest.fixture
def socket_path() -> Iterator[Path]:
    # Unix socket paths are short (108 bytes): pytest's tmp_path can be too long
    with tempfile.TemporaryDirectory(prefix="tk-") as directory:
        yield Path(directory) / "taps.sock"


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["doctor"], ["tap"], ["lock"]])
def test_help_for_every_command(command):
    result = subprocess.run(
        [sys.executable, "-m", "greeter", *command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "usage: greeter" in result.stdout
    assert result.stderr == ""


def test_tap_with_no_greeter_running_says_so(socket_path, capsys):
    assert main(["tap", "04A1B2C3D4E5F6", "--socket", str(socket_path)]) == 1
    err = capsys.readouterr().err
    assert "unable to reach the greeter: nothing listens at" in err
    assert "Traceback" not in err


def test_lock_with_no_greeter_running_says_so(socket_path, capsys):
    assert main(["lock", "--socket", str(socket_path)]) == 1
    assert "unable to reach the greeter" in capsys.readouterr().err


def test_tap_with_a_bad_card_id(socket_path, capsys):
    assert main(["tap", "not-hex", "--socket", str(socket_path)]) == 1
    assert "give the card id as hex" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["fly"])
    assert caught.value.code == 2


def test_tap_and_lock_reach_a_running_kiosk(tmp_path, appliance, socket_path):
    config = load(
        write_demo_config(
            tmp_path / "demo",
            appliance.url,
            appliance.ca_path,
            appliance.kiosk_name,
            appliance.kiosk_secret,
        )
    )
    executor = InlineExecutor()
    kiosk = build_kiosk(config, executor, virtual_socket=socket_path)
    kiosk.start()
    try:
        assert main(["tap", "04AA0000000002", "--socket", str(socket_path)]) == 0
        assert executor.run_until(lambda: kiosk.view.screen == "pin", timeout=10)
        assert kiosk.view.user_display_name == "Ravi Rao"
        assert main(["tap", "04AA0000000002", "--contact", "--socket", str(socket_path)]) == 0
        assert main(["lock", "--socket", str(socket_path)]) == 0
        # no session yet: the lock has nothing to cover and the PIN screen stays
        assert executor.run_until(lambda: False, timeout=0.3) is False
        assert kiosk.view.screen == "pin"
    finally:
        kiosk.close()


def test_doctor_reports_the_appliance_and_the_missing_readers(tmp_path, appliance, capsys):
    path = write_demo_config(
        tmp_path / "demo", appliance.url, appliance.ca_path, appliance.kiosk_name,
        appliance.kiosk_secret,
    )  # fmt: skip
    # the rig points PC/SC at its own pcscd socket, and no pcscd runs there: no reader
    assert main(["doctor", "--config", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"[ok  ] {appliance.url}: answers for kiosk {appliance.kiosk_name}" in out
    assert "Card readers" in out
    assert "[FAIL] pcscd: not running" in out
    assert "fix: start it" in out


def test_doctor_with_an_unreachable_appliance(tmp_path, appliance, capsys):
    path = write_demo_config(tmp_path / "demo", "https://127.0.0.1:9", appliance.ca_path, "k", "s")
    assert main(["doctor", "--config", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] https://127.0.0.1:9: unable to reach the appliance" in out
