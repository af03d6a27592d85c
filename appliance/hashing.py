"""Argon2id verifiers for PINs and local passwords, keyed with the server's secret.

A verifier is stored as `argon2id-k$<key id>$<memory_kib>$<iterations>$<lanes>$<salt>$<mac>`
(base64), where `mac` is HMAC-SHA256 of Argon2id's output under the key named (see
`appliance.keys`): without that key, which the database does not hold, a verifier cannot be
attacked offline. A cost change applies to new verifiers without breaking old ones.
cryptography's Argon2id releases the GIL, so hashes run in parallel on all cores: on a few
threads kept for them, whichever thread asks (see `_hash_threads`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol, TypeVar

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from appliance.config import HashCost
from appliance.keys import Keys, key_id, keyed

SALT_BYTES = 16
HASH_BYTES = 32
# A fixed verifier checked when no user matches, so a wrong username costs the same as a wrong
# password (no user enumeration by timing).
_DUMMY_SALT = b"tapkiosk-no-user"
# one hash thread per core: within a process, at most this many hashes run at once
HASH_THREADS = os.cpu_count() or 1
# A slot held past this is taken as lost (its worker died mid-hash): hash without one.
SLOT_WAIT_SECONDS = 10.0


class Slots(Protocol):
    def acquire(self, block: bool = ..., timeout: float | None = ..., /) -> bool: ...
    def release(self) -> None: ...


_slots: Slots | None = None


def share_cores(slots: Slots | None) -> None:
    """Let at most as many hashes run at once as `slots` holds, across all the processes
    sharing it (each process's own hash threads bound only its own hashes). Dozens of 19 MiB
    hashes time-slicing two cores each cost 20-50% more CPU than one alone (cache and TLB
    misses at every switch)."""
    global _slots
    _slots = slots


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


T = TypeVar("T")
_on_hash_thread = threading.local()


def yield_cores_to_hashes() -> None:
    """Let this process's threads, and those it starts, wait for a running hash's time slice
    to end rather than preempt it when they wake (SCHED_BATCH; the hash threads keep the
    default policy). On cores all busy with hashes, every preemption cost the hash cache and
    TLB refills: Argon2id CPU in the loaded server went from 1.05-1.08x alone to 1.00-1.05x.
    Linux only; the appliance serves the same without it."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))


def _start_hash_thread() -> None:
    _on_hash_thread.yes = True
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))


def _hash_threads() -> ThreadPoolExecutor:
    """One thread per core, kept: each reuses the 19 MiB its last hash freed. Hashing on the
    server's 40 request threads instead left that memory to be handed back and faulted in
    afresh, page by page (300-600 faults and ~10% more CPU per login in bench.appliance_load).
    The threads start on first use."""
    return ThreadPoolExecutor(
        HASH_THREADS,
        thread_name_prefix="argon2id",
        initializer=_start_hash_thread,
    )


_threads = _hash_threads()


def _new_threads_after_fork() -> None:
    global _threads
    _threads = _hash_threads()  # a forked child has none of its parent's threads


os.register_at_fork(after_in_child=_new_threads_after_fork)


def on_hash_thread(work: Callable[[], T]) -> Future[T]:
    """Run `work` on a hash thread, where the hashes it makes run directly: an event loop
    awaiting a PIN check hands it over once, rather than through a request thread that would
    only wait (each hand-over wakes a thread, and on busy cores preempts a hash)."""
    return _threads.submit(work)


def _derive(secret: str, salt: bytes, cost: HashCost) -> bytes:
    if getattr(_on_hash_thread, "yes", False):
        return _derive_in_slot(secret, salt, cost)
    return _threads.submit(_derive_in_slot, secret, salt, cost).result()


def _derive_in_slot(secret: str, salt: bytes, cost: HashCost) -> bytes:
    slots = _slots
    if slots is None:
        return derive_here(secret, salt, cost)
    held = slots.acquire(True, SLOT_WAIT_SECONDS)
    try:
        return derive_here(secret, salt, cost)
    finally:
        if held:
            slots.release()


def derive_here(secret: str, salt: bytes, cost: HashCost) -> bytes:
    """Argon2id on the calling thread, no slot taken: what every hash comes down to."""
    kdf = Argon2id(
        salt=salt,
        length=HASH_BYTES,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    )
    return kdf.derive(secret.encode("utf-8"))


KIND = "argon2id-k"


def _mac(key: bytes, derived: bytes) -> bytes:
    return keyed(key, b"verifier\0" + derived).digest()


def _format(key: bytes, cost: HashCost, salt: bytes, derived: bytes) -> str:
    return "$".join(
        (
            KIND,
            key_id(key),
            str(cost.memory_kib),
            str(cost.iterations),
            str(cost.lanes),
            _b64(salt),
            _b64(_mac(key, derived)),
        )
    )


def make_verifier(secret: str, cost: HashCost, keys: Keys, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    return _format(keys.current, cost, salt, _derive(secret, salt, cost))


@dataclass(frozen=True)
class Verdict:
    """A check's outcome; `renewed` is the verifier under the current key when it matched
    under a retired one (the caller stores it: verifiers move over at their next use)."""

    right: bool
    renewed: str | None = None

    def __bool__(self) -> bool:
        return self.right


WRONG = Verdict(False)
RIGHT = Verdict(True)


def check_verifier(secret: str, verifier: str, keys: Keys) -> Verdict:
    """Whether `secret` matches, compared in constant time. A malformed verifier, or one under
    a key this server does not hold, never matches."""
    try:
        kind, name, memory, iterations, lanes, salt, mac = verifier.split("$")
        cost = HashCost(memory_kib=int(memory), iterations=int(iterations), lanes=int(lanes))
        expected = base64.b64decode(mac)
        salt_bytes = base64.b64decode(salt)
    except (ValueError, TypeError):
        return WRONG
    key = keys.by_id(name)
    if kind != KIND or key is None:
        return WRONG
    derived = _derive(secret, salt_bytes, cost)
    if not hmac.compare_digest(_mac(key, derived), expected):
        return WRONG
    if key == keys.current:
        return RIGHT
    return Verdict(True, _format(keys.current, cost, salt_bytes, derived))


def wrap_legacy(verifier: str, key: bytes) -> str:
    """An unkeyed verifier of before keys (`argon2id$m$t$p$salt$hash`) under `key`, without
    the secret: what the upgrade does to every stored verifier."""
    kind, memory, iterations, lanes, salt, digest = verifier.split("$")
    if kind != "argon2id":
        raise ValueError("not an unkeyed Argon2id verifier")
    cost = HashCost(memory_kib=int(memory), iterations=int(iterations), lanes=int(lanes))
    return _format(key, cost, base64.b64decode(salt), base64.b64decode(digest))


def burn_time(secret: str, cost: HashCost) -> None:
    """Do the work of one check and throw it away (for unknown users)."""
    _derive(secret, _DUMMY_SALT, cost)


def kiosk_secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
