"""Offline login end to end, without Qt: the real appliance over HTTPS (stopped to go offline,
started again to come back), the kiosk as `greeter run` wires it (an InlineExecutor runs its
effects), real session processes, its state dir on disk.

Demo users: alice (card, PIN 1234), ravi (card, PIN 2468), carol (card, no PIN).
"""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from greeter.app import Kiosk
from greeter.config import load
from greeter.flow.model import Cancelled, PinEntered, RoleChosen
from greeter.inline import InlineExecutor
from greeter.offline_cache import CACHE_FILE, KEY_FILE
from greeter.offline_queue import QUEUE_FILE
from greeter.wiring import build_kiosk
from tests.greeter.test_app import tap
from tests.rig.appliance import start_demo_appliance

ALICE, RAVI, CAROL = "04A1B2C3D4E5F6", "04AA0000000002", "04C0FFEE000001"


@pytest.fixture
def appliance(tmp_path: Path) -> Iterator[LocalAppliance]:
    with start_demo_appliance(tmp_path / "appliance") as server:
        yield server


def kiosk_on(tmp_path: Path, server: LocalAppliance, name: str = "k") -> tuple[Kiosk, Path]:
    """A kiosk of `server` keeping its offline state in tmp_path/state (shared by every kiosk
    of the test: the same machine, its greeter restarted)."""
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    (folder / "kiosk.secret").write_text(server.kiosk_secret)
    config = folder / "greeter.toml"
    config.write_text(
        f"""
[kiosk]
name = "{server.kiosk_name}"
state_dir = "{tmp_path / "state"}"
[appliance]
url = "{server.url}"
ca = "{server.ca_path}"
kiosk_secret_file = "kiosk.secret"
timeout = 5
connect_timeout = 2
[cards]
pcsc = false
[session]
commands = [["sleep", "60"]]
close_budget_seconds = 5
"""
    )
    log = folder / "events.jsonl"
    kiosk = build_kiosk(load(config), InlineExecutor(), event_log_path=str(log))
    kiosk.start()
    return kiosk, log


def allow_offline(server: LocalAppliance, *settings: str) -> None:
    done = server.admin("policy", "set", "offline_login=on", *settings)
    assert done.returncode == 0, done.stderr


def sign_in_online(kiosk: Kiosk, card: str, pin: str) -> None:
    kiosk.dispatch(tap(card))
    assert kiosk.view.screen == "pin"
    kiosk.dispatch(PinEntered(pin))
    if kiosk.view.screen == "role":
        kiosk.dispatch(RoleChosen(kiosk.view.roles[0].code))
    assert kiosk.view.screen == "session"


def sign_out(kiosk: Kiosk) -> None:
    """The session ends (as a logout would): back to the idle screen."""
    kiosk.close()


def alice_cached_then_offline(
    tmp_path: Path, appliance: LocalAppliance, *settings: str
) -> tuple[Kiosk, Path]:
    """The policy allows offline login, alice signs in with card and PIN and out again, the
    appliance stops; a greeter started afresh on the same machine."""
    allow_offline(appliance, *settings)
    kiosk, _ = kiosk_on(tmp_path, appliance)
    sign_in_online(kiosk, ALICE, "1234")
    sign_out(kiosk)
    appliance.stop()
    return kiosk_on(tmp_path, appliance, "offline")


def offline_pin(kiosk: Kiosk, card: str) -> None:
    kiosk.dispatch(tap(card))
    assert kiosk.view.screen == "pin", kiosk.view.error_key
    assert kiosk.view.offline


