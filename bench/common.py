"""What the benchmarks share: pcscd's own report of a tap, latency summaries, and the Argon2id
verify the appliance's PIN checks are held to."""

from __future__ import annotations

import hmac
import json
import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from appliance.config import HashCost
from appliance.hashing import derive_here


class PlainWatcher:
    """pcscd's own report: a bare SCardGetStatusChange loop noting when a card appears.

    Our overhead is measured against this, in the same process and run, so pcscd's own polling
    delay (~0.4 s for vpcd) cancels out.
    """

    def __init__(self, reader: str) -> None:
        # imported here: the caller points libpcsclite at its pcscd (env) before first use
        from smartcard import scard

        self._scard = scard
        self.reader = reader
        self.seen: list[float] = []
        self.changed = threading.Condition()
        self._stop = threading.Event()
        hresult, self.context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise SystemExit("bench: unable to talk to the rig's pcscd")
        self.thread = threading.Thread(target=self._run, name="plain-watcher", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        scard = self._scard
        state = scard.SCARD_STATE_UNAWARE
        while not self._stop.is_set():
            hresult, result = scard.SCardGetStatusChange(
                self.context, scard.INFINITE, [(self.reader, state)]
            )
            now = time.monotonic()
            if hresult != scard.SCARD_S_SUCCESS:
                continue
            event = result[0][1]
            was_present = bool(state & scard.SCARD_STATE_PRESENT)
            state = event & ~scard.SCARD_STATE_CHANGED
            if event & scard.SCARD_STATE_PRESENT and not was_present:
                with self.changed:
                    self.seen.append(now)
                    self.changed.notify_all()

    def stop(self) -> None:
        self._stop.set()
        while self.thread.is_alive():
            self._scard.SCardCancel(self.context)
            self.thread.join(0.05)
        self._scard.SCardReleaseContext(self.context)


def summary(samples_ms: list[float], digits: int = 3) -> dict[str, float]:
    """p50, p95 and max of latency samples in milliseconds."""
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50": round(statistics.median(ordered), digits),
        "p95": round(p95, digits),
        "max": round(ordered[-1], digits),
    }


def argon2id_verify(cost: HashCost, pin: str) -> Callable[[], bool]:
    """One Argon2id verify at `cost` on the calling thread, none of the appliance's hash
    threads or slots. This is the reference a login's hash is measured against."""
    salt = os.urandom(16)
    key = derive_here(pin, salt, cost)
    return lambda: hmac.compare_digest(derive_here(pin, salt, cost), key)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def log_events(path: Path, kind: str, action: str = "") -> list[dict[str, Any]]:
    """The event log's `kind` lines (with `action`, if given), oldest first."""
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line]
    kind_lines = [line for line in lines if line["event"] == kind]
    return [line for line in kind_lines if not action or line.get("action") == action]


def ready_at(event_log: Path, process: subprocess.Popen[Any], timeout: float = 60) -> float:
    """When the greeter writing `event_log` logged `ready` (its monotonic clock)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline and process.poll() is None:
        ready = log_events(event_log, "ready")
        if ready:
            return float(ready[0]["mono"])
        pause.wait(0.01)
    raise SystemExit("bench: the greeter never logged ready")
