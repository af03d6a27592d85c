"""The appliance client over real HTTPS against a scripted loopback server with a test CA.

The scripted server stands in only for answers the real appliance never gives (garbage, wrong
shapes, slowness, 5xx); `test_backend_appliance.py` runs the same client against the real one.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from greeter.backend import (
    Backend,
    BackendSettings,
    ProtocolError,
    Rejected,
    TimedOut,
    Unreachable,
    auth_body,
)
from greeter.flow.model import Notice, PinRules, Role
from greeter.flow.wire import (
    AuthBadFactor,
    AuthContinue,
    AuthDenied,
    AuthEnroll,
    AuthLocked,
    AuthOk,
    AuthUnknownCard,
    CardFactor,
    ChooseRole,
    EnrollPin,
    PasswordFactor,
    PinFactor,
    RoleChanged,
)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(directory: Path, label: str) -> tuple[Path, Path, Path]:
    """A CA and a 127.0.0.1 server certificate it signed: (ca.pem, cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} test CA"))
        .issuer_name(_name(f"{label} test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = (directory / f"{label}-ca.pem", directory / f"{label}.pem", directory / f"{label}.key")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"{}"
    delay: float = 0.0


@dataclass
class Script:
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    seen: list[tuple[str, str, dict[str, str], object]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            script.seen.append((self.command, self.path, dict(self.headers), body))
            answer = script.answers.get(
                (self.command, self.path), Answer(404, b'{"code":"not_found"}')
            )
            if answer.delay:
                script.release.wait(answer.delay)
            self.send_response(answer.status)
            if 300 <= answer.status < 400:
                self.send_header("Location", "/v1/kiosk")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if answer.status != 204:
                self.wfile.write(answer.body)

        do_GET = _answer
        do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@dataclass
class Scripted:
    url: str
    ca: Path
    other_ca: Path
    script: Script

    def client(self, ca: Path | None = None, read_timeout: float = 5.0) -> Backend:
        return Backend(
            BackendSettings(self.url, str(ca or self.ca), "ward7-bay3", "s3cret", 2.0, read_timeout)
        )

    def answer(self, method: str, path: str, body: object, status: int = 200, delay: float = 0.0):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.script.answers[(method, path)] = Answer(status, raw, delay)


@pytest.fixture
def scripted(tmp_path) -> Iterator[Scripted]:
    ca, cert, key = make_ca(tmp_path, "good")
    other_ca, _, _ = make_ca(tmp_path, "other")
    script = Script()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Scripted(f"https://127.0.0.1:{server.server_port}", ca, other_ca, script)
    finally:
        script.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


OK_BODY = {
    "status": "ok",
    "session": {
        "id": "s_1",
        "method": "card_pin",
        "user": {
            "username": "alice",
            "domain": "DEMO",
            "display_name": "Alice Adams",
            "registration_authority": False,
        },
        "spine": {
            "grace_until": "2026-11-23T20:31:00Z",
            "roles": [{"code": "R8000", "name": "Clinical Practitioner"}],
            "role": "R8000",
        },
    },
    "notices": [
        {"code": "vsc_expiring", "days_left": 5, "message": "Expires in 5 days."},
        {"code": "vsc_expired", "message": "Expired."},
    ],
}


def test_kiosk_info_with_the_kiosk_credentials(scripted):
    scripted.answer(
        "GET",
        "/v1/kiosk",
        {
            "kiosk": "ward7-bay3",
            "domains": ["DEMO", "NHS"],
            "password_login": True,
            "card_enrollment": False,
            "entry_timeout": 45,
            "pin_rules": {"min_length": 4, "max_length": 6, "digits_only": True},
        },
    )
    info = scripted.client().kiosk_info()
    assert info.kiosk == "ward7-bay3"
    assert info.domains == ("DEMO", "NHS")
    assert info.password_login
    assert not info.card_enrollment
    assert info.pin_rules == PinRules(4, 6, True)
    _, _, headers, _ = scripted.script.seen[-1]
    assert headers["X-Kiosk"] == "ward7-bay3"
    assert headers["Authorization"] == "Bearer s3cret"


@pytest.mark.parametrize(
    ("request_", "body"),
    [
        (CardFactor("04A1B2C3"), {"factor": {"type": "card", "id": "04A1B2C3"}}),
        (PinFactor("st", "1234"), {"state": "st", "factor": {"type": "pin", "value": "1234"}}),
        (
            PasswordFactor(None, "bob", "pw", "DEMO"),
            {"factor": {"type": "password", "username": "bob", "password": "pw", "domain": "DEMO"}},
        ),
        (
            PasswordFactor("st", None, "pw", None),  # a known card's: the state names the user
            {"state": "st", "factor": {"type": "password", "password": "pw"}},
        ),
        (
            PasswordFactor("st", "bob", "pw", "DEMO", enroll_card=True),
            {
                "state": "st",
                "factor": {
                    "type": "password",
                    "username": "bob",
                    "password": "pw",
                    "domain": "DEMO",
                },
                "enroll": {"type": "card"},
            },
        ),
        (EnrollPin("st", "2468"), {"state": "st", "enroll": {"type": "pin", "value": "2468"}}),
    ],
)
def test_auth_request_bodies_follow_the_contract(scripted, request_, body):
    assert auth_body(request_) == body
    scripted.answer("POST", "/v1/auth", OK_BODY)
    scripted.client().auth(request_)
    assert scripted.script.seen[-1][3] == body


def test_ok_reply_is_typed(scripted):
    scripted.answer("POST", "/v1/auth", OK_BODY)
    reply = scripted.client().auth(CardFactor("04A1B2C3"))
    assert isinstance(reply, AuthOk)
    assert reply.session.user.display_name == "Alice Adams"
    assert reply.session.spine.roles == (Role("R8000", "Clinical Practitioner"),)
    assert reply.notices == (
        Notice("vsc_expiring", 5, "Expires in 5 days."),
        Notice("vsc_expired", None, "Expired."),
    )


USER = {"username": "alice", "display_name": "Alice Adams"}
RULES = {"min_length": 4, "max_length": 8, "digits_only": True}


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (
            {"status": "continue", "state": "s", "need": ["pin"], "user": USER, "expires_in": 60},
            AuthContinue,
        ),
        ({"status": "unknown_card", "enrollment": "disabled"}, AuthUnknownCard),
        (
            {
                "status": "unknown_card",
                "enrollment": "allowed",
                "state": "s",
                "domains": ["DEMO"],
                "expires_in": 60,
            },
            AuthUnknownCard,
        ),
        (
            {
                "status": "enroll",
                "state": "s",
                "need": ["pin"],
                "pin_rules": RULES,
                "user": USER,
                "expires_in": 60,
            },
            AuthEnroll,
        ),
        (
            {
                "status": "bad_factor",
                "state": "s",
                "need": ["pin"],
                "attempts_left": 2,
                "expires_in": 60,
                "reason": "bad_pin",
            },
            AuthBadFactor,
        ),
        (
            {
                "status": "bad_factor",
                "need": ["password"],
                "attempts_left": 4,
                "reason": "bad_password",
            },
            AuthBadFactor,
        ),
        ({"status": "locked", "until": "2026-11-23T19:30:00Z", "user": USER}, AuthLocked),
        ({"status": "denied", "reason": "card_revoked", "message": "Revoked."}, AuthDenied),
    ],
)
def test_every_status_parses(scripted, body, kind):
    scripted.answer("POST", "/v1/auth", body)
    assert isinstance(scripted.client().auth(CardFactor("04A1B2C3")), kind)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>proxy login</html>",
        b"",
        b"[1, 2]",
        json.dumps({"status": "welcome"}).encode(),
        json.dumps({"status": "continue", "need": ["pin"], "user": USER}).encode(),
        json.dumps({"status": "continue", "state": 5, "need": ["pin"], "user": USER}).encode(),
        json.dumps({"status": "bad_factor", "need": ["pin"], "reason": "x"}).encode(),
        json.dumps({**OK_BODY, "session": {"id": "s"}}).encode(),
    ],
)
def test_garbage_or_wrong_shapes_are_a_protocol_error(scripted, body):
    scripted.answer("POST", "/v1/auth", body)
    with pytest.raises(ProtocolError, match="unable to"):
        scripted.client().auth(CardFactor("04A1B2C3"))


