"""`greeter demo` runs the SIMULATED Spine Security Broker and its appliance trusts it: the
demo's Spine routes work (the greeter's own UI replaced by a kiosk client, so no Qt here)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from greeter import cli
from greeter.backend import Backend, BackendSettings
from greeter.config import load
from greeter.demo import run_demo
from greeter.flow.wire import AuthContinue, AuthOk, CardFactor, PinFactor
from greeter.spine_client import SpineClient


def test_the_demo_appliance_asks_its_simulated_broker(tmp_path: Path, monkeypatch) -> None:
    seen: dict[str, str] = {}

    def kiosk_instead_of_the_ui(config_path: str, **_: object) -> int:
        config = load(config_path)
        backend = Backend(
            BackendSettings(
                url=config.appliance.url,
                ca_path=config.appliance.ca,
                kiosk_name=config.kiosk.name,
                kiosk_secret=config.appliance.kiosk_secret,
            )
        )
        try:
            tapped = backend.auth(CardFactor("04A1B2C3D4E5F6"))
            assert isinstance(tapped, AuthContinue)
            done = backend.auth(PinFactor(tapped.state, "1234"))
            assert isinstance(done, AuthOk)
            # the appliance asks the broker for a challenge for alice: over HTTPS it trusts
            spine = SpineClient(backend, config.spine.environment)
            seen["challenge"] = spine.challenge(done.session.id).challenge
        finally:
            backend.close()
        return 0

    monkeypatch.setattr(cli, "run_ui", kiosk_instead_of_the_ui)
    err = io.StringIO()
    code = run_demo(tmp_path / "demo", event_log=None, readers=False, locale="en", err=err)
    assert code == 0, err.getvalue()
    assert seen["challenge"]
    assert "SIMULATED" in err.getvalue()


def test_a_demo_whose_broker_cannot_start_says_so(tmp_path: Path, monkeypatch) -> None:
    # the simulation's CA damaged: no server certificate can be issued for the broker
    sim = tmp_path / "demo" / "appliance" / "ssb-sim"
    sim.mkdir(parents=True)
    (sim / "ca.pem").write_text("not a certificate")
    monkeypatch.setattr(cli, "run_ui", lambda *_, **__: pytest.fail("the UI must not start"))
    err = io.StringIO()
    assert run_demo(tmp_path / "demo", event_log=None, readers=False, locale="en", err=err) == 1
    assert "unable to start the simulated Spine broker: unable to read" in err.getvalue()
    assert "Traceback" not in err.getvalue()
