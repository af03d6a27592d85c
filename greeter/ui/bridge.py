"""The one object QML sees: the flow's `View` as read-only properties, QML input as UI events.

Shaped like SDDM's GreeterProxy: each property has its own change signal so a binding only
re-evaluates when its value changed, and a handful of slots are the only way in. Unlike SDDM it
holds no logic and manages no process: a slot builds one UI event and hands it to `dispatch`
(the Kiosk's), and `show(view)` is the only way the picture changes. Error text is QML's job:
the bridge passes stable codes (`errorKey`, `errorReason`, `readerProblem`) and QML words them
from the translation catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, SignalInstance, Slot

from greeter.flow.model import (
    Cancelled,
    CardEnrollmentSubmitted,
    LockRequested,
    NewPinSubmitted,
    Notice,
    NoticesAcknowledged,
    PasswordLoginRequested,
    PasswordSubmitted,
    PinEntered,
    RetryRequested,
    Role,
    RoleChosen,
    UiEvent,
    View,
)

Dispatch = Callable[[UiEvent], None]


@dataclass(frozen=True)
class _Field:
    """One View field as QML sees it: its property name, Qt type and conversion."""

    view_name: str
    qml_name: str
    qt_type: type
    to_qml: Callable[[Any], Any] = lambda value: value


def _notices(notices: tuple[Notice, ...]) -> list[dict[str, Any]]:
    # QML has no None for an int: -1 means "no day count"
    return [
        {
            "code": n.code,
            "daysLeft": -1 if n.days_left is None else n.days_left,
            "message": n.message,
            "validUntil": n.valid_until,
        }
        for n in notices
    ]


def _roles(roles: tuple[Role, ...]) -> list[dict[str, str]]:
    return [{"code": r.code, "name": r.name} for r in roles]


FIELDS: tuple[_Field, ...] = (
    _Field("screen", "screen", str),
    _Field("busy", "busy", bool),
    _Field("kiosk_name", "kioskName", str),
    _Field("readers_ok", "readersOk", bool),
    _Field("reader_problem", "readerProblem", str),
    _Field("can_password_login", "canPasswordLogin", bool),
    _Field("can_enroll_card", "canEnrollCard", bool),
    _Field("user_display_name", "userDisplayName", str),
    _Field("username_known", "usernameKnown", bool),
    _Field("error_key", "errorKey", str),
    _Field("error_reason", "errorReason", str),
    _Field("help_line", "helpLine", str),
    _Field("attempts_left", "attemptsLeft", int),
    _Field("locked_until", "lockedUntil", str),
    _Field("can_retry", "canRetry", bool),
    _Field("domains", "domains", list, list),
    _Field("pin_min", "pinMin", int),
    _Field("pin_max", "pinMax", int),
    _Field("pin_digits_only", "pinDigitsOnly", bool),
    _Field("notices", "notices", list, _notices),
    _Field("roles", "roles", list, _roles),
    _Field("entry_timeout", "entryTimeout", int),
    _Field("entry_round", "entryRound", int),
    _Field("locked_user", "lockedUser", str),
    _Field("switching", "switching", bool),
    _Field("offline", "offline", bool),
)


def _declare_properties(namespace: dict[str, Any]) -> None:
    """Add `<name>` and `<name>Changed` for every field to the class being defined.

    Qt reads signals and properties when the class is created, so they must be in its body;
    generating them from FIELDS keeps the list of what QML can read in one place.
    """
    for spec in FIELDS:
        signal = Signal()
        namespace[f"{spec.qml_name}Changed"] = signal

        def getter(self: GreeterBridge, _name: str = spec.qml_name) -> Any:
            return self._values[_name]

        namespace[spec.qml_name] = Property(spec.qt_type, getter, notify=signal)


class GreeterBridge(QObject):
    """Flow state for QML, QML input for the flow. Lives on (and is used from) the Qt thread."""

    _declare_properties(locals())
    # declared for type checkers; the signal itself comes from _declare_properties
    screenChanged: SignalInstance

    def __init__(self, dispatch: Dispatch, view: View | None = None) -> None:
        super().__init__()
        self._dispatch = dispatch
        self._view = view or View()
        self._values: dict[str, Any] = {
            spec.qml_name: spec.to_qml(getattr(self._view, spec.view_name)) for spec in FIELDS
        }

    @property
    def view(self) -> View:
        """The View last shown."""
        return self._view

    def show(self, view: View) -> None:
        """Make `view` the picture; only the properties that changed notify QML."""
        if view == self._view:
            return
        old = self._view
        self._view = view
        changed: list[str] = []
        for spec in FIELDS:
            new_value = getattr(view, spec.view_name)
            if new_value != getattr(old, spec.view_name):
                self._values[spec.qml_name] = spec.to_qml(new_value)
                changed.append(spec.qml_name)
        # values first, then signals: a binding reading two properties sees them consistent
        for name in changed:
            getattr(self, f"{name}Changed").emit()

    # --- the way in: one slot per UI event -----------------------------------------------

    @Slot(str)
    def submitPin(self, pin: str) -> None:
        self._hand_on(PinEntered(pin))

    @Slot()
    def requestPasswordLogin(self) -> None:
        self._hand_on(PasswordLoginRequested())

    @Slot(str, str, str)
    def submitPassword(self, username: str, password: str, domain: str) -> None:
        self._hand_on(PasswordSubmitted(username, password, domain))

    @Slot(str, str, str)
    def submitCardEnrollment(self, username: str, password: str, domain: str) -> None:
        self._hand_on(CardEnrollmentSubmitted(username, password, domain))

    @Slot(str, str)
    def submitNewPin(self, pin: str, confirm: str) -> None:
        self._hand_on(NewPinSubmitted(pin, confirm))

    @Slot(str)
    def chooseRole(self, code: str) -> None:
        self._hand_on(RoleChosen(code))

    @Slot()
    def acknowledgeNotices(self) -> None:
        self._hand_on(NoticesAcknowledged())

    @Slot()
    def cancel(self) -> None:
        self._hand_on(Cancelled())

    @Slot()
    def retry(self) -> None:
        self._hand_on(RetryRequested())

    @Slot()
    def lock(self) -> None:
        self._hand_on(LockRequested())

    def _hand_on(self, event: UiEvent) -> None:
        self._dispatch(event)
