"""The "This kiosk is not set up" screen: what a kiosk whose config cannot be used shows,
instead of a blank screen and a session restarting the greeter every second.

The clinician reads that nobody can sign in and to call IT (in the system's language: there is
no config to name one); IT reads the config's problem, its fix and the command that checks the
kiosk. Like the fallback screen its QML lives here and imports only QtQuick. `ConfigWatch`
notices when the config may have been fixed: the file or its folder changed, or a few seconds
passed (a CA or secret file it names may have appeared).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    Property,
    QCoreApplication,
    QFileSystemWatcher,
    QObject,
    QTimer,
    Signal,
)
from PySide6.QtQml import QQmlComponent
from PySide6.QtQuick import QQuickItem

from greeter.configkit import ConfigError
from greeter.events import EventLog
from greeter.ui.i18n import Translations, choose_locale
from greeter.ui.refcount_guard import RefcountGuard
from greeter.ui.window import application, find_item, kiosk_view, present, show_embedded

log = logging.getLogger(__name__)

# how often the config is read again when no change was noticed (files it names, permissions)
RECHECK_MS = 5000

NOT_SET_UP_QML = b"""
import QtQuick

Rectangle {
    id: root
    required property var problem
    objectName: "notSetUpRoot"
    width: parent ? parent.width : 1280
    height: parent ? parent.height : 800
    color: "#0B2545"

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 96, 1000)
        spacing: 28
        Text {
            objectName: "notSetUpHeadline"
            width: parent.width
            text: root.problem.headline
            color: "white"; font.pixelSize: 56; font.bold: true; wrapMode: Text.WordWrap
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Text {
            objectName: "notSetUpAdvice"
            width: parent.width
            text: root.problem.advice
            color: "#C9D6E8"; font.pixelSize: 32; wrapMode: Text.WordWrap
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        Rectangle {
            width: parent.width
            height: forIt.implicitHeight + 48
            radius: 12
            color: "#13315C"
            Column {
                id: forIt
                x: 24; y: 24
                width: parent.width - 48
                spacing: 12
                Text {
                    text: root.problem.forIt
                    color: "#FFB81C"; font.pixelSize: 24; font.bold: true
                }
                Text {
                    objectName: "notSetUpReason"
                    width: parent.width
                    text: root.problem.reason
                    color: "white"; font.pixelSize: 24; wrapMode: Text.WrapAnywhere
                    Accessible.role: Accessible.StaticText
                    Accessible.name: text
                }
                Text {
                    objectName: "notSetUpFix"
                    width: parent.width
                    text: root.problem.fix
                    color: "white"; font.pixelSize: 24; wrapMode: Text.WordWrap
                    Accessible.role: Accessible.StaticText
                    Accessible.name: text
                }
                Text {
                    objectName: "notSetUpCheck"
                    width: parent.width
                    text: root.problem.check
                    color: "#C9D6E8"; font.pixelSize: 22; font.family: "monospace"
                    wrapMode: Text.WrapAnywhere
                    Accessible.role: Accessible.StaticText
                    Accessible.name: text
                }
            }
        }
    }
}
"""


class SetupProblem(QObject):
    """What the not-set-up screen shows, for QML: read-only text properties."""

    changed = Signal()

    def __init__(self, config_path: str, error: ConfigError) -> None:
        super().__init__()
        self._config_path = config_path
        self._error = error

    @property
    def error(self) -> ConfigError:
        return self._error

    def show(self, error: ConfigError) -> None:
        self._error = error
        self.changed.emit()

    def _headline(self) -> str:
        return QCoreApplication.translate("NotSetUp", "This kiosk is not set up")

    def _advice(self) -> str:
        return QCoreApplication.translate(
            "NotSetUp", "Nobody can sign in here until it is. Please call IT."
        )

    def _for_it(self) -> str:
        return QCoreApplication.translate("NotSetUp", "For IT")

    # IT's lines stay in English, as the config's messages and `greeter doctor` are
    def _reason(self) -> str:
        error = self._error
        return f"{error.path}: {error.key}: {error.problem}"

    def _fix(self) -> str:
        return f"Fix: {self._error.fix}"

    def _check(self) -> str:
        return (
            "Then check the kiosk with:\n"
            f"    greeter doctor --config {self._config_path}\n"
            "This screen goes away by itself once the config can be used."
        )

    headline = Property(str, _headline, notify=changed)
    advice = Property(str, _advice, notify=changed)
    forIt = Property(str, _for_it, notify=changed)
    reason = Property(str, _reason, notify=changed)
    fix = Property(str, _fix, notify=changed)
    check = Property(str, _check, notify=changed)


class NotSetUpWindow:
    """The not-set-up screen in a kiosk window (full screen, or framed for the demo and tests)."""

    def __init__(self, problem: SetupProblem, *, fullscreen: bool = True) -> None:
        self.problem = problem
        self.fullscreen = fullscreen
        self.view = kiosk_view(fullscreen=fullscreen)
        self._component: QQmlComponent | None
        self._item: QQuickItem | None
        self._component, self._item = show_embedded(
            self.view, NOT_SET_UP_QML, "NotSetUp.qml", {"problem": problem}
        )

    def find(self, object_name: str) -> QObject | None:
        """The item called `object_name` (tests, screenshots)."""
        return find_item(self._item, object_name)

    def present(self) -> None:
        present(self.view, fullscreen=self.fullscreen)

    def close(self) -> None:
        self.view.hide()
        if self._item is not None:
            self._item.deleteLater()
            self._item = None
        self._component = None


class ConfigWatch:
    """Calls `changed()` on the Qt thread when the config at `path` may have been fixed: the
    file or its folder changed (an editor's save replaces the file), and every RECHECK_MS."""

    def __init__(self, path: str, changed: Callable[[], None]) -> None:
        self._path = Path(path)
        self._changed = changed
        self._watcher = QFileSystemWatcher()
        self._watcher.fileChanged.connect(self._fire)
        self._watcher.directoryChanged.connect(self._fire)
        self._timer = QTimer()
        self._timer.timeout.connect(self._fire)
        self._timer.start(RECHECK_MS)
        self._watch()

    def stop(self) -> None:
        self._timer.stop()
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)

    def _watch(self) -> None:
        # a replaced file drops out of the watcher; a folder made later is taken up too
        wanted = [str(p) for p in (self._path, self._path.parent) if p.exists()]
        watched = self._watcher.files() + self._watcher.directories()
        missing = [p for p in wanted if p not in watched]
        if missing:
            self._watcher.addPaths(missing)

    def _fire(self, *_changed: str) -> None:
        self._watch()
        self._changed()


