"""`run(config)`: the greeter process's Qt side, wired in one place.

QGuiApplication, translations, the Qt executor, the Kiosk (`greeter.app.build_kiosk`), the
bridge, the window (theme or fallback), the card sources and, for `greeter demo` only, the
F1-F4 demo taps. `greeter.cli` calls this; it returns the process exit code.
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

from greeter.app import Kiosk, build_kiosk
from greeter.cards import CardSource
from greeter.cards.sources import build_sources
from greeter.config import Config
from greeter.flow.model import LockRequested
from greeter.ui.bridge import GreeterBridge
from greeter.ui.demo_keys import DemoKeys
from greeter.ui.executor import QtExecutor
from greeter.ui.i18n import Translations, choose_locale
from greeter.ui.window import GreeterWindow, application

log = logging.getLogger(__name__)


class Greeter:
    """Everything `run` builds, so a test or benchmark can drive it and close it cleanly."""

    def __init__(
        self,
        config: Config,
        *,
        demo: bool = False,
        event_log: str | None = None,
        virtual_socket: Path | None = None,
        theme_dir: Path | None = None,
        fullscreen: bool | None = None,
        argv: Sequence[str] = (),
        sources: list[CardSource] | None = None,
    ) -> None:
        self.app = application(list(argv) or ["greeter"])
        locale = None if config.kiosk.locale == "auto" else config.kiosk.locale
        self.translations = Translations(self.app, choose_locale(locale))
        self.executor = QtExecutor()
        self.kiosk: Kiosk = build_kiosk(config, self.executor, event_log_path=event_log)
        self.bridge = GreeterBridge(self.kiosk.dispatch, self.kiosk.view)
        self.kiosk.subscribe(self.bridge.show)
        self.window = GreeterWindow(
            self.bridge,
            theme_dir,
            fullscreen=(not demo) if fullscreen is None else fullscreen,
            ui_language=self.translations.ui_language,
        )
        self.sources = (
            sources
            if sources is not None
            else build_sources(
                config.cards,
                virtual_socket=virtual_socket,
                on_lock=lambda: self.kiosk.post(LockRequested()),
            )
        )
        self.demo_keys: DemoKeys | None = None
        if demo:
            self.demo_keys = DemoKeys(self.kiosk.sink)
            self.window.view.installEventFilter(self.demo_keys)
        self._started = False

    def start(self) -> None:
        """Watch the readers, show the window, ask the appliance for the kiosk's settings;
        the first frame drawn is the `ready` line."""
        for source in self.sources:
            source.start(self.kiosk.sink)
        self.window.view.frameSwapped.connect(self._first_frame)
        self.kiosk.start()
        self.window.present()
        self._started = True

    def close(self) -> None:
        """Stop the readers, then the window, the background work and the kiosk (its session,
        backend and log); each step runs even if an earlier one failed."""
        steps: list[Callable[[], object]] = [source.stop for source in self.sources]
        steps += [self.window.close, self.executor.close, self.kiosk.close]
        steps.append(self.translations.remove)
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
    *,
    demo: bool = False,
    event_log: str | None = None,
    virtual_socket: Path | None = None,
    theme_dir: Path | None = None,
    fullscreen: bool | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    """Run the greeter until SIGTERM/SIGINT or the app quits; returns the exit code.

    `demo`: F1-F4 tap the demo cards and the window is framed (unless `fullscreen`).
    `event_log` overrides `config.kiosk.event_log`; `virtual_socket` listens for `greeter tap`;
    `theme_dir` holds a site's Main.qml (the packaged theme otherwise).
    """
    greeter = Greeter(
        config,
        demo=demo,
        event_log=event_log,
        virtual_socket=virtual_socket,
        theme_dir=theme_dir,
        fullscreen=fullscreen,
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
