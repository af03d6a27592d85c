"""`run(config, kiosk_factory)`: the greeter process's Qt side, wired in one place.

QGuiApplication, translations, the Qt executor, the Kiosk (built by the caller's factory on that
executor, card sources included), the bridge, the window (theme or fallback) and, for
`greeter demo` only, the F1-F4 demo taps. `greeter.cli` calls this; it returns the exit code.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

from PySide6.QtCore import QCoreApplication, QSocketNotifier

from greeter.app import Executor, Kiosk
from greeter.config import Config
from greeter.ui.bridge import GreeterBridge
from greeter.ui.demo_keys import DemoKeys
from greeter.ui.executor import QtExecutor
from greeter.ui.i18n import Translations, choose_locale
from greeter.ui.refcount_guard import RefcountGuard
from greeter.ui.window import GreeterWindow, application

log = logging.getLogger(__name__)


KioskFactory = Callable[[Executor], Kiosk]


class Greeter:
    """Everything `run` builds, so a test or benchmark can drive it and close it cleanly.

    `kiosk_factory(executor)` builds the Kiosk (with its card sources) on the Qt executor;
    `greeter.cli` passes one around `greeter.wiring.build_kiosk`.
    """

    def __init__(
        self,
        config: Config,
        kiosk_factory: KioskFactory,
        *,
        windowed: bool = False,
        demo: bool = False,
        theme_dir: Path | None = None,
        argv: Sequence[str] = (),
    ) -> None:
        self.app = application(list(argv) or ["greeter"])
        self.refcount_guard = RefcountGuard.install_if_needed()
        locale = None if config.kiosk.locale == "auto" else config.kiosk.locale
        self.translations = Translations(self.app, choose_locale(locale))
        self.executor = QtExecutor()
        self.kiosk = kiosk_factory(self.executor)
        self.bridge = GreeterBridge(self.kiosk.dispatch, self.kiosk.view)
        self.kiosk.subscribe(self.bridge.show)
        self.window = GreeterWindow(
            self.bridge,
            theme_dir,
            fullscreen=not windowed,
            ui_language=self.translations.ui_language,
        )
        # the demo's F1-F4 taps: wired here, once, and nowhere else
        self.demo_keys: DemoKeys | None = None
        if demo:
            self.demo_keys = DemoKeys(self.kiosk.sink)
            self.window.view.installEventFilter(self.demo_keys)

    def start(self) -> None:
        """Watch the readers, ask the appliance for the kiosk's settings, show the window;
        the first frame drawn is the `ready` line."""
        self.window.view.frameSwapped.connect(self._first_frame)
        self.kiosk.start()
        self.window.present()

    def close(self) -> None:
        """Hide the window, then stop the background work and the kiosk (its readers,
        session, backend and log); each step runs even if an earlier one failed."""
        steps: list[Callable[[], object]] = [
            self.window.close,
            self.executor.close,
            self.kiosk.close,
            self.translations.remove,
        ]
        if self.refcount_guard is not None:
            steps.append(self.refcount_guard.stop)
        for close in steps:
            try:
                close()
            except Exception as error:  # shutting down: report and go on with the rest
                log.error("unable to close %s: %s", getattr(close, "__qualname__", close), error)

    def _first_frame(self) -> None:
        self.window.view.frameSwapped.disconnect(self._first_frame)
        self.kiosk.ready()


def run(
    config: Config,
    kiosk_factory: KioskFactory,
    *,
    windowed: bool = False,
    demo: bool = False,
    theme_dir: Path | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    """Run the greeter until SIGTERM/SIGINT or the app quits; returns the exit code.

    `windowed`: a framed window instead of full screen; `demo`: F1-F4 tap the demo cards;
    `theme_dir`: a site's own Main.qml (the packaged theme otherwise; the built-in fallback
    screen if it fails to load).
    """
    greeter = Greeter(
        config,
        kiosk_factory,
        windowed=windowed,
        demo=demo,
        theme_dir=theme_dir,
        argv=sys.argv[:1] if argv is None else argv,
    )
    stop_on_signals = SignalQuit(greeter.app)
    try:
        greeter.start()
        return int(greeter.app.exec())
    finally:
        stop_on_signals.close()
        greeter.close()


class SignalQuit:
    """Quit the Qt loop on SIGTERM/SIGINT without polling: the signal wakes a socket that a
    QSocketNotifier watches (Python runs signal handlers only between bytecodes, and the Qt
    loop sits in C++)."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self, app: QCoreApplication) -> None:
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno())
        self._previous = {sig: signal.signal(sig, self._note) for sig in self.SIGNALS}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(lambda: self._quit(app))

    def close(self) -> None:
        self._notifier.setEnabled(False)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._read.close()
        self._write.close()

    def _note(self, signum: int, frame: FrameType | None) -> None:
        # the wake-up fd already woke the loop; nothing else to do here
        log.info("greeter stopping on signal %d", signum)

    def _quit(self, app: QCoreApplication) -> None:
        try:
            self._read.recv(64)
        except BlockingIOError:
            return
        app.quit()
