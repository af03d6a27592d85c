"""An idle kiosk keeps its connection to the appliance open, so a tap minutes after the last
one does not wait on a new TCP and TLS handshake before its PIN screen.

The real appliance over HTTPS, behind a loopback relay that closes a connection idle for
`IDLE_CLOSE` seconds, as the appliance itself does after 30 s (its keep-alive timeout), and
counts the connections made: a handshake is a connection."""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from greeter.flow.wire import AuthContinue, CardFactor
from tests.greeter.test_backend_appliance import ALICE, client_for
from tests.rig.appliance import start_demo_appliance

IDLE_CLOSE = 2.0


class IdleClosingRelay:
    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        with suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(self._target, timeout=5)
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client: socket.socket, upstream: socket.socket) -> None:
        with selectors.DefaultSelector() as selector, client, upstream:
            selector.register(client, selectors.EVENT_READ, upstream)
            selector.register(upstream, selectors.EVENT_READ, client)
            while ready := selector.select(timeout=IDLE_CLOSE):
                for key, _ in ready:
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = source.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
            # idle for IDLE_CLOSE: closed, as the appliance closes a connection left idle


@pytest.fixture
def relayed(tmp_path: Path) -> Iterator[tuple[LocalAppliance, IdleClosingRelay]]:
    with start_demo_appliance(tmp_path / "appliance") as server:
        relay = IdleClosingRelay(int(server.url.rsplit(":", 1)[1]))
        yield server, relay
        relay.close()


def taps_after_idle(server: LocalAppliance, relay: IdleClosingRelay, keep_warm: bool) -> int:
    """Connections opened for three taps, each after an idle longer than the relay allows,
    each from another thread (the kiosk's calls run on a pool)."""
    backend = client_for(server, url=f"https://127.0.0.1:{relay.port}")
    if keep_warm:
        backend.keep_warm(every=IDLE_CLOSE / 4)
    try:
        replies: list[object] = []
        for _ in range(3):
            worker = threading.Thread(
                target=lambda: replies.append(backend.auth(CardFactor(ALICE)))
            )
            worker.start()
            worker.join(15)
            time.sleep(IDLE_CLOSE * 1.5)
        assert [type(reply) for reply in replies] == [AuthContinue] * 3
    finally:
        backend.close()
    return relay.connections


def test_an_idle_kiosk_keeps_one_connection_for_its_taps(
    relayed: tuple[LocalAppliance, IdleClosingRelay],
) -> None:
    server, relay = relayed
    assert taps_after_idle(server, relay, keep_warm=True) == 1


def test_without_keeping_warm_each_tap_after_idle_opens_a_connection(
    relayed: tuple[LocalAppliance, IdleClosingRelay],
) -> None:
    # what keep_warm saves: the control for the test above
    server, relay = relayed
    assert taps_after_idle(server, relay, keep_warm=False) == 3
