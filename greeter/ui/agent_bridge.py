"""The one object the agent's QML sees: the `AgentView` as one read-only map, QML input as the
agent's events. No logic: a slot builds one event and hands it to `dispatch`.

One property rather than one per field (as the greeter's bridge has): the agent's window is
small and changes a page at a time, so re-reading every binding on a change costs nothing.
Sentences are QML's job (qml/agent/AgentMessages.qml words the `message` key).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast, get_args

from PySide6.QtCore import Property, QObject, Signal, Slot

from greeter.agent.model import (
    AgentEvent,
    AgentView,
    AssignAsked,
    Back,
    Chosen,
    Dismissed,
    MenuAction,
    Opened,
    PasscodeSubmitted,
    ResetSubmitted,
    RolePicked,
    SearchSubmitted,
    UserPicked,
    VscPicked,
)
from greeter.spine_client import RaUser, Vsc

MENU_ACTIONS: frozenset[str] = frozenset(get_args(MenuAction))


def _vsc(vsc: Vsc | None) -> dict[str, Any] | None:
    if vsc is None:
        return None
    return {
        "serial": vsc.serial,
        "cisUsername": vsc.cis_username,
        "status": vsc.status,
        "owner": vsc.owner or "",
        "notAfter": vsc.not_after[:10],
    }


def _user(user: RaUser | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "username": user.username,
        "domain": user.domain,
        "displayName": user.display_name,
        "isRa": user.registration_authority,
        "vsc": _vsc(user.vsc),
    }


def for_qml(view: AgentView) -> dict[str, Any]:
    """`view` as QML reads it (camelCase keys; no None where QML wants a value)."""
    return {
        "shown": view.shown,
        "page": view.page,
        "busy": view.busy,
        "displayName": view.display_name,
        "roleName": view.role_name,
        "role": view.role,
        "defaultRole": view.default_role,
        "hasTicket": view.has_ticket,
        "method": view.method,
        "roles": [{"code": r.code, "name": r.name} for r in view.roles],
        "rolePurpose": view.role_purpose,
        "authPurpose": view.auth_purpose,
        "canManageVscs": view.can_manage_vscs,
        "message": view.message,
        "triesLeft": view.tries_left,
        "raUsers": [_user(u) for u in view.ra_users],
        "raUser": _user(view.ra_user),
        "raVscs": [_vsc(v) for v in view.ra_vscs],
        "assigned": _vsc(view.assigned),
    }


class AgentBridge(QObject):
    """Lives on (and is used from) the Qt thread."""

    viewChanged = Signal()

    def __init__(self, dispatch: Callable[[AgentEvent], None], view: AgentView) -> None:
        super().__init__()
        self._dispatch = dispatch
        self._view = view
        self._value = for_qml(view)

    @property
    def agent_view(self) -> AgentView:
        return self._view

    def show(self, view: AgentView) -> None:
        if view == self._view:
            return
        self._view = view
        self._value = for_qml(view)
        self.viewChanged.emit()

    def _get_view(self) -> dict[str, Any]:
        return self._value

    view = Property(dict, _get_view, notify=viewChanged)

    @Slot()
    def open(self) -> None:
        self._dispatch(Opened())

    @Slot()
    def back(self) -> None:
        self._dispatch(Back())

    @Slot()
    def dismiss(self) -> None:
        self._dispatch(Dismissed())

    @Slot(str)
    def choose(self, action: str) -> None:
        if action in MENU_ACTIONS:
            self._dispatch(Chosen(cast(MenuAction, action)))

    @Slot(str)
    def submitPasscode(self, passcode: str) -> None:
        self._dispatch(PasscodeSubmitted(passcode))

    @Slot(str)
    def pickRole(self, code: str) -> None:
        self._dispatch(RolePicked(code))

    @Slot(str, str, str)
    def submitReset(self, username: str, password: str, domain: str) -> None:
        self._dispatch(ResetSubmitted(username, password, domain))

    @Slot(str)
    def search(self, query: str) -> None:
        self._dispatch(SearchSubmitted(query))

    @Slot(str, str)
    def pickUser(self, username: str, domain: str) -> None:
        self._dispatch(UserPicked(username, domain))

    @Slot()
    def assignVsc(self) -> None:
        self._dispatch(AssignAsked())

    @Slot(str, str)
    def pickVsc(self, cis_username: str, serial: str) -> None:
        self._dispatch(VscPicked(cis_username, serial))
