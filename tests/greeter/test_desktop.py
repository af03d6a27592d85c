"""The kiosk's view of the desktop session: a greeter that is stopping starts no session."""

from __future__ import annotations

import pytest

from greeter.desktop import RunnerSessions, SessionError
from greeter.flow.wire import SessionInfo, SessionUserInfo, Spine
from greeter.session import parse

ALICE = SessionInfo(
    id="s_1",
    method="card_pin",
    user=SessionUserInfo("alice", "DEMO", "Alice", registration_authority=False),
    spine=Spine(grace_until="2026-11-23T23:00:00Z", roles=(), role=None),
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
