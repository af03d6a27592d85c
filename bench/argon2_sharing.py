"""What a PIN hash costs when it does not have its core to itself: Argon2id CPU per verify
alone, with as many hashes at once as cores, and with those next to one busy Python process
(as the appliance's own event loops are).

The appliance's login-share goal multiplies the single-core rate by the cores; this measures
how much of that a machine can give while its cores also do other work. Conditions alternate
within each round, so the VM's drift hits them alike.

    .venv/bin/python -m bench.argon2_sharing [--rounds 10] [--seconds 1.5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from multiprocessing.synchronize import Event

from appliance.config import HashCost
from bench.common import argon2id_verify

PIN = "1234"


def busy_python(stop: Event) -> None:
    """Work shaped like a request handler's: small dicts and JSON, all under the GIL."""
    table: dict[int, str] = {}
    while not stop.is_set():
        for i in range(2000):
            table[i % 97] = json.dumps({"user": i, "roles": [i] * 5})


def cpu_ms_per_hash(threads: int, seconds: float) -> float:
    verify = argon2id_verify(HashCost(), PIN)
    costs: list[float] = []
    end = time.perf_counter() + seconds

    def run() -> None:
        started, done = time.thread_time(), 0
        while time.perf_counter() < end:
            verify()
            done += 1
        costs.append((time.thread_time() - started) / max(done, 1) * 1000)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statistics.mean(costs)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=1.5, help="per condition and round")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    spawn = multiprocessing.get_context("spawn")
    all_cores, with_busy = [], []
    for _ in range(args.rounds):
        alone = cpu_ms_per_hash(1, args.seconds)
        together = cpu_ms_per_hash(cores, args.seconds)
        stop = spawn.Event()
        busy = spawn.Process(target=busy_python, args=(stop,))
        busy.start()
        time.sleep(0.3)
        beside = cpu_ms_per_hash(cores, args.seconds)
        stop.set()
        busy.join()
        alone = (alone + cpu_ms_per_hash(1, args.seconds)) / 2
        all_cores.append(together / alone)
        with_busy.append(beside / alone)
    report = {
        "cores": cores,
        "argon2id": {"memory_kib": HashCost().memory_kib, "iterations": HashCost().iterations},
        "cpu_per_hash_vs_alone": {
            "all_cores_hashing_median": round(statistics.median(all_cores), 3),
            "all_cores_hashing_next_to_busy_python_median": round(statistics.median(with_busy), 3),
            "rounds": [
                {"all_cores": round(a, 3), "next_to_busy_python": round(b, 3)}
                for a, b in zip(all_cores, with_busy, strict=True)
            ],
        },
    }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