def audit(server: LocalAppliance) -> list[dict]:
    done = server.admin("audit", "-n", "1000", "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_recent_user_signs_in_offline_and_nobody_else_does(tmp_path, appliance):
    kiosk, log = alice_cached_then_offline(tmp_path, appliance)
    try:
        # ravi never signed in here: the kiosk says it is offline, for recent users only
        kiosk.dispatch(tap(RAVI))
        assert kiosk.view.screen == "error"
        assert kiosk.view.error_key == "offline_recent_only"
        kiosk.dispatch(Cancelled())

        # alice: her card, the PIN screen (checked on the kiosk), her session
        offline_pin(kiosk, ALICE)
        assert kiosk.view.user_display_name == "Alice Adams"
        kiosk.dispatch(PinEntered("1234"))
        assert kiosk.view.screen == "session"
        assert kiosk.state.desktop is not None
        assert kiosk.state.desktop.username == "alice"
        assert kiosk.state.desktop.session.method == "offline_card_pin"
    finally:
        kiosk.close()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert {"event": "session", "action": "started", "user": "alice"}.items() <= next(
        line for line in lines if line["event"] == "session"
    ).items()
    assert "1234" not in log.read_text()
    assert ALICE not in log.read_text()


def test_the_cache_is_the_greeters_only_and_holds_no_pin_or_card_id(tmp_path, appliance):
    allow_offline(appliance)
    kiosk, _ = kiosk_on(tmp_path, appliance)
    try:
        sign_in_online(kiosk, ALICE, "1234")
    finally:
        kiosk.close()
    state = tmp_path / "state"
    cache, key = state / CACHE_FILE, state / KEY_FILE
    assert mode(state) == 0o700
    assert mode(cache) == 0o600
    assert mode(key) == 0o600
    text = cache.read_text()
    for secret in ("1234", ALICE, ALICE.lower(), key.read_bytes().hex()):
        assert secret not in text
    entries = json.loads(text)["entries"]
    assert len(entries) == 1
    entry = next(iter(entries.values()))
    assert entry["user"]["username"] == "alice"
    # the window is the policy's default 12 h from now, by the kiosk's clock
    assert abs(entry["until"] - (time.time() + 12 * 3600)) < 60


def test_with_the_policy_off_by_default_nothing_is_cached(tmp_path, appliance):
    kiosk, _ = kiosk_on(tmp_path, appliance)
    try:
        sign_in_online(kiosk, ALICE, "1234")
    finally:
        kiosk.close()
    appliance.stop()
    assert not (tmp_path / "state" / CACHE_FILE).exists()
    assert not (tmp_path / "state" / KEY_FILE).exists()
    kiosk, _ = kiosk_on(tmp_path, appliance, "offline")
    try:
        kiosk.dispatch(tap(ALICE))
        # nobody may sign in offline here: the plain "cannot reach the login server"
        assert kiosk.view.error_key == "unreachable"
    finally:
        kiosk.close()
    assert not (tmp_path / "state" / QUEUE_FILE).exists()


def test_a_login_older_than_the_window_does_not_sign_in_offline(tmp_path, appliance):
    kiosk, _ = alice_cached_then_offline(tmp_path, appliance, "offline_window=1s")
    time.sleep(1.2)
    try:
        kiosk.dispatch(tap(ALICE))
        assert kiosk.view.screen == "error"
        assert kiosk.view.error_key == "offline_recent_only"
    finally:
        kiosk.close()


def test_wrong_pins_offline_lock_the_entry_and_everything_reaches_the_audit_once_back(
    tmp_path, appliance
):
    # no tap-and-go: every login back online asks for the PIN (and so caches afresh)
    kiosk, _ = alice_cached_then_offline(tmp_path, appliance, "grace=0")
    try:
        offline_pin(kiosk, ALICE)
        assert kiosk.view.attempts_left == 5
        for left in (4, 3, 2, 1):
            kiosk.dispatch(PinEntered("9999"))
            assert kiosk.view.screen == "pin"
            assert kiosk.view.error_key == "bad_pin"
            assert kiosk.view.attempts_left == left
        kiosk.dispatch(PinEntered("9999"))
        assert kiosk.view.screen == "error"
        assert kiosk.view.error_key == "offline_login_locked"
    finally:
        kiosk.close()

    # the count is on disk: a restarted greeter still refuses, even before any PIN
    kiosk, _ = kiosk_on(tmp_path, appliance, "restarted")
    try:
        kiosk.dispatch(tap(ALICE))
        assert kiosk.view.error_key == "offline_login_locked"
        kiosk.dispatch(Cancelled())
        kiosk.dispatch(tap(CAROL))
        assert kiosk.view.error_key == "offline_recent_only"
    finally:
        kiosk.close()
    queue = tmp_path / "state" / QUEUE_FILE
    assert mode(queue) == 0o600
    assert "9999" not in queue.read_text()
    assert ALICE not in queue.read_text()

    # the appliance is back (a new instance on the same data): the next answer it gives
    # carries the queue to its audit, as this kiosk's, once
    with start_demo_appliance(appliance.state_dir) as back:
        kiosk, _ = kiosk_on(tmp_path, back, "back")
        try:
            sign_in_online(kiosk, RAVI, "2468")
        finally:
            kiosk.close()
        assert not queue.exists()
        offline = [
            (line["event"], line["user"], line["kiosk"])
            for line in audit(back)
            if line["event"].startswith("offline_")
        ]
        assert offline == [
            *[("offline_bad_pin", "alice", back.kiosk_name)] * 4,
            ("offline_locked", "alice", back.kiosk_name),
            ("offline_refused", "alice", back.kiosk_name),
            ("offline_refused", "", back.kiosk_name),
        ]
        assert all(
            line["detail"]["reported_by"] == "kiosk"
            for line in audit(back)
            if line["event"].startswith("offline_")
        )
        # back online, her next card + PIN login makes a fresh entry: the lockout is over
        # (the appliance's answer alone does not end it: the next outage would give the
        # same guesser five more)
        kiosk, _ = kiosk_on(tmp_path, back, "again")
        try:
            sign_in_online(kiosk, ALICE, "1234")
        finally:
            kiosk.close()
    kiosk, _ = kiosk_on(tmp_path, back, "offline-again")
    try:
        offline_pin(kiosk, ALICE)
        assert kiosk.view.attempts_left == 5
    finally:
        kiosk.close()


def test_an_offline_login_is_audited_when_the_appliance_returns(tmp_path, appliance):
    kiosk, _ = alice_cached_then_offline(tmp_path, appliance)
    try:
        offline_pin(kiosk, ALICE)
        kiosk.dispatch(PinEntered("1234"))
        assert kiosk.view.screen == "session"
    finally:
        kiosk.close()
    with start_demo_appliance(appliance.state_dir) as back:
        kiosk, _ = kiosk_on(tmp_path, back, "back")
        kiosk.close()  # starting is enough: the kiosk asks for its settings, then sends
        lines = [line for line in audit(back) if line["event"] == "offline_login"]
        assert [(line["user"], line["kiosk"]) for line in lines] == [("alice", back.kiosk_name)]
