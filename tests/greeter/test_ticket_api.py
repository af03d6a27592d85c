"""The kiosk's local ticket API end to end: a real appliance over HTTPS that asks the simulated
SSB (a real HTTPS server) for tickets, the greeter's kiosk (InlineExecutor, real session
processes) serving its Unix socket, and Spine applications asking as the session would: with
`greeter ticket` in the session's environment, and as another local user."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.local import LocalAppliance
from greeter.app import Kiosk
from greeter.config import load
from greeter.flow.model import LockRequested, PinEntered
from greeter.inline import InlineExecutor
from greeter.spine_client import SpineClient
from greeter.ticketapi import MAX_REQUEST
from greeter.ticketapi import server as ticket_server
from greeter.ticketapi.client import TicketApiError, request_ticket
from greeter.wiring import build_kiosk
from tests.greeter.test_app import sign_in_alice, tap, write_config
from tests.greeter.test_backend_appliance import client_for
from tests.rig.appliance import start_demo_appliance
from tests.rig.ssb import ENVIRONMENT, LocalSsb, spine_config, start_ssb

RAVI, RAVI_PIN = "04AA0000000002", "2468"
NOBODY = 65534


@pytest.fixture(scope="module")
def ssb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSsb]:
    with start_ssb(tmp_path_factory.mktemp("ssb")) as server:
        yield server


@pytest.fixture
def appliance(tmp_path: Path, ssb: LocalSsb) -> Iterator[LocalAppliance]:
    state = tmp_path / "appliance"
    with start_demo_appliance(state, extra_config=spine_config(ssb)) as server:
        ssb.trust(state)
        yield server


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
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
    seen = tmp_path / "session-socket"
    script = f'echo "$TAPKIOSK_TICKET_SOCKET" > {seen}; exec sleep 60'
    command = json.dumps(["sh", "-c", script])
    config = load(
        write_config(
            tmp_path,
            appliance.url,
            appliance.ca_path,
            appliance.kiosk_secret,
            command,
            extra=f'[spine]\nenvironment = "{ENVIRONMENT}"\n{spine}',
        )
    )
    executor = InlineExecutor()
    log_path = tmp_path / "events.jsonl"
    return build_kiosk(config, executor, event_log_path=str(log_path)), executor, log_path


def session_socket(tmp_path: Path) -> Path:
    """The socket the session's environment named (once its command has run)."""
    seen = tmp_path / "session-socket"
    for _ in range(100):
        if seen.exists() and seen.read_text().strip():
            return Path(seen.read_text().strip())
        time.sleep(0.05)
    raise AssertionError("the session never wrote its TAPKIOSK_TICKET_SOCKET")


def first_spine_authentication(appliance: LocalAppliance, ssb: LocalSsb, session: str) -> str:
    """Alice's Spine card signs the broker's challenge; she takes her first role."""
    spine = SpineClient(client_for(appliance), ENVIRONMENT)
    issued = spine.challenge(session)
    status = spine.authenticate(
        session, issued.challenge_id, ssb.cards["alice@DEMO"].sign(issued.challenge)
    )
    role = status.roles[0].code
    spine.choose_role(session, role)
    spine.backend.close()
    return role


