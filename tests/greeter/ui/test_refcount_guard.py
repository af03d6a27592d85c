"""The guard against PySide6 6.12.0's reference leak on Python 3.11 (see its module doc)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QObject

from greeter.ui.refcount_guard import pyside_leaks_references

pytestmark = pytest.mark.ui

# a process that makes a million void Qt calls, topping up as the guard's timer would
BUSY_KIOSK = """
import sys
from PySide6.QtCore import QCoreApplication, QObject
from greeter.ui.refcount_guard import RefcountGuard
app = QCoreApplication(sys.argv)
guard = RefcountGuard() if sys.argv[1] == "guarded" else None
probe = QObject()
for _ in range(100):
    if guard is not None:
        guard.top_up()
    for _ in range(10_000):
        probe.setObjectName("x")
print("done", flush=True)
"""


def test_the_probe_tells_the_truth(qapp):
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(100):
        probe.setObjectName("x")
    leaked = before - sys.getrefcount(None)
    assert pyside_leaks_references() == (leaked >= 50)


@pytest.mark.parametrize("mode", ["guarded", "unguarded"])
def test_a_million_qt_calls_need_the_guard_to_survive(mode):
    if not pyside_leaks_references():
        pytest.skip("this PySide6 does not leak: nothing to guard against")
    result = subprocess.run(
        [sys.executable, "-c", BUSY_KIOSK, mode], capture_output=True, text=True, timeout=120
    )
    if mode == "guarded":
        assert result.returncode == 0, result.stderr
        assert result.stdout == "done\n"
    else:
        # what a kiosk on PySide6 6.12.0 + Python 3.11 would do without the guard
        assert result.returncode != 0
        assert "deallocating None" in result.stderr
