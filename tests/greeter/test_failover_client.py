"""The appliance client with several URLs, over real HTTPS against scripted loopback servers
that share one CA: which failures move it on, what it never sends twice, where it stays.

The scripted servers stand in for what a real appliance cannot be made to do on cue (answer
nothing after reading a request); `test_failover_kiosk.py` kills a real one.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from greeter.backend import Backend, BackendSettings, Rejected
from greeter.flow.wire import AuthContinue, CardFactor, PinFactor
from tests.greeter.test_backend_wire import make_ca

CONTINUE = {
    "status": "continue",
    "need": ["pin"],
    "state": "st_2",
    "expires_in": 60,
    "user": {
        "username": "alice",
        "domain": "DEMO",
        "display_name": "Alice Adams",
        "registration_authority": False,
    },
}
KIOSK = {
    "kiosk": "ward7-bay3",
    "domains": ["DEMO"],
    "password_login": True,
    "card_enrollment": False,
    "entry_timeout": 45,
    "pin_rules": {"min_length": 4, "max_length": 6, "digits_only": True},
}


@dataclass
class Appliance:
    """One scripted instance: answers `answers[path]` (first what `queued[path]` still holds),
    or reads the request and hangs up without a word for the paths in `drop` (the reply lost
    on the way back). `step_ids`: each request's X-Step-Id."""

    answers: dict[str, tuple[int, object]] = field(default_factory=dict)
    queued: dict[str, list[tuple[int, object]]] = field(default_factory=dict)
    drop: set[str] = field(default_factory=set)
    seen: list[tuple[str, object]] = field(default_factory=list)
    step_ids: list[str | None] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        appliance = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                appliance.seen.append((self.path, json.loads(raw) if raw else None))
                appliance.step_ids.append(self.headers.get("X-Step-Id"))
                if self.path in appliance.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                queued = appliance.queued.get(self.path)
                status, body = (
                    queued.pop(0)
                    if queued
                    else appliance.answers.get(self.path, (404, {"code": "not_found"}))
                )
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _answer
            do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def start(self, cert: Path, key: Path, port: int = 0) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", port), self.handler())
        server.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self.server = server
        self.url = f"https://127.0.0.1:{server.server_port}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@dataclass
class Pair:
    first: Appliance
    second: Appliance
    ca: Path
    cert: Path
    key: Path
    moves: list[tuple[str, str, str, str]] = field(default_factory=list)

    def client(self, first_url: str | None = None) -> Backend:
        settings = BackendSettings(
            first_url or self.first.url,
            str(self.ca),
            "ward7-bay3",
            "s3cret",
            2.0,
            5.0,
            failover_urls=(self.second.url,),
        )
        return Backend(settings, on_failover=lambda *move: self.moves.append(move))


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    ca, cert, key = make_ca(tmp_path, "fleet")
    first, second = Appliance(), Appliance()
    first.start(cert, key)
    second.start(cert, key)
    try:
        yield Pair(first, second, ca, cert, key)
    finally:
        first.stop()
        second.stop()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answer_both(pair: Pair, path: str, body: object, status: int = 200) -> None:
    pair.first.answers[path] = pair.second.answers[path] = (status, body)


def test_a_refused_connection_moves_on_and_the_kiosk_stays_there(pair):
    dead = f"https://127.0.0.1:{closed_port()}"
    answer_both(pair, "/v1/kiosk", KIOSK)
    answer_both(pair, "/v1/auth", CONTINUE)
    client = pair.client(first_url=dead)
    assert client.kiosk_info().kiosk == "ward7-bay3"
    assert client.appliances.active_url == pair.second.url
    # the PIN never reached the dead one, so it goes to the one that answers: once
    assert isinstance(client.auth(PinFactor("st_1", "1234")), AuthContinue)
    assert [path for path, _ in pair.second.seen] == ["/v1/kiosk", "/v1/auth"]
    assert len(pair.moves) == 1
    old, new, reason, detail = pair.moves[0]
    assert (old, new, reason) == (dead, pair.second.url, "unreachable")
    assert dead in detail
    assert "1234" not in repr(pair.moves)
    assert "s3cret" not in repr(pair.moves)


def test_a_pin_whose_answer_was_lost_goes_to_the_next_under_the_same_step_id(pair):
    pair.first.drop.add("/v1/auth")
    pair.second.answers["/v1/auth"] = (200, CONTINUE)
    client = pair.client()
    assert isinstance(client.auth(PinFactor("st_1", "1234")), AuthContinue)
    pin = {"state": "st_1", "factor": {"type": "pin", "value": "1234"}}
    assert [body for _, body in pair.first.seen + pair.second.seen] == [pin, pin]
    # one step, one id: the second appliance knows it for the same step, never a new guess
    ids = pair.first.step_ids + pair.second.step_ids
    assert ids[0]
    assert ids == [ids[0], ids[0]]
    assert [move[2] for move in pair.moves] == ["unreachable"]


