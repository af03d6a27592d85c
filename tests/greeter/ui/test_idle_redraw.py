"""Nothing changes, nothing is drawn: the idle and lock screens swap no frame while they wait,
and the clock wakes only when its minute turns (its text has no seconds)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QObject

from greeter.flow.model import View

IDLE = View(kiosk_name="ward7-bay3", domains=("NHS",))
LOCKED = View(screen="locked", kiosk_name="ward7-bay3", user_display_name="Alice Example")


@pytest.mark.parametrize("view", [IDLE, LOCKED], ids=["idle", "locked"])
def test_a_waiting_screen_is_not_redrawn(make_screen, qtbot, view):
    _, screen = make_screen(view)
    frames: list[float] = []
    screen.window.view.frameSwapped.connect(lambda: frames.append(time.monotonic()))
    qtbot.wait(300)  # whatever the first show still draws
    frames.clear()
    qtbot.wait(1500)
    # at most one frame: the clock's minute turning while we watched
    assert len(frames) <= 1, f"{len(frames)} frames drawn while nothing changed"


def ms_to_next_minute(at: float) -> float:
    return (60 - at % 60) * 1000


def test_the_clock_wakes_only_when_its_minute_turns(make_screen):
    before = time.time()
    _, screen = make_screen(IDLE)
    after = time.time()
    root = screen.window.root()
    assert root is not None
    timer = root.findChild(QObject, "clockTimer")
    assert timer is not None, "the clock has no timer"
    assert timer.property("running")
    assert not timer.property("repeat")
    if before // 60 != after // 60:
        pytest.skip("the minute turned while the screen was built")
    # armed (between `before` and `after`) for the next minute, not for the next second
    interval = timer.property("interval")
    assert ms_to_next_minute(after) - 50 <= interval <= ms_to_next_minute(before) + 100
