"""The parent's side of a Qt child: the greeter (`bench.greeter_child`) or a bare QML window,
spawned on a display, timed from outside, its own RSS and CPU read with psutil."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from greeter.allocator import GREETER_MALLOC_TUNABLES, TUNABLES_VARIABLE

ROOT = Path(__file__).resolve().parents[1]

# a full-screen bare QML window: the baseline every greeter number is held against. It prints
# its first frame's time, counts frames on request (`frames`) and stays up until stdin closes.
BARE_QML = """
import sys, time
from PySide6.QtCore import QSocketNotifier, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickView
app = QGuiApplication(sys.argv)
view = QQuickView()
view.setSource(QUrl("data:text/plain,import QtQuick%0ARectangle { width: 1280; height: 800;"
                    " color: 'navy'; Text { text: 'Tap your card'; color: 'white' } }"))
frames = [0]
def frame():
    frames[0] += 1
    if frames[0] == 1:
        print("shown first", time.monotonic(), flush=True)
def command():
    line = sys.stdin.readline()
    if line.strip() == "frames":
        print("frames", frames[0], flush=True)
    elif not line or line.strip() == "quit":
        app.quit()
view.frameSwapped.connect(frame)
notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
notifier.activated.connect(command)
view.showFullScreen()
app.exec()
"""


class Child:
    """A Qt child speaking bench.greeter_child's line protocol on stdin/stdout."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.spawned = time.monotonic()
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # BENCH_CHILD_STDERR=1 shows what a child that never answers said
            stderr=None if os.environ.get("BENCH_CHILD_STDERR") else subprocess.DEVNULL,
            text=True,
        )
        self.ps = psutil.Process(self.process.pid)
        self.lines: list[tuple[str, str, float]] = []  # (verb, what, mono or count)
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def bare(cls, env: dict[str, str]) -> Child:
        return cls([sys.executable, "-c", BARE_QML], env)

    @classmethod
    def greeter(cls, env: dict[str, str], config: Path, event_log: Path) -> Child:
        command = ["-m", "bench.greeter_child", "--config", str(config)]
        # as the kiosk session starts it (packaging/xsession/kiosk-session)
        env = {**env, TUNABLES_VARIABLE: GREETER_MALLOC_TUNABLES}
        return cls([sys.executable, *command, "--event-log", str(event_log)], env)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            verb, _, rest = line.strip().partition(" ")
            what, _, value = rest.rpartition(" ")
            with self._changed:
                self.lines.append((verb, what, float(value or 0)))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def count(self, verb: str, what: str = "") -> int:
        with self._changed:
            return sum(1 for v, w, _ in self.lines if v == verb and (not what or w == what))

    def wait(
        self, verb: str, what: str | Callable[[str], bool] = "", after: int = 0, timeout: float = 30
    ) -> tuple[str, float]:
        """The first `verb` line (about `what`) from line index `after` on; waits for it."""
        matches = what if callable(what) else (lambda w: not what or w == what)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for v, w, value in self.lines[after:]:
                    if v == verb and matches(w):
                        return w, value
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise SystemExit(f"bench: the child never said {verb} {what}")
                self._changed.wait(left)

    def mark(self) -> int:
        with self._changed:
            return len(self.lines)

    def frames(self) -> int:
        at = self.mark()
        self.send("frames")
        return int(self.wait("frames", after=at)[1])

    def rss_mib(self) -> float:
        return self.ps.memory_info().rss / 2**20

    def cpu_seconds(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("quit")
                self.process.wait(timeout=20)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self._reader.join(5)


def sign_in(greeter: Child, tapped_at: int, pin: str) -> None:
    """After a tap (the greeter's line mark `tapped_at`): the PIN if asked, the first role if
    offered, until the flow hands over to the session. Within the appliance's grace (an earlier
    run's login) the tap alone may let the user straight in."""
    screen, _ = greeter.wait("screen", lambda s: s in ("pin", "role", "session"), after=tapped_at)
    if screen == "pin":
        at = greeter.mark()
        greeter.send(f"pin {pin}")
        screen, _ = greeter.wait("screen", lambda s: s in ("role", "session"), after=at)
    if screen == "role":
        greeter.send("role")