def test_an_oversized_reply_is_a_protocol_error(scripted):
    scripted.answer("POST", "/v1/auth", b"[" + b"1," * 200_000 + b"1]")
    with pytest.raises(ProtocolError, match="more than"):
        scripted.client().auth(CardFactor("04A1B2C3"))


def test_4xx_with_a_code_is_rejected_with_code_and_message(scripted):
    scripted.answer(
        "POST",
        "/v1/auth",
        {"code": "state_expired", "message": "The login took too long."},
        status=400,
    )
    with pytest.raises(Rejected) as caught:
        scripted.client().auth(PinFactor("st", "1234"))
    assert caught.value.code == "state_expired"
    assert caught.value.message == "The login took too long."
    assert "1234" not in str(caught.value)


def test_500_is_a_protocol_error_and_503_unreachable(scripted):
    scripted.answer("POST", "/v1/auth", b"oops", status=500)
    with pytest.raises(ProtocolError):
        scripted.client().auth(CardFactor("04A1B2C3"))
    scripted.answer("POST", "/v1/auth", b"", status=503)
    with pytest.raises(Unreachable):
        scripted.client().auth(CardFactor("04A1B2C3"))


def test_a_redirect_is_never_followed(scripted):
    # the kiosk's secret and the request go to the pinned appliance's own route or nowhere
    scripted.answer("POST", "/v1/auth", {}, status=307)
    scripted.answer("GET", "/v1/kiosk", {"kiosk": "elsewhere"})
    with pytest.raises(ProtocolError, match="HTTP 307"):
        scripted.client().auth(CardFactor("04A1B2C3"))
    assert [(method, path) for method, path, _, _ in scripted.script.seen] == [("POST", "/v1/auth")]


