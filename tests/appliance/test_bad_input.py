"""Malformed, oversized, out-of-order and unauthorised requests: a 4xx JSON error, never 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk
from tests.rig.appliance import start_demo_appliance


@pytest.fixture
def shared_kiosk(appliance_server_shared: LocalAppliance):
    client = Kiosk(appliance_server_shared)
    yield client
    client.close()


def error_of(reply: requests.Response) -> tuple[int, str]:
    body = reply.json()
    assert set(body) == {"code", "message"}, body
    assert body["message"]
    return reply.status_code, body["code"]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"factor": {"type": "card", "id": "04A1B2C3D4E5F"}}, "odd number of hex digits"),
        ({"factor": {"type": "card", "id": "XYZXYZXYZXYZ"}}, "not hex"),
        ({"factor": {"type": "card", "id": "0401"}}, "too short"),
        ({"factor": {"type": "card", "id": "04" * 33}}, "too long"),
        ({"factor": {"type": "card", "id": 1234567890}}, "wrong type"),
        ({"factor": {"type": "card", "id": "04A1B2C3D4E5F6"}, "extra": 1}, "unknown field"),
        ({"factor": {"type": "retina"}}, "unknown factor"),
        ({}, "empty"),
        ([], "not an object"),
    ],
)
def test_malformed_requests_are_invalid_request(shared_kiosk: Kiosk, body: object, why: str):
    status, code = error_of(shared_kiosk.post("/v1/auth", body))
    assert (status in (400, 422), code) == (True, "invalid_request"), why


def test_not_json_and_oversized_bodies(shared_kiosk: Kiosk):
    server = shared_kiosk.server
    url = server.url + "/v1/auth"
    headers = {**server.kiosk_headers(), "Content-Type": "application/json"}
    garbage = requests.post(
        url, data=b"{not json", headers=headers, verify=shared_kiosk.verify, timeout=10
    )
    assert error_of(garbage) == (422, "invalid_request")
    big = b'{"factor": {"type": "card", "id": "' + b"0" * 20000 + b'"}}'
    assert error_of(
        requests.post(url, data=big, headers=headers, verify=shared_kiosk.verify, timeout=10)
    ) == (
        413,
        "payload_too_large",
    )

    def chunks():  # no Content-Length: the limit must still hold
        for _ in range(40):
            yield b" " * 1024

    chunked = requests.post(
        url, data=chunks(), headers=headers, verify=shared_kiosk.verify, timeout=10
    )
    assert error_of(chunked) == (413, "payload_too_large")


def test_out_of_order_steps(shared_kiosk: Kiosk):
    pin_first = shared_kiosk.post("/v1/auth", {"factor": {"type": "pin", "value": "1234"}})
    assert error_of(pin_first) == (400, "invalid_request")
    made_up = shared_kiosk.post(
        "/v1/auth", {"state": "x" * 40, "factor": {"type": "pin", "value": "1"}}
    )
    assert error_of(made_up) == (400, "state_invalid")
    # a PIN state answered with an enrolment: refused, and the state still works after
    state = shared_kiosk.tap("04A1B2C3D4E5F6")["state"]
    wrong = shared_kiosk.post("/v1/auth", {"state": state, "enroll": {"type": "pin", "value": "1"}})
    assert error_of(wrong) == (400, "invalid_request")
    assert shared_kiosk.pin(state, "1234")["status"] == "ok"


def test_unknown_routes_and_methods(shared_kiosk: Kiosk):
    assert error_of(shared_kiosk.get("/v1/nothing")) == (404, "not_found")
    assert error_of(shared_kiosk.get("/v1/auth")) == (405, "method_not_allowed")


def test_kiosk_not_authorised(appliance_server: LocalAppliance):
    url = appliance_server.url + "/v1/kiosk"
    verify = str(appliance_server.ca_path)
    for headers in (
        {},
        {"X-Kiosk": "demo-kiosk"},
        {"X-Kiosk": "demo-kiosk", "Authorization": "Bearer wrong"},
        {"X-Kiosk": "nobody", "Authorization": f"Bearer {appliance_server.kiosk_secret}"},
    ):
        assert error_of(requests.get(url, headers=headers, verify=verify, timeout=10)) == (
            401,
            "kiosk_unauthorized",
        )
    good = appliance_server.kiosk_headers()
    assert requests.get(url, headers=good, verify=verify, timeout=10).status_code == 200
    assert appliance_server.admin("kiosk", "revoke", "demo-kiosk").returncode == 0
    revoked = requests.get(url, headers=good, verify=verify, timeout=10)
    assert error_of(revoked) == (401, "kiosk_unauthorized")


def test_rate_limit_per_kiosk(tmp_path: Path):
    with start_demo_appliance(tmp_path / "a", rate_limit=(1.0, 3)) as server:
        kiosk = Kiosk(server)
        codes = [kiosk.get("/v1/kiosk").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = kiosk.get("/v1/kiosk")
        assert error_of(limited) == (429, "rate_limited")
        assert 1 <= int(limited.headers["Retry-After"]) <= 2
        # another kiosk has its own bucket
        other = Kiosk(server, "ward2", server.admin("kiosk", "add", "ward2").stdout.strip())
        assert other.get("/v1/kiosk").status_code == 200
        kiosk.close()
        other.close()
