"""A real SMTP server on loopback that keeps what it receives, for the alert e-mail tests.

Python 3.11's standard `smtpd` (asyncore) serves it: no new dependency. `smtpd` is gone from
3.12; `aiosmtpd` (its replacement) would then take its place here.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    data: str


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)


class _Collector(smtpd.SMTPServer):
    def __init__(self, sink: list[Received]) -> None:
        # the remote address is for relaying servers only: this one keeps every message
        super().__init__(("127.0.0.1", 0), ("127.0.0.1", 0), decode_data=True)
        self.sink = sink

    def process_message(
        self, peer: Any, mailfrom: str, rcpttos: list[str], data: Any, **kwargs: Any
    ) -> None:
        self.sink.append(Received(mailfrom, list(rcpttos), str(data)))


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    messages: list[Received] = []
    collector = _Collector(messages)
    assert collector.socket is not None
    host, port = collector.socket.getsockname()[:2]
    channels = asyncore.socket_map  # the server and its connections (no other asyncore user)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            asyncore.loop(timeout=0.05, count=1, map=channels)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield SmtpServer(host, port, messages)
    stop.set()
    thread.join(timeout=5)
    collector.close()
