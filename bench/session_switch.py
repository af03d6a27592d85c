"""How long a tap-over takes once the new user is authenticated: from the call into the session
API (end the previous session, start the next) to the next user's session started.

The previous user has 5 Spine apps open that each take a known time to shut down (they save
for `--app-shutdown-ms` after SIGTERM); overhead = total - that time. Prints JSON.

    .venv/bin/python -m bench.session_switch [--runs 10] [--apps 5] [--app-shutdown-ms 200]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from greeter.session import SessionRunner, SessionSettings, SessionUser, SpineApp
from tests.session.programs import Programs, wait_for_file

ALICE = SessionUser("alice", "NHS", "Alice Example", "R8000", "bench-a")
BOB = SessionUser("bob", "NHS", "Bob Example", "R8000", "bench-b")


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
    }


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--apps", type=int, default=5)
    parser.add_argument("--app-shutdown-ms", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(run(args.runs, args.apps, args.app_shutdown_ms), indent=2))


if __name__ == "__main__":
    main()
