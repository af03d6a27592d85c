"""Instances sharing one database: what must be the same on each (the keys) is checked before
one serves, and instances starting together upgrade the schema once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from appliance.config import load_settings
from appliance.db import make_engine
from appliance.keyring import check_held
from appliance.local import LocalAppliance, run_cli
from greeter.flow.wire import AuthContinue, AuthOk, CardFactor, PinFactor
from tests.greeter.test_backend_appliance import ALICE, client_for
from tests.rig.appliance import start_demo_appliance

SERVE_SECONDS = 60


def serve(state_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "appliance", "--state-dir", str(state_dir)]
    return subprocess.run(
        [*command, "serve", "--host", "127.0.0.1", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=SERVE_SECONDS,
        check=False,
    )


def test_an_instance_without_the_databases_key_refuses_to_serve(
    tmp_path, appliance_server: LocalAppliance
):
    # a second instance set up on its own: its own secret.key, the first one's database
    other = tmp_path / "other"
    done = run_cli(other, appliance_server.db_url, "init")
    assert done.returncode == 0, done.stderr
    refused = serve(other)
    assert refused.returncode != 0
    assert "unable to serve:" in refused.stderr
    assert "a key this instance does not have" in refused.stderr
    assert "secret.key" in refused.stderr
    assert "Traceback" not in refused.stderr
    # with the first instance's key copied over, it may serve
    (other / "secret.key").write_bytes((appliance_server.state_dir / "secret.key").read_bytes())
    engine = make_engine(appliance_server.db_url)
    try:
        check_held(load_settings(other), engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_instances_starting_together_upgrade_the_schema_once(tmp_path, postgres_server):
    db_url = postgres_server.new_database()
    command = [sys.executable, "-m", "appliance", "--db", db_url]
    starts = [
        subprocess.Popen(
            [*command, "--state-dir", str(tmp_path / f"i{n}"), "init"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for start in starts:
        _, stderr = start.communicate(timeout=120)
        assert start.returncode == 0, stderr


@pytest.mark.postgres
def test_the_appliance_carries_on_after_its_database_restarts(tmp_path, postgres_server):
    """What a Patroni fail-over behind HAProxy does to the appliance: every pooled connection
    is cut. The next requests get fresh ones (pool_pre_ping), with no error for the kiosk."""
    db_url = postgres_server.new_database()
    with start_demo_appliance(tmp_path / "appliance", db_url=db_url) as server:
        client = client_for(server)
        try:
            # several connections in the pool, each then cut
            for _ in range(3):
                assert isinstance(client.auth(CardFactor(ALICE)), AuthContinue)
            postgres_server.restart()
            tapped = client.auth(CardFactor(ALICE))
            assert isinstance(tapped, AuthContinue)
            assert isinstance(client.auth(PinFactor(tapped.state, "1234")), AuthOk)
        finally:
            client.close()
