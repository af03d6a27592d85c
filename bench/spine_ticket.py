"""A Spine application's ticket inside the grace period (the appliance answers from its Spine
session) against a first Spine authentication through the broker (challenge, the card's
signature, ticket), with the simulated SSB given a broker's delay. p50/p95 side by side in
one run; the goal is the reused ticket within 20 ms p95, whatever the broker's delay.

    .venv/bin/python -m bench.spine_ticket [--latency-ms 300] [--reuses 200] [--firsts 10]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import summary
from tests.appliance.admin_client import AdminClient
from tests.appliance.spine_client import SpineKiosk
from tests.rig.appliance import start_demo_appliance
from tests.rig.ssb import spine_config, start_ssb

GOAL_P95_MS = 20.0


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="spine-ticket-") as tmp:
        ssb = start_ssb(Path(tmp) / "ssb", latency_ms=args.latency_ms)
        try:
            state = Path(tmp) / "appliance"
            with start_demo_appliance(state, extra_config=spine_config(ssb)) as server:
                ssb.trust(state)
                kiosk = SpineKiosk(server)
                try:
                    session = kiosk.two_factor()
                    firsts = []
                    for _ in range(args.firsts):
                        # each a first authentication: the last one's session is deleted
                        # (and its ticket revoked) first, outside the timing
                        _delete(AdminClient(server))
                        firsts.append(_first(kiosk, session, ssb))
                    kiosk.spine(session, "ticket")  # the connection is open: not measured
                    reuses = [_reuse(kiosk, session) for _ in range(args.reuses)]
                finally:
                    kiosk.close()
        finally:
            ssb.stop()
    reuse = summary(reuses)
    return {
        "machine": {"cores": os.cpu_count()},
        "ssb_latency_ms": args.latency_ms,
        "ticket_reuse_ms": reuse,
        "first_authentication_ms": summary(firsts),
        "samples": {"reuse": len(reuses), "first": len(firsts)},
        "goal": {"reuse_p95_ms": GOAL_P95_MS, "met": reuse["p95"] <= GOAL_P95_MS},
    }


def _delete(admin: AdminClient) -> None:
    answer = admin.call("DELETE", "/spine/sessions/alice@DEMO")
    if answer.status_code != 204:
        raise SystemExit(f"bench: unable to delete the Spine session: {answer.text[:200]}")


def _first(kiosk: SpineKiosk, session: str, ssb: Any) -> float:
    started = time.perf_counter()
    answer = kiosk.first_auth(session, "alice@DEMO", ssb)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"bench: unable to authenticate to Spine: {answer.text[:200]}")
    return elapsed


def _reuse(kiosk: SpineKiosk, session: str) -> float:
    started = time.perf_counter()
    answer = kiosk.spine(session, "ticket")
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"bench: unable to read the ticket: {answer.text[:200]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=300, help="the SSB's delay")
    parser.add_argument("--reuses", type=int, default=200)
    parser.add_argument("--firsts", type=int, default=10)
    json.dump(measure(parser.parse_args(argv)), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
