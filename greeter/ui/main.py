"""`run(config, kiosk_factory)`: the greeter process's Qt side, wired in one place.

QGuiApplication, translations, the Qt executor, the Kiosk (built by the caller's factory on that
executor, card sources included), the bridge, the window (theme or fallback) and, for
`greeter demo` only, the F1-F4 demo taps. `greeter.cli` calls this; it returns the exit code.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSocketNotifier, QTimer

from greeter.app import Executor, Kiosk
from greeter.backend import Backend
from greeter.config import Config
from greeter.spine_signer import SpineSigner
from greeter.ui.bridge import GreeterBridge
from greeter.ui.executor import QtExecutor
from greeter.ui.i18n import Translations, choose_locale
from greeter.ui.refcount_guard import RefcountGuard
from greeter.ui.window import GreeterWindow, application

if TYPE_CHECKING:
    from greeter.ui.agent_window import AgentUi
    from greeter.ui.demo_keys import DemoKeys

log = logging.getLogger(__name__)


KioskFactory = Callable[[Executor], Kiosk]
START_KIOSK_AT_THE_LATEST_MS = 2000


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
        spine_signer: SpineSigner | None = None,
    ) -> None:
        self.app = application(list(argv) or ["greeter"])
        self.refcount_guard = RefcountGuard.install_if_needed()
        locale = None if config.kiosk.locale == "auto" else config.kiosk.locale
        self.translations = Translations(self.app, choose_locale(locale))
        self.executor = QtExecutor()
        try:
            self.kiosk = kiosk_factory(self.executor)
        except BaseException:
            # a config the factory refuses: the caller shows why, nothing of ours stays behind
            self._close_steps([self.executor.close, self.translations.remove])
            raise
        self.bridge = GreeterBridge(self.kiosk.dispatch, self.kiosk.view)
        self.kiosk.subscribe(self.bridge.show)
        self._kiosk_started = False
        self._first_frame_drawn = False
        self._start_timer = QTimer()
        self._start_timer.setSingleShot(True)
        self._start_timer.timeout.connect(self._start_unseen)
        self.window = GreeterWindow(
            self.bridge,
            theme_dir,
            fullscreen=not windowed,
            ui_language=self.translations.ui_language,
        )
        # the in-session agent: built once the kiosk is ready (`_start_agent`)
        self.agent: AgentUi | None = None
        self._config = config
        self._spine_signer = spine_signer
        # the demo's F1-F4 taps: wired here, once, and nowhere else
        self.demo_keys: DemoKeys | None = None
        if demo:
            # only the demo pays for Qt.Key (PySide builds its ~500-member enum on first use)
            from greeter.ui.demo_keys import DemoKeys

            self.demo_keys = DemoKeys(self.kiosk.sink)
            self.window.view.installEventFilter(self.demo_keys)

    def start(self) -> None:
        """Show the window; once its first frame is drawn, watch the readers and ask the
        appliance for the kiosk's settings, then write the `ready` line."""
        self.window.view.frameSwapped.connect(self._first_frame)
        self.window.present()
        # a window that is never drawn (no display output) must still read cards
        self._start_timer.start(START_KIOSK_AT_THE_LATEST_MS)

    def close(self) -> None:
        """Hide the window, then stop the background work and the kiosk (its readers,
        session, backend and log); each step runs even if an earlier one failed."""
        self._kiosk_started = True
        self._start_timer.stop()
        steps: list[Callable[[], object]] = [
            self.window.close,
            self.executor.close,
            self.kiosk.close,
        ]
        if self.agent is not None:
            steps.insert(0, self.agent.close)
        self._close_steps([*steps, self.translations.remove])

    def _close_steps(self, steps: list[Callable[[], object]]) -> None:
        if self.refcount_guard is not None:
            steps.append(self.refcount_guard.stop)
        for close in steps:
            try:
                close()
            except Exception as error:  # shutting down: report and go on with the rest
                log.error("unable to close %s: %s", getattr(close, "__qualname__", close), error)

    def _first_frame(self) -> None:
        # frames are swapped on Qt's render thread on a real display: a second frame's call
        # may already be queued when the first one disconnects
        if self._first_frame_drawn:
            return
        self._first_frame_drawn = True
        self.window.view.frameSwapped.disconnect(self._first_frame)
        self._start_kiosk()
        self.kiosk.ready()
        self._after_start()

    def _start_unseen(self) -> None:
        # no frame drawn in time (no display output): the kiosk still reads cards
        self._start_kiosk()
        self._after_start()

    def _after_start(self) -> None:
        # the agent first: what it builds lives as long as the process, so it is frozen too
        self._start_agent()
        self.window.housekeeping.settle_start_up()

    def _start_agent(self) -> None:
        """The in-session agent, on the kiosk's appliance client with the Spine smartcard.
        Built after `ready`, not before the first frame: its modules and logic (~80 ms of a
        thin client's start) are first needed when a session shows, and a tap meanwhile only
        waits in the queue."""
        if self.agent is not None or not isinstance(self.kiosk.backend, Backend):
            return
        from greeter.ui.agent_window import AgentUi
        from greeter.wiring import spine_signer as wired_signer

        config = self._config
        self.agent = AgentUi(
            self.kiosk,
            config.spine.environment,
            self._spine_signer or wired_signer(config),
            ui_language=self.translations.ui_language,
        )

    def _start_kiosk(self) -> None:
        # after the first frame: the reader threads, the HTTPS client and the appliance's reply
        # would otherwise share a thin client's two cores with drawing it
        self._start_timer.stop()
        if not self._kiosk_started:
            self._kiosk_started = True
            self.kiosk.start()


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