def test_role_choice_and_report(scripted):
    scripted.answer(
        "POST",
        "/v1/sessions/s_1/role",
        {"spine": {"grace_until": "x", "roles": [{"code": "R1", "name": "One"}], "role": "R1"}},
    )
    reply = scripted.client().perform(ChooseRole("s_1", "R1"))
    assert isinstance(reply, RoleChanged)
    assert reply.spine.role == "R1"
    assert scripted.script.seen[-1][3] == {"role": "R1"}
    scripted.answer("POST", "/v1/events", b"", status=204)
    scripted.client().report({"event": "session", "action": "started", "user": "alice"})
    assert scripted.script.seen[-1][3]["action"] == "started"


def test_session_ids_cannot_leave_their_route(scripted):
    scripted.answer("POST", "/v1/sessions/..%2Fauth/logout", b"", status=204)
    scripted.client().logout("../auth")
    assert scripted.script.seen[-1][1] == "/v1/sessions/..%2Fauth/logout"


def test_a_certificate_from_another_ca_is_not_trusted(scripted):
    scripted.answer("GET", "/v1/kiosk", {})
    with pytest.raises(Unreachable, match="not trusted"):
        scripted.client(ca=scripted.other_ca).kiosk_info()
    assert scripted.script.seen == []  # nothing, not even the kiosk secret, was sent


def test_a_closed_port_is_unreachable(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ca, _, _ = make_ca(tmp_path, "x")
    client = Backend(BackendSettings(f"https://127.0.0.1:{port}", str(ca), "k", "s", 1.0, 1.0))
    with pytest.raises(Unreachable, match="unable to reach the appliance"):
        client.kiosk_info()


def test_an_answer_that_is_not_http_is_unreachable_never_a_crash(tmp_path):
    ca, cert, key = make_ca(tmp_path, "good")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_garbage() -> None:
        with context.wrap_socket(listener, server_side=True) as tls:
            connection, _ = tls.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"\x00not HTTP at all\r\n\r\n")

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    client = Backend(BackendSettings(f"https://127.0.0.1:{port}", str(ca), "k", "s", 2.0, 2.0))
    with pytest.raises(Unreachable, match=r"unable to reach the appliance at https://127\.0\.0\.1"):
        client.auth(CardFactor("04A1B2C3"))
    thread.join(5)


def test_a_slow_appliance_times_out_on_the_read_timeout(scripted):
    scripted.answer("POST", "/v1/auth", OK_BODY, delay=10)
    started = time.monotonic()
    with pytest.raises(TimedOut, match=r"no answer within 0\.5 seconds"):
        scripted.client(read_timeout=0.5).auth(CardFactor("04A1B2C3"))
    assert time.monotonic() - started < 3
