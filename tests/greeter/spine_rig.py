"""The Spine side of a kiosk under test: the greeter's runtime dir (where the ticket API's
socket goes), a kiosk whose session tells which socket its environment named, and alice's
first Spine authentication. With tests/greeter's conftest.py: `ticket_runtime`, and the
simulated SSB (`ssb`) and an appliance that trusts it (`spine_server`) from
tests/appliance/spine_fixtures.py."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from greeter.app import Kiosk
from greeter.inline import InlineExecutor
from greeter.spine_client import SpineClient
from tests.greeter.test_app import kiosk_for
from tests.greeter.test_backend_appliance import client_for
from tests.rig.ssb import ENVIRONMENT, ROLES, LocalSsb

# where the session writes the socket its environment named
SEEN = "session-socket"


@pytest.fixture
def ticket_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The greeter's runtime dir, where the socket goes: under /tmp and open to be walked
    through (like /run/user/UID's parent), so another uid meets the socket's own modes."""
    path = Path(tempfile.mkdtemp(prefix="tk-run-", dir="/tmp"))
    path.chmod(0o711)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def kiosk_with_session(
    tmp_path: Path, appliance: LocalAppliance, spine: str = ""
) -> tuple[Kiosk, InlineExecutor, Path]:
    """A kiosk whose session writes its environment's ticket socket to a file and waits."""
    script = f'echo "$TAPKIOSK_TICKET_SOCKET" > {tmp_path / SEEN}; exec sleep 60'
    return kiosk_for(
        tmp_path,
        appliance,
        command=json.dumps(["sh", "-c", script]),
        extra=f'[spine]\nenvironment = "{ENVIRONMENT}"\n{spine}',
    )


def session_socket(tmp_path: Path) -> Path:
    """The socket the session's environment named (once its command has run)."""
    seen = tmp_path / SEEN
    for _ in range(100):
        if seen.exists() and seen.read_text().strip():
            return Path(seen.read_text().strip())
        time.sleep(0.05)
    raise AssertionError("the session never wrote its TAPKIOSK_TICKET_SOCKET")


def first_spine_authentication(kiosk: Kiosk, appliance: LocalAppliance, ssb: LocalSsb) -> str:
    """The signed-in alice's Spine card signs the broker's challenge; she asks for her second
    role (returned)."""
    assert kiosk.state.desktop is not None
    session = kiosk.state.desktop.session.id
    spine = SpineClient(client_for(appliance), ENVIRONMENT)
    issued = spine.challenge(session)
    # her second role, named with the card's signature (a card's ticket changes role only so)
    role = ROLES["alice@DEMO"][1][0]
    status = spine.authenticate(
        session, issued.challenge_id, ssb.cards["alice@DEMO"].sign(issued.challenge), role
    )
    assert status.role == role
    spine.backend.close()
    return role
