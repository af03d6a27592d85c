"""Spine pieces without a server: the [spine] config, sealed tickets, the report's formats
(the ticket's lifetime is the gate's: `test_gate`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from appliance.config import ApplianceError, load_settings, write_config
from appliance.keys import Keys
from appliance.spine_report import Line, render
from appliance.tickets import seal, unseal


def settings_with(tmp_path: Path, spine: dict[str, object]):
    write_config(tmp_path, {"spine": spine})
    return load_settings(tmp_path)


def test_spine_config_names_environment_urls_and_administrators(tmp_path: Path) -> None:
    spine = settings_with(
        tmp_path,
        {
            "environment": "integration",
            "administrators": [" Ravi@demo "],
            "urls": {"integration": "https://ssb.int.example", "production": "https://ssb"},
        },
    ).spine
    assert spine.ssb_url == "https://ssb.int.example"
    assert spine.administrators == ("ravi@DEMO",)


@pytest.mark.parametrize(
    ("spine", "words"),
    [
        ({"environment": "live"}, "spine.environment 'live'"),
        ({"urls": {"development": "http://ssb"}}, "must be https://"),
        ({"urls": {"staging": "https://ssb"}}, "spine.urls.staging"),
        ({"administrators": ["ravi"]}, "user@DOMAIN"),
    ],
)
def test_bad_spine_config_is_one_clear_line(tmp_path: Path, spine: dict, words: str) -> None:
    with pytest.raises(ApplianceError, match="unable to read config") as raised:
        settings_with(tmp_path, spine)
    assert words in str(raised.value)


def test_a_sealed_ticket_opens_only_under_its_key() -> None:
    old, new = Keys(b"k" * 32), Keys(b"n" * 32, (b"k" * 32,))
    sealed = seal(old, "TICKET-123")
    assert "TICKET-123" not in sealed
    assert unseal(old, sealed) == "TICKET-123"
    assert unseal(new, sealed) == "TICKET-123"  # after a rotation, under the retired key
    assert unseal(Keys(b"n" * 32), sealed) is None  # the key was deleted
    kid, _, data = sealed.partition(":")
    tampered = kid + ":" + data[:-4] + ("AAAA" if not data.endswith("AAAA") else "BBBB")
    assert unseal(old, tampered) is None


def test_report_formats_agree() -> None:
    lines = [Line("alice", created=1, reused=3, created_at=["2026-11-29T22:00:00Z"])]
    data = json.loads(render(lines, "json"))["users"][0]
    assert (data["created"], data["reused"]) == (1, 3)
    row = next(csv.DictReader(io.StringIO(render(lines, "csv"))))
    assert (row["user"], row["reused"], row["created_at"]) == ("alice", "3", data["created_at"][0])
    table = render([Line("eve\nforged 9 9 9")], "table").splitlines()
    assert len(table) == 2  # a name cannot add a line
