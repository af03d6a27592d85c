"""The agent stays over the session's windows on an X server with no window manager, as many
kiosk sessions run: "stay on top" is a window manager's promise, so the agent raises itself.

A real Xvfb; the agent's real window (xcb) in a child process; the "session" is another
process whose window is mapped over the agent's corner after the agent is up."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.session.xvfb import xvfb

pytestmark = [pytest.mark.ui, pytest.mark.slow]

AGENT = """
import sys
from PySide6.QtGui import QGuiApplication
from greeter.ui.agent_bridge import AgentBridge
from greeter.ui.agent_screenshots import ALICE
from greeter.ui.agent_window import AgentWindow
app = QGuiApplication(sys.argv)
window = AgentWindow(AgentBridge(lambda event: None, ALICE))
window.present()
print("up", flush=True)
app.exec()
"""

SESSION_WINDOW = """
import sys
from PySide6.QtGui import QGuiApplication, QWindow
app = QGuiApplication(sys.argv)
window = QWindow()
window.setTitle("session app")
window.resize(1280, 800)
window.show()
print("up", flush=True)
app.exec()
"""


def stacking(display: str) -> list[str]:
    """Top-level window names, topmost first (xwininfo lists the root's children so)."""
    listed = subprocess.run(
        ["xwininfo", "-root", "-children"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.split('"')[1] for line in listed.splitlines() if line.count('"') >= 2]


def child(code: str, display: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "up"
    return process


def test_a_session_window_mapped_later_does_not_cover_the_agent() -> None:
    with xvfb(size="1280x800x24") as display:
        agent = child(AGENT, display)
        session = child(SESSION_WINDOW, display)
        try:
            deadline = time.monotonic() + 10
            order = stacking(display)
            while order.index("tapkiosk agent") > order.index("session app"):
                assert time.monotonic() < deadline, f"the agent stays covered: {order}"
                time.sleep(0.2)
                order = stacking(display)
        finally:
            for process in (session, agent):
                process.kill()
                process.wait()
