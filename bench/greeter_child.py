"""The greeter as a benchmark's child process: the real Greeter (QML, Kiosk, card sources,
appliance over HTTPS) on the display its environment names, so the parent can time it from
outside and read its own RSS and CPU.

It adds only what the parent needs to see and steer it, one line each way:
- out: `screen <name> <mono>` when the flow asks for a screen, `shown <name> <mono>` when the
  first frame after that is swapped (Qt's render thread; `mono` is time.monotonic, the same
  clock across processes), `frames <n>` when asked.
- in: `pin <digits>`, `role` (the first offered), `ack`, `cancel`, `frames`, `quit`.

    python -m bench.greeter_child --config greeter.toml --event-log events.jsonl
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from PySide6.QtCore import QSocketNotifier

from greeter import config as greeter_config
from greeter.ui.main import Greeter, SignalQuit
from greeter.wiring import build_kiosk


class Probe:
    """Notes screens asked for and the frames that first show them; counts every frame."""

    def __init__(self, greeter: Greeter) -> None:
        self.greeter = greeter
        self.frames = 0
        self._pending: str = greeter.bridge.view.screen  # the first frame shows it
        self._lock = threading.Lock()
        greeter.bridge.screenChanged.connect(self._screen)
        greeter.window.view.frameSwapped.connect(self._frame)

    def _screen(self) -> None:
        screen = self.greeter.bridge.view.screen
        with self._lock:
            self._pending = screen
        say(f"screen {screen} {time.monotonic():.6f}")

    def _frame(self) -> None:
        # on the render thread with the threaded loop: the moment the frame left for the screen
        now = time.monotonic()
        with self._lock:
            self.frames += 1
            pending, self._pending = self._pending, ""
        if pending:
            say(f"shown {pending} {now:.6f}")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--event-log", required=True)
    args = parser.parse_args()
    config = greeter_config.load(args.config)
    greeter = Greeter(
        config,
        lambda executor: build_kiosk(config, executor, event_log_path=args.event_log),
        windowed=False,
    )
    probe = Probe(greeter)
    bridge = greeter.bridge

    def command() -> None:
        line = sys.stdin.readline()
        if not line:
            greeter.app.quit()
            return
        verb, _, rest = line.strip().partition(" ")
        if verb == "pin":
            bridge.submitPin(rest)
        elif verb == "role":
            bridge.chooseRole(bridge.view.roles[0].code)
        elif verb == "ack":
            bridge.acknowledgeNotices()
        elif verb == "cancel":
            bridge.cancel()
        elif verb == "frames":
            say(f"frames {probe.frames}")
        elif verb == "quit":
            greeter.app.quit()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(command)
    stop = SignalQuit(greeter.app)
    greeter.start()
    try:
        greeter.app.exec()
    finally:
        notifier.setEnabled(False)
        stop.close()
        greeter.close()


if __name__ == "__main__":
    main()
