"""Argon2id hashes queue for one slot per core, across the server's worker processes: dozens
of 19 MiB hashes time-sliced on two cores each cost far more CPU than one alone. They run on a
few kept threads, whose memory is reused from one hash to the next."""

from __future__ import annotations

import functools
import multiprocessing
import os
import queue
import resource
import threading
from collections.abc import Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import BoundedSemaphore

import pytest

from appliance import hashing
from appliance.config import HashCost
from appliance.hashing import (
    Slots,
    check_verifier,
    make_verifier,
    on_hash_thread,
    share_cores,
    yield_cores_to_hashes,
)
from appliance.keys import Keys

CHEAP = HashCost(memory_kib=1024, iterations=1, lanes=1)
KEYS = Keys(b"k" * 32)
spawn = multiprocessing.get_context("spawn")


@pytest.fixture(autouse=True)
def no_slots_after() -> Iterator[None]:
    yield
    share_cores(None)


def _check_in_another_worker(slots: BoundedSemaphore, verifier: str, done: Queue[bool]) -> None:
    share_cores(slots)
    done.put(check_verifier("1234", verifier, KEYS).right)


def test_a_hash_in_another_process_waits_for_a_free_slot():
    slots = spawn.BoundedSemaphore(1)
    done: Queue[bool] = spawn.Queue()
    verifier = make_verifier("1234", CHEAP, KEYS)
    assert slots.acquire(timeout=5)  # this process hashes: the one slot is taken
    worker = spawn.Process(target=_check_in_another_worker, args=(slots, verifier, done))
    worker.start()
    try:
        with pytest.raises(queue.Empty):
            done.get(timeout=1.5)
        slots.release()
        assert done.get(timeout=30) is True
    finally:
        worker.join(timeout=30)
    assert worker.exitcode == 0


def test_no_more_hashes_at_once_than_slots(monkeypatch: pytest.MonkeyPatch):
    running, most = 0, 0
    lock = threading.Lock()
    derive = hashing.derive_here

    def counted(secret: str, salt: bytes, cost: HashCost) -> bytes:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return derive(secret, salt, cost)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(hashing, "derive_here", counted)
    share_cores(threading.BoundedSemaphore(1))  # fewer than the hash threads
    verifier = make_verifier("1234", CHEAP, KEYS)
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(check_verifier("1234", verifier, KEYS).right)
        )
        for _ in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [True] * 12
    assert most == 1


def test_a_slot_lost_with_a_dead_worker_delays_logins_but_does_not_stop_them(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(hashing, "SLOT_WAIT_SECONDS", 0.2)
    slots: Slots = threading.BoundedSemaphore(1)
    assert slots.acquire(True, 1)  # held by a worker that was killed mid-hash
    share_cores(slots)
    verifier = make_verifier("1234", CHEAP, KEYS)
    assert check_verifier("1234", verifier, KEYS).right is True
    assert check_verifier("4321", verifier, KEYS).right is False


def _minor_page_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def test_hashes_asked_for_on_many_request_threads_reuse_their_memory():
    """The server asks for hashes on dozens of request threads. Each hashing on its own thread
    faulted a fresh 19 MiB in page by page, ~4,900 faults, costing every login ~10% more CPU."""
    verifier = make_verifier("1234", HashCost(), KEYS)
    warm_up = [
        threading.Thread(target=check_verifier, args=("1234", verifier, KEYS)) for _ in range(4)
    ]
    for thread in warm_up:
        thread.start()
    for thread in warm_up:
        thread.join(timeout=30)
    one_at_a_time = threading.Lock()
    results: list[bool] = []

    def request() -> None:
        with one_at_a_time:
            results.append(check_verifier("1234", verifier, KEYS).right)

    requests = [threading.Thread(target=request) for _ in range(12)]
    faults_before = _minor_page_faults()
    for thread in requests:
        thread.start()
    for thread in requests:
        thread.join(timeout=30)
    faults_per_hash = (_minor_page_faults() - faults_before) / len(requests)
    assert results == [True] * 12
    assert faults_per_hash < 500


def test_a_check_handed_to_a_hash_thread_hashes_there_even_with_every_hash_thread_busy():
    verifier = make_verifier("1234", CHEAP, KEYS)
    checks = [
        on_hash_thread(functools.partial(check_verifier, pin, verifier, KEYS))
        for pin in ["1234", "4321"] * hashing.HASH_THREADS * 2
    ]
    assert [bool(check.result(timeout=30)) for check in checks] == [True, False] * (
        len(checks) // 2
    )


def _scheduling_policies(verdicts: Queue[tuple[int, int, int]]) -> None:
    yield_cores_to_hashes()
    started: list[int] = []
    thread = threading.Thread(target=lambda: started.append(os.sched_getscheduler(0)))
    thread.start()
    thread.join()
    hashing_policy = on_hash_thread(lambda: os.sched_getscheduler(0)).result(timeout=30)
    verdicts.put((os.sched_getscheduler(0), started[0], hashing_policy))


def test_a_server_process_yields_its_cores_to_hash_threads():
    verdicts: Queue[tuple[int, int, int]] = spawn.Queue()
    server = spawn.Process(target=_scheduling_policies, args=(verdicts,))
    server.start()
    try:
        assert verdicts.get(timeout=30) == (os.SCHED_BATCH, os.SCHED_BATCH, os.SCHED_OTHER)
    finally:
        server.join(timeout=30)
