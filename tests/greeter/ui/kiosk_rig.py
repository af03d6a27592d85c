"""A whole greeter in the test process: real Kiosk, real appliance over HTTPS, real QML, and
(for card flows) the real PC/SC source watching an isolated pcscd with vpcd cards.

The session command is a small shell script that appends the user's name to a marker file and
then waits, so "the session started" is something a test can see on disk.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.exceptions import TimeoutError

from appliance.local import LocalAppliance
from greeter import config as greeter_config
from greeter.spine_signer import SpineSigner
from greeter.ui.main import Greeter
from greeter.wiring import build_kiosk
from tests.greeter.ui.conftest import Screen
from tests.rig.pcsc import IsolatedPcscd
from tests.rig.vpcd import VirtualCard

# a contact smartcard's ATR (tests.rig.vpcd.CONTACT_ATR); the profile below reads its UID with
# GET DATA like a contactless card, so alice's card id can sit in a contact slot too
CONTACT_ATR_PROFILE = """
[[cards.atr_profile]]
atr = "3BDB9600801F030031C06477E30300829000C1"
apdus = ["FFCA000000"]
"""


def write_config(
    directory: Path,
    *,
    url: str,
    ca: Path,
    kiosk_name: str,
    kiosk_secret: str,
    marker: Path,
    event_log: Path,
    pcsc: bool,
    virtual_socket: Path | None = None,
    timeout: float = 5,
) -> Path:
    secret_file = directory / "kiosk.secret"
    secret_file.write_text(kiosk_secret)
    secret_file.chmod(0o600)
    script = 'echo "$1" >> "$2"; exec sleep 600'
    session = json.dumps(["/bin/sh", "-c", script, "session", "{user}", str(marker)])
    path = directory / "greeter.toml"
    path.write_text(
        f"""
[kiosk]
name = "{kiosk_name}"
locale = "en"
event_log = "{event_log}"
busy_delay = 0.3
help_line = "Call IT on 4444"

[appliance]
url = "{url}"
ca = "{ca}"
kiosk_secret_file = "{secret_file}"
timeout = {timeout}
connect_timeout = 2

[cards]
pcsc = {"true" if pcsc else "false"}
{f'virtual_socket = "{virtual_socket}"' if virtual_socket else ""}
{CONTACT_ATR_PROFILE if pcsc else ""}

[session]
commands = [{session}]
close_budget_seconds = 3
"""
    )
    return path


@dataclass
class KioskRig:
    greeter: Greeter
    screen: Screen
    marker: Path
    event_log: Path
    qtbot: Any

    def wait_screen(self, name: str, timeout: float = 10.0) -> None:
        """Wait until the user sees screen `name` ("session": the greeter stepped aside)."""
        try:
            self.qtbot.waitUntil(lambda: self.showing() == name, timeout=int(timeout * 1000))
        except (AssertionError, TimeoutError):
            raise AssertionError(
                f"expected the {name} screen, the user sees {self.showing()!r} "
                f"(view: {self.greeter.bridge.view})"
            ) from None
        self.screen.settle()

    def showing(self) -> str:
        if (
            self.greeter.bridge.view.screen == "session"
            and not self.greeter.window.view.isVisible()
        ):
            return "session"
        return self.screen.showing()

    def wait_idle_ready(self) -> None:
        """The idle screen with the appliance's kiosk settings loaded."""
        self.qtbot.waitUntil(
            lambda: self.greeter.bridge.view.domains != () and self.showing() == "idle",
            timeout=10000,
        )

    def sessions_started(self) -> list[str]:
        if not self.marker.exists():
            return []
        return self.marker.read_text().split()

    def wait_session_for(self, username: str, timeout: float = 10.0) -> None:
        """`username`'s session command runs, and the greeter has logged it started (the
        command may write its marker before the runner's report reaches the greeter)."""
        self.qtbot.waitUntil(
            lambda: (
                username in self.sessions_started()
                and ("started", username) in self.session_actions()
            ),
            timeout=int(timeout * 1000),
        )

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        if not self.event_log.exists():
            return []
        lines = [json.loads(line) for line in self.event_log.read_text().splitlines() if line]
        return [line for line in lines if kind is None or line["event"] == kind]

    def session_actions(self) -> list[tuple[str, str]]:
        """The event log's session changes as (action, user)."""
        return [(line["action"], line["user"]) for line in self.events("session")]


def tap(pcscd: IsolatedPcscd, uid: bytes, slot: int = 0) -> VirtualCard:
    """Put a contactless card on the reader; the caller takes it away."""
    card = pcscd.card(pcscd.readers[slot], uid=uid)
    card.insert()
    return card


