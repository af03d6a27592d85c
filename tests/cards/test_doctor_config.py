"""`greeter doctor` with a config it cannot use: the config is one finding among the others,
and the readers are still checked through the real pcscd + vpcd rig."""

from __future__ import annotations

from pathlib import Path

import pytest

from greeter.cli import main

pytestmark = pytest.mark.pcsc

GOOD_KIOSK = """
[kiosk]
name = "ward7-bay3"

[appliance]
url = "https://127.0.0.1:9"
ca = "{ca}"
kiosk_secret_file = "kiosk.secret"

[cards]
pcsc = {pcsc}

[session]
commands = [["sleep", "infinity"]]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "greeter.toml"
    path.write_text(text)
    return path


def missing(tmp_path: Path) -> Path:
    return tmp_path / "nowhere.toml"


def broken_toml(tmp_path: Path) -> Path:
    return write(tmp_path, "[kiosk\nname = ")


def missing_ca(tmp_path: Path, pcsc: str = "true") -> Path:
    (tmp_path / "kiosk.secret").write_text("s3cret")
    return write(tmp_path, GOOD_KIOSK.format(ca=tmp_path / "no-ca.pem", pcsc=pcsc))


@pytest.mark.parametrize(
    ("make", "finding"),
    [
        (missing, "(file): not found"),
        (broken_toml, "(syntax): "),
        (missing_ca, "appliance.ca: no file at "),
    ],
)
def test_the_readers_are_listed_and_the_config_is_one_finding(
    make, finding, pcscd, tmp_path, capsys
):
    path = make(tmp_path)
    code = main(["doctor", "--config", str(path)])
    out, err = capsys.readouterr()
    assert code != 0
    assert err == ""
    assert "Traceback" not in out
    # the config's problem, with its fix, as one finding
    assert f"[FAIL] {path}: {finding}" in out
    assert "fix: " in out.split("Card readers")[0]
    # the readers were still looked at, through the real pcscd
    assert "[ok  ] pcscd: running, 2 reader(s)" in out
    assert f'reader "{pcscd.readers[0].name}": no card' in out
    assert "Result: the kiosk can read cards" in out
    assert "Result: this kiosk is not set up" in out


def test_the_configs_own_cards_section_is_used_when_it_can_be_read(pcscd, tmp_path, capsys):
    path = missing_ca(tmp_path, pcsc="false")
    assert main(["doctor", "--config", str(path)]) != 0
    out = capsys.readouterr().out
    assert "PC/SC: off in the config" in out
    assert "pcscd: running" not in out
    assert "appliance.ca: no file at" in out


def test_a_good_config_is_reported_read(pcscd, tmp_path, capsys):
    (tmp_path / "ca.pem").write_text("not checked until the appliance is asked")
    (tmp_path / "kiosk.secret").write_text("s3cret")
    path = write(tmp_path, GOOD_KIOSK.format(ca=tmp_path / "ca.pem", pcsc="true"))
    # the appliance at port 9 does not answer: exit 1, not the config's 2
    assert main(["doctor", "--config", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"[ok  ] {path}: read" in out
    assert "[ok  ] pcscd: running, 2 reader(s)" in out
    assert "[FAIL] https://127.0.0.1:9: unable to reach the appliance" in out
