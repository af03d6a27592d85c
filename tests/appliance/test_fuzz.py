"""Schemathesis fuzzes the generated OpenAPI schema against the live HTTPS server, on SQLite and
on PostgreSQL: no input may cause a server error, every error is the JSON `{code, message}` of
docs/api.md, and the server's log never shows a statement's parameters or a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from appliance.api import create_app
from appliance.config import Settings
from appliance.local import LocalAppliance
from tests.rig.appliance import DATABASES, server_log, start_on_database

# The schema is what the app generates; building the app opens no database.
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(state_dir=Path("unused"), db_url="sqlite://")).openapi()
)


@pytest.fixture(scope="module", params=DATABASES)
def fuzz_target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalAppliance]:
    state_dir = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with start_on_database(
        request, state_dir, rate_limit=(1e6, 10**6), kiosk_name="fuzz-kiosk"
    ) as server:
        yield server
        log = server_log(server)
    assert "[parameters:" not in log
    assert "Traceback" not in log


@pytest.fixture(scope="module")
def fuzz_http(fuzz_target: LocalAppliance) -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE must not replace the pinned CA
    session.verify = str(fuzz_target.ca_path)
    yield session
    session.close()


@SCHEMA.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_causes_a_server_error(
    case: schemathesis.Case, fuzz_target: LocalAppliance, fuzz_http: requests.Session
) -> None:
    # the real credentials win, so the fuzzing reaches past the kiosk check (401s are tested
    # in test_bad_input)
    headers = {**dict(case.headers or {}), **fuzz_target.kiosk_headers()}
    response = case.call(
        base_url=fuzz_target.url,
        session=fuzz_http,
        headers=headers,
        timeout=30,
        verify=str(fuzz_target.ca_path),
    )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message"}, body
        assert "Traceback" not in body["message"]
