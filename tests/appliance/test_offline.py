"""Offline login, the appliance's half, against a real appliance over HTTPS: the policy (off by
default, a window of at most 24 h), the `ok` reply that lets a kiosk cache a card + PIN login,
and the upload of what a kiosk queued offline, audited once per event id as that kiosk's."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk
from tests.rig.appliance import DATABASES, start_on_database

ALICE = "04A1B2C3D4E5F6"


def card_and_pin(kiosk: Kiosk, card: str = ALICE, pin: str = "1234") -> dict:
    done = kiosk.pin(kiosk.tap(card)["state"], pin)
    assert done["status"] == "ok"
    return done


def set_policy(server: LocalAppliance, *settings: str) -> None:
    done = server.admin("policy", "set", *settings)
    assert done.returncode == 0, done.stderr


def audit(server: LocalAppliance) -> list[dict]:
    done = server.admin("audit", "-n", "1000", "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def event(outcome: str = "login", user: str = "alice", at: str = "2026-11-29T21:00:00Z") -> dict:
    return {"id": uuid.uuid4().hex, "at": at, "event": outcome, "user": user}


def test_offline_login_is_off_by_default(appliance_server, kiosk):
    assert "offline" not in card_and_pin(kiosk)
    shown = appliance_server.admin("policy", "show").stdout.splitlines()
    assert "offline_login = off" in shown
    assert "offline_window = 43200s" in shown


def test_a_card_and_pin_login_carries_the_window_once_the_policy_allows_it(appliance_server, kiosk):
    set_policy(appliance_server, "offline_login=on", "offline_window=2h")
    offline = card_and_pin(kiosk)["offline"]
    assert offline["window_seconds"] == 7200
    assert offline["until"].endswith("Z")
    login = [line for line in audit(appliance_server) if line["event"] == "login"][-1]
    assert login["detail"]["offline_window"] == 7200
    # a password alone proves one factor: nothing to cache
    assert "offline" not in kiosk.password("bob", "bob-demo-pass")
    # tap-and-go (the card alone, in its grace period) proves no PIN: nothing to cache
    again = kiosk.tap(ALICE)
    assert again["status"] == "ok"
    assert again["session"]["method"] == "tap_and_go"
    assert "offline" not in again


def test_the_default_window_is_12_hours(appliance_server, kiosk):
    set_policy(appliance_server, "offline_login=on")
    assert card_and_pin(kiosk)["offline"]["window_seconds"] == 12 * 3600


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("offline_window=25h", "at most 24 h"),
        ("offline_window=0", "between 1 s and 86400 s"),
        ("offline_window=soon", "unable to read duration"),
        ("offline_login=maybe", "not on or off"),
    ],
)
def test_bad_policy_values_are_refused_plainly(appliance_server, setting, says):
    done = appliance_server.admin("policy", "set", setting)
    assert done.returncode != 0
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_queued_events_land_in_the_audit_once_as_the_kiosks(appliance_server, kiosk):
    events = [event("bad_pin"), event("login"), event("refused", user="")]
    sent = kiosk.post("/v1/offline-events", {"events": events})
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"recorded": 3}
    # a retry (the kiosk never saw the answer) audits nothing twice
    again = kiosk.post("/v1/offline-events", {"events": [*events, event("locked")]})
    assert again.json() == {"recorded": 1}
    lines = [line for line in audit(appliance_server) if line["event"].startswith("offline_")]
    assert [(line["event"], line["user"], line["kiosk"]) for line in lines] == [
        ("offline_bad_pin", "alice", appliance_server.kiosk_name),
        ("offline_login", "alice", appliance_server.kiosk_name),
        ("offline_refused", "", appliance_server.kiosk_name),
        ("offline_locked", "alice", appliance_server.kiosk_name),
    ]
    first = lines[0]["detail"]
    assert first["reported_by"] == "kiosk"
    assert first["happened_at"] == "2026-11-29T21:00:00Z"
    assert first["event_id"] == events[0]["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"events": []},
        {"events": [{**event(), "event": "unlock_everything"}]},
        {"events": [{**event(), "id": "short"}]},
        {"events": [{**event(), "user": "alice\nforged line"}]},
        {"events": [{**event(), "pin": "1234"}]},
        {"events": [{**event(), "at": "yesterday"}]},
        {"events": [event() for _ in range(101)]},
    ],
)
def test_a_malformed_upload_is_refused_and_audits_nothing(appliance_server, kiosk, body):
    before = len(audit(appliance_server))
    sent = kiosk.post("/v1/offline-events", body)
    assert sent.status_code == 422
    assert sent.json()["code"] == "invalid_request"
    assert "1234" not in sent.text
    assert len(audit(appliance_server)) == before


def test_only_a_known_kiosk_may_upload(appliance_server):
    stranger = Kiosk(appliance_server, secret="not-the-secret")
    sent = stranger.post("/v1/offline-events", {"events": [event()]})
    assert sent.status_code == 401
    assert not [line for line in audit(appliance_server) if line["event"].startswith("offline_")]


@pytest.fixture(params=DATABASES)
def any_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[LocalAppliance]:
    with start_on_database(request, tmp_path / request.param) as server:
        yield server


def test_the_policy_and_the_upload_work_on_each_database(any_database):
    kiosk = Kiosk(any_database)
    try:
        set_policy(any_database, "offline_login=on", "offline_window=24h")
        assert card_and_pin(kiosk)["offline"]["window_seconds"] == 24 * 3600
        events = [event("login"), event("bad_pin")]
        assert kiosk.post("/v1/offline-events", {"events": events}).json() == {"recorded": 2}
        assert kiosk.post("/v1/offline-events", {"events": events}).json() == {"recorded": 0}
    finally:
        kiosk.close()
    offline = [line for line in audit(any_database) if line["event"].startswith("offline_")]
    assert len(offline) == 2


def test_concurrent_uploads_of_the_same_events_record_them_once(any_database):
    """A kiosk's retry racing its first upload (both on the wire at once) is an ordinary
    idempotent success: no 500 from the unique key, nothing audited twice."""
    senders, rounds = 6, 4
    kiosks = [Kiosk(any_database) for _ in range(senders)]
    try:
        for _ in range(rounds):
            events = [event("login"), event("bad_pin"), event("locked")]
            start = threading.Barrier(senders)

            def send(kiosk: Kiosk, events: list[dict] = events, start=start) -> tuple[int, dict]:
                start.wait()
                sent = kiosk.post("/v1/offline-events", {"events": events})
                return sent.status_code, sent.json()

            with ThreadPoolExecutor(senders) as pool:
                answers = list(pool.map(send, kiosks))
            assert [status for status, _ in answers] == [200] * senders, answers
            assert sum(body["recorded"] for _, body in answers) == len(events)
    finally:
        for kiosk in kiosks:
            kiosk.close()
    offline = [line for line in audit(any_database) if line["event"].startswith("offline_")]
    assert len(offline) == rounds * 3
    assert len({line["detail"]["event_id"] for line in offline}) == rounds * 3
