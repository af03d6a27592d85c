"""The Qt executor: work off the UI thread, every result back on it, named timers."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from greeter.flow.inputs import Event, TimerFired
from greeter.flow.model import Cancelled, PinEntered, RoleChosen
from greeter.ui.executor import QtExecutor

pytestmark = pytest.mark.ui


class Recorder:
    """A dispatch that remembers each event and the thread it arrived on."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.threads: list[int] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        self.threads.append(threading.get_ident())


@pytest.fixture
def executor(qapp):
    executor = QtExecutor()
    yield executor
    executor.close()


def test_background_work_runs_off_the_ui_thread_and_its_event_lands_on_it(qtbot, executor):
    seen = Recorder()
    executor.attach(seen)
    worker_threads: list[int] = []

    def work() -> Event:
        worker_threads.append(threading.get_ident())
        return RoleChosen("R8000")

    executor.run_in_background(work)
    qtbot.waitUntil(lambda: seen.events == [RoleChosen("R8000")], timeout=2000)
    assert worker_threads[0] != threading.get_ident()
    assert seen.threads == [threading.get_ident()]


def test_a_slow_call_does_not_freeze_the_ui_thread(qtbot, executor):
    seen = Recorder()
    executor.attach(seen)
    release = threading.Event()
    executor.run_in_background(lambda: (release.wait(5), RoleChosen("slow"))[1])
    started = time.monotonic()
    executor.post(Cancelled())
    qtbot.waitUntil(lambda: seen.events == [Cancelled()], timeout=1000)
    assert time.monotonic() - started < 0.5
    release.set()
    qtbot.waitUntil(lambda: len(seen.events) == 2, timeout=2000)
    assert seen.events[1] == RoleChosen("slow")


def test_events_posted_from_reader_threads_arrive_in_order_on_the_ui_thread(qtbot, executor):
    seen = Recorder()
    executor.attach(seen)

    def reader() -> None:
        for n in range(50):
            executor.post(RoleChosen(str(n)))

    thread = threading.Thread(target=reader)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(seen.events) == 50, timeout=2000)
    assert seen.events == [RoleChosen(str(n)) for n in range(50)]
    assert set(seen.threads) == {threading.get_ident()}


def test_an_event_posted_on_the_ui_thread_waits_for_the_handler_that_posted_it(qtbot, executor):
    # a handler (a key press, a dispatch) that posts must finish before the event is handled
    seen = Recorder()
    executor.attach(seen)
    executor.post(RoleChosen("first"))
    executor.post(RoleChosen("second"))
    assert seen.events == []
    qtbot.waitUntil(lambda: len(seen.events) == 2, timeout=2000)
    assert seen.events == [RoleChosen("first"), RoleChosen("second")]


def test_timers_are_precise(qtbot, executor):
    # the PIN pad shows the entry countdown; a coarse timer could end it seconds off
    executor.attach(Recorder())
    executor.arm_timer("entry", 60)
    timer = executor.findChild(QTimer, "entry")
    assert timer.timerType() == Qt.TimerType.PreciseTimer


def test_a_timer_fires_once_with_its_name(qtbot, executor):
    seen = Recorder()
    executor.attach(seen)
    executor.arm_timer("entry", 0.05)
    qtbot.waitUntil(lambda: seen.events == [TimerFired("entry")], timeout=1000)
    qtbot.wait(150)
    assert seen.events == [TimerFired("entry")]
    assert not executor.timer_active("entry")


def test_re_arming_a_timer_restarts_it_instead_of_firing_twice(qtbot, executor):
    seen = Recorder()
    executor.attach(seen)
    armed = time.monotonic()
    executor.arm_timer("entry", 0.2)
    qtbot.wait(100)
    executor.arm_timer("entry", 0.2)
    qtbot.waitUntil(lambda: seen.events == [TimerFired("entry")], timeout=2000)
    assert time.monotonic() - armed >= 0.29
    qtbot.wait(250)
    assert seen.events == [TimerFired("entry")]


def test_a_cancelled_timer_never_fires(qtbot, executor):
    seen = Recorder()
    executor.attach(seen)
    executor.arm_timer("busy", 0.05)
    executor.arm_timer("call", 0.1)
    executor.cancel_timer("busy")
    qtbot.waitUntil(lambda: seen.events == [TimerFired("call")], timeout=1000)
    qtbot.wait(100)
    assert seen.events == [TimerFired("call")]


def test_work_that_raises_costs_only_itself_and_logs_no_traceback(qtbot, executor, caplog):
    seen = Recorder()
    executor.attach(seen)

    def broken() -> Event:
        raise RuntimeError("secret 1234 inside")

    with caplog.at_level(logging.ERROR, logger="greeter.ui.executor"):
        executor.run_in_background(broken)
        executor.run_in_background(lambda: RoleChosen("after"))
        qtbot.waitUntil(lambda: seen.events == [RoleChosen("after")], timeout=2000)
        qtbot.waitUntil(lambda: bool(caplog.records), timeout=2000)
    assert "unable to run background work: RuntimeError" in caplog.text
    assert "1234" not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)


def test_events_that_arrive_before_attach_are_kept_in_order(qtbot, executor):
    executor.post(Cancelled())
    executor.post(PinEntered("0000"))
    qtbot.wait(50)
    seen = Recorder()
    executor.attach(seen)
    assert seen.events == [Cancelled(), PinEntered("0000")]


def test_after_close_nothing_more_is_dispatched(qtbot, qapp):
    executor = QtExecutor()
    seen = Recorder()
    executor.attach(seen)
    release = threading.Event()
    executor.run_in_background(lambda: (release.wait(0.2), RoleChosen("late"))[1])
    executor.arm_timer("entry", 0.05)
    assert executor.close(timeout_ms=2000)
    qtbot.wait(150)
    assert seen.events == []


def test_thread_local_state_lasts_between_tasks(qtbot, executor):
    # the backend keeps one HTTPS session per worker thread; it must not be rebuilt per call
    seen = Recorder()
    executor.attach(seen)
    local = threading.local()
    made: list[int] = []

    def work() -> Event:
        if not hasattr(local, "session"):
            local.session = object()
            made.append(1)
        return RoleChosen("x")

    for _ in range(40):
        executor.run_in_background(work)
    qtbot.waitUntil(lambda: len(seen.events) == 40, timeout=5000)
    assert len(made) <= 4  # at most one per worker thread
