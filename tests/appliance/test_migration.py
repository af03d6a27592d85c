"""Schema upgrades keep data: a database made at the first revision, with users, cards and a
PIN, is upgraded by the server's own start-up and the user still logs in."""

from __future__ import annotations

import base64
import datetime as dt
import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from appliance.config import HashCost, sqlite_url
from appliance.db import make_engine, migrate
from appliance.hashing import derive_here
from appliance.local import FAST_ARGON2, start_local_appliance
from appliance.store import Base
from tests.appliance.kiosk_client import Kiosk

CARD = "04DEADBEEF0001"


def unkeyed_verifier(secret: str) -> str:
    """A verifier as the first revisions stored it: Argon2id's output as it is, no key."""
    cost, salt = HashCost(**FAST_ARGON2), os.urandom(16)
    digest = base64.b64encode(derive_here(secret, salt, cost)).decode()
    salt_text = base64.b64encode(salt).decode()
    return f"argon2id${cost.memory_kib}${cost.iterations}${cost.lanes}${salt_text}${digest}"


def make_old_database(url: str) -> None:
    engine = make_engine(url)
    migrate(engine, b"", "0001")
    now = dt.datetime.now(dt.UTC)
    pin = unkeyed_verifier("8642")
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO users (id, username, domain, display_name, disabled,"
                " registration_authority, policy_name, password_verifier, failed_attempts)"
                " VALUES (1, 'olga', 'OLD', 'Olga Old', false, true, 'default', NULL, 2)"
            )
        )
        db.execute(
            text("INSERT INTO pin_verifiers (user_id, verifier, set_at) VALUES (1, :v, :t)"),
            {"v": pin, "t": now},
        )
        db.execute(text("UPDATE users SET password_verifier = :p"), {"p": unkeyed_verifier("pw")})
        db.execute(
            text(
                "INSERT INTO cards (card_id, user_id, enrolled_at, enrolled_kiosk)"
                " VALUES (:c, 1, :t, 'ward1')"
            ),
            {"c": CARD, "t": now},
        )
        db.execute(text("UPDATE policies SET max_attempts = 7 WHERE name = 'default'"))
    engine.dispose()


def test_upgrade_keeps_users_cards_pins_and_policy(tmp_path: Path):
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    make_old_database(sqlite_url(state_dir))
    with start_local_appliance(state_dir, fast_hashing=True) as server:
        kiosk = Kiosk(server)
        first = kiosk.tap(CARD)
        assert first["user"] == {"username": "olga", "display_name": "Olga Old"}
        wrong = kiosk.pin(first["state"], "0000")
        assert wrong["attempts_left"] == 4  # the policy change and her 2 failures survived
        done = kiosk.pin(wrong["state"], "8642")
        assert done["status"] == "ok"
        assert done["session"]["user"]["registration_authority"] is True
        assert done["session"]["spine"] == {
            "grace_until": done["session"]["spine"]["grace_until"],
            "roles": [],
            "role": None,
        }
        assert kiosk.password("olga", "pw", "OLD")["status"] == "ok"  # her password too
        kiosk.close()
        cards = server.admin("card", "list").stdout
        assert "olga@OLD" in cards
        assert "ward1" in cards
    assert_no_card_id_or_unkeyed_verifier(server.db_url)


def dump(url: str) -> tuple[list[str], list[str]]:
    """What a copy of the database shows: every value of the tables that could hold a card id
    or a secret, and the PIN verifiers."""
    engine = make_engine(url)
    with engine.connect() as db:
        values = [
            str(value)
            for table in ("cards", "pin_verifiers", "users", "auth_states", "audit_events")
            for row in db.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 - fixed names
            for value in row
        ]
        verifiers = list(db.execute(text("SELECT verifier FROM pin_verifiers")).scalars())
    engine.dispose()
    return values, verifiers


def assert_no_card_id_or_unkeyed_verifier(url: str) -> None:
    """What a dump of the upgraded database holds: no card id, and only keyed verifiers."""
    values, verifiers = dump(url)
    assert not [value for value in values if CARD in value.upper()]
    assert verifiers
    assert all(v.startswith("argon2id-k$") for v in verifiers)


def test_models_match_the_migrations(tmp_path: Path):
    assert_models_match(sqlite_url(tmp_path))


@pytest.mark.postgres
def test_models_match_the_migrations_on_postgresql(postgres_server):
    assert_models_match(postgres_server.new_database())


def assert_models_match(url: str) -> None:
    engine = make_engine(url)
    migrate(engine, b"k" * 32)
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diffs == []


def test_a_lockout_running_at_the_upgrade_still_holds_after_it(tmp_path: Path):
    # 0009 copies the guess counts into a new table on SQLite: a copy that lost them would
    # hand an attacker a fresh set of guesses
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    engine = make_engine(sqlite_url(state_dir))
    migrate(engine, b"k" * 32, "0008_steps")
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO attempts (username, domain, failures, locked_until, last_failure_at)"
                " VALUES ('mallory', 'DEMO', 0, :until, :now)"
            ),
            {
                "until": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
                "now": dt.datetime.now(dt.UTC),
            },
        )
    engine.dispose()
    with start_local_appliance(state_dir, fast_hashing=True) as server:
        kiosk = Kiosk(server)
        assert kiosk.password("mallory", "anything", "DEMO")["status"] == "locked"
        kiosk.close()
