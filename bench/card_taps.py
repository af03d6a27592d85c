"""Card tap latency of the PC/SC source against pcscd's own report, and its idle CPU.

Runs an isolated pcscd with a vpcd reader (the test rig), a plain pyscard watcher (a bare
SCardGetStatusChange loop) and our PcscSource side by side. For each of N taps the overhead is
the time from the plain watcher seeing the card to our CardEvent reaching its sink; pcscd's own
polling delay (~0.4 s for vpcd) is common to both and so cancels out. Then the source sits idle
and its thread's CPU time is measured.

    .venv/bin/python bench/card_taps.py [--taps 50] [--idle-seconds 60]

Prints one JSON object. Goals: overhead p95 < 20 ms, idle CPU < 0.5 % of a core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SOCKET_DIR = Path(tempfile.mkdtemp(prefix="tk-bench-pcscd-"))
os.environ["PCSCLITE_CSOCK_NAME"] = str(SOCKET_DIR / "pcscd.comm")  # before libpcsclite loads


from bench.common import PlainWatcher  # noqa: E402
from greeter.cards import CardEvent, CardReport  # noqa: E402
from greeter.cards.pcsc import PcscSource  # noqa: E402
from greeter.cards.settings import CardSettings  # noqa: E402
from tests.rig.pcsc import IsolatedPcscd  # noqa: E402


class Arrivals:
    def __init__(self) -> None:
        self.present: list[float] = []
        self.removed = 0
        self.changed = threading.Condition()

    def __call__(self, item: CardReport) -> None:
        now = time.monotonic()
        with self.changed:
            if isinstance(item, CardEvent) and item.action == "present":
                self.present.append(now)
            elif isinstance(item, CardEvent) and item.action == "removed":
                self.removed += 1
            self.changed.notify_all()


def _wait(condition: threading.Condition, done: object, timeout: float = 5.0) -> None:
    with condition:
        if not condition.wait_for(done, timeout):  # type: ignore[arg-type]
            raise SystemExit("bench: a tap was not reported within 5 s")


def _thread_cpu(thread: threading.Thread) -> float:
    assert thread.ident is not None
    return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--taps", type=int, default=50)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tk-bench-") as work:
        daemon = IsolatedPcscd(SOCKET_DIR, Path(work) / "reader.conf.d")
        daemon.start()
        reader = daemon.readers[0]
        plain = PlainWatcher(reader.name)
        arrivals = Arrivals()
        source = PcscSource(CardSettings())
        try:
            source.start(arrivals)
            overheads = []
            for tap in range(args.taps):
                card = daemon.card(reader, uid=(0x04000000 + tap).to_bytes(7, "big"))
                card.insert()
                _wait(arrivals.changed, lambda tap=tap: len(arrivals.present) > tap)
                _wait(plain.changed, lambda tap=tap: len(plain.seen) > tap)
                overheads.append((arrivals.present[tap] - plain.seen[tap]) * 1000)
                card.remove()
                _wait(arrivals.changed, lambda tap=tap: arrivals.removed > tap)

            watcher = next(t for t in threading.enumerate() if t.name == "cards-pcsc")
            cpu_before, wall_before = _thread_cpu(watcher), time.monotonic()
            threading.Event().wait(args.idle_seconds)
            idle_cpu = _thread_cpu(watcher) - cpu_before
            idle_wall = time.monotonic() - wall_before
        finally:
            source.stop()
            plain.stop()
            daemon.close()

    print(
        json.dumps(
            {
                "bench": "card_taps",
                "taps": args.taps,
                "overhead_ms": {
                    "p50": round(statistics.median(overheads), 2),
                    "p95": round(_percentile(overheads, 0.95), 2),
                    "max": round(max(overheads), 2),
                },
                "goal_p95_ms": 20,
                "idle_seconds": round(idle_wall, 1),
                "idle_watcher_cpu_percent_of_core": round(100 * idle_cpu / idle_wall, 4),
                "goal_idle_cpu_percent": 0.5,
            }
        )
    )


if __name__ == "__main__":
    main()
