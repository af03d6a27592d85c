"""The .deb that IT images kiosks with: what it installs, and that it installs."""

import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

import greeter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def deb(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [str(ROOT / "packaging" / "build-deb"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable},
    )
    return Path(built.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def unpacked(deb, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-R", str(deb), str(root)], check=True)
    return root


def test_control_carries_the_project_version(unpacked):
    version = greeter.__version__
    control = (unpacked / "DEBIAN" / "control").read_text()
    assert f"Version: {version}\n" in control
    assert "Depends:" in control
    assert "pcscd" in control


def test_the_one_config_file_is_a_conffile_that_parses(unpacked):
    from greeter import config

    assert (unpacked / "DEBIAN" / "conffiles").read_text().split() == ["/etc/tapkiosk/greeter.toml"]
    shipped = unpacked / "etc" / "tapkiosk" / "greeter.toml"
    assert shipped.read_bytes() == (ROOT / "packaging" / "greeter.toml").read_bytes()
    table = tomllib.loads(shipped.read_text())
    assert {"kiosk", "appliance"} <= set(table)
    with pytest.raises(config.ConfigError) as failure:
        # the shipped file points at files that exist only on a configured kiosk
        config.load(shipped)
    assert str(shipped) in str(failure.value)


def test_installs_units_session_and_reader_rules(unpacked):
    for path in [
        "lib/systemd/system/tapkiosk-appliance.service",
        "usr/lib/tapkiosk/kiosk-session",
        "usr/share/xsessions/tapkiosk.desktop",
        "lib/udev/rules.d/60-tapkiosk-nfc.rules",
        "etc/modprobe.d/tapkiosk-nfc-blacklist.conf",
    ]:
        assert (unpacked / path).is_file(), path
    unit = (unpacked / "lib/systemd/system/tapkiosk-appliance.service").read_text()
    assert "User=tapkiosk-appliance" in unit
    assert "NoNewPrivileges=yes" in unit
    for script in ["postinst", "prerm", "postrm"]:
        subprocess.run(["sh", "-n", str(unpacked / "DEBIAN" / script)], check=True)


def test_the_shipped_wheel_installs_both_commands(unpacked, tmp_path):
    wheels = list((unpacked / "usr/share/tapkiosk/wheels").glob("tapkiosk-*.whl"))
    assert len(wheels) == 1
    target = tmp_path / "venv"
    venv.create(target, with_pip=True, system_site_packages=True)
    subprocess.run(
        [str(target / "bin/pip"), "install", "--quiet", "--no-deps", "--no-index", str(wheels[0])],
        check=True,
        capture_output=True,
    )
    # the wheel must carry the QML, translations and migrations, not only Python files
    listed = subprocess.run(
        [str(target / "bin/pip"), "show", "--files", "tapkiosk"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert ".qml" in listed
    assert any(line.endswith(".qm") for line in listed.splitlines())
    assert "migrations" in listed
    for command in ["greeter", "appliance"]:
        assert (target / "bin" / command).exists()
