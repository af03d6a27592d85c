"""`greeter demo` as a user runs it: a real process with its own appliance. On a real X server
(Xvfb, input through xdotool as a hand would give it) every flow goes on from the stand-in
desktop's window; two demos on one machine never see each other's taps or cards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from greeter.cards.virtual import send_tap
from greeter.ui.stand_in import BUTTON_SIZE, MARGIN
from tests.greeter.ui.kiosk_rig import terminate
from tests.rig.pcsc import IsolatedPcscd
from tests.session.xvfb import xvfb

pytestmark = [pytest.mark.ui, pytest.mark.slow]

ALICE, CAROL, RAVI = "04A1B2C3D4E5F6", "04C0FFEE000001", "04AA0000000002"


@dataclass
class Demo:
    process: subprocess.Popen[bytes]
    state_dir: Path
    events: Path

    def lines(self) -> list[dict]:
        if not self.events.exists():
            return []
        return [json.loads(line) for line in self.events.read_text().splitlines() if line]

    def wait_until(self, check: Callable[[list[dict]], bool], what: str, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        pause = threading.Event()
        while time.monotonic() < deadline:
            if check(self.lines()):
                return
            if self.process.poll() is not None:
                break
            pause.wait(0.05)
        raise AssertionError(f"{what} never came in the demo's log: {self.lines()}")

    def wait_for(self, timeout: float = 60.0, **wanted: str) -> None:
        def seen(lines: list[dict]) -> bool:
            return any(all(line.get(k) == v for k, v in wanted.items()) for line in lines)

        self.wait_until(seen, str(wanted), timeout)

    def count(self, **wanted: str) -> int:
        return sum(all(line.get(k) == v for k, v in wanted.items()) for line in self.lines())

    @property
    def socket(self) -> Path:
        config = tomllib.loads((self.state_dir / "greeter.toml").read_text())
        return Path(config["cards"]["virtual_socket"])

    def stop(self) -> str:
        """SIGTERM; the demo must stop cleanly. Returns its stderr."""
        _, err = terminate(self.process)
        return err.decode()


@pytest.fixture
def runtime_dir() -> Iterator[Path]:
    # one XDG_RUNTIME_DIR for every demo of a test, as on one machine; short for Unix sockets
    with tempfile.TemporaryDirectory(prefix="tk-") as directory:
        yield Path(directory)


@pytest.fixture
def start_demo(tmp_path, runtime_dir) -> Iterator:
    started: list[Demo] = []

    def start(name: str, *options: str, env: dict[str, str] | None = None) -> Demo:
        state = tmp_path / name
        events = tmp_path / f"{name}.jsonl"
        process = subprocess.Popen(
            [sys.executable, "-m", "greeter", "demo", "--state-dir", str(state),
             "--event-log", str(events), *options],
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {}),
                 "XDG_RUNTIME_DIR": str(runtime_dir)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        demo = Demo(process, state, events)
        started.append(demo)
        return demo

    yield start
    for demo in started:
        demo.stop()


def xdotool(display: str, *args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


def click(display: str, window: str, x: int, y: int) -> None:
    xdotool(display, "mousemove", "--window", window, str(x), str(y), "click", "1")


def test_sign_in_lock_and_log_out_from_the_stand_in_desktop(start_demo):
    with xvfb(size="1600x1000x24") as display:
        demo = start_demo(
            "demo", "--no-readers", env={"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        )
        demo.wait_for(event="ready")
        # ravi signs in on the greeter's window, with the keyboard
        xdotool(display, "key", "F4")
        demo.wait_for(event="screen", screen="pin")
        xdotool(display, "type", "--delay", "40", "2468")
        xdotool(display, "key", "Return")
        demo.wait_for(event="session", action="started", user="ravi")

        # the stand-in desktop says who is signed in, in its title and its window
        found = xdotool(display, "search", "--sync", "--name", "tapkiosk demo desktop: Ravi Rao")
        window = found.split()[0]
        geometry = xdotool(display, "getwindowgeometry", "--shell", window)
        size = dict(line.split("=") for line in geometry.split())
        width, height = int(size["WIDTH"]), int(size["HEIGHT"])
        button_y = height - MARGIN - BUTTON_SIZE[1] // 2

        # Lock, in the stand-in's window: the greeter covers the session
        click(display, window, MARGIN + BUTTON_SIZE[0] // 2, button_y)
        demo.wait_for(event="session", action="locked", user="ravi")
        demo.wait_for(event="screen", screen="locked")
        # his card inside the grace period: back to the stand-in desktop
        xdotool(display, "key", "F4")
        demo.wait_for(event="session", action="unlocked", user="ravi")

        # Log out, in the stand-in's window: the session ends, the greeter waits for a tap
        click(display, window, width - MARGIN - BUTTON_SIZE[0] // 2, button_y)
        demo.wait_for(event="session", action="ended", user="ravi")
        demo.wait_until(
            lambda lines: [line.get("screen") for line in lines if "screen" in line][-1] == "idle",
            "the idle screen after the log-out",
        )
        err = demo.stop()
    assert demo.process.returncode == 0, err
    assert "Traceback" not in err
    # a clean start: the demo appliance's migrations are no news, nothing went wrong
    assert "alembic" not in err
    assert "ERROR" not in err.replace("ERROR greeter.ui.refcount_guard", ""), err


@pytest.mark.pcsc
def test_two_demos_side_by_side_never_see_each_others_taps(start_demo, pcscd: IsolatedPcscd):
    quiet = start_demo("quiet", "--no-readers")
    watching = start_demo("watching")
    quiet.wait_for(event="ready")
    watching.wait_for(event="ready")
    assert quiet.socket != watching.socket

    send_tap(quiet.socket, ALICE)
    quiet.wait_for(event="screen", screen="pin")
    send_tap(watching.socket, CAROL)
    watching.wait_for(event="screen", screen="password")
    # a card on the machine's reader: only the demo that watches readers sees it
    card = pcscd.card(pcscd.readers[0], uid=bytes.fromhex(RAVI))
    card.insert()
    watching.wait_for(event="card", source="pcsc")
    card.remove()
    time.sleep(1)
    assert quiet.count(event="card") == 1
    assert watching.count(event="card", source="virtual") == 1
    assert quiet.count(event="card", source="pcsc") == 0

    # a third demo on a state dir in use is refused, not a second kiosk with the same secret
    twin = subprocess.run(
        [sys.executable, "-m", "greeter", "demo", "--state-dir", str(quiet.state_dir)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert twin.returncode == 1
    assert "another demo runs with" in twin.stderr
    assert "Traceback" not in twin.stderr
    for demo in (quiet, watching):
        err = demo.stop()
        assert demo.process.returncode == 0, err
