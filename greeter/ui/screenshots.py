"""Pictures of every screen for docs/screenshots: `python -m greeter.ui.screenshots [DIR]`.

Each screen is the real theme (or the fallback) showing a View like the flow would produce,
grabbed with `QQuickWindow.grabWindow()`. Runs without an appliance or readers (the bridge's
input goes nowhere); set QT_QPA_PLATFORM=offscreen on a machine without a display.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QLocale, Qt
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent

from greeter.flow.model import Notice, Role, View
from greeter.ui.agent_screenshots import AGENT_WINDOWS
from greeter.ui.bridge import GreeterBridge
from greeter.ui.i18n import Translations
from greeter.ui.refcount_guard import RefcountGuard
from greeter.ui.window import GreeterWindow, application

DEFAULT_DIR = Path("docs/screenshots")

IDLE = View(
    kiosk_name="ward7-bay3",
    domains=("DEMO", "NHS"),
    can_password_login=True,
    help_line="Call IT on 4444",
)
PIN = replace(IDLE, screen="pin", user_display_name="Alice Adams", entry_timeout=60)
PASSWORD = replace(IDLE, screen="password", entry_timeout=60)
ENROLL_PIN = replace(IDLE, screen="enroll_pin", user_display_name="Bob Brown", entry_timeout=60)


@dataclass(frozen=True)
class Shot:
    """One picture: the View, and what a user typed on it before the picture."""

    name: str
    view: View
    typed: str = ""
    locale: str = "en_GB"
    fallback: bool = False


SHOTS: tuple[Shot, ...] = (
    Shot("idle", IDLE),
    Shot("idle_reader_problem", replace(IDLE, readers_ok=False, reader_problem="missing")),
    Shot("pin", PIN, typed="12"),
    Shot("pin_wrong", replace(PIN, error_key="bad_pin", attempts_left=2)),
    Shot("pin_switching", replace(PIN, switching=True, locked_user="Bob Brown"), typed="1"),
    Shot("password", PASSWORD, typed="alice"),
    Shot("password_wrong", replace(PASSWORD, error_key="bad_password"), typed="alice"),
    Shot("password_card", replace(
        PASSWORD, user_display_name="Carol Clark", username_known=True, domains=("DEMO",),
    )),
    Shot("enroll_card", replace(IDLE, screen="enroll_card", entry_timeout=60)),
    Shot("enroll_pin", ENROLL_PIN, typed="25"),
    Shot("enroll_pin_mismatch", replace(ENROLL_PIN, error_key="pin_mismatch")),
    Shot("enroll_pin_weak", replace(ENROLL_PIN, error_key="pin_rules", error_reason="repeated")),
    Shot("role", replace(
        IDLE, screen="role", user_display_name="Alice Adams", entry_timeout=60, roles=(
            Role("R8000", "Clinical Practitioner Access Role"),
            Role("R8008", "Admin/Clinical Support Access Role"),
        ),
    )),
    Shot("notice", replace(
        IDLE, screen="notice", user_display_name="Carol Clark", entry_timeout=60, notices=(
            Notice("vsc_expiring", 5, "Your virtual smartcard expires in 5 days."),
        ),
    )),
    Shot("error", replace(IDLE, screen="error", error_key="unreachable", can_retry=True)),
    Shot("error_locked", replace(
        IDLE, screen="error", error_key="locked", locked_until="2026-11-23T20:31:00Z",
    )),
    Shot("error_not_registered", replace(IDLE, screen="error", error_key="card_not_registered")),
    Shot("error_denied", replace(
        IDLE, screen="error", error_key="denied", error_reason="card_revoked",
    )),
    Shot("locked", replace(IDLE, screen="locked", locked_user="Alice Adams")),
    Shot("pin_offline", replace(PIN, offline=True, attempts_left=3, locked_user="Alice Adams"),
         typed="1"),
    Shot("error_offline", replace(
        IDLE, screen="error", error_key="offline_owner_only", can_retry=True,
        locked_user="Alice Adams",
    )),
    Shot("busy", replace(PIN, busy=True)),
    Shot("idle_sv", IDLE, locale="sv_SE"),
    Shot("pin_sv", replace(PIN, error_key="bad_pin", attempts_left=1), locale="sv_SE"),
    Shot("fallback", replace(PIN, error_key="bad_pin", attempts_left=2), fallback=True),
)  # fmt: skip


def _grab_not_set_up(app: QGuiApplication) -> QImage:
    from greeter.configkit import ConfigError
    from greeter.ui.not_set_up import NotSetUpWindow, SetupProblem

    config = "/etc/tapkiosk/greeter.toml"
    problem = ConfigError(
        config, "appliance.ca", "no file at /etc/tapkiosk/ca.pem", "point it at an existing file"
    )
    window = NotSetUpWindow(SetupProblem(config, problem), fullscreen=False)
    try:
        window.present()
        settle(app)
        return window.view.grabWindow()
    finally:
        window.close()


def _grab_demo_desktop(app: QGuiApplication) -> QImage:
    from greeter.ui.stand_in import SignedIn, StandInDesktop, StandInWindow

    user = SignedIn("ravi", "DEMO", "Ravi Rao", "R1990")
    window = StandInWindow(
        StandInDesktop(user, lock=lambda: None, log_out=lambda: None, tap=lambda card: None)
    )
    try:
        window.present()
        settle(app)
        return window.view.grabWindow()
    finally:
        window.view.hide()


# windows other than the greeter's screens: the not-set-up screen, the demo's stand-in desktop,
# the in-session agent
WINDOWS: tuple[tuple[str, Callable[[QGuiApplication], QImage]], ...] = (
    ("not_set_up", _grab_not_set_up),
    ("demo_desktop", _grab_demo_desktop),
    *AGENT_WINDOWS,
)


def capture(
    out_dir: Path,
    shots: tuple[Shot, ...] = SHOTS,
    windows: tuple[tuple[str, Callable[[QGuiApplication], QImage]], ...] = WINDOWS,
) -> list[Path]:
    """Write `<name>.png` for every shot and window into `out_dir`; returns the files written."""
    app = application(sys.argv[:1])
    guard = RefcountGuard.install_if_needed()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    grabs = [(shot.name, lambda shot=shot: _grab(app, shot)) for shot in shots]
    grabs += [(name, lambda grab=grab: grab(app)) for name, grab in windows]
    for name, grab in grabs:
        image = grab()
        path = out_dir / f"{name}.png"
        if not image.save(str(path)):
            raise OSError(f"unable to save a screenshot: {path} could not be written")
        written.append(path)
    if guard is not None:
        guard.stop()
    return written


def _grab(app: QGuiApplication, shot: Shot) -> QImage:
    translations = Translations(app, QLocale(shot.locale))
    bridge = GreeterBridge(lambda event: None, shot.view)
    with tempfile.TemporaryDirectory() as empty:
        # an empty theme directory has no Main.qml: the window falls back
        theme = Path(empty) if shot.fallback else None
        window = GreeterWindow(
            bridge, theme, fullscreen=False, ui_language=translations.ui_language
        )
    try:
        window.present()
        settle(app)
        for char in shot.typed:
            _type(window, char)
        settle(app)
        return window.view.grabWindow()
    finally:
        window.close()
        translations.remove()


def _type(window: GreeterWindow, char: str) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        key = Qt.Key(ord(char.upper()))
        event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
        QGuiApplication.sendEvent(window.view, event)


def settle(app: QGuiApplication, rounds: int = 10) -> None:
    # a few passes of the event loop let the Loader build the screen and the canvases paint.
    # Through a QEventLoop: PySide6 6.12's static QCoreApplication.processEvents drops a
    # reference to None on every call, and enough calls abort the interpreter.
    loop = QEventLoop()
    for _ in range(rounds):
        loop.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    for path in capture(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