def test_each_factor_step_has_its_own_step_id_and_a_tap_none(pair):
    answer_both(pair, "/v1/auth", CONTINUE)
    client = pair.client()
    client.auth(CardFactor("04A1B2C3"))
    client.auth(PinFactor("st_1", "1234"))
    client.auth(PinFactor("st_2", "1234"))
    tap, first_pin, second_pin = pair.first.step_ids
    assert tap is None
    assert first_pin
    assert second_pin
    assert first_pin != second_pin


def test_a_step_another_appliance_still_checks_is_asked_again_until_decided(pair):
    running = (409, {"code": "step_running", "message": "Send it again shortly."})
    pair.first.drop.add("/v1/auth")
    pair.second.queued["/v1/auth"] = [running, running]
    pair.second.answers["/v1/auth"] = (200, CONTINUE)
    client = pair.client()
    assert isinstance(client.auth(PinFactor("st_1", "1234")), AuthContinue)
    assert len(pair.second.seen) == 3
    assert len(set(pair.first.step_ids + pair.second.step_ids)) == 1


def test_a_step_still_running_past_the_read_timeout_fails(pair):
    pair.first.answers["/v1/auth"] = (409, {"code": "step_running", "message": "Wait."})
    client = pair.client()
    with pytest.raises(Rejected) as failure:
        client.auth(PinFactor("st_1", "1234"))
    assert failure.value.code == "step_running"
    # asked again while the read timeout (5 s here) lasted, then given up
    assert 10 <= len(pair.first.seen) <= 5.0 / 0.25 + 2


def test_a_card_tap_whose_answer_was_lost_is_tapped_again_on_the_next(pair):
    pair.first.drop.add("/v1/auth")
    pair.second.answers["/v1/auth"] = (200, CONTINUE)
    client = pair.client()
    assert isinstance(client.auth(CardFactor("04A1B2C3")), AuthContinue)
    assert len(pair.first.seen) == 1
    assert len(pair.second.seen) == 1
    assert [move[2] for move in pair.moves] == ["unreachable"]
    assert client.appliances.active_url == pair.second.url


def test_a_logout_whose_answer_was_lost_is_sent_to_the_next(pair):
    # else the user's tap-and-go grace would outlive their logout
    pair.first.drop.add("/v1/sessions/s_1/logout")
    pair.second.answers["/v1/sessions/s_1/logout"] = (200, {})
    pair.client().logout("s_1")
    assert [path for path, _ in pair.first.seen] == ["/v1/sessions/s_1/logout"]
    assert [path for path, _ in pair.second.seen] == ["/v1/sessions/s_1/logout"]


def test_a_logout_that_landed_before_its_answer_was_lost_is_done(pair):
    # both instances share one database: the first ended the session and died answering, so
    # the second knows no such session; the kiosk's logout is done, not an error
    pair.first.drop.add("/v1/sessions/s_1/logout")
    gone = {"code": "not_found", "message": "There is no such session."}
    pair.second.answers["/v1/sessions/s_1/logout"] = (404, gone)
    client = pair.client()
    client.logout("s_1")
    assert [path for path, _ in pair.second.seen] == ["/v1/sessions/s_1/logout"]
    # any other refusal is still the appliance's word
    pair.second.answers["/v1/sessions/s_1/logout"] = (401, {"code": "kiosk_unauthorized"})
    with pytest.raises(Rejected):
        client.logout("s_1")


def test_a_rejection_is_the_appliances_word_and_is_not_asked_elsewhere(pair):
    pair.first.answers["/v1/auth"] = (409, {"code": "state_invalid", "message": "Start again."})
    pair.second.answers["/v1/auth"] = (200, CONTINUE)
    client = pair.client()
    with pytest.raises(Rejected) as failure:
        client.auth(PinFactor("st_1", "1234"))
    assert failure.value.code == "state_invalid"
    assert pair.second.seen == []
    assert pair.moves == []


def test_after_the_session_ends_the_kiosk_goes_back_to_the_first(pair):
    port = closed_port()
    answer_both(pair, "/v1/kiosk", KIOSK)
    answer_both(pair, "/v1/events", {})
    client = pair.client(first_url=f"https://127.0.0.1:{port}")
    client.kiosk_info()  # the first is down: on to the second
    first = Appliance(answers={"/v1/kiosk": (200, KIOSK), "/v1/events": (200, {})})
    first.start(pair.cert, pair.key, port=port)
    try:
        # back up, but the session goes on where it started: the kiosk stays
        client.kiosk_info()
        client.report({"event": "session", "action": "started", "user": "alice"})
        assert first.seen == []
        client.report({"event": "session", "action": "locked", "user": "alice"})
        assert first.seen == []  # the lock's own report still went where the session was
        client.kiosk_info()
        assert [path for path, _ in first.seen] == ["/v1/kiosk"]
    finally:
        first.stop()
    assert [(move[1], move[2]) for move in pair.moves] == [
        (pair.second.url, "unreachable"),
        (first.url, "back_to_first"),
    ]
