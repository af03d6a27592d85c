"""Two timings, printed as one JSON object.

1. Switch: from the new user's successful authentication (the call into the session API: end
   the previous session, start the next) to the next user's session started. The previous user
   has 5 Spine apps open that each take a known time to shut down (they save for
   `--app-shutdown-ms` after SIGTERM); overhead = total - that time. Goal: < 1 s + that time.
2. Tap-and-go (`--taps N`, 0 to skip): the whole greeter as a child process (real QML, offscreen
   and under Xvfb (`bench.display`), PC/SC source on an isolated pcscd with a vpcd card, the
   appliance over HTTPS on loopback): alice is signed in; her tap locks, her next tap unlocks.
   Overhead = the greeter's `session locked`/`unlocked` event-log line minus the moment a plain
   pyscard watcher in this process saw the card (pcscd's own report, so vpcd's polling delay
   cancels out). Goal: unlock p95 <= 60 ms under Xvfb.

    .venv/bin/python -m bench.session_switch [--runs 10] [--apps 5] [--app-shutdown-ms 200]
                                             [--taps 20] [--display xvfb]
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
from typing import TYPE_CHECKING, Any

from bench.children import Child, sign_in
from bench.common import PlainWatcher, log_events, ready_at, summary
from bench.display import DISPLAYS, display
from greeter.session import SessionRunner, SessionSettings, SessionUser, SpineApp
from tests.session.programs import Programs, wait_for_file

if TYPE_CHECKING:
    from appliance.local import LocalAppliance
    from tests.rig.pcsc import IsolatedPcscd

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


def wait_until(done: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Look until `done()`; times come from the event log and the watcher, so how often this
    looks does not change the numbers."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} did not happen within {timeout:g} s")
        time.sleep(0.005)


def run_taps(taps: int, displays: list[str]) -> dict[str, Any]:
    """Tap-and-go on each display in `displays`, the greeter a child process."""
    with tempfile.TemporaryDirectory(prefix="bench-tap-") as folder:
        work = Path(folder)
        # libpcsclite reads this once, on first use: before anything loads it
        os.environ["PCSCLITE_CSOCK_NAME"] = str(work / "pcscd" / "pcscd.comm")
        from tests.rig.appliance import start_demo_appliance
        from tests.rig.pcsc import IsolatedPcscd

        daemon = IsolatedPcscd(work / "pcscd", work / "reader.conf.d")
        daemon.start()
        try:
            with start_demo_appliance(work / "appliance") as appliance:
                result = {}
                for kind in displays:
                    result[kind] = taps_on(kind, taps, daemon, appliance, work / kind)
                    # the next greeter starts on readers nobody held (as after a reboot)
                    daemon.restart()
                return result
        finally:
            daemon.close()


def taps_on(
    kind: str, taps: int, daemon: IsolatedPcscd, appliance: LocalAppliance, work: Path
) -> dict[str, Any]:
    from tests.session.flow_rig import write_config

    (work / "apps").mkdir(parents=True)
    programs = Programs(work / "apps")
    event_log = work / "events.jsonl"
    config = write_config(work, appliance, programs, event_log)
    reader = daemon.readers[0]
    plain = PlainWatcher(reader.name)
    with display(kind) as drawn:
        greeter = Child.greeter({**os.environ, **daemon.env, **drawn}, config, event_log)
        try:
            ready_at(event_log, greeter.process)

            def tap(action: str, count: int) -> float:
                """Tap alice's card; ms from pcscd's report to the greeter's `action`."""
                seen = len(plain.seen)
                card = daemon.card(reader, uid=ALICE_CARD)
                card.insert()
                wait_until(lambda: len(log_events(event_log, "session", action)) >= count, action)
                wait_until(lambda: len(plain.seen) > seen, "the plain watcher's report")
                card.remove()
                wait_until(
                    lambda: len(log_events(event_log, "card", "removed")) >= len(plain.seen),
                    "the card's removal",
                )
                logged = log_events(event_log, "session", action)[count - 1]["mono"]
                return (logged - plain.seen[seen]) * 1000

            # sign alice in (card, PIN, role) -- not timed
            at = greeter.mark()
            card = daemon.card(reader, uid=ALICE_CARD)
            card.insert()
            sign_in(greeter, at, "1234")
            card.remove()
            wait_until(lambda: len(log_events(event_log, "session", "started")) == 1, "start")
            lock_ms: list[float] = []
            unlock_ms: list[float] = []
            for index in range(taps):
                lock_ms.append(tap("locked", index + 1))
                unlock_ms.append(tap("unlocked", index + 1))
        finally:
            plain.stop()
            greeter.close()
    return {
        "taps": taps,
        "unlock_overhead_ms": summary(unlock_ms),
        "lock_overhead_ms": summary(lock_ms),
        "goal_unlock_p95_ms": 60,
        "note": "the greeter a child process; over pcscd's report (a plain pyscard watcher in "
        "this process); the unlock includes the card check with the appliance over HTTPS on "
        "loopback",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="tap-over and tap-and-go timings")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--apps", type=int, default=5)
    parser.add_argument("--app-shutdown-ms", type=int, default=200)
    parser.add_argument("--taps", type=int, default=20)
    parser.add_argument("--display", action="append", choices=DISPLAYS)
    args = parser.parse_args()
    result = {"switch": run(args.runs, args.apps, args.app_shutdown_ms)}
    if args.taps:
        result["tap_and_go"] = run_taps(args.taps, args.display or list(DISPLAYS))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
