"""Noticing that a signed-in user left the kiosk: the X server's own idle time (no keyboard,
pointer or touch input), read through the XScreenSaver extension.

    watcher = IdleWatcher(300, on_idle=lambda: kiosk.post(InactivityTimedOut()))
    if watcher.start():                 # False: no X display or no extension; logged, feature off
        watcher.set_active(True)        # a session is in plain view
        ...
    watcher.stop()

libXss (Debian `libxss1`) and libX11 through ctypes: the greeter needs one call of them, not a
new Python dependency. The X connection is the watcher's own and only its thread uses it.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

# a reading of the idle time is only ever a few ms late; never wake more often than this
MIN_PERIOD_SECONDS = 0.05


class IdleUnavailable(Exception):
    """The idle time cannot be read here; `str()` says why (for the one log line)."""


class _ScreenSaverInfo(ctypes.Structure):
    # XScreenSaverInfo from <X11/extensions/scrnsaver.h>
    _fields_ = [
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),  # milliseconds since the last input event
        ("event_mask", ctypes.c_ulong),
    ]


class IdleClock:
    """One connection to an X server that can say how long it has had no input.

    Note: Xlib ends the process if the server goes away under an open connection (its default
    I/O error handler); the greeter's own window dies with that server anyway, and tests stop
    the watcher before their Xvfb."""

    def __init__(self, display: str | None = None) -> None:
        """Connect to `display` (None: $DISPLAY); raises IdleUnavailable."""
        if display is None and os.environ.get("WAYLAND_DISPLAY"):
            # XWayland only sees input meant for X clients: the user would look idle
            raise IdleUnavailable("a Wayland session does not tell X clients about input")
        name = display if display is not None else os.environ.get("DISPLAY", "")
        if not name:
            raise IdleUnavailable("no X display (DISPLAY is not set)")
        try:
            self._x11 = ctypes.CDLL("libX11.so.6")
            self._xss = ctypes.CDLL("libXss.so.1")
        except OSError as error:
            raise IdleUnavailable(f"{error} (install libx11-6 and libxss1)") from None
        self._x11.XOpenDisplay.restype = ctypes.c_void_p
        self._x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self._x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self._x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._xss.XScreenSaverQueryExtension.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_int),
        ]
        self._xss.XScreenSaverQueryInfo.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(_ScreenSaverInfo),
        ]
        self._display = self._x11.XOpenDisplay(name.encode())
        if not self._display:
            raise IdleUnavailable(f"unable to open the X display {name}")
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        if not self._xss.XScreenSaverQueryExtension(
            self._display, ctypes.byref(event_base), ctypes.byref(error_base)
        ):
            self.close()
            raise IdleUnavailable(f"the X display {name} has no XScreenSaver extension")
        self._root = self._x11.XDefaultRootWindow(self._display)
        self._info = _ScreenSaverInfo()
        self.name = name

    def idle_seconds(self) -> float:
        """Seconds since the last keyboard, pointer or touch input anywhere on the display."""
        if not self._xss.XScreenSaverQueryInfo(self._display, self._root, ctypes.byref(self._info)):
            raise IdleUnavailable("the XScreenSaver extension did not answer")
        return float(self._info.idle) / 1000.0

    def close(self) -> None:
        if self._display:
            self._x11.XCloseDisplay(self._display)
            self._display = None


class IdleLoop:
    """The thread an idle watcher runs on: an X connection of its own, a wake event, a stop
    that is immediate. A subclass gives `_watch(clock)`, which looks, waits on `_wake` and
    returns once `_stopping` is set, and the line `_started(clock)` logs."""

    # what the watcher does, for its log lines ("<purpose> is off: <why>")
    purpose = "inactivity lock"
    thread_name = "idle-watcher"
    # how loud "<purpose> is off" is: a lock the config asked for and cannot have is news
    off_level = logging.WARNING

    def __init__(self, display: str | None) -> None:
        self._display = display
        self._lock = threading.Lock()  # guards `_stopping` and the subclass's fields
        self._stopping = False
        self._wake = threading.Event()  # a change: look again now
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Connect and start watching; False (after one log line) when this display cannot
        say how long it has been idle -- the feature is then off."""
        try:
            clock = IdleClock(self._display)
        except IdleUnavailable as error:
            log.log(self.off_level, "%s is off: %s", self.purpose, error)
            return False
        self._thread = threading.Thread(
            target=self._run, args=(clock,), name=self.thread_name, daemon=True
        )
        self._thread.start()
        log.info("%s", self._started(clock))
        return True

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self, clock: IdleClock) -> None:
        try:
            self._watch(clock)
        except IdleUnavailable as error:
            log.error("%s stopped: %s", self.purpose, error)
        finally:
            clock.close()

    def _started(self, clock: IdleClock) -> str:
        raise NotImplementedError

    def _watch(self, clock: IdleClock) -> None:
        raise NotImplementedError


class IdleWatcher(IdleLoop):
    """Calls `on_idle()` (on its own thread) once the display had no input for `timeout`
    seconds while active; again only after new input and another `timeout`. Time before
    `set_active(True)` never counts: a session just unlocked by a card tap (no input) gets the
    whole `timeout`."""

    def __init__(
        self, timeout: float, on_idle: Callable[[], None], *, display: str | None = None
    ) -> None:
        super().__init__(display)
        self._timeout = timeout
        self._on_idle = on_idle
        self._active = False
        self._since = 0.0  # when it last became active (monotonic)

    def _started(self, clock: IdleClock) -> str:
        return f"inactivity lock after {self._timeout:g} s of no input on {clock.name}"

    def set_active(self, active: bool) -> None:
        """Whether a session is in plain view (only then does idling count). Any thread."""
        with self._lock:
            if active == self._active:
                return
            self._active = active
            self._since = time.monotonic()
        self._wake.set()

    def _watch(self, clock: IdleClock) -> None:
        reported = False  # for the current stretch without input
        last_idle, looked_at = 0.0, 0.0
        while True:
            # cleared before reading: a change made after this wakes the wait below at once
            self._wake.clear()
            with self._lock:
                if self._stopping:
                    return
                active, since = self._active, self._since
            if not active:
                reported = False
                self._wake.wait()
                continue
            now = time.monotonic()
            idle = min(clock.idle_seconds(), now - since)
            if reported and idle + MIN_PERIOD_SECONDS < last_idle + (now - looked_at):
                reported = False  # input since the last look (the idle time restarted)
            last_idle, looked_at = idle, now
            if reported:
                # only new input re-arms; the idle time shows it whenever we look next
                period = self._timeout
            elif idle >= self._timeout:
                reported = True
                log.info("no input for %.1f s: locking", idle)
                self._report()
                period = self._timeout
            else:
                period = self._timeout - idle
            self._wake.wait(max(period, MIN_PERIOD_SECONDS))

    def _report(self) -> None:
        try:
            self._on_idle()
        except Exception as error:  # a broken listener must not end the watching
            log.error("unable to report inactivity: %s", error)
