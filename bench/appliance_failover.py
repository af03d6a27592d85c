"""Appliance fail-over under load: 50 simulated kiosks (the greeter's own client, each with its
own user signing in with card and PIN at the product's Argon2id cost, then out) against
instances sharing one real PostgreSQL over loopback HTTPS, in one run:

1. one instance: logins per second;
2. two instances (half the kiosks list one first, half the other): logins per second;
3. two instances, the first killed with SIGKILL halfway: logins lost (must be 0), steps whose
   answer was lost and were done again from the tap, of which PIN steps (`pin_steps_lost`: a
   PIN the killed instance held and no other could finish; the goal is 0), the steps the other
   instance took over from the killed one or answered again from its record (the audit's
   `step_taken_over` and `step_replayed`), kiosks that failed
   over (from their event logs), a login tapped on the killed instance and finished on the
   other, and the login rate before and after the kill.

Prints one JSON object.

    .venv/bin/python -m bench.appliance_failover [--kiosks 50] [--seconds 12]

The kiosks run as threads of this process, on the same cores as the instances: the client's
own CPU is in every number, alike for one instance and two.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from appliance.db import make_engine
from appliance.local import LocalAppliance, another_instance, start_local_appliance
from appliance.store import AuditEvent
from greeter.flow.wire import AuthContinue, AuthOk, CardFactor, PinFactor
from tests.rig.fleet import PIN, Kiosk, Seat, Tally, failover_lines, run_fleet, seat_fleet
from tests.rig.postgres import missing, running_postgres

# no limit the load trips: the kiosks sign in as fast as the instances let them
LIMITS: dict[str, Any] = {"rate_limit": (1e6, 1_000_000), "failed_auth": (1_000_000, 1e9)}


def rate(tally: Tally, seconds: float) -> float:
    return round(tally.logins / seconds, 1)


def phase(
    seats: list[Seat], orders: list[list[str]], ca: Path, logs: Path, seconds: float
) -> dict[str, Any]:
    tally, elapsed = run_fleet(seats, orders, ca, logs, seconds)
    return {
        "logins": tally.logins,
        "logins_per_s": rate(tally, elapsed),
        "lost": tally.lost,
        "retried_from_tap": tally.retried,
        "problems": dict(tally.problems),
    }


def kill_phase(
    first: LocalAppliance, second: LocalAppliance, seats: list[Seat], logs: Path, seconds: float
) -> dict[str, Any]:
    held, fleet = seats[0], seats[1:]
    logs.mkdir(parents=True, exist_ok=True)
    waiting = Kiosk(held, [first.url, second.url], first.ca_path, logs / "held.jsonl", Tally())
    marks: dict[str, Any] = {}

    def midway(tally: Tally) -> None:
        tapped = waiting.backend.auth(CardFactor(held.card))
        marks["before"], marks["killed_at"] = tally.logins, time.monotonic()
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        finished = (
            isinstance(tapped, AuthContinue)
            and isinstance(waiting.backend.auth(PinFactor(tapped.state, PIN)), AuthOk)
            and waiting.backend.appliances.active_url == second.url
        )
        marks["in_flight_finished_on_other"] = finished

    orders = [[first.url, second.url], [second.url, first.url]]
    started = time.monotonic()
    tally, elapsed = run_fleet(fleet, orders, first.ca_path, logs, seconds, midway=midway)
    waiting.close()
    before_s = marks["killed_at"] - started
    after = tally.logins - marks["before"]
    moved = {str(line["kiosk"]) for line in failover_lines(logs) if line["kiosk"] != "held"}
    return {
        "logins": tally.logins,
        "lost": tally.lost,
        "retried_from_tap": tally.retried,
        "pin_steps_lost": tally.pin_lost,
        "continued_on_other": tally.continued,
        "in_flight_finished_on_other": marks["in_flight_finished_on_other"],
        "kiosks_on_killed": len(fleet[::2]),
        "kiosks_failed_over": len(moved),
        "logins_per_s_before_kill": round(marks["before"] / before_s, 1),
        "logins_per_s_after_kill": round(after / (elapsed - before_s), 1),
        "problems": dict(tally.problems),
    }


def resent_steps(db_url: str) -> dict[str, int]:
    """How the steps sent again were answered (only the kill makes a kiosk send one again)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(AuditEvent.event, func.count())
                .where(AuditEvent.event.in_(("step_taken_over", "step_replayed")))
                .group_by(AuditEvent.event)
            ).all()
    finally:
        engine.dispose()
    counts = {str(event): int(count) for event, count in rows}
    return {name: counts.get(name, 0) for name in ("step_taken_over", "step_replayed")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=12.0)
    args = parser.parse_args()
    if reason := missing():
        print(f"bench: unable to run: {reason}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-failover-") as work, running_postgres() as pg:
        root = Path(work)
        db_url = pg.new_database()
        with start_local_appliance(root / "appliance", db_url=db_url, **LIMITS) as first:
            seats = seat_fleet(first, args.kiosks + 1)
            with another_instance(first) as second:
                one = phase(seats[1:], [[first.url]], first.ca_path, root / "one", args.seconds)
                two = phase(
                    seats[1:],
                    [[first.url, second.url], [second.url, first.url]],
                    first.ca_path,
                    root / "two",
                    args.seconds,
                )
                killed = kill_phase(first, second, seats, root / "kill", args.seconds)
                killed |= resent_steps(db_url)
    result = {
        "kiosks": args.kiosks,
        "seconds_per_phase": args.seconds,
        "cores": os.cpu_count(),
        "one_instance": one,
        "two_instances": two,
        "two_over_one": round(two["logins_per_s"] / one["logins_per_s"], 2),
        "one_killed_midway": killed,
    }
    print(json.dumps(result, indent=2))
    return 0 if killed["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
