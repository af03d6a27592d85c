"""The offline-login cache and queue on disk: real files, real Argon2id (at a cheap cost), a
clock the test moves."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from greeter.flow.cached import MAX_OFFLINE_FAILURES, CachedUser
from greeter.flow.effects import CacheOfflineLogin, CheckOfflineLogin, LookUpOfflineLogin
from greeter.offline import HashCost, derive
from greeter.offline_cache import CACHE_FILE, KEY_FILE, OfflineCache
from greeter.offline_queue import OfflineQueue

CHEAP = HashCost(memory_kib=1024, iterations=1, lanes=1)
CARD = "04A1B2C3D4E5F6"
ALICE = CachedUser("alice", "DEMO", "Alice Adams")
NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(tmp_path: Path, clock: Clock) -> OfflineCache:
    return OfflineCache(tmp_path / "state", CHEAP, clock)


def keep(cache: OfflineCache, window: int = 3600, card: str = CARD, pin: str = "1234") -> None:
    cache.keep(CacheOfflineLogin(card, pin, ALICE, window))


def check(cache: OfflineCache, pin: str, card: str = CARD):
    return cache.check(CheckOfflineLogin(7, card, pin), "s_offline_x")


def test_only_its_card_and_pin_sign_in(cache):
    keep(cache)
    assert cache.look_up(LookUpOfflineLogin(1, CARD)).verdict == "usable"
    assert cache.look_up(LookUpOfflineLogin(1, "04AA0000000002")).verdict == "none"
    assert check(cache, "1234").outcome == "login"
    assert check(cache, "1234", card="04AA0000000002").outcome is None
    assert check(cache, "4321").outcome == "bad_pin"


def test_an_empty_cache_says_it_is_not_in_use(cache):
    assert cache.look_up(LookUpOfflineLogin(1, CARD)).verdict == "unused"
    assert not cache.state_dir.exists()  # a lookup writes nothing


def test_a_stolen_cache_file_is_no_use_without_the_kiosk_key(tmp_path, cache, clock):
    keep(cache)
    entry = next(iter(json.loads(cache.path.read_text())["entries"].values()))
    salt = base64.b64decode(entry["salt"])
    verifier = base64.b64decode(entry["verifier"])
    # the right PIN through Argon2id with the stored salt is not what is stored: guessing
    # offline needs the key as well
    assert derive("1234", salt, CHEAP) != verifier
    # the same file beside another kiosk's key signs nobody in
    other = OfflineCache(tmp_path / "elsewhere", CHEAP, clock)
    keep(other, card="04C0FFEE000001")
    shutil.copy(cache.path, other.path)
    assert other.look_up(LookUpOfflineLogin(1, CARD)).verdict == "none"
    assert check(other, "1234").outcome is None


def test_the_window_ends_by_the_kiosks_clock_and_is_never_past_24_hours(cache, clock):
    keep(cache, window=7 * 24 * 3600)  # whatever the appliance says
    clock.now = NOW + 24 * 3600
    assert cache.look_up(LookUpOfflineLogin(1, CARD)).verdict == "expired"
    assert check(cache, "1234").outcome is None


def test_wrong_pins_lock_the_entry_and_a_new_login_unlocks_it(tmp_path, cache, clock):
    keep(cache)
    for left in range(MAX_OFFLINE_FAILURES - 1, 0, -1):
        checked = check(cache, "0000")
        assert (checked.outcome, checked.attempts_left) == ("bad_pin", left)
    assert check(cache, "0000").outcome == "locked"
    # locked: even the right PIN is not checked, and a new instance (a restart) agrees
    again = OfflineCache(cache.state_dir, CHEAP, clock)
    assert check(again, "1234").verdict == "locked"
    assert again.look_up(LookUpOfflineLogin(1, CARD)).verdict == "locked"
    keep(again)  # her next card + PIN login with the appliance
    assert check(again, "1234").outcome == "login"


def test_a_right_pin_clears_the_count(cache):
    keep(cache)
    check(cache, "0000")
    check(cache, "0000")
    assert check(cache, "1234").outcome == "login"
    assert check(cache, "0000").attempts_left == MAX_OFFLINE_FAILURES - 1


def test_a_damaged_file_signs_nobody_in(cache):
    keep(cache)
    cache.path.write_text("{not json")
    assert check(cache, "1234").outcome is None
    cache.path.write_text(json.dumps({"version": 1, "entries": {"x": {"user": 5}}}))
    assert cache.look_up(LookUpOfflineLogin(1, CARD)).verdict == "none"


def test_wipe_forgets_every_entry_and_the_key(cache):
    keep(cache)
    keep(cache, card="04C0FFEE000001")
    assert cache.count() == 2
    assert cache.wipe() == 2
    assert not (cache.state_dir / CACHE_FILE).exists()
    assert not (cache.state_dir / KEY_FILE).exists()
    assert check(cache, "1234").outcome is None


def test_the_cli_wipes_the_cache_of_the_kiosks_config(tmp_path, clock):
    state = tmp_path / "state"
    keep(OfflineCache(state, CHEAP, clock))
    (tmp_path / "secret").write_text("s" * 43)
    (tmp_path / "ca.pem").write_text("-")
    config = tmp_path / "greeter.toml"
    config.write_text(
        f'[kiosk]\nstate_dir = "{state}"\n[appliance]\nurl = "https://a.example"\n'
        'ca = "ca.pem"\nkiosk_secret_file = "secret"\n[session]\ncommands = [["true"]]\n'
    )
    greeter = [sys.executable, "-m", "greeter"]
    status = subprocess.run(
        [*greeter, "offline", "status", "--config", str(config)], capture_output=True, text=True
    )
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("1 cached offline login(s), 0 offline event(s)")
    wiped = subprocess.run(
        [*greeter, "offline", "wipe", "--config", str(config)], capture_output=True, text=True
    )
    assert wiped.returncode == 0, wiped.stderr
    assert "wiped 1 cached offline login(s)" in wiped.stdout
    assert not (state / CACHE_FILE).exists()
    assert not (state / KEY_FILE).exists()
    broken = subprocess.run(
        [*greeter, "offline", "wipe", "--config", str(tmp_path / "none.toml")],
        capture_output=True,
        text=True,
    )
    assert broken.returncode == 2
    assert "Traceback" not in broken.stderr


def test_the_queue_keeps_events_until_the_appliance_takes_them(tmp_path):
    queue = OfflineQueue(tmp_path / "state")
    queue.add("bad_pin", "alice")
    queue.add("login", "alice")

    def down(batch: list) -> None:
        raise OSError("unreachable")

    with pytest.raises(OSError, match="unreachable"):
        queue.upload(down)
    assert [event["event"] for event in queue.pending()] == ["bad_pin", "login"]
    taken: list[list] = []
    assert queue.upload(taken.append) == 2
    assert [event["event"] for event in taken[0]] == ["bad_pin", "login"]
    assert len({event["id"] for event in taken[0]}) == 2
    assert queue.pending() == []
    assert not queue.path.exists()
