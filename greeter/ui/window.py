"""The greeter's window: the theme's QML (or the built-in fallback) on a full-screen view that
steps aside while a session runs and comes back on top when the kiosk locks.

Where the QML lives: the repository's top-level `qml/`, shipped inside the greeter by a wheel
(`greeter.ui.qml_dir` decides which). A site may point `theme_dir` at its own theme; if that (or
the packaged one) fails to load, the fallback screen from `greeter.ui.fallback` is shown instead.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QMetaObject, QObject, QUrl
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtQml import QQmlComponent, QQmlEngine
from PySide6.QtQuick import QQuickItem, QQuickView, QQuickWindow, QSGRendererInterface

from greeter.allocator import forget_greeter_tunables
from greeter.ui import caches
from greeter.ui.bridge import GreeterBridge
from greeter.ui.fallback import FALLBACK_QML
from greeter.ui.housekeeping import Housekeeping
from greeter.ui.qml_dir import MAIN_QML, QML_DIR

log = logging.getLogger(__name__)

BACKGROUND = "#0B2545"
# the size a windowed greeter (demo on a desktop, tests) opens at
WINDOWED_SIZE = (1280, 800)
# a kiosk: no frame to drag, and above the session while it is locked. Set by name through
# QWindow's `flags` property: the first touch of PySide's `Qt` namespace builds all its enums
# (~25 ms), and start-up is what users wait on.
KIOSK_WINDOW_FLAGS = "Window|FramelessWindowHint|WindowStaysOnTopHint"


class GreeterWindow:
    """A QQuickView showing `bridge` through the theme in `theme_dir` (or the fallback).

    `fullscreen` False gives a framed window of WINDOWED_SIZE (demo, tests, screenshots).
    `ui_language` is the locale name the translations were installed for (e.g. "sv_SE").
    """

    def __init__(
        self,
        bridge: GreeterBridge,
        theme_dir: Path | None = None,
        *,
        fullscreen: bool = True,
        ui_language: str = "",
    ) -> None:
        self.bridge = bridge
        self.fullscreen = fullscreen
        self.view = kiosk_view(fullscreen=fullscreen)
        if ui_language:
            # Qt.uiLanguage in QML (the on-screen keyboard adds å ä ö for Swedish)
            self.view.engine().setUiLanguage(ui_language)
        self.used_fallback = False
        self.load_problem = ""
        self._fallback_item: QQuickItem | None = None
        self._fallback_component: QQmlComponent | None = None
        self.housekeeping = Housekeeping(self.view.engine())
        self._load(theme_dir or QML_DIR)
        bridge.screenChanged.connect(self._follow_screen)

    def root(self) -> QObject | None:
        """The root QML object shown (theme or fallback)."""
        return self._fallback_item if self.used_fallback else self.view.rootObject()

    def find(self, object_name: str) -> QObject | None:
        """The QML object called `object_name` on the current screen (tests, screenshots)."""
        return find_item(self.root(), object_name)

    def present(self) -> None:
        """Show the window as the current screen wants (hidden during a session)."""
        self._follow_screen()

    def close(self) -> None:
        """Hide and let go of the QML before the bridge it reads goes away."""
        self.view.hide()
        self.housekeeping.close()
        root = self.view.rootObject()
        if root is not None and root.metaObject().indexOfMethod("releaseSpares()") >= 0:
            QMetaObject.invokeMethod(root, "releaseSpares")
        if self._fallback_item is not None:
            self._fallback_item.deleteLater()
            self._fallback_item = None
        self.view.setSource(QUrl())

    def _load(self, theme_dir: Path) -> None:
        main = theme_dir / MAIN_QML
        self.view.setInitialProperties({"greeter": self.bridge})
        if main.is_file():
            self.view.setSource(QUrl.fromLocalFile(str(main)))
            if self.view.status() == QQuickView.Status.Ready and self.view.rootObject():
                return
            problem = "; ".join(error.toString() for error in self.view.errors())
        else:
            problem = f"{main} does not exist"
        self.load_problem = f"unable to load the theme: {problem}"
        log.error("%s; showing the built-in fallback screen", self.load_problem)
        self.view.setSource(QUrl())
        self._show_fallback()

    def _show_fallback(self) -> None:
        self._fallback_component, self._fallback_item = show_embedded(
            self.view, FALLBACK_QML, "Fallback.qml", {"greeter": self.bridge}
        )
        self.used_fallback = True

    def _follow_screen(self) -> None:
        if self.bridge.view.screen == "session":
            self.view.hide()
            self.housekeeping.after_login()
            return
        present(self.view, fullscreen=self.fullscreen)


def find_item(root: QObject | None, object_name: str) -> QQuickItem | None:
    """The item called `object_name` under `root` (tests, screenshots)."""
    # the visual tree, not QObject children: Repeater and Loader items are only found there
    pending = [root] if isinstance(root, QQuickItem) else []
    while pending:
        item = pending.pop(0)
        if item.objectName() == object_name:
            return item
        pending.extend(item.childItems())
    return None


def show_embedded(
    view: QQuickView, qml: bytes, name: str, properties: dict[str, object]
) -> tuple[QQmlComponent, QQuickItem]:
    """Build QML kept in Python (`qml`, called `name` in QML's messages) with `properties` and
    show it in `view`. Such QML imports only QtQuick: whatever broke a theme cannot break it."""
    component = QQmlComponent(view.engine())
    # a file: URL (the file need not exist) keeps compilation synchronous; a made-up scheme
    # makes the engine treat it as remote and load it later
    component.setData(qml, QUrl.fromLocalFile(str(Path(__file__).with_name(name))))
    item = component.createWithInitialProperties(properties)
    if not isinstance(item, QQuickItem):
        # only a broken Qt Quick gets here; nothing else can be drawn either
        errors = "; ".join(error.toString() for error in component.errors())
        raise RuntimeError(f"unable to show {name}: {errors}")
    # ours, not the JavaScript collector's: it must live as long as the window
    QQmlEngine.setObjectOwnership(item, QQmlEngine.ObjectOwnership.CppOwnership)
    item.setParentItem(view.contentItem())
    return component, item


def kiosk_view(*, fullscreen: bool) -> QQuickView:
    """A view as the kiosk shows it: full screen, frameless and on top (or a framed window of
    WINDOWED_SIZE for the demo, tests and screenshots)."""
    view = QQuickView()
    view.setTitle("tapkiosk")
    view.setColor(QColor(BACKGROUND))
    view.setResizeMode(QQuickView.ResizeMode.SizeRootObjectToView)
    view.resize(*WINDOWED_SIZE)
    pipeline_cache = caches.pipeline_cache_file()
    if pipeline_cache is not None:
        graphics = view.graphicsConfiguration()
        graphics.setPipelineCacheLoadFile(str(pipeline_cache))
        graphics.setPipelineCacheSaveFile(str(pipeline_cache))
        view.setGraphicsConfiguration(graphics)
    if fullscreen:
        view.setProperty("flags", KIOSK_WINDOW_FLAGS)
    return view


def present(view: QQuickView, *, fullscreen: bool) -> None:
    """Show `view` in front, as the kiosk wants it."""
    if fullscreen:
        view.showFullScreen()
    else:
        view.show()
    view.raise_()
    view.requestActivate()


def set_up_style() -> None:
    """Qt Quick Controls' Basic style: fully restylable, the same on every platform. Must run
    before the first QML engine exists."""
    from PySide6.QtQuickControls2 import QQuickStyle

    QQuickStyle.setStyle("Basic")


# the scene graph as the site asked for it; without either, the greeter draws with Qt Quick's
# software renderer (below)
RENDERER_VARIABLES = ("QT_QUICK_BACKEND", "QSG_RHI_BACKEND")


def choose_renderer(environ: dict[str, str] | None = None) -> bool:
    """Draw with Qt Quick's software renderer unless the site chose a renderer; True if chosen.

    The greeter is flat 2D (rectangles, text, one canvas). Where OpenGL is Mesa's software
    rasterizer (llvmpipe: Xvfb, many thin clients), every change repainted the whole 1280x800
    frame through it on Qt's render thread: 40+ ms from the flow asking for the PIN screen to the
    frame, against ~4 ms for the software renderer, which paints only what changed. It also
    needs no shaders (nothing for Mesa or Qt to compile or cache) and leaves Mesa's ~90 MiB out.
    """
    environ = dict(os.environ) if environ is None else environ
    if any(environ.get(variable) for variable in RENDERER_VARIABLES):
        return False
    QQuickWindow.setGraphicsApi(QSGRendererInterface.GraphicsApi.Software)
    return True


def application(argv: list[str]) -> QGuiApplication:
    """The QGuiApplication for the greeter (one per process)."""
    forget_greeter_tunables(os.environ)
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    # both read once, when Qt starts
    caches.use_caches()
    choose_renderer()
    set_up_style()
    app = QGuiApplication(argv)
    app.setApplicationName("tapkiosk-greeter")
    return app