def greeter_ticket(path: Path) -> tuple[int, dict[str, Any]]:
    """`greeter ticket` as a Spine application in the session runs it: the socket from the
    session's environment."""
    env = {**os.environ, "TAPKIOSK_TICKET_SOCKET": str(path)}
    done = subprocess.run(
        [sys.executable, "-m", "greeter", "ticket"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


def ask_as(uid: int, path: Path) -> dict[str, Any]:
    """The ticket API asked by a process of another local user (a fork that drops to `uid`)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only the socket and the pipe from here on
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            try:
                result = request_ticket(path, timeout=10)
            except TicketApiError as error:
                result = {"client_error": str(error)}
            os.write(write_end, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    answer: dict[str, Any] = json.loads(data)
    return answer


def test_the_sessions_user_gets_her_ticket_and_role_and_nothing_is_logged(
    tmp_path, appliance, ssb, runtime, caplog
):
    caplog.set_level("DEBUG")
    kiosk, _, log_path = kiosk_with_session(tmp_path, appliance)
    try:
        sign_in_alice(kiosk)
        assert kiosk.view.screen == "session"
        path = session_socket(tmp_path)
        assert path == runtime / "tapkiosk" / "ticket.sock"
        assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)

        # signed in, but no Spine session yet
        code, answer = greeter_ticket(path)
        assert (code, answer["ok"], answer["error"]["code"]) == (1, False, "spine_session_ended")

        assert kiosk.state.desktop is not None
        role = first_spine_authentication(appliance, ssb, kiosk.state.desktop.session.id)
        code, answer = greeter_ticket(path)
        assert code == 0
        assert answer["ok"] is True
        assert (answer["username"], answer["domain"], answer["role"]) == ("alice", "DEMO", role)
        assert answer["ticket"]
        assert answer["ticket_until"]
        assert answer["environment"] == ENVIRONMENT
        ticket = answer["ticket"]
    finally:
        kiosk.close()
    assert ticket not in log_path.read_text()
    assert ticket not in caplog.text
    assert not path.exists()  # the greeter took its socket with it


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to run a client as another user")
def test_another_local_user_is_refused_and_gets_nothing(tmp_path, appliance, ssb, runtime):
    kiosk, _, _ = kiosk_with_session(tmp_path, appliance)
    try:
        sign_in_alice(kiosk)
        path = session_socket(tmp_path)
        assert kiosk.state.desktop is not None
        first_spine_authentication(appliance, ssb, kiosk.state.desktop.session.id)
        ticket = request_ticket(path)["ticket"]

        # as installed, the socket's modes keep another user out before the greeter is asked
        refused = ask_as(NOBODY, path)
        assert "belongs to another user" in refused["client_error"]

        # and were they loosened, the greeter itself refuses that user (SO_PEERCRED)
        path.parent.chmod(0o711)
        path.chmod(0o666)
        refused = ask_as(NOBODY, path)
        assert refused["ok"] is False
        assert refused["error"]["code"] == "not_allowed"
        assert str(NOBODY) in refused["error"]["message"]
        assert ticket not in json.dumps(refused)
        assert set(refused) == {"ok", "error"}
        # the session's own user still gets it
        assert request_ticket(path)["ticket"] == ticket
    finally:
        kiosk.close()


def test_after_a_lock_and_a_user_switch_the_old_users_ticket_stops(
    tmp_path, appliance, ssb, runtime
):
    kiosk, _, _ = kiosk_with_session(tmp_path, appliance)
    try:
        assert request_ticket(runtime / "tapkiosk" / "ticket.sock")["error"]["code"] == "no_session"
        sign_in_alice(kiosk)
        path = session_socket(tmp_path)
        assert kiosk.state.desktop is not None
        first_spine_authentication(appliance, ssb, kiosk.state.desktop.session.id)
        ticket = request_ticket(path)["ticket"]

        kiosk.dispatch(LockRequested())
        assert kiosk.view.screen == "locked"
        locked = request_ticket(path)
        assert (locked["ok"], locked["error"]["code"]) == (False, "locked")

        kiosk.dispatch(tap("04A1B2C3D4E5F6"))  # her tap: back in, inside the grace
        assert kiosk.view.screen == "session"
        assert request_ticket(path)["ticket"] == ticket

        # ravi taps over her session: while his login runs, and after, nothing of hers
        kiosk.dispatch(tap(RAVI))
        assert kiosk.view.screen == "pin"
        assert request_ticket(path)["error"]["code"] == "locked"
        kiosk.dispatch(PinEntered(RAVI_PIN))
        assert kiosk.state.desktop is not None
        assert kiosk.state.desktop.username == "ravi"
        assert kiosk.view.screen == "session"
        after = request_ticket(path)
        assert ticket not in json.dumps(after)
        assert (after["ok"], after["error"]["code"]) == (False, "spine_session_ended")
        assert "ravi" in after["error"]["message"]
    finally:
        kiosk.close()


def raw(path: Path, data: bytes, *, close_write: bool = True) -> dict[str, Any]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(path))
        sock.sendall(data)
        if close_write:
            sock.shutdown(socket.SHUT_WR)
        answer: dict[str, Any] = json.loads(sock.makefile("rb").readline())
        return answer


def test_garbage_gets_an_error_and_the_server_lives_on(
    tmp_path, appliance, ssb, runtime, monkeypatch
):
    monkeypatch.setattr(ticket_server, "REQUEST_SECONDS", 0.5)
    kiosk, _, _ = kiosk_with_session(tmp_path, appliance)
    try:
        sign_in_alice(kiosk)
        path = session_socket(tmp_path)
        assert kiosk.state.desktop is not None
        first_spine_authentication(appliance, ssb, kiosk.state.desktop.session.id)
        for data in (
            b"not json\n",
            b"\xff\xfe\n",
            b"[1, 2]\n",
            b'{"get": "password"}\n',
            b"",
            b"{" * (MAX_REQUEST * 4),
        ):
            answer = raw(path, data)
            assert (answer["ok"], answer["error"]["code"]) == (False, "bad_request"), data[:20]
            assert answer["error"]["message"].startswith("unable to read the request")
        # a client that sends nothing and keeps its side open is let go after a while
        slow = raw(path, b'{"get": ', close_write=False)
        assert slow["error"]["code"] == "timeout"
        assert request_ticket(path)["ok"] is True
    finally:
        kiosk.close()
