"""Pure pieces: rate limiter, PIN rules, VSC notices, policy parsing, verifiers, clock moves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from appliance.admin import add_kiosk
from appliance.api import create_app
from appliance.audit import Auditor
from appliance.bootstrap import initialise
from appliance.config import ApplianceError, HashCost, load_settings, write_config
from appliance.db import make_engine, session_factory
from appliance.demo import seed_demo
from appliance.hashing import check_verifier, make_verifier
from appliance.keys import Keys
from appliance.local import FAST_ARGON2
from appliance.policy import apply_setting, new_policy, parse_duration
from appliance.ratelimit import RateLimiter

ALICE = "04A1B2C3D4E5F6"


def test_rate_limiter_allows_a_burst_then_the_sustained_rate():
    now = [100.0]
    limiter = RateLimiter(per_second=2.0, burst=3, monotonic=lambda: now[0])
    assert [limiter.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("k") == pytest.approx(0.5)
    assert limiter.take("other") == 0.0
    now[0] += 0.5
    assert limiter.take("k") == 0.0
    assert limiter.take("k") > 0


def test_rate_limiter_waits_without_taking_and_bounds_its_keys():
    now = [100.0]
    limiter = RateLimiter(per_second=1.0, burst=2, monotonic=lambda: now[0], max_keys=4)
    assert limiter.wait("a") == 0.0
    assert [limiter.take("a"), limiter.take("a")] == [0.0, 0.0]
    assert limiter.wait("a") == limiter.wait("a") == pytest.approx(1.0)
    for key in "bcde":  # e is a fifth key: the least recently used, a, goes
        limiter.take(key)
    assert limiter.wait("a") == 0.0
    # refilled buckets go before one still in use, however long unused
    limiter = RateLimiter(per_second=1.0, burst=2, monotonic=lambda: now[0], max_keys=4)
    for key in "bbcde":  # b empty, c, d and e half full
        limiter.take(key)
    now[0] += 1.5  # b holds 1.5; c, d and e are full again
    limiter.take("f")
    assert limiter.take("b") == 0.0
    assert limiter.wait("b") == pytest.approx(0.5)  # b was kept


def test_failed_auth_limits_are_read_from_the_config(tmp_path: Path):
    defaults = load_settings(tmp_path)  # no appliance.toml
    assert (defaults.failed_auth_burst, defaults.failed_auth_per_minute) == (10, 6.0)
    limits = {"burst": 40, "failed_auth_burst": 5, "failed_auth_per_minute": 12}
    write_config(tmp_path, {"rate_limit": limits})
    settings = load_settings(tmp_path)
    assert (settings.failed_auth_burst, settings.failed_auth_per_minute) == (5, 12.0)
    write_config(tmp_path, {"rate_limit": limits | {"failed_auth_burst": 0}})
    with pytest.raises(ApplianceError, match="failed_auth_burst"):
        load_settings(tmp_path)


def test_policy_settings_are_checked():
    policy = new_policy("p")
    apply_setting(policy, "grace", "12h")
    assert policy.grace_seconds == 12 * 3600
    with pytest.raises(ApplianceError, match="at most 12 h"):
        apply_setting(policy, "grace", "721m")
    with pytest.raises(ApplianceError, match="larger than pin_max_length"):
        apply_setting(policy, "pin_min_length", "9")
    apply_setting(policy, "first_factors", "password, card")
    assert policy.first_factors == "card,password"
    assert parse_duration("15m") == 900


K1, K2 = Keys(b"k1" * 16), Keys(b"k2" * 16)


def test_verifiers_salt_each_secret_and_card_keys_are_keyed():
    cost = HashCost(**FAST_ARGON2)
    first, second = make_verifier("1234", cost, K1), make_verifier("1234", cost, K1)
    assert first != second  # a fresh salt each time
    assert check_verifier("1234", first, K1)
    assert not check_verifier("1235", first, K1)
    assert not check_verifier("1234", "garbage", K1)
    assert first.startswith(f"argon2id-k${K1.current_id}$1024$1$1$")
    assert K1.card_key(ALICE) != K2.card_key(ALICE)
    assert ALICE not in K1.card_key(ALICE)


def test_a_verifier_is_useless_without_its_key():
    """A database dump alone: the right PIN does not match under any other key."""
    verifier = make_verifier("1234", HashCost(**FAST_ARGON2), K1)
    assert not check_verifier("1234", verifier, K2)
    # a forged key id does not help either: the MAC is over Argon2id's output
    forged = verifier.replace(K1.current_id, K2.current_id)
    assert not check_verifier("1234", forged, K2)


def test_rotation_keeps_old_verifiers_and_cards_working_and_moves_them():
    cost = HashCost(**FAST_ARGON2)
    old = make_verifier("1234", cost, K1)
    rotated = Keys(K2.current, (K1.current,))
    verdict = check_verifier("1234", old, rotated)
    assert verdict.right
    assert verdict.renewed is not None
    assert verdict.renewed.split("$")[1] == K2.current_id
    assert check_verifier("1234", verdict.renewed, Keys(K2.current)).right
    assert check_verifier("1234", verdict.renewed, rotated).renewed is None
    assert rotated.card_keys(ALICE) == [K2.card_key(ALICE), K1.card_key(ALICE)]


def test_grace_period_measured_on_an_injected_clock(tmp_path: Path):
    """The default 8 h grace without waiting 8 h: the app's clock is moved instead."""
    settings = initialise(tmp_path, extra_config={"argon2": dict(FAST_ARGON2)})
    engine = make_engine(settings.db_url)
    with session_factory(engine)() as db:
        seed_demo(db, settings.hash_cost, settings.keys, Auditor())
        secret = add_kiosk(db, "k", Auditor())
        db.commit()
    engine.dispose()
    now = [dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)]
    app = create_app(settings, clock=lambda: now[0])
    headers = {"X-Kiosk": "k", "Authorization": f"Bearer {secret}"}
    with TestClient(app) as client:

        def auth(body: dict[str, Any]) -> Any:
            reply = client.post("/v1/auth", json=body, headers=headers)
            assert reply.status_code == 200
            return reply.json()

        tap = {"factor": {"type": "card", "id": ALICE}}
        first = auth(tap)
        done = auth({"state": first["state"], "factor": {"type": "pin", "value": "1234"}})
        assert done["session"]["spine"]["grace_until"] == "2026-11-23T16:00:00Z"
        now[0] += dt.timedelta(hours=7, minutes=59)
        assert auth(tap)["status"] == "ok"
        now[0] += dt.timedelta(minutes=2)
        assert auth(tap)["status"] == "continue"
    app.state.engine.dispose()
