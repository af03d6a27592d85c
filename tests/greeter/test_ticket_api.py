"""The kiosk's local ticket API end to end: a real appliance over HTTPS that asks the simulated
SSB (a real HTTPS server) for tickets, the greeter's kiosk (InlineExecutor, real session
processes) serving its Unix socket, and Spine applications asking as the session would: with
`greeter ticket` in the session's environment, and as another local user."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from greeter.cli import main
from greeter.flow.model import LockRequested, PinEntered
from greeter.ticketapi import MAX_REQUEST
from greeter.ticketapi import server as ticket_server
from greeter.ticketapi.client import TicketApiError, request_ticket
from tests.greeter.spine_rig import first_spine_authentication, kiosk_with_session, session_socket
from tests.greeter.test_app import sign_in_alice, tap
from tests.rig.ssb import ENVIRONMENT

RAVI, RAVI_PIN = "04AA0000000002", "2468"
NOBODY = 65534


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
    tmp_path, spine_server, ssb, ticket_runtime, caplog
):
    caplog.set_level("DEBUG")
    kiosk, _, log_path = kiosk_with_session(tmp_path, spine_server)
    try:
        sign_in_alice(kiosk)
        assert kiosk.view.screen == "session"
        path = session_socket(tmp_path)
        assert path == ticket_runtime / "tapkiosk" / "ticket.sock"
        assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)

        # signed in, but no Spine session yet
        code, answer = greeter_ticket(path)
        assert (code, answer["ok"], answer["error"]["code"]) == (1, False, "spine_session_ended")

        role = first_spine_authentication(kiosk, spine_server, ssb)
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
def test_another_local_user_is_refused_and_gets_nothing(
    tmp_path, spine_server, ssb, ticket_runtime
):
    kiosk, _, _ = kiosk_with_session(tmp_path, spine_server)
    try:
        sign_in_alice(kiosk)
        path = session_socket(tmp_path)
        first_spine_authentication(kiosk, spine_server, ssb)
        ticket = request_ticket(path)["ticket"]

        # as installed, the socket's modes keep another user out before the greeter is asked
        refused = ask_as(NOBODY, path)
        assert "belongs to another user" in refused["client_error"]

        # and were they loosened, the greeter itself refuses that user (SO_PEERCRED)
        path.parent.chmod(0o711)
        path.chmod(0o666)
        refused = ask_as(NOBODY, path)
        assert refused.get("ok") is False, refused
        assert refused["error"]["code"] == "not_allowed"
        assert str(NOBODY) in refused["error"]["message"]
        assert ticket not in json.dumps(refused)
        assert set(refused) == {"ok", "error"}
        # the session's own user still gets it
        assert request_ticket(path)["ticket"] == ticket
    finally:
        kiosk.close()


def test_after_a_lock_and_a_user_switch_the_old_users_ticket_stops(
    tmp_path, spine_server, ssb, ticket_runtime
):
    kiosk, _, _ = kiosk_with_session(tmp_path, spine_server)
    try:
        nobody = request_ticket(ticket_runtime / "tapkiosk" / "ticket.sock")
        assert nobody["error"]["code"] == "no_session"
        sign_in_alice(kiosk)
        path = session_socket(tmp_path)
        first_spine_authentication(kiosk, spine_server, ssb)
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
    tmp_path, spine_server, ssb, ticket_runtime, monkeypatch
):
    monkeypatch.setattr(ticket_server, "REQUEST_SECONDS", 0.5)
    kiosk, _, _ = kiosk_with_session(tmp_path, spine_server)
    try:
        sign_in_alice(kiosk)
        path = session_socket(tmp_path)
        first_spine_authentication(kiosk, spine_server, ssb)
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


def test_greeter_ticket_outside_a_session_says_where_it_looked(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("TAPKIOSK_TICKET_SOCKET", raising=False)
    assert main(["ticket"]) == 1
    assert "TAPKIOSK_TICKET_SOCKET is not set" in capsys.readouterr().err
    assert main(["ticket", "--socket", str(tmp_path / "none.sock")]) == 1
    assert f"nothing listens at {tmp_path / 'none.sock'}" in capsys.readouterr().err
