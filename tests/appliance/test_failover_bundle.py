"""`appliance kiosk add NAME --bundle FILE --url A --url B`: a bundle carrying several
appliance URLs gives a kiosk that fails over between them, with no other edit."""

from __future__ import annotations

import signal
from pathlib import Path

from appliance.local import LocalAppliance, another_instance
from greeter import config
from greeter.backend import Backend, BackendSettings
from tests.appliance.test_kiosk_bundle import _kiosk_dir


def test_a_bundle_with_two_urls_fails_over_between_them(
    appliance_server: LocalAppliance, tmp_path: Path
):
    with another_instance(appliance_server) as second:
        bundle = tmp_path / "ward9-bay1.toml"
        done = appliance_server.admin(
            "kiosk", "add", "ward9-bay1", "--bundle", str(bundle),
            "--url", appliance_server.url, "--url", second.url,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        loaded = config.load(_kiosk_dir(tmp_path, bundle))
        assert loaded.appliance.urls == (appliance_server.url, second.url)
        appliance = loaded.appliance
        backend = Backend(
            BackendSettings(
                appliance.urls[0],
                appliance.ca,
                loaded.kiosk.name,
                appliance.kiosk_secret,
                failover_urls=appliance.urls[1:],
            )
        )
        try:
            assert backend.kiosk_info().kiosk == "ward9-bay1"
            appliance_server.process.send_signal(signal.SIGKILL)
            appliance_server.process.wait(timeout=10)
            assert backend.kiosk_info().kiosk == "ward9-bay1"
            assert backend.appliances.active_url == second.url
        finally:
            backend.close()


def test_a_url_that_is_not_https_adds_no_kiosk(appliance_server: LocalAppliance, tmp_path: Path):
    bundle = tmp_path / "b.toml"
    done = appliance_server.admin(
        "kiosk", "add", "ward9-bay2", "--bundle", str(bundle),
        "--url", "https://a.example:8443", "--url", "http://b.example:8443",
    )  # fmt: skip
    assert done.returncode == 1
    assert "'http://b.example:8443' is not an https:// URL" in done.stderr
    assert not bundle.exists()
    assert "ward9-bay2" not in appliance_server.admin("kiosk", "list").stdout
