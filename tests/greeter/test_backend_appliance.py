"""The appliance client against the real appliance (HTTPS on loopback, test CA, demo users)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance
from greeter.backend import Backend, BackendSettings, Rejected, Unreachable
from greeter.flow.wire import (
    AuthBadFactor,
    AuthContinue,
    AuthEnroll,
    AuthOk,
    AuthUnknownCard,
    CardFactor,
    ChooseRole,
    EnrollPin,
    PasswordFactor,
    PinFactor,
    RoleChanged,
)
from tests.greeter.test_backend_wire import make_ca
from tests.rig.appliance import start_demo_appliance

ALICE = "04A1B2C3D4E5F6"
CAROL = "04C0FFEE000001"


@pytest.fixture
def appliance(tmp_path: Path) -> Iterator[LocalAppliance]:
    with start_demo_appliance(tmp_path / "appliance") as server:
        yield server


def client_for(server: LocalAppliance, **changes: object) -> Backend:
    settings = {
        "url": server.url,
        "ca_path": str(server.ca_path),
        "kiosk_name": server.kiosk_name,
        "kiosk_secret": server.kiosk_secret,
        "connect_timeout": 3.0,
        "read_timeout": 10.0,
        **changes,
    }
    return Backend(BackendSettings(**settings))  # type: ignore[arg-type]


def test_kiosk_card_pin_role_and_report_against_the_real_appliance(appliance):
    backend = client_for(appliance)
    info = backend.kiosk_info()
    assert info.kiosk == appliance.kiosk_name
    assert "DEMO" in info.domains

    reply = backend.auth(CardFactor(ALICE))
    assert isinstance(reply, AuthContinue)
    assert reply.need == ("pin",)
    assert reply.user.display_name == "Alice Adams"

    wrong = backend.auth(PinFactor(reply.state, "9999"))
    assert isinstance(wrong, AuthBadFactor)
    assert wrong.reason == "bad_pin"
    assert wrong.attempts_left >= 1
    assert wrong.state

    # a state token works once
    with pytest.raises(Rejected) as caught:
        backend.auth(PinFactor(reply.state, "1234"))
    assert caught.value.code == "state_invalid"

    ok = backend.auth(PinFactor(wrong.state, "1234"))
    assert isinstance(ok, AuthOk)
    assert ok.session.user.username == "alice"
    assert len(ok.session.spine.roles) == 2
    assert ok.session.spine.role is None

    changed = backend.perform(ChooseRole(ok.session.id, ok.session.spine.roles[1].code))
    assert isinstance(changed, RoleChanged)
    assert changed.spine.role == ok.session.spine.roles[1].code

    backend.report(
        {"event": "session", "action": "started", "user": "alice", "session": ok.session.id}
    )
    backend.close()


def test_card_without_pin_asks_the_password_then_enrols_a_pin(appliance):
    backend = client_for(appliance)
    reply = backend.auth(CardFactor(CAROL))
    assert isinstance(reply, AuthContinue)
    assert reply.need == ("password",)
    enrol = backend.auth(PasswordFactor(reply.state, "carol", "carol-demo-pass", "DEMO"))
    assert isinstance(enrol, AuthEnroll)
    assert enrol.pin_rules.min_length >= 4
    # a weak PIN comes back with the rule it broke, for the screen to word
    weak = backend.auth(EnrollPin(enrol.state, "1111"))
    assert isinstance(weak, AuthBadFactor)
    assert (weak.reason, weak.rule) == ("pin_rules", "repeated")
    assert weak.state is not None
    ok = backend.auth(EnrollPin(weak.state, "8642"))
    assert isinstance(ok, AuthOk)
    assert ok.notices[0].code == "vsc_expiring"
    assert ok.notices[0].days_left == 5


def test_unknown_card_then_binding_it_with_a_password(appliance):
    backend = client_for(appliance)
    reply = backend.auth(CardFactor("04DEADBEEF0001"))
    assert isinstance(reply, AuthUnknownCard)
    assert reply.enrollment == "allowed"
    assert reply.state is not None
    bound = backend.auth(
        PasswordFactor(reply.state, "bob", "bob-demo-pass", "DEMO", enroll_card=True)
    )
    assert isinstance(bound, AuthEnroll)  # bob has no PIN yet


def test_first_factor_password_wrong_then_right(appliance):
    backend = client_for(appliance)
    wrong = backend.auth(PasswordFactor(None, "bob", "nope", "DEMO"))
    assert isinstance(wrong, AuthBadFactor)
    assert wrong.reason == "bad_password"
    assert wrong.state is None
    assert wrong.attempts_left == -1  # no user known, so no count
    right = backend.auth(PasswordFactor(None, "bob", "bob-demo-pass", "DEMO"))
    assert isinstance(right, AuthEnroll | AuthOk)


def test_a_wrong_kiosk_secret_is_rejected(appliance):
    with pytest.raises(Rejected) as caught:
        client_for(appliance, kiosk_secret="not-the-secret").kiosk_info()
    assert caught.value.code == "kiosk_unauthorized"
    assert caught.value.status == 401


def test_the_real_appliance_is_not_trusted_under_another_ca(appliance, tmp_path: Path):
    other_ca, _, _ = make_ca(tmp_path, "other")
    with pytest.raises(Unreachable, match="not trusted"):
        client_for(appliance, ca_path=str(other_ca)).kiosk_info()
