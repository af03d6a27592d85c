"""A real appliance on loopback (HTTPS, test CA, demo users) for any test that needs one.

Use in a conftest.py: `from tests.rig.appliance import appliance_server  # noqa: F401`, then

    def test_x(appliance_server: LocalAppliance) -> None:
        requests.post(appliance_server.url + "/v1/auth", json=...,
                      headers=appliance_server.kiosk_headers(), verify=appliance_server.ca_path)

`appliance_server` is per test (its own state dir, so tests may lock users or change policy);
`appliance_server_shared` is one per test session, for tests that only read. Both hash with a
cheap Argon2id cost so start-up is quick (`tests/appliance` covers the real cost) and allow
200 requests/s per kiosk and 1,000 wrong credentials per address at once. Requests must pass
`verify=str(server.ca_path)` per request: REQUESTS_CA_BUNDLE in the environment overrides a
Session's `verify`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.local import LocalAppliance, start_local_appliance


def start_demo_appliance(state_dir: Path, **options: Any) -> LocalAppliance:
    """Demo users, cheap hashing and rate limits no test trips by accident (pass
    `rate_limit=(per_second, burst)` or `failed_auth=(burst, per_minute)` to test limiting)."""
    options.setdefault("rate_limit", (200.0, 400))
    options.setdefault("failed_auth", (1000, 60000.0))
    return start_local_appliance(state_dir, seed_demo=True, fast_hashing=True, **options)


# params of a fixture that starts an appliance on each database (see `start_on_database`)
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
LOG_NAME = "server.log"


def start_on_database(
    request: pytest.FixtureRequest, state_dir: Path, **options: Any
) -> LocalAppliance:
    """A demo appliance on the database `request.param` names (in a fixture parametrised with
    DATABASES; PostgreSQL needs the `postgres_server` fixture in reach), its output kept for
    `server_log`."""
    if request.param == "postgres":
        options["db_url"] = request.getfixturevalue("postgres_server").new_database()
    return start_demo_appliance(state_dir, log_path=state_dir / LOG_NAME, **options)


def server_log(server: LocalAppliance) -> str:
    return (server.state_dir / LOG_NAME).read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def appliance_server(tmp_path: Path) -> Iterator[LocalAppliance]:
    with start_demo_appliance(tmp_path / "appliance") as server:
        yield server


@pytest.fixture(scope="session")
def appliance_server_shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAppliance]:
    with start_demo_appliance(tmp_path_factory.mktemp("appliance-shared")) as server:
        yield server
