"""Fixtures and checks the Spine test modules share: the simulated SSB (one per module), a
demo appliance that trusts it (on SQLite, or on each database), a kiosk, the Spine report as
the CLI prints it, and whether the SSB still honours a ticket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from appliance.local import LocalAppliance
from tests.appliance.spine_client import SPINE, SpineKiosk
from tests.rig.appliance import DATABASES, start_demo_appliance, start_on_database
from tests.rig.ssb import LocalSsb, spine_config, start_ssb


@pytest.fixture(scope="module")
def ssb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSsb]:
    with start_ssb(tmp_path_factory.mktemp("ssb")) as server:
        yield server


@pytest.fixture
def spine_server(tmp_path: Path, ssb: LocalSsb) -> Iterator[LocalAppliance]:
    yield from _serve(None, tmp_path, ssb)


@pytest.fixture(params=DATABASES)
def spine_server_any(
    request: pytest.FixtureRequest, tmp_path: Path, ssb: LocalSsb
) -> Iterator[LocalAppliance]:
    """On SQLite and on PostgreSQL."""
    yield from _serve(request, tmp_path, ssb)


def _serve(
    request: pytest.FixtureRequest | None, tmp_path: Path, ssb: LocalSsb
) -> Iterator[LocalAppliance]:
    state, config = tmp_path / "appliance", spine_config(ssb)
    if request is None:
        server = start_demo_appliance(state, extra_config=config)
    else:
        server = start_on_database(request, state, extra_config=config)
    with server:
        ssb.trust(state)
        yield server


@pytest.fixture
def ward(spine_server: LocalAppliance) -> Iterator[SpineKiosk]:
    client = SpineKiosk(spine_server)
    yield client
    client.close()


def report(server: LocalAppliance) -> dict[str, Any]:
    done = server.admin("spine", "report", "--format", "json")
    assert done.returncode == 0, done.stderr
    return {line["user"]: line for line in json.loads(done.stdout)["users"]}


def valid(ssb: LocalSsb, ticket: str) -> bool:
    """Whether the SSB itself still honours `ticket`."""
    answer = requests.post(
        ssb.url + "/v1/validate", json={"ticket": ticket}, headers=SPINE, verify=str(ssb.ca),
        timeout=30,
    )  # fmt: skip
    return bool(answer.json()["valid"])
