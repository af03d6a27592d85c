"""Giving back what a login used, while nobody waits on the greeter.

Two moments:
- `settle_start_up()`, once the kiosk is ready: everything built to start (modules, QML types,
  the agent) lives as long as the process, so Python's collector stops walking it
  (`gc.freeze`). A full collection then takes ~0.5 ms instead of ~27 ms on this VM, and the
  collector's automatic passes no longer stall a tap that happens to trigger one.
- `after_login()`, shortly after the window steps aside for a session: the login's Python cycles,
  the QML engine's garbage from the screens it showed, and the C allocator's free pages
  (`malloc_trim`) go back; it costs ~2 ms of the GUI thread while the session's user is busy
  elsewhere.

Both first drop `linecache`'s lines: PySide6's import hook reads the source of every module
imported once it is loaded (to see whether the module uses PySide6, for its `__feature__`
switches), and `linecache` keeps every file it read, ~2.7 million characters in the greeter
(~4 MiB of RSS). A traceback reads again what it needs.

`close()` undoes the freeze, so what a closed greeter leaves in cycles can still be collected
(tests build many greeters in one process).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import linecache
import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtQml import QQmlEngine

log = logging.getLogger(__name__)

# after the session's own start (the greeter hiding, the agent's window showing) has been drawn
AFTER_LOGIN_DELAY_MS = 250


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl). Looked up at the first
    round, not at start-up, in the process's own symbols (`ctypes.util.find_library` would run
    ldconfig)."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim.argtypes = [ctypes.c_size_t]
        trim.restype = ctypes.c_int
    return trim


class Housekeeping:
    """Memory housekeeping for the greeter's QML engine and process (see the module's doc)."""

    def __init__(self, engine: QQmlEngine) -> None:
        self._engine = engine
        self._froze = False
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(AFTER_LOGIN_DELAY_MS)
        self._timer.timeout.connect(self._give_back)
        self.rounds = 0

    def settle_start_up(self) -> None:
        if self._froze:
            return
        linecache.clearcache()
        gc.collect()
        gc.freeze()
        self._froze = True

    def after_login(self) -> None:
        """Give back the login's memory once the session's start is drawn. A round already
        waiting is kept, not pushed back: logins in quick succession still get theirs."""
        if not self._timer.isActive():
            self._timer.start()

    def close(self) -> None:
        self._timer.stop()
        if self._froze:
            gc.unfreeze()
            self._froze = False

    def _give_back(self) -> None:
        linecache.clearcache()  # the source of modules first imported for this login
        gc.collect()
        self._engine.collectGarbage()
        trim = _malloc_trim()
        if trim is not None:
            trim(0)
        self.rounds += 1
