"""The kiosk's view of the desktop session: a greeter that is stopping starts no session; a
switch that cannot start the new one says what became of the previous one."""

from __future__ import annotations

import pytest

from greeter.desktop import RunnerSessions, SessionError, SwitchFailed
from greeter.flow.wire import SessionInfo, SessionUserInfo, Spine
from greeter.session import parse

ALICE = SessionInfo(
    id="s_1",
    method="card_pin",
    user=SessionUserInfo("alice", "DEMO", "Alice", registration_authority=False),
    spine=Spine(grace_until="2026-11-23T23:00:00Z", roles=(), role=None),
)
BOB = SessionInfo(
    id="s_2",
    method="card_pin",
    user=SessionUserInfo("bob", "DEMO", "Bob", registration_authority=False),
    spine=Spine(grace_until="", roles=(), role=None),
)


def test_a_login_finishing_after_the_greeter_stopped_starts_no_session(tmp_path):
    marker = tmp_path / "started"
    sessions = RunnerSessions(
        parse({"commands": [["/bin/sh", "-c", f"touch {marker}; exec sleep 60"]]}, "test.toml")
    )
    sessions.stop()  # before any login: nothing to end
    with pytest.raises(SessionError, match="the greeter is stopping"):
        sessions.start(ALICE)
    assert not marker.exists()


def test_a_switch_whose_new_session_fails_says_the_previous_one_ended(tmp_path):
    # alice has a desktop, bob's is missing
    desktop = tmp_path / "alice-session"
    desktop.write_text("#!/bin/sh\nexec sleep 60\n")
    desktop.chmod(0o755)
    sessions = RunnerSessions(
        parse({"commands": [[str(tmp_path / "{user}-session")]]}, "test.toml")
    )
    try:
        sessions.start(ALICE)
        with pytest.raises(SwitchFailed, match="unable to start session") as failed:
            sessions.switch(ALICE, BOB)
        assert failed.value.apps.username == "alice"
        assert failed.value.apps.graceful + failed.value.apps.forced == 1
    finally:
        sessions.stop()
