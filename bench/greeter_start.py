"""The greeter's start-up, memory over many logins, and tap-to-PIN-screen overhead.

1. Cold start: `greeter run` as a child process (offscreen, PC/SC on an isolated pcscd, the
   local appliance) from spawn to its `ready` event-log line (first idle frame drawn, readers
   watched), against a bare QML window (QGuiApplication + QQuickView of one Rectangle) from
   spawn to its first frame, measured alternately in the same run. Goal: ratio <= 2.
   The greeter's modules are byte-compiled first, as pip does when it installs the wheel on a
   kiosk: a checkout run under PYTHONDONTWRITEBYTECODE would otherwise compile every module at
   every start, which no kiosk does (PySide6, on the bare side, is installed and compiled).
2. Memory: in this process, 100 card+PIN logins through the real Kiosk and bridge against the
   local appliance (alice and ravi in turn, so each tap is a full login with a user switch;
   grace 0 so every login asks the PIN). RSS after login 10 vs after login 100. Goal: < 10 %.
3. Tap to PIN screen: a vpcd card on the isolated pcscd; from a plain pyscard watcher seeing the
   card (pcscd's own report) to the first frame drawn showing the PIN screen (this includes the
   card factor's HTTPS round trip to the local appliance). Goal: p95 < 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/greeter_start.py [--starts 5]
        [--logins 100] [--taps 30]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SOCKET_DIR = Path(tempfile.mkdtemp(prefix="tk-bench-ui-pcscd-"))
os.environ["PCSCLITE_CSOCK_NAME"] = str(SOCKET_DIR / "pcscd.comm")  # before libpcsclite loads

import psutil  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from appliance.local import LocalAppliance, start_local_appliance  # noqa: E402
from bench.common import PlainWatcher  # noqa: E402
from bench.common import summary as latency_summary  # noqa: E402
from greeter import config as greeter_config  # noqa: E402
from greeter.cards import CardEvent  # noqa: E402
from greeter.ui.main import Greeter  # noqa: E402
from greeter.ui.window import set_up_style  # noqa: E402
from greeter.wiring import build_kiosk  # noqa: E402
from tests.greeter.ui.kiosk_rig import write_config  # noqa: E402
from tests.rig.pcsc import IsolatedPcscd  # noqa: E402

ALICE = "04A1B2C3D4E5F6"
RAVI = "04AA0000000002"
PINS = {ALICE: "1234", RAVI: "2468"}

BARE_QML = """
import sys, time
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickView
app = QGuiApplication(sys.argv)
view = QQuickView()
view.setSource(QUrl("data:text/plain,import QtQuick%0ARectangle { width: 1280; height: 800;"
                    " color: 'navy'; Text { text: 'Tap your card'; color: 'white' } }"))
def first_frame():
    print(time.monotonic(), flush=True)
    app.quit()
view.frameSwapped.connect(first_frame)
view.show()
app.exec()
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "runs": [round(v, 3) for v in values],
    }


# --- 1. cold start --------------------------------------------------------------------------


def byte_compile() -> None:
    if not compileall.compile_dir(ROOT / "greeter", quiet=1):
        raise SystemExit("bench: unable to byte-compile greeter/")


def bare_qml_start() -> float:
    spawned = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", BARE_QML], capture_output=True, text=True, timeout=60, check=True
    )
    return float(out.stdout.split()[-1]) - spawned


