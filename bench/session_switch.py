"""Two timings, printed as one JSON object.

1. Switch: from the new user's successful authentication (the call into the session API: end
   the previous session, start the next) to the next user's session started. The previous user
   has 5 Spine apps open that each take a known time to shut down (they save for
   `--app-shutdown-ms` after SIGTERM); overhead = total - that time. Goal: < 1 s + that time.
2. Tap-and-go (`--taps N`, 0 to skip): the whole greeter (real QML offscreen, PC/SC source on an
   isolated pcscd with a vpcd card, the appliance over HTTPS on loopback): alice is signed in;
   her tap locks, her next tap unlocks. Overhead = the greeter's `session locked`/`unlocked`
   event-log line minus the moment a plain pyscard watcher saw the card (pcscd's own report, so
   vpcd's polling delay cancels out). Goal: unlock p95 < 100 ms.

    .venv/bin/python -m bench.session_switch [--runs 10] [--apps 5] [--app-shutdown-ms 200]
                                             [--taps 20]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import PlainWatcher, summary
from greeter.session import SessionRunner, SessionSettings, SessionUser, SpineApp
from tests.session.programs import Programs, wait_for_file

ALICE_CARD = bytes.fromhex("04A1B2C3D4E5F6")  # the demo appliance's alice
ALICE = SessionUser("alice", "NHS", "Alice Example", "R8000", "bench-a")
BOB = SessionUser("bob", "NHS", "Bob Example", "R8000", "bench-b")


def run(runs: int, apps: int, shutdown_ms: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-session-") as folder:
        programs = Programs(Path(folder))
        names = [f"spine-{index}" for index in range(apps)]
        spawn = [arg for name in names for arg in ("--spawn", name)]
        # the session command itself saves at once; the apps take `shutdown_ms` each
        command = programs.app_command("session", "--child-shutdown-ms", str(shutdown_ms), *spawn)
        settings = SessionSettings(
            commands=(command,),
            spine_apps=tuple(
                SpineApp(
                    name,
                    None,
                    re.compile(programs.cmdline_rule(name)),
                    None,
                    signal.SIGTERM,
                    5.0,
                )
                for name in names
            ),
            close_budget_seconds=15.0,
        )
        exits: list[tuple[SessionUser, int]] = []
        runner = SessionRunner(settings, lambda user, code: exits.append((user, code)))
        switch_ms: list[float] = []
        end_ms: list[float] = []
        start_ms: list[float] = []
        running_ms: list[float] = []
        graceful = forced = 0
        try:
            for _ in range(runs):
                programs.forget("session", *names)
                runner.start(ALICE)
                for name in ("session", *names):
                    programs.ready(name)
                programs.forget("session")

                began = time.monotonic()
                report = runner.end()
                ended = time.monotonic()
                runner.start(BOB)
                started = time.monotonic()
                # the next session's own code running (interpreter start-up, not ours)
                wait_for_file(programs.dir / "session.ready", 15.0)
                running = time.monotonic()

                end_ms.append((ended - began) * 1000)
                start_ms.append((started - ended) * 1000)
                switch_ms.append((started - began) * 1000)
                running_ms.append((running - began) * 1000)
                graceful += report.graceful
                forced += report.forced
                runner.end()
        finally:
            runner.stop()
        return {
            "bench": "session_switch",
            "runs": runs,
            "apps": apps,
            "app_shutdown_ms": shutdown_ms,
            "switch_ms": summary(switch_ms),
            "overhead_ms": summary([value - shutdown_ms for value in switch_ms]),
            "end_ms": summary(end_ms),
            "start_ms": summary(start_ms),
            "until_next_session_runs_ms": summary(running_ms),
            "graceful_per_switch": graceful / runs,
            "forced_total": forced,
            "unexpected_exits": len(exits),
        }


# --- tap-and-go through the whole greeter -----------------------------------------------------


def pump_until(done: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Run the Qt event loop until `done()`; times come from the event log and the watcher,
    so how often this looks does not change the numbers."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} did not happen within {timeout:g} s")
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def events(path: Path, kind: str, action: str) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line]
    return [line for line in lines if line["event"] == kind and line.get("action") == action]


def run_taps(taps: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-tap-") as folder:
        work = Path(folder)
        # libpcsclite reads this once, on first use: before anything loads it
        os.environ["PCSCLITE_CSOCK_NAME"] = str(work / "pcscd" / "pcscd.comm")
        from greeter import config as greeter_config
        from greeter.ui.main import Greeter
        from greeter.wiring import build_kiosk
        from tests.greeter.ui.conftest import Screen
        from tests.rig.appliance import start_demo_appliance
        from tests.rig.pcsc import IsolatedPcscd
        from tests.session.flow_rig import write_config

        daemon = IsolatedPcscd(work / "pcscd", work / "reader.conf.d")
        daemon.start()
        (work / "apps").mkdir()
        programs = Programs(work / "apps")
        event_log = work / "events.jsonl"
        with start_demo_appliance(work / "appliance") as appliance:
            config = greeter_config.load(write_config(work, appliance, programs, event_log))
            greeter = Greeter(
                config,
                lambda executor: build_kiosk(config, executor, event_log_path=str(event_log)),
                windowed=True,
            )
            reader = daemon.readers[0]
            plain = PlainWatcher(reader.name)
            try:
                greeter.start()
                view = greeter.bridge
                screen = Screen(greeter.window, None)
                pump_until(lambda: view.view.domains != () and view.view.screen == "idle", "idle")

                def tap(action: str, count: int) -> float:
                    """Tap alice's card; ms from pcscd's report to the greeter's `action`."""
                    seen = len(plain.seen)
                    card = daemon.card(reader, uid=ALICE_CARD)
                    card.insert()
                    pump_until(lambda: len(events(event_log, "session", action)) >= count, action)
                    pump_until(lambda: len(plain.seen) > seen, "the plain watcher's report")
                    card.remove()
                    pump_until(
                        lambda: len(events(event_log, "card", "removed")) >= len(plain.seen),
                        "the card's removal",
                    )
                    logged = events(event_log, "session", action)[count - 1]["mono"]
                    return (logged - plain.seen[seen]) * 1000

                # sign alice in (card, PIN, role) -- not timed
                card = daemon.card(reader, uid=ALICE_CARD)
                card.insert()
                pump_until(lambda: screen.has("key_1"), "the PIN screen")
                card.remove()
                screen.tap_keys("1234")
                screen.tap("pinOk")
                pump_until(lambda: screen.has("role_R8000"), "the role screen")
                screen.tap("role_R8000")
                pump_until(lambda: len(events(event_log, "session", "started")) == 1, "start")
                lock_ms: list[float] = []
                unlock_ms: list[float] = []
                for index in range(taps):
                    lock_ms.append(tap("locked", index + 1))
                    unlock_ms.append(tap("unlocked", index + 1))
            finally:
                plain.stop()
                greeter.close()
                daemon.close()
    return {
        "taps": taps,
        "unlock_overhead_ms": summary(unlock_ms),
        "lock_overhead_ms": summary(lock_ms),
        "goal_unlock_p95_ms": 100,
        "note": "over pcscd's report (a plain pyscard watcher in the same process); the unlock "
        "includes the card check with the appliance over HTTPS on loopback",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="tap-over and tap-and-go timings")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--apps", type=int, default=5)
    parser.add_argument("--app-shutdown-ms", type=int, default=200)
    parser.add_argument("--taps", type=int, default=20)
    args = parser.parse_args()
    result = {"switch": run(args.runs, args.apps, args.app_shutdown_ms)}
    if args.taps:
        result["tap_and_go"] = run_taps(args.taps)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
