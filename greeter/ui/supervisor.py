"""The greeter process: the Greeter once the config can be used, the not-set-up screen until then.

A kiosk whose config is missing or broken must not crash-loop (its session would restart the
greeter every second, over a blank screen): the process stays up showing what is wrong and
what IT should run, reads the config again when it may have been fixed, and then becomes the
greeter in place. A config that breaks while the greeter runs changes nothing until a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from greeter.config import Config
from greeter.configkit import ConfigError
from greeter.ui.main import Greeter, KioskFactory, SignalQuit
from greeter.ui.window import application

if TYPE_CHECKING:
    from greeter.ui.not_set_up import NotSetUp

ConfigLoader = Callable[[], Config]
FactoryFor = Callable[[Config], KioskFactory]


class KioskProcess:
    """What `greeter run` and `greeter demo` run on the Qt loop: `start()`, then `close()`."""

    def __init__(
        self,
        config_path: str,
        load_config: ConfigLoader,
        factory_for: FactoryFor,
        *,
        windowed: bool = False,
        demo: bool = False,
        theme_dir: Path | None = None,
        argv: Sequence[str] = (),
        event_log_path: str | None = None,
    ) -> None:
        self.config_path = config_path
        self._load = load_config
        self._factory_for = factory_for
        self._windowed = windowed
        self._demo = demo
        self._theme_dir = theme_dir
        self._argv = argv
        self._event_log_path = event_log_path
        self.app = application(list(argv) or ["greeter"])
        self.greeter: Greeter | None = None
        self.not_set_up: NotSetUp | None = None

    def start(self) -> None:
        """The greeter if the config can be used; the not-set-up screen otherwise."""
        try:
            config = self._load()
            greeter = Greeter(
                config,
                self._factory_for(config),
                windowed=self._windowed,
                demo=self._demo,
                theme_dir=self._theme_dir,
                argv=self._argv,
            )
        except ConfigError as error:
            self._show_problem(error)
            return
        if self.not_set_up is not None:
            self.not_set_up.close(stopping=False)
            self.not_set_up = None
        self.greeter = greeter
        greeter.start()

    def close(self) -> None:
        if self.greeter is not None:
            self.greeter.close()
            self.greeter = None
        if self.not_set_up is not None:
            self.not_set_up.close(stopping=True)
            self.not_set_up = None

    def _show_problem(self, error: ConfigError) -> None:
        if self.not_set_up is not None:
            self.not_set_up.show(error)
            return
        from greeter.ui.not_set_up import NotSetUp  # a kiosk set up never needs it

        self.not_set_up = NotSetUp(
            self.config_path,
            error,
            self.start,
            fullscreen=not self._windowed,
            event_log_path=self._event_log_path,
        )
        self.not_set_up.window.present()


def run(process: KioskProcess) -> int:
    """Run `process` until SIGTERM/SIGINT or the app quits; returns the exit code."""
    stop_on_signals = SignalQuit(process.app)
    try:
        process.start()
        return int(process.app.exec())
    finally:
        stop_on_signals.close()
        process.close()