class NotSetUp:
    """The not-set-up screen and its watch on the config; its lines go to `event_log_path`
    (the journal only without one: the config naming a log file is what cannot be read)."""

    def __init__(
        self,
        config_path: str,
        error: ConfigError,
        retry: Callable[[], None],
        *,
        fullscreen: bool,
        event_log_path: str | None,
    ) -> None:
        app = application(["greeter"])
        self.refcount_guard = RefcountGuard.install_if_needed()
        # no config, no locale: the system's
        self.translations = Translations(app, choose_locale(None))
        # no card is read while not set up: the card-id key is never used
        self.log = EventLog(event_log_path, secrets.token_bytes(16))
        self.log.start("", config_path)
        self.problem = SetupProblem(config_path, error)
        self.window = NotSetUpWindow(self.problem, fullscreen=fullscreen)
        self.watch = ConfigWatch(config_path, retry)
        self._tell(error)

    def show(self, error: ConfigError) -> None:
        """Another problem (or the same one again: nothing new to say)."""
        if str(error) == str(self.problem.error):
            return
        self.problem.show(error)
        self._tell(error)

    def close(self, *, stopping: bool) -> None:
        """Take the screen down; `stopping`: the process ends (its stop line), rather than
        going on as the greeter."""
        self.watch.stop()
        self.window.close()
        self.translations.remove()
        if self.refcount_guard is not None:
            self.refcount_guard.stop()
        if stopping:
            self.log.stop()
        self.log.close()

    def _tell(self, error: ConfigError) -> None:
        log.error("this kiosk is not set up: %s", error)
        self.log.screen("not_set_up", error.key, str(error))
