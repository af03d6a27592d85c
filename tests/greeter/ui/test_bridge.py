"""The bridge: the View as QML properties, QML input as UI events, nothing else."""

from __future__ import annotations

from dataclasses import replace

import pytest

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
    View,
)
from greeter.ui.bridge import FIELDS, GreeterBridge

pytestmark = pytest.mark.ui


def test_every_view_field_is_a_qml_property(qapp):
    view_fields = set(View.__dataclass_fields__)
    assert {spec.view_name for spec in FIELDS} == view_fields


def test_properties_mirror_the_view_with_qml_friendly_values(qapp):
    view = View(
        screen="notice",
        kiosk_name="ward7-bay3",
        domains=("DEMO", "NHS"),
        notices=(
            Notice("vsc_expiring", 5, "Your virtual smartcard expires in 5 days."),
            Notice("vsc_expired", None, "Expired."),
        ),
        roles=(Role("R8000", "Clinical Practitioner"),),
        attempts_left=2,
    )
    bridge = GreeterBridge(lambda event: None, view)
    assert bridge.property("screen") == "notice"
    assert bridge.property("kioskName") == "ward7-bay3"
    assert bridge.property("domains") == ["DEMO", "NHS"]
    assert bridge.property("attemptsLeft") == 2
    assert bridge.property("notices") == [
        {
            "code": "vsc_expiring",
            "daysLeft": 5,
            "message": "Your virtual smartcard expires in 5 days.",
            "validUntil": "",
        },
        {"code": "vsc_expired", "daysLeft": -1, "message": "Expired.", "validUntil": ""},
    ]
    assert bridge.property("roles") == [{"code": "R8000", "name": "Clinical Practitioner"}]


def test_only_the_properties_that_changed_notify(qapp):
    bridge = GreeterBridge(lambda event: None, View(kiosk_name="k"))
    fired: list[str] = []
    for spec in FIELDS:
        getattr(bridge, f"{spec.qml_name}Changed").connect(
            lambda name=spec.qml_name: fired.append(name)
        )
    bridge.show(replace(bridge.view, screen="pin", user_display_name="Alice Adams"))
    assert sorted(fired) == ["screen", "userDisplayName"]
    fired.clear()
    bridge.show(bridge.view)
    assert fired == []
    assert bridge.property("userDisplayName") == "Alice Adams"


def test_values_are_all_current_when_the_first_signal_fires(qapp):
    bridge = GreeterBridge(lambda event: None, View())
    seen: list[tuple[str, int]] = []
    bridge.screenChanged.connect(
        lambda: seen.append((bridge.property("screen"), bridge.property("attemptsLeft")))
    )
    bridge.show(View(screen="pin", attempts_left=2))
    assert seen == [("pin", 2)]


def test_each_slot_hands_exactly_one_ui_event_to_the_kiosk(qapp, recorder):
    bridge = GreeterBridge(recorder, View())
    bridge.submitPin("1234")
    bridge.requestPasswordLogin()
    bridge.submitPassword("bob", "pw", "DEMO")
    bridge.submitCardEnrollment("bob", "pw", "NHS")
    bridge.submitNewPin("2468", "2468")
    bridge.chooseRole("R8000")
    bridge.acknowledgeNotices()
    bridge.cancel()
    bridge.retry()
    bridge.lock()
    assert recorder.events == [
        PinEntered("1234"),
        PasswordLoginRequested(),
        PasswordSubmitted("bob", "pw", "DEMO"),
        CardEnrollmentSubmitted("bob", "pw", "NHS"),
        NewPinSubmitted("2468", "2468"),
        RoleChosen("R8000"),
        NoticesAcknowledged(),
        Cancelled(),
        RetryRequested(),
        LockRequested(),
    ]


def test_no_secret_shows_in_the_events_repr(qapp, recorder):
    bridge = GreeterBridge(recorder, View())
    bridge.submitPin("8642")
    bridge.submitPassword("bob", "hunter2", "DEMO")
    assert "8642" not in repr(recorder.events)
    assert "hunter2" not in repr(recorder.events)
