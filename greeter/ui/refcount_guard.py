"""A guard against a reference leak in PySide6 6.12.0 on Python 3.11 that would abort a
long-running greeter.

Measured here: with PySide6-Essentials 6.12.0 on CPython 3.11, every call from Python to a Qt
method returning void (`QTimer.start`, `QWindow.show`, ...) drops one reference to None, and a
bool-returning one may drop one to True/False. Python 3.12+ makes those objects immortal, so
the bug is harmless there; on 3.11 the count reaches zero after some thousands of calls and the
interpreter aborts ("Fatal Python error: none_dealloc"). A kiosk makes a few dozen such calls per
login, so it would die after about a thousand logins. PySide6 6.11.3 does not leak.

The fix is the dependency pin (`PySide6-Essentials~=6.11.3` in pyproject.toml). Where an older
install still has 6.12.0, this guard notices the leak at start-up, says so in the log, and gives
back what was taken: when a count runs low
it adds references with the C API's own `Py_IncRef` (never released, so shutdown cannot drive
the count to zero the way freeing a list of references would). Without the leak it does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

# objects whose counts the leak drains
_DRAINED: tuple[object, ...] = (None, True, False)
# top up when a count falls below FLOOR, back to TARGET: 10k Py_IncRef calls take ~6 ms, and
# the kiosk leaks a few dozen references per login, so a top-up is rare
FLOOR = 15_000
TARGET = 25_000
CHECK_MS = 1000

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def pyside_leaks_references() -> bool:
    """Whether calling a void Qt method from Python loses a reference to None."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(20):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 10


class RefcountGuard:
    """Gives None/True/False back the references the leak takes; checks every second on the
    Qt thread (a repeating QTimer: three getrefcount calls, nothing else)."""

    def __init__(self) -> None:
        self._given = 0
        self._timer = QTimer()
        self._timer.timeout.connect(self.top_up)

    @classmethod
    def install_if_needed(cls) -> RefcountGuard | None:
        """A running guard if this PySide6 leaks, else None."""
        if not pyside_leaks_references():
            return None
        log.error(
            "PySide6 %s leaks references to None on this Python; the greeter compensates, "
            "but install the PySide6 it is made for: pip install 'PySide6-Essentials~=6.11.3'",
            _pyside_version(),
        )
        # the first top-up waits for the timer: start-up leaks little and must stay fast
        guard = cls()
        guard._timer.start(CHECK_MS)
        return guard

    @property
    def given(self) -> int:
        """References given back so far (what the leak took, plus the head room)."""
        return self._given

    def top_up(self) -> None:
        for obj in _DRAINED:
            count = sys.getrefcount(obj)
            if count < FLOOR:
                for _ in range(TARGET - count):
                    _incref(obj)
                self._given += TARGET - count

    def stop(self) -> None:
        self._timer.stop()


def _pyside_version() -> str:
    import PySide6

    return str(PySide6.__version__)
