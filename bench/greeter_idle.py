"""Idle CPU and redraws: the greeter as a child process on the idle screen, on the lock screen
and while a session runs (its window hidden), offscreen and under Xvfb (1280x800, xcb), each
next to a bare QML window left alone for the same time. CPU from psutil on each child's own
process; frames counted with QQuickWindow.frameSwapped in the child. Goal: < 0.5 % of a core,
and no frame drawn when nothing changes (the clock's minute may turn once a minute: 1 frame).

    .venv/bin/python -m bench.greeter_idle [--seconds 60] [--quick] [--display xvfb]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from appliance.local import LocalAppliance, start_local_appliance
from bench.children import Child, sign_in
from bench.common import log_events, ready_at
from bench.display import DISPLAYS, display
from greeter.cards.virtual import send_tap
from tests.greeter.ui.kiosk_rig import write_config

ALICE = "04A1B2C3D4E5F6"
GOAL_PERCENT = 0.5


def watch(children: dict[str, Child], seconds: float) -> dict[str, Any]:
    """CPU (% of a core) and frames of each child over `seconds` of nothing happening."""
    before = {name: (child.cpu_seconds(), child.frames()) for name, child in children.items()}
    started = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - started
    result: dict[str, Any] = {}
    for name, child in children.items():
        cpu, frames = before[name]
        result[name] = {
            "cpu_percent_of_core": round(100 * (child.cpu_seconds() - cpu) / elapsed, 3),
            "frames": child.frames() - frames,
        }
    greeter = result["greeter"]
    greeter["met"] = greeter["cpu_percent_of_core"] < GOAL_PERCENT and greeter["frames"] <= 1
    return result


def wait_for(event_log: Path, action: str, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while len(log_events(event_log, "session", action)) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: the session was never {action}")
        time.sleep(0.01)


def idle_on(kind: str, appliance: LocalAppliance, work: Path, seconds: float) -> dict[str, Any]:
    work.mkdir(parents=True)
    socket = work / "taps.sock"
    event_log = work / "events.jsonl"
    config = write_config(
        work, url=appliance.url, ca=appliance.ca_path, kiosk_name=appliance.kiosk_name,
        kiosk_secret=appliance.kiosk_secret, marker=work / "sessions.txt", event_log=event_log,
        pcsc=False, virtual_socket=socket,
    )  # fmt: skip
    result: dict[str, Any] = {}
    with display(kind) as drawn:
        env = {**os.environ, **drawn}
        bare = Child.bare(env)
        greeter = Child.greeter(env, config, event_log)
        children = {"greeter": greeter, "bare": bare}
        try:
            bare.wait("shown", "first")
            ready_at(event_log, greeter.process)
            time.sleep(2)  # the other screens compile in the background after the first frame
            result["idle_screen"] = watch(children, seconds)
            # alice signs in (card, PIN, role), then her tap locks
            at = greeter.mark()
            send_tap(socket, ALICE)
            sign_in(greeter, at, "1234")
            wait_for(event_log, "started", 1)
            time.sleep(1)
            result["session"] = watch(children, seconds)
            send_tap(socket, ALICE)
            wait_for(event_log, "locked", 1)
            time.sleep(1)
            result["lock_screen"] = watch(children, seconds)
        finally:
            greeter.close()
            bare.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="10 s per screen")
    parser.add_argument("--display", action="append", choices=DISPLAYS)
    args = parser.parse_args()
    seconds = 10.0 if args.quick else args.seconds
    result: dict[str, Any] = {"bench": "greeter_idle", "seconds_each": seconds}
    with tempfile.TemporaryDirectory(prefix="tk-bench-idle-") as tmp:
        work = Path(tmp)
        appliance = start_local_appliance(work / "appliance", seed_demo=True, fast_hashing=True)
        try:
            for kind in args.display or DISPLAYS:
                result[kind] = idle_on(kind, appliance, work / kind, seconds)
        finally:
            appliance.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