def sign_in(
    kiosk: KioskRig, pcscd: IsolatedPcscd, uid: bytes, pin: str, role: str | None = None
) -> None:
    """Card, PIN and (for a user with several roles) `role`: the greeter steps aside."""
    card = tap(pcscd, uid)
    kiosk.wait_screen("pin")
    card.remove()
    kiosk.screen.tap_keys(pin)
    kiosk.screen.tap("pinOk")
    if role is not None:
        kiosk.wait_screen("role")
        kiosk.screen.tap(f"role_{role}")
    kiosk.wait_screen("session")


def carol_first_sign_in(kiosk: KioskRig, pcscd: IsolatedPcscd, pin: str = "1357") -> None:
    """Carol's card, her password (her card named her: only the password is asked), a new PIN
    twice: up to the notice about her VSC."""
    card = tap(pcscd, bytes.fromhex("04C0FFEE000001"))
    kiosk.wait_screen("password")
    card.remove()
    assert not kiosk.screen.has("usernameField")
    kiosk.screen.type_keys("carol-demo-pass")
    kiosk.screen.press(Qt.Key.Key_Return)
    kiosk.wait_screen("enroll_pin")
    for _ in range(2):
        kiosk.screen.tap_keys(pin)
        kiosk.screen.tap("enrollPinOk")
    kiosk.wait_screen("notice")


def build_rig(
    tmp_path: Path,
    appliance: LocalAppliance,
    qtbot: Any,
    *,
    pcsc: bool,
    url: str | None = None,
    demo: bool = False,
    timeout: float = 5,
    virtual_socket: Path | None = None,
    spine_signer: SpineSigner | None = None,
) -> Iterator[KioskRig]:
    marker = tmp_path / "sessions.txt"
    event_log = tmp_path / "events.jsonl"
    path = write_config(
        tmp_path,
        url=url or appliance.url,
        ca=appliance.ca_path,
        kiosk_name=appliance.kiosk_name,
        kiosk_secret=appliance.kiosk_secret,
        marker=marker,
        event_log=event_log,
        pcsc=pcsc,
        timeout=timeout,
        virtual_socket=virtual_socket,
    )
    config = greeter_config.load(path)
    greeter = Greeter(
        config,
        lambda executor: build_kiosk(config, executor, event_log_path=str(event_log)),
        windowed=True,
        demo=demo,
        spine_signer=spine_signer,
    )
    try:
        greeter.start()
        qtbot.waitExposed(greeter.window.view)
        rig = KioskRig(greeter, Screen(greeter.window, qtbot), marker, event_log, qtbot)
        rig.wait_idle_ready()
        yield rig
    finally:
        greeter.close()


class TcpRelay:
    """A loopback TCP relay in front of the appliance that can be taken down and brought back
    on the same port: "the network to the appliance failed" without touching the appliance.
    While `stalled`, bytes are swallowed both ways, open connections included: a slow
    appliance that never answers."""

    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._server: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self.stalled = False

    def up(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def down(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                if not self.stalled:
                    sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def appliance_port(appliance: LocalAppliance) -> int:
    return int(appliance.url.rsplit(":", 1)[1])


@pytest.fixture
def relay(appliance_server: LocalAppliance) -> Iterator[TcpRelay]:
    """A relay in front of the test's appliance (import it into a test module to use it)."""
    relay = TcpRelay(appliance_port(appliance_server))
    relay.up()
    yield relay
    relay.down()


@pytest.fixture
def kiosk_via_relay(
    pcscd: IsolatedPcscd,
    appliance_server: LocalAppliance,
    relay: TcpRelay,
    tmp_path: Path,
    qtbot: Any,
    qt_style: None,
) -> Iterator[KioskRig]:
    """The greeter reaching the appliance through `relay`; a slow appliance is given up on after
    2 s (the kiosk's configured read timeout)."""
    url = f"https://127.0.0.1:{relay.port}"
    yield from build_rig(tmp_path, appliance_server, qtbot, pcsc=True, url=url, timeout=2)


def wait_for_line(path: Path, wanted: dict[str, str], timeout: float = 30.0) -> dict[str, Any]:
    """The first event log line at `path` with the `wanted` fields, once it is written."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text().splitlines():
                entry = json.loads(line)
                if all(entry.get(key) == value for key, value in wanted.items()):
                    return dict(entry)
        pause.wait(0.05)
    raise AssertionError(f"no {wanted} in {path}: {path.read_text() if path.exists() else ''}")


def terminate(process: subprocess.Popen[bytes], timeout: float = 30.0) -> tuple[bytes, bytes]:
    """SIGTERM, as the kiosk session ends a greeter; its (stdout, stderr). Killed if it hangs."""
    try:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        return process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
