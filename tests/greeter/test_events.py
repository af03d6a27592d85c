"""The event log contract: one JSON object a line with ts and mono, no secrets, hashed ids."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from greeter.cards import CardEvent
from greeter.events import EventLog, SecretInLog, card_id_hash

CARD = "04A1B2C3D4E5F6"


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_line_is_json_with_wall_and_monotonic_time(tmp_path):
    path = tmp_path / "events.jsonl"
    wall = datetime(2026, 11, 23, 18, 0, 0, 123000, tzinfo=UTC)
    log = EventLog(str(path), b"key", wall=lambda: wall, mono=lambda: 12.3456)
    log.ready()
    log.screen("pin")
    log.write("session", {"action": "started", "user": "alice"})
    log.close()
    assert lines(path) == [
        {"event": "ready", "ts": "2026-11-23T18:00:00.123+00:00", "mono": 12.346},
        {"event": "screen", "ts": "2026-11-23T18:00:00.123+00:00", "mono": 12.346, "screen": "pin"},
        {
            "event": "session",
            "ts": "2026-11-23T18:00:00.123+00:00",
            "mono": 12.346,
            "action": "started",
            "user": "alice",
        },
    ]


def test_card_events_carry_a_keyed_hash_never_the_id(tmp_path):
    path = tmp_path / "events.jsonl"
    log = EventLog(str(path), b"kiosk-key")
    log.card(CardEvent("present", CARD, "Reader 0", "pcsc", "contact", 1.0))
    log.card(CardEvent("removed", CARD, "Reader 0", "pcsc", "contact", 2.0))
    log.close()
    first, second = lines(path)
    assert first["action"] == "present"
    assert first["reader"] == "Reader 0"
    assert first["source"] == "pcsc"
    assert first["id_hash"] == second["id_hash"] == card_id_hash(b"kiosk-key", CARD)
    assert len(first["id_hash"]) == 16
    assert CARD not in path.read_text()
    assert CARD.lower() not in path.read_text()
    # another key, another hash: the hash means nothing without this kiosk's key
    assert card_id_hash(b"other", CARD) != first["id_hash"]


@pytest.mark.parametrize(
    "field", ["pin", "password", "PIN", "card_id", "secret", "confirm", "ticket"]
)
def test_the_guard_refuses_secret_fields(tmp_path, field):
    path = tmp_path / "events.jsonl"
    log = EventLog(str(path), b"k")
    with pytest.raises(SecretInLog):
        log.write("screen", {field: "1234"})
    log.close()
    assert path.read_text() == ""


def test_lines_also_go_to_the_journal_logger(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="greeter.events")
    EventLog(None, b"k").screen("idle")
    assert '"screen":"idle"' in caplog.text


def test_an_unwritable_log_file_costs_the_file_not_the_kiosk(tmp_path, caplog):
    log = EventLog(str(tmp_path / "no" / "such" / "dir.jsonl"), b"k")
    assert log.screen("idle")["screen"] == "idle"
    assert "unable to open the event log" in caplog.text
