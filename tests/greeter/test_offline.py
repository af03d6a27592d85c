"""The offline verifier the kiosk keeps in memory: real Argon2id (cryptography), a clock the
test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from greeter.offline import HashCost, OfflineVerifier, derive, parse_until

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
IN_AN_HOUR = "2026-11-23T13:00:00Z"
# cheap for the tests that are not about the cost
CHEAP = HashCost(memory_kib=1024, iterations=1, lanes=1)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(clock: Clock) -> OfflineVerifier:
    return OfflineVerifier(CHEAP, clock)


def keep(verifier: OfflineVerifier, pin: str = "1234", until: str = IN_AN_HOUR) -> float:
    return verifier.keep(verifier.reserve(), pin, until)


def test_only_the_pin_it_was_made_from_is_right(verifier):
    assert verifier.check("1234") == "none"
    assert keep(verifier) == 3600
    assert verifier.check("1234") == "right"
    assert verifier.check("4321") == "wrong"
    assert verifier.check("") == "wrong"


def test_it_holds_a_salted_argon2id_hash_not_the_pin(verifier):
    keep(verifier)
    first = bytes(verifier._salt_and_hash)
    assert b"1234" not in first
    salt, digest = first[:16], first[16:]
    assert digest == derive("1234", salt, CHEAP)
    keep(verifier)
    # a fresh random salt each time: the same PIN never gives the same verifier
    assert bytes(verifier._salt_and_hash)[:16] != salt


def test_by_default_it_hashes_at_owasps_argon2id_minimum(clock):
    verifier = OfflineVerifier(wall=clock)
    keep(verifier)
    kept = bytes(verifier._salt_and_hash)
    owasp = HashCost(memory_kib=19 * 1024, iterations=2, lanes=1)
    assert kept[16:] == derive("1234", kept[:16], owasp)
    assert verifier.check("1234") == "right"


def test_dropping_wipes_the_bytes(verifier):
    keep(verifier)
    held = verifier._salt_and_hash
    verifier.drop()
    assert held == bytearray(len(held))
    assert not verifier.kept
    assert verifier.check("1234") == "none"


def test_nothing_is_kept_once_the_grace_period_is_over(verifier, clock):
    keep(verifier)
    clock.now = NOW + timedelta(hours=1)
    assert verifier.check("1234") == "none"
    assert not verifier.kept


@pytest.mark.parametrize("until", ["2026-11-23T11:59:59Z", "", "soon", "2026-11-23T13:00:00"])
def test_a_grace_over_or_unreadable_keeps_nothing(verifier, until):
    assert keep(verifier, until=until) == 0
    assert not verifier.kept


def test_a_hash_overtaken_by_a_drop_is_thrown_away(verifier):
    ticket = verifier.reserve()
    verifier.drop()  # the flow gave up while the hash ran
    assert verifier.keep(ticket, "1234", IN_AN_HOUR) == 0
    assert not verifier.kept


def test_a_new_verifier_replaces_the_old_one(verifier):
    keep(verifier, "1234")
    keep(verifier, "2468")
    assert verifier.check("1234") == "wrong"
    assert verifier.check("2468") == "right"


def test_until_is_read_as_iso_8601_with_a_zone():
    assert parse_until(IN_AN_HOUR) == NOW + timedelta(hours=1)
    assert parse_until("2026-11-23T13:00:00+00:00") == NOW + timedelta(hours=1)
    assert parse_until("2026-11-23T13:00:00") is None
    assert parse_until("") is None
