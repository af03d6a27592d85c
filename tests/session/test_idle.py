"""The inactivity watcher against a real X server (Xvfb) with real input (xdotool): it reports a
user who left the kiosk alone, input postpones that, and where X cannot tell, the feature is off
without a crash."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from greeter.session.idle import IdleWatcher
from tests.session.xvfb import move_pointer, xvfb

TIMEOUT = 1.0


class Reports:
    """When `on_idle` was called (monotonic); `wait` sleeps on an Event, not a loop."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._cond = threading.Condition()

    def __call__(self) -> None:
        with self._cond:
            self.times.append(time.monotonic())
            self._cond.notify_all()

    def wait(self, count: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.times) >= count, timeout)


@pytest.fixture
def display(monkeypatch) -> Iterator[str]:
    with xvfb() as name:
        monkeypatch.setenv("DISPLAY", name)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        yield name


@pytest.fixture
def watched(display) -> Iterator[tuple[IdleWatcher, Reports]]:
    reports = Reports()
    watcher = IdleWatcher(TIMEOUT, reports)
    assert watcher.start()
    try:
        yield watcher, reports
    finally:
        watcher.stop()  # before Xvfb goes (the display fixture ends after this one)


def pause(seconds: float) -> None:
    threading.Event().wait(seconds)


def test_a_session_left_alone_is_reported_once_after_the_timeout(watched):
    watcher, reports = watched
    started = time.monotonic()
    watcher.set_active(True)
    assert reports.wait(1, timeout=10)
    assert reports.times[0] - started >= TIMEOUT - 0.05
    assert reports.times[0] - started < TIMEOUT + 1.5
    pause(2.5 * TIMEOUT)
    assert len(reports.times) == 1  # one report per stretch without input, not one a period


def test_input_postpones_it_and_input_after_a_report_re_arms_it(watched, display):
    watcher, reports = watched
    watcher.set_active(True)
    for step in range(5):  # a user at work: input every 0.4 s for 2 s
        move_pointer(display, 10 + step * 20, 10)
        pause(0.4)
    assert reports.times == []
    last_input = time.monotonic()
    assert reports.wait(1, timeout=10)
    assert reports.times[0] - last_input >= TIMEOUT - 0.5  # input happened before last_input
    # back at the kiosk, then away again: a second report
    move_pointer(display, 300, 200)
    back = time.monotonic()
    assert reports.wait(2, timeout=10)
    assert reports.times[1] - back >= TIMEOUT - 0.1


def test_idling_counts_only_while_a_session_is_in_view(watched):
    watcher, reports = watched
    pause(1.5 * TIMEOUT)  # idle screen: nobody to lock out
    assert reports.times == []
    # a session unlocked by a card tap (no X input): it gets the whole timeout
    activated = time.monotonic()
    watcher.set_active(True)
    assert reports.wait(1, timeout=10)
    assert reports.times[0] - activated >= TIMEOUT - 0.05
    watcher.set_active(False)  # locked
    pause(1.5 * TIMEOUT)
    assert len(reports.times) == 1


def test_no_display_turns_the_feature_off_with_one_clear_line(monkeypatch, caplog):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    caplog.set_level(logging.INFO, logger="greeter.session.idle")
    watcher = IdleWatcher(TIMEOUT, Reports())
    assert not watcher.start()
    watcher.set_active(True)
    watcher.stop()  # still safe
    assert [r.getMessage() for r in caplog.records] == [
        "inactivity lock is off: no X display (DISPLAY is not set)"
    ]


def test_a_display_that_is_not_running_turns_it_off(monkeypatch, caplog):
    with xvfb() as gone:
        pass  # its number is free again now
    monkeypatch.setenv("DISPLAY", gone)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    caplog.set_level(logging.WARNING, logger="greeter.session.idle")
    assert not IdleWatcher(TIMEOUT, Reports()).start()
    assert f"unable to open the X display {gone}" in caplog.text


def test_an_x_server_without_the_screensaver_extension_turns_it_off(monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="greeter.session.idle")
    with xvfb("-extension", "MIT-SCREEN-SAVER") as name:
        monkeypatch.setenv("DISPLAY", name)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        assert not IdleWatcher(TIMEOUT, Reports()).start()
    assert "has no XScreenSaver extension" in caplog.text


def test_a_wayland_session_turns_it_off(display, monkeypatch, caplog):
    # XWayland would see no input meant for Wayland windows: a busy user would look idle
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    caplog.set_level(logging.WARNING, logger="greeter.session.idle")
    assert not IdleWatcher(TIMEOUT, Reports()).start()
    assert "Wayland" in caplog.text
