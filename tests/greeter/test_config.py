"""Config: the shipped file parses, and every mistake names file, key and fix."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from greeter.config import Config, load
from greeter.configkit import ConfigError
from greeter.session import SessionSettings

SHIPPED = Path(__file__).resolve().parents[2] / "packaging" / "greeter.toml"


def write_config(tmp_path: Path, text: str, ca: str = "ca.pem") -> Path:
    (tmp_path / ca).write_text("-----BEGIN CERTIFICATE-----\n")
    (tmp_path / "kiosk.secret").write_text("c2VjcmV0\n")
    path = tmp_path / "greeter.toml"
    path.write_text(text)
    return path


GOOD = """
[kiosk]
name = "ward7-bay3"
[appliance]
url = "https://127.0.0.1:8443"
ca = "ca.pem"
kiosk_secret_file = "kiosk.secret"
[session]
commands = [["/bin/true"]]
"""


def shipped_in(tmp_path: Path) -> Path:
    text = SHIPPED.read_text().replace("/etc/tapkiosk/", f"{tmp_path}/")
    return write_config(tmp_path, text, ca="appliance-ca.pem")


def test_the_shipped_config_parses(tmp_path):
    config = load(shipped_in(tmp_path))
    assert config.kiosk.name == "ward7-bay3"
    assert config.appliance.timeout == 10.0
    assert config.appliance.kiosk_secret == "c2VjcmV0"
    assert isinstance(config.session, SessionSettings)
    assert config.flow_settings().call_timeout == 10.0


def test_every_key_of_the_shipped_config_is_explained_by_a_comment():
    lines = SHIPPED.read_text().splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith("#"):
            above = lines[number - 1].lstrip()
            assert above.startswith("#"), f"line {number + 1} ({line!r}) has no comment above"
    tomllib.loads(SHIPPED.read_text())


def test_a_good_minimal_config(tmp_path):
    config = load(write_config(tmp_path, GOOD))
    assert isinstance(config, Config)
    assert config.appliance.ca == str(tmp_path / "ca.pem")  # relative to the config file
    assert config.kiosk.locale == "auto"
    assert "c2VjcmV0" not in repr(config)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path / "nope.toml")
    assert "nope.toml" in str(caught.value)
    assert "not found" in str(caught.value)
    assert "--config" in str(caught.value)


def test_bad_toml_names_the_line(tmp_path):
    path = write_config(tmp_path, GOOD + "\nname = \n")
    with pytest.raises(ConfigError, match=r"greeter\.toml: \(syntax\): .*line") as caught:
        load(path)
    assert "fix the TOML syntax" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "key", "fix"),
    [
        (("[kiosk]", "[kiosk]\nnmae = 'x'"), "kiosk.nmae", "remove it or use one of"),
        (("[kiosk]", "[kiosk]\nlocale = 'de'"), "kiosk.locale", "use en, sv or auto"),
        (("[kiosk]", "[kiosk]\nerror_seconds = 'five'"), "kiosk.error_seconds", "fix the value"),
        (("[kiosk]", "[kiosk]\nerror_seconds = true"), "kiosk.error_seconds", "fix the value"),
        (("[kiosk]", "[kiosk]\nentry_timeout = 1"), "kiosk.entry_timeout", "use 5 to 3600"),
        (("https://", "http://"), "appliance.url", "use https://"),
        (('ca = "ca.pem"', 'ca = "missing.pem"'), "appliance.ca", "existing file"),
        (('url = "https://127.0.0.1:8443"\n', ""), "appliance.url", "set appliance.url"),
        (("[appliance]", "[appliance]\ntimeout = 0"), "appliance.timeout", "use 1 to 120"),
        (("[kiosk]", "[kisok]\n[kiosk]"), "kisok", "remove it or use one of"),
        (('[session]\ncommands = [["/bin/true"]]', "[session]"), "session.commands", "add"),
    ],
)
def test_mistakes_name_file_key_and_fix(tmp_path, change, key, fix):
    path = write_config(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.key == key
    assert caught.value.path == str(path)
    assert fix in caught.value.fix


def test_missing_appliance_section(tmp_path):
    path = write_config(tmp_path, "[kiosk]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"\[appliance\]: missing"):
        load(path)


def test_empty_secret_file(tmp_path):
    path = write_config(tmp_path, GOOD)
    (tmp_path / "kiosk.secret").write_text("\n")
    with pytest.raises(ConfigError, match="is empty"):
        load(path)


def test_spine_keys_default_as_the_identity_agent_under_spine_support(tmp_path):
    config = load(write_config(tmp_path, GOOD))
    assert config.spine.card_removal_ends_session is False
    assert config.spine.idle_seconds == 36000
    assert config.spine.environment == "development"
    shipped = load(shipped_in(tmp_path))
    assert (shipped.spine.environment, shipped.spine.idle_seconds) == ("production", 36000)


def test_spine_keys_are_checked(tmp_path):
    text = GOOD + '[spine]\nenvironment = "live"\n'
    with pytest.raises(ConfigError) as raised:
        load(write_config(tmp_path, text))
    assert "spine.environment" in str(raised.value)
    text = GOOD + "[spine]\ncard_removal_ends_session = true\nidle_seconds = 600\n"
    spine = load(write_config(tmp_path, text)).spine
    assert (spine.card_removal_ends_session, spine.idle_seconds) == (True, 600)
