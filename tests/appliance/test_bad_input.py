"""Malformed, oversized, out-of-order and unauthorised requests: a 4xx JSON error, never 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from appliance.api import database_fault
from appliance.db import make_engine
from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk
from tests.rig.appliance import DATABASES, server_log, start_demo_appliance, start_on_database

# in every value below: the server's log must never show it
MARK = "zq7"


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


A_TAP = b'{"factor": {"type": "card", "id": "04A1B2C3D4E5F6"}}'


@pytest.mark.parametrize(
    ("content_type", "data", "status"),
    [
        ("text/plain", A_TAP, 422),
        (None, A_TAP, 422),
        ("application/json", b"", 422),
        ("application/json", b'"a string"', 422),
        ("Application/JSON; charset=utf-8", b'{"factor": {"type": "card", "id": "04"}}', 422),
        ("application/vnd.kiosk+json", A_TAP, 200),
    ],
)
def test_the_auth_body_is_json_of_a_json_content_type(
    shared_kiosk: Kiosk, content_type: str | None, data: bytes, status: int
):
    """/v1/auth reads its body by hand (appliance.auth_body), by FastAPI's rules: JSON under
    a JSON content type, else 422 `invalid_request` naming no value."""
    headers = dict(shared_kiosk.server.kiosk_headers())
    if content_type is not None:
        headers["Content-Type"] = content_type
    reply = requests.post(
        shared_kiosk.server.url + "/v1/auth",
        data=data,
        headers=headers,
        verify=shared_kiosk.verify,
        timeout=10,
    )
    if status == 200:
        assert (reply.status_code, reply.json()["status"]) == (200, "continue")
    else:
        assert error_of(reply) == (status, "invalid_request")
        assert "A1B2" not in reply.text


def test_out_of_order_steps(shared_kiosk: Kiosk):
    pin_first = shared_kiosk.post("/v1/auth", {"factor": {"type": "pin", "value": "1234"}})
    assert error_of(pin_first) == (400, "invalid_request")
    made_up = shared_kiosk.post(
        "/v1/auth", {"state": "x" * 40, "factor": {"type": "pin", "value": "1"}}
    )
    assert error_of(made_up) == (400, "state_invalid")
    # a PIN state answered with an enrollment: refused, and the state still works after
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


@pytest.fixture(scope="module", params=DATABASES)
def logged_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalAppliance]:
    with start_on_database(request, tmp_path_factory.mktemp(request.param)) as server:
        yield server


def password_factor(
    username: str = "bob",
    domain: str = "DEMO",
    password: str = "pw",  # noqa: S107
) -> object:
    factor = {"type": "password", "username": username, "password": password, "domain": domain}
    return {"factor": factor}


def session_event(user: str = "alice", session: str | None = None) -> object:
    event = {"event": "session", "action": "started", "user": user}
    return event | ({"session": session} if session is not None else {})


LONG = MARK + "x" * 300  # longer than any name's column
ROUTES_AND_BODIES = [
    ("/v1/auth", password_factor(username=f"{MARK}\x00bob"), "NUL in a username"),
    ("/v1/auth", password_factor(domain=f"{MARK}\x00DEMO"), "NUL in a domain"),
    ("/v1/auth", password_factor(username=LONG), "username past its column"),
    ("/v1/auth", password_factor(domain=LONG), "domain past its column"),
    ("/v1/auth", password_factor(username=f"{MARK}\nbob"), "line break in a username"),
    ("/v1/auth", password_factor(username=f"{MARK}\x1b[2Jbob"), "ANSI escape in a username"),
    ("/v1/auth", password_factor(username=f"{MARK}\u2028bob"), "line separator in a username"),
    ("/v1/auth", password_factor(username=f"{MARK}\u202ebob"), "direction override"),
    ("/v1/auth", password_factor(password=f"{MARK}\x00pw"), "NUL in a password"),
    ("/v1/auth", password_factor(password=LONG), "password past its bound"),
    ("/v1/auth", {"state": "s" * 40, "factor": {"type": "pin", "value": f"{MARK}\x00"}}, "PIN"),
    ("/v1/auth", {"state": f"{MARK}\x00", "factor": {"type": "pin", "value": "1"}}, "state"),
    ("/v1/events", session_event(user=f"{MARK}\x00alice"), "NUL in an event user"),
    ("/v1/events", session_event(user=LONG), "event user past its column"),
    ("/v1/events", session_event(user=f"{MARK}\nalice"), "line break in an event user"),
    ("/v1/events", session_event(session=f"{MARK}\x00"), "NUL in an event session"),
    ("/v1/events", session_event(session=LONG), "event session past its column"),
    (f"/v1/sessions/{MARK}%00/logout", {}, "NUL in a session path"),
    (f"/v1/sessions/{LONG}/logout", {}, "session path past its column"),
    (f"/v1/sessions/{MARK}%0A/role", {"role": "R8000"}, "line break in a session path"),
    ("/v1/sessions/s_x/role", {"role": f"{MARK}\x00"}, "NUL in a role"),
]


@pytest.mark.parametrize(("path", "body", "why"), ROUTES_AND_BODIES)
def test_bad_text_is_invalid_request_and_never_logged(
    logged_server: LocalAppliance, path: str, body: object, why: str
):
    kiosk = Kiosk(logged_server)
    try:
        reply = kiosk.post(path, body)
    finally:
        kiosk.close()
    assert reply.status_code in (400, 422), (why, reply.text)
    assert error_of(reply)[1] == "invalid_request", why
    assert MARK not in reply.text, why  # nor echoed back
    assert_log_clean(logged_server)


def assert_log_clean(server: LocalAppliance) -> None:
    log = server_log(server)
    assert MARK not in log
    assert "[parameters:" not in log
    assert "Traceback" not in log


def test_values_that_outgrow_their_column_once_lowered(logged_server: LocalAppliance):
    """The edge passes a name of 101 characters; lower-cased, "İ" becomes two, and the audit
    row's username (128) overflows. PostgreSQL refuses it: that is the request's fault, not a
    server error, and the log shows neither the value nor a traceback."""
    grown = MARK + "İ" * 98
    assert len(grown) <= 128 < len(grown.lower())
    on_postgres = logged_server.db_url.startswith("postgresql")
    kiosk = Kiosk(logged_server)
    try:
        login = kiosk.post("/v1/auth", password_factor(username=grown))
        event = kiosk.post("/v1/events", session_event(user=grown))
    finally:
        kiosk.close()
    if on_postgres:
        assert error_of(login) == (400, "invalid_request")
        assert error_of(event) == (400, "invalid_request")
        assert "unable to store a request: StringDataRightTruncation" in server_log(logged_server)
    else:  # SQLite keeps text of any length
        assert login.json()["status"] == "bad_factor"
        assert event.status_code == 204
    assert_log_clean(logged_server)


def test_a_database_error_is_logged_without_the_values_in_it(logged_server: LocalAppliance):
    """A fault that is not the request's (here a duplicate key) is a 500, logged with the
    statement and SQLSTATE but not the driver's text: PostgreSQL's DETAIL quotes the row."""
    engine = make_engine(logged_server.db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE fault_probe (name VARCHAR(64) UNIQUE)"))
            connection.execute(text("INSERT INTO fault_probe VALUES (:name)"), {"name": MARK})
        with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
            connection.execute(text("INSERT INTO fault_probe VALUES (:name)"), {"name": MARK})
    finally:
        engine.dispose()
    assert "[parameters:" not in str(caught.value)  # the engine hides them from any printer
    logged = database_fault(caught.value)
    assert MARK not in logged
    assert "INSERT INTO fault_probe" in logged
    assert logged.startswith(("UniqueViolation; SQLSTATE 23505", "IntegrityError"))
