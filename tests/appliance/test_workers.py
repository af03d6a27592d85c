"""`appliance serve --workers 2`: the kiosks' connections spread over both workers; a dead
worker is replaced; stopping or killing the supervisor leaves no worker serving."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from appliance.local import LocalAppliance, start_local_appliance
from tests.appliance.kiosk_client import Kiosk

ALICE_CARD = "04A1B2C3D4E5F6"


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[LocalAppliance]:
    with start_local_appliance(
        tmp_path / "a", seed_demo=True, fast_hashing=True, workers=2
    ) as server:
        yield server


def _workers(server: LocalAppliance) -> list[psutil.Process]:
    # the spawned workers; multiprocessing's resource tracker is a child too
    workers = []
    for child in psutil.Process(server.process.pid).children():
        with contextlib.suppress(psutil.ZombieProcess, psutil.NoSuchProcess):
            if "resource_tracker" not in " ".join(child.cmdline()):
                workers.append(child)
    return workers


def _listening_socket(worker: psutil.Process, port: int) -> str:
    """The kernel's name (socket:[inode]) of the socket `worker` accepts on."""
    (listening,) = [
        conn
        for conn in worker.net_connections(kind="tcp")
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port
    ]
    return os.readlink(f"/proc/{worker.pid}/fd/{listening.fd}")


def _wait_for(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


def test_kiosk_connections_spread_over_both_workers(two_workers: LocalAppliance):
    # a burst, as when every kiosk reconnects after the appliance restarted; each kiosk then
    # keeps its connection open
    kiosks = [Kiosk(two_workers) for _ in range(20)]
    with ThreadPoolExecutor(len(kiosks)) as pool:
        taps = list(pool.map(lambda kiosk: kiosk.tap(ALICE_CARD), kiosks))
    assert {tap["status"] for tap in taps} == {"continue"}
    port = int(two_workers.url.rsplit(":", 1)[1])
    served = [
        sum(
            1
            for conn in worker.net_connections(kind="tcp")
            if conn.status == psutil.CONN_ESTABLISHED and conn.laddr.port == port
        )
        for worker in _workers(two_workers)
    ]
    for kiosk in kiosks:
        kiosk.close()
    # each worker accepts on its own socket: the kernel, not a race between workers, picks
    assert len({_listening_socket(worker, port) for worker in _workers(two_workers)}) == 2
    assert len(served) == 2
    assert sum(served) == 20
    assert min(served) > 0, f"one worker took every connection: {served}"


def test_a_killed_worker_is_replaced_and_logins_go_on(two_workers: LocalAppliance):
    first, second = _workers(two_workers)
    os.kill(first.pid, signal.SIGKILL)
    _wait_for(lambda: len(_workers(two_workers)) == 2 and first.pid not in {
        worker.pid for worker in _workers(two_workers)
    })  # fmt: skip
    kiosk = Kiosk(two_workers)
    tap = kiosk.tap(ALICE_CARD)
    assert kiosk.pin(tap["state"], "1234")["status"] == "ok"
    kiosk.close()
    for _ in range(10):  # fresh connections reach both sockets, the new worker's included
        kiosk = Kiosk(two_workers)
        assert kiosk.tap(ALICE_CARD)["status"] == "ok"  # tap-and-go now
        kiosk.close()
    assert second.is_running()


def test_stopping_the_supervisor_stops_its_workers(two_workers: LocalAppliance):
    workers = _workers(two_workers)
    two_workers.stop()
    assert two_workers.process.returncode == 0
    for worker in workers:
        with contextlib.suppress(psutil.NoSuchProcess):
            worker.wait(timeout=10)
        assert not worker.is_running()


def test_a_killed_supervisor_takes_its_workers_with_it(two_workers: LocalAppliance):
    workers = _workers(two_workers)
    os.kill(two_workers.process.pid, signal.SIGKILL)
    for worker in workers:
        with contextlib.suppress(psutil.NoSuchProcess):
            worker.wait(timeout=10)
        assert not worker.is_running()


def test_request_threads_wait_for_a_running_hash_instead_of_preempting_it(
    two_workers: LocalAppliance,
):
    kiosk = Kiosk(two_workers)
    tap = kiosk.tap(ALICE_CARD)
    assert kiosk.pin(tap["state"], "1234")["status"] == "ok"  # a worker now has a hash thread
    kiosk.close()
    policies = {
        thread.id: os.sched_getscheduler(thread.id)
        for worker in _workers(two_workers)
        for thread in worker.threads()
    }
    for worker in _workers(two_workers):
        assert policies[worker.pid] == os.SCHED_BATCH  # its event loop, and threads it starts
    assert os.SCHED_OTHER in policies.values()  # the hash thread
