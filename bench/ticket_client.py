"""A Spine application asking the kiosk's ticket API, in its own process as one would be: times
`--count` requests through the socket (each a new connection) and prints the milliseconds as a
JSON list. Run by `bench.spine_ticket`.

    .venv/bin/python -m bench.ticket_client --socket PATH --count 200
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from greeter.ticketapi.client import request_ticket


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--socket", required=True, type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--warm-up", type=int, default=8, help="unmeasured requests first")
    args = parser.parse_args(argv)
    samples = []
    for index in range(args.warm_up + args.count):
        started = time.perf_counter()
        answer = request_ticket(args.socket)
        elapsed = (time.perf_counter() - started) * 1000
        if not answer["ok"]:
            print(f"bench: unable to get the ticket: {answer['error']['message']}", file=sys.stderr)
            return 1
        if index >= args.warm_up:
            samples.append(elapsed)
    json.dump(samples, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
