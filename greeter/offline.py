"""The offline unlock's verifier: the signed-in user's PIN as an Argon2id hash with a random
salt, in this process's memory and nowhere else (never on disk, never in a log).

The flow (`greeter.flow.offline`) says when one is made, checked and dropped; this only keeps
it. One at a time: `reserve` wipes the current one and hands out a ticket, and a `keep` whose
ticket is no longer the latest (the flow dropped or replaced it while the hash ran) throws its
hash away, so a slow hash can never bring back a verifier the flow gave up. The grace period
is checked against the kiosk's clock at every `check` too, not only by the flow's timer.

Wiping overwrites the bytes held here; Python may have copied a PIN or a hash elsewhere (the
strings the UI handed over), which only the process's end clears.
"""

from __future__ import annotations

import hmac
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from greeter.flow.inputs import OfflineCheck

SALT_BYTES = 16
HASH_BYTES = 32


@dataclass(frozen=True)
class HashCost:
    memory_kib: int
    iterations: int
    lanes: int


# OWASP's Argon2id minimum, as the appliance's PIN verifiers use
KIOSK_COST = HashCost(memory_kib=19 * 1024, iterations=2, lanes=1)


def derive(pin: str, salt: bytes, cost: HashCost) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=HASH_BYTES,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    )
    return kdf.derive(pin.encode("utf-8"))


def parse_until(until: str) -> datetime | None:
    """An ISO 8601 instant from the appliance; None if it is not one (then there is no grace)."""
    try:
        when = datetime.fromisoformat(until)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


class OfflineVerifier:
    """Thread-safe: `reserve` and `drop` on the main thread, `keep` and `check` (they hash,
    tens of milliseconds) on a worker."""

    def __init__(
        self,
        cost: HashCost = KIOSK_COST,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._cost = cost
        self._wall = wall
        self._lock = threading.Lock()
        self._ticket = 0
        self._salt_and_hash = bytearray()
        self._until: datetime | None = None

    def reserve(self) -> int:
        """Wipe the verifier kept now; the ticket the next `keep` needs."""
        with self._lock:
            self._wipe()
            return self._ticket

    def keep(self, ticket: int, pin: str, until: str) -> float:
        """Make and keep the verifier for `pin`, good until `until`; the seconds it is good for
        (0 when the grace period is over or unreadable, or `ticket` was overtaken)."""
        deadline = parse_until(until)
        left = 0.0 if deadline is None else (deadline - self._wall()).total_seconds()
        if left <= 0:
            return 0.0
        salt = os.urandom(SALT_BYTES)
        digest = derive(pin, salt, self._cost)
        with self._lock:
            if ticket != self._ticket:
                return 0.0
            self._salt_and_hash = bytearray(salt + digest)
            self._until = deadline
        return left

    def check(self, pin: str) -> OfflineCheck:
        with self._lock:
            kept = bytes(self._salt_and_hash)
            until = self._until
        if not kept or until is None:
            return "none"
        if self._wall() >= until:
            self.drop()
            return "none"
        salt, expected = kept[:SALT_BYTES], kept[SALT_BYTES:]
        right = hmac.compare_digest(derive(pin, salt, self._cost), expected)
        return "right" if right else "wrong"

    def drop(self) -> None:
        """Wipe the verifier; a `keep` still hashing will not keep its result."""
        with self._lock:
            self._wipe()

    @property
    def kept(self) -> bool:
        with self._lock:
            return bool(self._salt_and_hash)

    def _wipe(self) -> None:
        # with the lock held
        self._ticket += 1
        self._salt_and_hash[:] = bytes(len(self._salt_and_hash))
        self._salt_and_hash = bytearray()
        self._until = None