def greeter_start(config: Path, event_log: Path, env: dict[str, str]) -> float:
    event_log.unlink(missing_ok=True)
    spawned = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "greeter", "run", "--config", str(config), "--windowed"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ready = wait_for_ready(event_log, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return ready - spawned


def wait_for_ready(event_log: Path, process: subprocess.Popen[bytes]) -> float:
    deadline = time.monotonic() + 60
    pause = threading.Event()
    while time.monotonic() < deadline and process.poll() is None:
        if event_log.exists():
            for line in event_log.read_text().splitlines():
                entry = json.loads(line)
                if entry["event"] == "ready":
                    return float(entry["mono"])
        pause.wait(0.01)
    raise SystemExit("bench: the greeter never logged ready")


# --- in-process greeter helpers ---------------------------------------------------------------


def pump_until(
    done: Callable[[], bool], timeout: float = 20.0, what: Callable[[], str] = str
) -> None:
    """Run the Qt loop (sleeping until events arrive) until `done()`.

    Through a QEventLoop instance: PySide6 6.12's static QCoreApplication.processEvents drops a
    reference to None on every call, and a few thousand calls abort the interpreter.
    """
    loop = QEventLoop()
    # WaitForMoreEvents sleeps until an event comes; this timer makes sure one does
    wake = QTimer()
    wake.start(50)
    deadline = time.monotonic() + timeout
    try:
        while not done():
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: the greeter did not get there in time{what()}")
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        wake.stop()


def start_greeter(config_path: Path, event_log: Path) -> Greeter:
    config = greeter_config.load(config_path)
    greeter = Greeter(
        config,
        lambda executor: build_kiosk(config, executor, event_log_path=str(event_log)),
        windowed=True,
    )
    greeter.start()
    pump_until(lambda: greeter.bridge.view.domains != ())
    return greeter


# --- 2. memory over logins ------------------------------------------------------------------


def screen_left(greeter: Greeter, screen: str) -> Callable[[], bool]:
    return lambda: greeter.bridge.view.screen != screen


def login(greeter: Greeter, card_id: str) -> None:
    """One full login through the bridge: tap, PIN, role if asked, until the session runs."""
    bridge, kiosk = greeter.bridge, greeter.kiosk
    kiosk.sink(CardEvent("present", card_id, "bench", "virtual", "contactless", time.monotonic()))
    pump_until(lambda: bridge.view.screen == "pin")
    bridge.submitPin(PINS[card_id])
    while True:
        pump_until(
            lambda: bridge.view.screen in ("role", "notice", "session", "error"),
            what=lambda: f": {bridge.view}",
        )
        screen = bridge.view.screen
        if screen == "role":
            bridge.chooseRole(bridge.view.roles[0].code)
        elif screen == "notice":
            bridge.acknowledgeNotices()
        elif screen == "error":
            raise SystemExit(f"bench: login failed: {bridge.view.error_key}")
        else:
            break
        # the answer to that choice moves the screen on
        pump_until(screen_left(greeter, screen))
    # the session runner has the new session (not just the hand-over)
    pump_until(lambda: kiosk.state.desktop is not None and kiosk.state.phase is None)


def memory_over_logins(appliance: LocalAppliance, work: Path, logins: int) -> dict[str, Any]:
    appliance.admin("policy", "set", "grace=0")
    config = write_config(
        work, url=appliance.url, ca=appliance.ca_path, kiosk_name=appliance.kiosk_name,
        kiosk_secret=appliance.kiosk_secret, marker=work / "sessions.txt",
        event_log=work / "events.jsonl", pcsc=False,
    )  # fmt: skip
    greeter = start_greeter(config, work / "events.jsonl")
    me = psutil.Process()
    rss: dict[int, int] = {}
    started = time.monotonic()
    try:
        for n in range(1, logins + 1):
            login(greeter, ALICE if n % 2 else RAVI)
            if n in (1, 10, logins):
                rss[n] = me.memory_info().rss
    finally:
        greeter.close()
    elapsed = time.monotonic() - started
    growth = (rss[logins] - rss[10]) / rss[10] * 100
    return {
        "logins": logins,
        "rss_mb": {str(n): round(value / 2**20, 1) for n, value in rss.items()},
        "growth_10_to_last_percent": round(growth, 2),
        "seconds_per_login": round(elapsed / logins, 3),
        "goal": "growth < 10 %",
        "met": growth < 10,
    }


# --- 3. tap to PIN screen -------------------------------------------------------------------


def both_saw(shown: list[float], seen: list[float], count: int) -> Callable[[], bool]:
    return lambda: len(shown) >= count and len(seen) >= count


def tap_to_pin(
    appliance: LocalAppliance, daemon: IsolatedPcscd, work: Path, taps: int
) -> dict[str, Any]:
    config = write_config(
        work, url=appliance.url, ca=appliance.ca_path, kiosk_name=appliance.kiosk_name,
        kiosk_secret=appliance.kiosk_secret, marker=work / "sessions.txt",
        event_log=work / "events.jsonl", pcsc=True,
    )  # fmt: skip
    reader = daemon.readers[0]
    plain = PlainWatcher(reader.name)
    greeter = start_greeter(config, work / "events.jsonl")
    shown: list[float] = []
    waiting_for_frame = [False]

    def on_screen() -> None:
        waiting_for_frame[0] = greeter.bridge.view.screen == "pin"

    def on_frame() -> None:
        if waiting_for_frame[0]:
            waiting_for_frame[0] = False
            shown.append(time.monotonic())

    greeter.bridge.screenChanged.connect(on_screen)
    greeter.window.view.frameSwapped.connect(on_frame)
    overheads: list[float] = []
    try:
        for tap in range(taps):
            card = daemon.card(reader, uid=bytes.fromhex(ALICE))
            card.insert()
            pump_until(both_saw(shown, plain.seen, tap + 1))
            overheads.append((shown[tap] - plain.seen[tap]) * 1000)
            card.remove()
            greeter.bridge.cancel()
            pump_until(lambda: greeter.bridge.view.screen == "idle")
    finally:
        greeter.close()
        plain.stop()
    return {
        "taps": taps,
        "overhead_ms": latency_summary(overheads, digits=1),
        "goal": "p95 < 50 ms",
        "met": percentile(overheads, 0.95) < 50,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--logins", type=int, default=100)
    parser.add_argument("--taps", type=int, default=30)
    args = parser.parse_args()
    set_up_style()

    with tempfile.TemporaryDirectory(prefix="tk-bench-ui-") as tmp:
        work = Path(tmp)
        daemon = IsolatedPcscd(SOCKET_DIR, work / "reader.conf.d")
        daemon.start()
        # a login is about six requests; the kiosk's default rate limit (20/s) would refuse a
        # bench that logs in ten times a second, and limiting is not what is measured here
        appliance = start_local_appliance(
            work / "appliance", seed_demo=True, fast_hashing=True, rate_limit=(1000.0, 1000)
        )
        try:
            (work / "start").mkdir()
            start_config = write_config(
                work / "start", url=appliance.url, ca=appliance.ca_path,
                kiosk_name=appliance.kiosk_name, kiosk_secret=appliance.kiosk_secret,
                marker=work / "start" / "sessions.txt", event_log=work / "start" / "events.jsonl",
                pcsc=True,
            )  # fmt: skip
            env = {**os.environ, **daemon.env, "QT_QPA_PLATFORM": "offscreen"}
            byte_compile()
            greeter_runs, bare_runs = [], []
            for _ in range(args.starts):
                bare_runs.append(bare_qml_start())
                greeter_runs.append(
                    greeter_start(start_config, work / "start" / "events.jsonl", env)
                )
            ratio = statistics.median(greeter_runs) / statistics.median(bare_runs)
            (work / "taps").mkdir()
            taps = tap_to_pin(appliance, daemon, work / "taps", args.taps)
            (work / "logins").mkdir()
            memory = memory_over_logins(appliance, work / "logins", args.logins)
        finally:
            appliance.stop()
            daemon.close()

    print(
        json.dumps(
            {
                "bench": "greeter_start",
                "cold_start_s": {
                    "greeter_ready": summary(greeter_runs),
                    "bare_qml_first_frame": summary(bare_runs),
                    "ratio": round(ratio, 2),
                    "goal": "ratio <= 2",
                    "met": ratio <= 2,
                },
                "tap_to_pin_screen": taps,
                "memory_over_logins": memory,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
