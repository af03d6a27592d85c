"""The agent's window: a second, small QQuickView, frameless and on top, in the top-right
corner of the session. It is there only while the user's desktop is in plain view (not while
the greeter's lock or login screens cover it): collapsed it is one control showing the Spine
role (or the user's name), open it is the agent's menu and pages (qml/agent/Agent.qml).

`AgentUi` wires it: the agent's own Qt executor (its replies go to the agent, not the kiosk),
the Spine client on the kiosk's appliance client, the signer it is given, and the kiosk's
picture as the agent's input.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtQuick import QQuickItem, QQuickView

from greeter.agent.model import AgentSession, AgentView, SessionSeen
from greeter.agent.shell import Agent
from greeter.app import Kiosk
from greeter.backend import Backend
from greeter.flow.model import LockRequested, View
from greeter.spine_client import SpineClient
from greeter.spine_signer import SpineSigner
from greeter.ui.agent_bridge import AgentBridge
from greeter.ui.executor import QtExecutor
from greeter.ui.qml_dir import QML_DIR
from greeter.ui.window import BACKGROUND, find_item

log = logging.getLogger(__name__)

AGENT_QML = "agent/Agent.qml"
COLLAPSED_SIZE = (400, 72)
OPEN_SIZE = (540, 720)
# from the screen's edges, clear of a panel's corner
MARGIN = 8
# frameless and on top, and no taskbar entry (a tool window)
AGENT_WINDOW_FLAGS = "Tool|FramelessWindowHint|WindowStaysOnTopHint"
# "On top" is a window manager's promise, and a kiosk's X session often runs none: there a
# window the session maps later covers the agent. So while shown it raises itself this often
# (an X request, no redraw while nothing covers it).
RAISE_EVERY_MS = 1000


class AgentWindow:
    def __init__(self, bridge: AgentBridge, *, ui_language: str = "") -> None:
        self.bridge = bridge
        self.view = QQuickView()
        self.view.setTitle("tapkiosk agent")
        self.view.setColor(QColor(BACKGROUND))
        self.view.setResizeMode(QQuickView.ResizeMode.SizeRootObjectToView)
        self.view.setProperty("flags", AGENT_WINDOW_FLAGS)
        if ui_language:
            self.view.engine().setUiLanguage(ui_language)
        self.view.setInitialProperties({"agent": bridge})
        self.view.setSource(QUrl.fromLocalFile(str(QML_DIR / AGENT_QML)))
        if self.view.status() != QQuickView.Status.Ready:
            problem = "; ".join(error.toString() for error in self.view.errors())
            # the session goes on without the agent: said once, plainly
            log.error("unable to load the agent's window: %s", problem)
        self._page = ""
        self._on_top = QTimer()
        self._on_top.setInterval(RAISE_EVERY_MS)
        self._on_top.timeout.connect(self._keep_on_top)
        bridge.viewChanged.connect(self._follow)

    def _keep_on_top(self) -> None:
        self.view.raise_()
        # Qt queues the X request; with nothing else to send it would wait there
        QGuiApplication.sync()

    def find(self, object_name: str) -> QQuickItem | None:
        """The agent's QML item called `object_name` (tests, screenshots)."""
        return find_item(self.view.rootObject(), object_name)

    def present(self) -> None:
        """Show the window as the agent's view wants it (hidden outside a session in view)."""
        self._follow()

    def close(self) -> None:
        self._on_top.stop()
        self.view.hide()
        self.view.setSource(QUrl())

    def _follow(self) -> None:
        shown = self.bridge.agent_view
        if not shown.shown or self.view.status() != QQuickView.Status.Ready:
            self._on_top.stop()
            self.view.hide()
            self._page = ""
            return
        collapsed = shown.page == "collapsed"
        self.view.resize(*(COLLAPSED_SIZE if collapsed else OPEN_SIZE))
        self._place()
        opened = not collapsed and self._page in ("", "collapsed")
        self._page = shown.page
        self.view.show()
        self.view.raise_()
        self._on_top.start()
        if opened:
            # the keyboard goes to the open menu; a collapsed control takes nothing from the
            # desktop the user is typing into
            self.view.requestActivate()

    def _place(self) -> None:
        screen = self.view.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        self.view.setPosition(area.right() - self.view.width() - MARGIN, area.top() + MARGIN)


def agent_session(kiosk: Kiosk) -> AgentSession | None:
    """The kiosk's running session as the agent knows it (None: none)."""
    desktop = kiosk.state.desktop
    if desktop is None:
        return None
    session = desktop.session
    return AgentSession(
        id=session.id,
        username=session.user.username,
        display_name=session.user.display_name,
        registration_authority=session.user.registration_authority,
        roles=session.spine.roles,
        role=session.spine.role,
    )


def in_plain_view(kiosk: Kiosk, shown: View) -> bool:
    """The user's desktop shows: no greeter screen over it, nothing starting."""
    desktop = kiosk.state.desktop
    return shown.screen == "session" and not shown.busy and desktop is not None


class AgentUi:
    """The agent, its executor, bridge and window, following `kiosk`."""

    def __init__(
        self,
        kiosk: Kiosk,
        environment: str,
        signer: SpineSigner,
        *,
        ui_language: str = "",
    ) -> None:
        backend = kiosk.backend
        if not isinstance(backend, Backend):
            raise TypeError("unable to start the agent: the kiosk has no appliance client")
        self.executor = QtExecutor(workers=2)
        run = cast(Callable[[Any], None], self.executor.run_in_background)
        self.agent = Agent(
            SpineClient(backend, environment),
            signer,
            run,
            lock=lambda: kiosk.dispatch(LockRequested()),
            log_out=kiosk.log_out,
        )
        self.executor.attach(cast(Any, self.agent.dispatch))
        self.bridge = AgentBridge(self.agent.dispatch, self.agent.view)
        self.agent.subscribe(self.bridge.show)
        self._ui_language = ui_language
        self._window: AgentWindow | None = None
        self.bridge.viewChanged.connect(self._build_window_when_shown)
        self._kiosk = kiosk
        kiosk.subscribe(self._kiosk_changed)

    @property
    def window(self) -> AgentWindow:
        """The agent's window, built when first needed (the first session in plain view): the
        greeter's idle screen does not wait on a second window's QML (~60 ms) at start-up."""
        if self._window is None:
            self._window = AgentWindow(self.bridge, ui_language=self._ui_language)
        return self._window

    def _build_window_when_shown(self) -> None:
        if self._window is None and self.bridge.agent_view.shown:
            # built inside this change: its own follower misses it, so it is shown here
            self.window.present()

    def _kiosk_changed(self, shown: View) -> None:
        kiosk = self._kiosk
        self.agent.dispatch(SessionSeen(agent_session(kiosk), in_plain_view(kiosk, shown)))

    def view(self) -> AgentView:
        return self.agent.view

    def close(self) -> None:
        closes: list[Callable[[], object]] = [self.executor.close]
        if self._window is not None:
            closes.insert(0, self._window.close)
        for close in closes:
            try:
                close()
            except Exception as error:  # shutting down: report and go on
                log.error("unable to close the agent: %s", error)
