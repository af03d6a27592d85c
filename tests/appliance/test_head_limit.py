"""The 16 KiB bound on a request head (appliance/headlimit.py), however its bytes arrive: in one
read, in many, or behind another request on the same connection."""

from __future__ import annotations

import re
import select
import socket
import ssl
import time
from collections.abc import Iterator

import psutil
import pytest

from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk

LIMIT = 16 * 1024


@pytest.fixture
def shared_kiosk(appliance_server_shared: LocalAppliance) -> Iterator[Kiosk]:
    client = Kiosk(appliance_server_shared)
    yield client
    client.close()


def head(size: int, path: str = "/healthz", close: bool = False, body: bytes = b"") -> bytes:
    """A request whose head (request line and headers) is `size` bytes long."""
    method = "POST" if body else "GET"
    start = f"{method} {path} HTTP/1.1\r\nHost: appliance\r\n".encode()
    if body:
        start += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    end = (b"Connection: close\r\n" if close else b"") + b"\r\n"
    filler = b"X-Filler: " + b"a" * (size - len(start) - len(end) - len(b"X-Filler: \r\n"))
    request = start + filler + b"\r\n" + end
    assert len(request) == size
    return request + body


def statuses(server: LocalAppliance, *parts: bytes, pause: float = 0.0) -> list[int]:
    """Send `parts` (each in one write, `pause` apart) on one TLS connection and read every
    reply until the server closes it."""
    host, port = server.url.removeprefix("https://").split(":")
    context = ssl.create_default_context(cafile=str(server.ca_path))
    received = b""
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        for part in parts:
            tls.sendall(part)
            time.sleep(pause)
        while chunk := tls.recv(65536):
            received += chunk
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", received)]


@pytest.mark.parametrize("size", [LIMIT + 1024, 40 * 1024, 100 * 1024])
def test_a_head_past_16_kib_in_one_write_is_refused(shared_kiosk: Kiosk, size: int):
    assert statuses(shared_kiosk.server, head(size, close=True)) == [400]


def test_a_head_past_16_kib_in_several_writes_is_refused(shared_kiosk: Kiosk):
    request = head(LIMIT + 512, close=True)
    # the last write ends the head: it must count as much as the writes before it
    halves = request[: len(request) // 2], request[len(request) // 2 :]
    assert statuses(shared_kiosk.server, *halves, pause=0.2) == [400]


def test_a_pipelined_head_past_16_kib_is_refused_after_its_forerunner(shared_kiosk: Kiosk):
    both = head(1024) + head(30 * 1024, close=True)
    assert statuses(shared_kiosk.server, both) == [200, 400]


def test_heads_under_16_kib_with_bodies_pipelined_in_one_write_are_served(shared_kiosk: Kiosk):
    server = shared_kiosk.server
    event = b'{"event": "session", "action": "started", "user": "alice"}'
    body = event + b" " * (15 * 1024 - len(event))  # whitespace pads the JSON
    credentials = b"".join(
        f"{name}: {value}\r\n".encode() for name, value in server.kiosk_headers().items()
    )
    requests = [
        head(LIMIT - 1024 - len(credentials), "/v1/events", body=body).replace(
            b"\r\nX-Filler", b"\r\n" + credentials + b"X-Filler", 1
        ),
        head(LIMIT - 1024, close=True),
    ]
    assert statuses(server, b"".join(requests)) == [204, 200]


def _answered(tls: ssl.SSLSocket) -> bool:
    """Whether the server has replied or closed (TLS session tickets are neither)."""
    if not select.select([tls], [], [], 0)[0]:
        return False
    tls.setblocking(False)
    try:
        tls.recv(4096)
        return True  # a reply, or b"" for a close
    except ssl.SSLWantReadError:
        return False
    except OSError:
        return True
    finally:
        tls.setblocking(True)


def endless(server: LocalAppliance, start: bytes) -> None:
    """Send `start`, then one endless line: the server must stop it without keeping it."""
    host, port = server.url.removeprefix("https://").split(":")
    context = ssl.create_default_context(cafile=str(server.ca_path))
    serving = psutil.Process(server.process.pid)
    memory_before = serving.memory_info().rss
    sent, refused = 0, False
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        tls.sendall(start)
        # the socket buffers hold a few MiB: past them, only a server that reads goes on
        while sent < 32 * 1024 * 1024 and not refused:
            try:
                tls.sendall(b"a" * 65536)
            except OSError:  # the server closed the connection on us
                refused = True
            sent += 65536
            refused = refused or _answered(tls)
    assert refused, f"the server took {sent} bytes of one line without a word"
    assert serving.memory_info().rss - memory_before < 8 * 1024 * 1024


def test_a_header_past_16_kib_is_refused_not_read_into_memory(shared_kiosk: Kiosk):
    endless(shared_kiosk.server, b"GET /healthz HTTP/1.1\r\nHost: appliance\r\nX-Filler: ")
    assert shared_kiosk.get("/v1/kiosk").status_code == 200  # and it still serves


CHUNKED = b"POST /v1/events HTTP/1.1\r\nHost: appliance\r\nTransfer-Encoding: chunked\r\n"


def test_a_trailer_past_16_kib_is_refused_not_read_into_memory(shared_kiosk: Kiosk):
    endless(shared_kiosk.server, CHUNKED + b"\r\n1\r\n{\r\n0\r\nX-Trailer: ")
    assert shared_kiosk.get("/v1/kiosk").status_code == 200


def test_chunked_bodies_with_trailers_are_served(shared_kiosk: Kiosk):
    server = shared_kiosk.server
    credentials = b"".join(
        f"{name}: {value}\r\n".encode() for name, value in server.kiosk_headers().items()
    )
    event = b'{"event": "session", "action": "started", "user": "alice"}'
    body = event + b" " * (12 * 1024 - len(event))
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[at : at + 1024]), body[at : at + 1024])
        for at in range(0, len(body), 1024)
    )
    request = (
        CHUNKED
        + credentials
        + b"Content-Type: application/json\r\nConnection: close\r\n\r\n"
        + chunks
    )
    trailer = b"0\r\nX-Trailer: " + b"t" * 8 * 1024 + b"\r\n\r\n"
    # the trailer on its own, after a pause: it is counted as it arrives
    assert statuses(server, request, trailer, pause=0.2) == [204]


def test_heads_under_16_kib_are_served_on_a_kept_connection(shared_kiosk: Kiosk):
    filler = {"X-Filler": "a" * 12 * 1024}  # several of these together pass 16 KiB
    shared_kiosk.http.headers.update(filler)
    try:
        for _ in range(4):
            assert shared_kiosk.get("/v1/kiosk").status_code == 200
    finally:
        del shared_kiosk.http.headers["X-Filler"]
