"""`appliance kiosk add NAME --bundle FILE`: one file that provisions a kiosk, read by the
greeter from beside its config, against a real HTTPS appliance."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from greeter import config
from greeter.backend import Backend, BackendSettings

ROOT = Path(__file__).resolve().parents[2]


def _kiosk_dir(tmp_path: Path, bundle: Path) -> Path:
    """A kiosk's /etc/tapkiosk: the packaged greeter.toml, untouched, and the bundle."""
    etc = tmp_path / "etc-tapkiosk"
    etc.mkdir()
    shutil.copy(ROOT / "packaging" / "greeter.toml", etc / "greeter.toml")
    shutil.copy(bundle, etc / "bundle.toml")
    return etc / "greeter.toml"


def test_a_bundle_beside_the_stock_config_lets_the_kiosk_reach_the_appliance(
    appliance_server: LocalAppliance, tmp_path: Path
):
    bundle = tmp_path / "ward9-bay1.toml"
    done = appliance_server.admin(
        "kiosk", "add", "ward9-bay1", "--bundle", str(bundle), "--url", appliance_server.url
    )
    assert done.returncode == 0, done.stderr
    text = bundle.read_text()
    # the secret goes to the file only, which only its owner may read
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    loaded = config.load(_kiosk_dir(tmp_path, bundle))
    assert loaded.appliance.kiosk_secret in text
    assert loaded.appliance.kiosk_secret not in done.stdout
    assert loaded.kiosk.name == "ward9-bay1"
    assert loaded.appliance.url == appliance_server.url
    backend = Backend(
        BackendSettings(
            loaded.appliance.url,
            loaded.appliance.ca,
            loaded.kiosk.name,
            loaded.appliance.kiosk_secret,
            loaded.appliance.connect_timeout,
            loaded.appliance.timeout,
        )
    )
    try:
        # TLS pinned to the bundle's CA and the kiosk's secret accepted by the appliance
        assert backend.kiosk_info().kiosk == "ward9-bay1"
    finally:
        backend.close()


def test_without_a_bundle_the_config_alone_counts(tmp_path: Path):
    etc = tmp_path / "etc"
    etc.mkdir()
    shutil.copy(ROOT / "packaging" / "greeter.toml", etc / "greeter.toml")
    with pytest.raises(config.ConfigError, match=r"appliance-ca\.pem"):
        config.load(etc / "greeter.toml")


def test_a_broken_bundle_is_named_with_the_fix(tmp_path: Path):
    bundle = tmp_path / "bundle.toml"
    bundle.write_text('[kiosk]\nname = "x"\n')
    with pytest.raises(config.ConfigError) as failure:
        config.load(_kiosk_dir(tmp_path, bundle))
    assert "bundle.toml" in str(failure.value)
    assert "appliance kiosk add NAME --bundle FILE" in str(failure.value)


def test_a_bundle_that_cannot_be_written_adds_no_kiosk(appliance_server: LocalAppliance):
    done = appliance_server.admin("kiosk", "add", "ward9-bay2", "--bundle", "/nonexistent/b.toml")
    assert done.returncode == 1
    assert done.stderr.startswith("appliance: unable to write the bundle /nonexistent/b.toml")
    assert "Traceback" not in done.stderr
    assert "ward9-bay2" not in appliance_server.admin("kiosk", "list").stdout
    # nor is an http:// URL accepted for a kiosk's appliance
    done = appliance_server.admin(
        "kiosk", "add", "ward9-bay3", "--bundle", "/tmp/b.toml", "--url", "http://x:8443"
    )
    assert "is not an https:// URL" in done.stderr


def test_the_default_url_is_the_first_name_a_kiosk_can_reach(tmp_path: Path):
    from appliance.bundle import default_url
    from appliance.config import Settings

    settings = Settings.__new__(Settings)
    object.__setattr__(settings, "server_names", ("localhost", "appliance.ward.example"))
    assert default_url(settings) == "https://appliance.ward.example:8443"
