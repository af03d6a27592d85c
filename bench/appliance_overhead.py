"""What a login costs the appliance besides Argon2id: server CPU per card tap and per card+PIN
login, with the PIN hash made cheap (1 MiB, t=1), in closed loops of 50 kiosks.

The login-share goal in `bench.appliance_load` divides by a single-core rate that drifts with
this shared VM; server CPU per request drifts far less, so this is the number to watch when
changing the request path.

    .venv/bin/python -m bench.appliance_overhead [--seconds 5] [--rounds 3] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uvloop

from appliance.bootstrap import initialise
from appliance.config import HashCost
from appliance.local import FAST_ARGON2, start_local_appliance
from bench.appliance_load import (
    Samples,
    add_load_arguments,
    connect_kiosks,
    run_phase,
    seed,
    server_processes,
)
from bench.common import argon2id_verify


def cheap_hash_cpu_ms(checks: int = 200) -> float:
    verify = argon2id_verify(HashCost(**FAST_ARGON2), "1234")
    started = time.thread_time()
    for _ in range(checks):
        verify()
    return (time.thread_time() - started) / checks * 1000


async def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    rounds = []
    with tempfile.TemporaryDirectory(prefix="appliance-overhead-") as tmp:
        state_dir = Path(tmp) / "state"
        initialise(state_dir, extra_config={"argon2": dict(FAST_ARGON2)})
        seeded = seed(state_dir, args.users, args.cards_per_user, args.kiosks)
        with start_local_appliance(
            state_dir, workers=args.workers, kiosk_name="bench-admin"
        ) as server:
            pids = server_processes(server.process.pid)
            clients = await connect_kiosks(server.url, server.ca_path, seeded["secrets"])
            for _ in range(args.rounds):
                taps = await run_phase(
                    clients, args, False, pids, seconds=args.seconds, samples=Samples()
                )
                logins = await run_phase(
                    clients, args, True, pids, seconds=args.seconds, samples=Samples()
                )
                tap_ms = taps.server_cpu / max(len(taps.taps), 1) * 1000
                login_ms = logins.server_cpu / max(len(logins.logins), 1) * 1000
                rounds.append(
                    {
                        "server_cpu_ms_per_tap": round(tap_ms, 2),
                        "server_cpu_ms_per_login": round(login_ms, 2),
                        "cheap_hash_cpu_ms": round(cheap_hash_cpu_ms(), 2),
                        "taps_per_s": round(len(taps.taps) / taps.seconds),
                        "logins_per_s": round(len(logins.logins) / logins.seconds),
                        "errors": (taps.errors + logins.errors)[:3],
                    }
                )
            await asyncio.gather(*(client.close() for client in clients))
    return rounds


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per phase")
    parser.add_argument("--rounds", type=int, default=3)
    add_load_arguments(parser)
    args = parser.parse_args()
    rounds = uvloop.run(measure(args))  # as bench.appliance_load's kiosks
    logins = [r["server_cpu_ms_per_login"] - r["cheap_hash_cpu_ms"] for r in rounds]
    report = {
        "machine": {"cores": os.cpu_count(), "server_workers": args.workers},
        "argon2id_for_this_bench": FAST_ARGON2,
        "rounds": rounds,
        "median": {
            "server_cpu_ms_per_tap": statistics.median(r["server_cpu_ms_per_tap"] for r in rounds),
            "server_cpu_ms_per_login_besides_the_hash": round(statistics.median(logins), 2),
        },
    }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
