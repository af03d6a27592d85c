"""The in-session agent end to end, as a clinician uses it: a real greeter (virtual taps), the
real appliance over HTTPS with the simulated SSB, the agent's QML window, and a Spine smartcard
whose far side is the rig's software card (tests/greeter/ui/agent_rig.py SoftSigner)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest

from appliance.local import LocalAppliance
from greeter.backend import Rejected
from greeter.cards.virtual import send_tap
from greeter.spine_client import SpineClient
from tests.appliance.admin_client import AdminClient
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.spine_fixtures import valid
from tests.appliance.vsc_helpers import add_vsc, assign, days, ra_session
from tests.greeter.test_backend_appliance import client_for
from tests.greeter.ui.agent_rig import (
    ALICE,
    NO_MODIFIER,
    PASSCODE,
    AgentRig,
    SoftSigner,
    rig,
    spine_server,
    ssb,
)
from tests.rig.ssb import CIS_USERNAMES, ENVIRONMENT, LocalSsb

__all__ = ["rig", "spine_server", "ssb"]

pytestmark = [pytest.mark.ui, pytest.mark.slow]

CLINICAL, ADMIN = "R8000", "R8008"


@pytest.fixture
def signer(ssb: LocalSsb) -> SoftSigner:
    return SoftSigner(ssb.cards["alice@DEMO"])


def ticket_of(appliance: LocalAppliance, rig: AgentRig) -> str:
    """The live ticket of the kiosk's running session, as a Spine application would get it."""
    desktop = rig.kiosk.greeter.kiosk.state.desktop
    assert desktop is not None
    return SpineClient(client_for(appliance), ENVIRONMENT).ticket(desktop.session.id).ticket


def first_spine_sign_in(rig: AgentRig) -> None:
    rig.sign_in(ALICE, "1234", role=CLINICAL)
    rig.wait_page("passcode")
    rig.passcode(PASSCODE)
    rig.wait_page("collapsed")


def test_the_agent_shows_in_the_session_and_hides_when_locked(rig: AgentRig) -> None:
    assert not rig.shown()
    rig.sign_in(ALICE, "1234", role=CLINICAL)
    # no live ticket: the agent asks for the Spine smartcard at once
    rig.wait_page("passcode")
    assert "insert your Spine smartcard" in rig.text("agentPasscodeTitle")
    rig.tap("agentClose")
    rig.wait_page("collapsed")
    # the role she chose at sign-in
    assert rig.text("agentToggle") == "Clinical Practitioner Access Role"
    rig.tap("agentToggle")
    rig.wait_page("menu")
    rig.tap("agentLock")
    rig.kiosk.wait_screen("locked")
    rig.kiosk.qtbot.waitUntil(lambda: not rig.shown(), timeout=3000)
    # her card unlocks (tap-and-go): the agent is back, collapsed, still asking for the card
    send_tap(rig.socket, ALICE)
    rig.kiosk.wait_screen("session")
    rig.wait_page("passcode")


def test_first_spine_sign_in_with_a_wrong_then_the_right_passcode(
    rig: AgentRig, spine_server: LocalAppliance
) -> None:
    rig.sign_in(ALICE, "1234", role=CLINICAL)
    rig.wait_page("passcode")
    rig.passcode("000000")
    rig.wait_page("passcode")
    assert rig.text("agentMessage") == (
        "That passcode is not right. 2 attempts left before the card is blocked."
    )
    rig.passcode(PASSCODE)
    rig.wait_page("collapsed")
    assert rig.text("agentToggle") == "Clinical Practitioner Access Role"
    assert ticket_of(spine_server, rig)
    # the passcode is in no log
    assert PASSCODE not in rig.kiosk.event_log.read_text()


def test_a_blocked_card_and_no_card_are_said_plainly(rig: AgentRig, signer: SoftSigner) -> None:
    rig.sign_in(ALICE, "1234", role=CLINICAL)
    rig.wait_page("passcode")
    for _ in range(3):
        rig.passcode("999999")
        rig.wait_page("passcode")
    assert rig.text("agentMessage").startswith("Your smartcard is blocked")
    signer.card = None
    rig.passcode(PASSCODE)
    rig.wait_page("passcode")
    assert rig.text("agentMessage").startswith("No Spine smartcard is in the reader.")


def test_set_default_role_and_card_users_change_role_by_restarting(
    rig: AgentRig, spine_server: LocalAppliance, signer: SoftSigner, ssb: LocalSsb
) -> None:
    first_spine_sign_in(rig)
    old_ticket = ticket_of(spine_server, rig)
    rig.tap("agentToggle")
    rig.wait_page("menu")
    assert rig.text("agentCurrentRole") == "Role: Clinical Practitioner Access Role"
    rig.tap("agentDefaultRole")
    rig.wait_page("roles")
    assert rig.has(f"agentRole_{CLINICAL}")
    assert rig.has(f"agentRole_{ADMIN}")
    rig.tap(f"agentRole_{ADMIN}")
    rig.wait_page("message")
    assert rig.text("agentMessageText").startswith("Your default role is set.")
    rig.tap("agentOk")
    rig.wait_page("collapsed")
    # this session keeps its role
    assert rig.text("agentToggle") == "Clinical Practitioner Access Role"

    rig.tap("agentToggle")
    rig.tap("agentChangeRole")
    rig.wait_page("card_role")
    assert rig.text("agentCardRoleText").startswith(
        "Smartcard users change role by restarting the Spine session"
    )
    rig.tap("agentRestartForRole")
    # the role first: the restart's authentication names it
    rig.wait_page("roles")
    assert rig.text("agentRolesTitle").startswith("Choose the role for your Spine session")
    rig.tap(f"agentRole_{ADMIN}")
    rig.wait_page("passcode")
    assert "restart" in rig.text("agentPasscodeTitle")
    # the old ticket stays valid until the new one replaces it
    assert ticket_of(spine_server, rig) == old_ticket
    assert valid(ssb, old_ticket)
    rig.passcode(PASSCODE)
    rig.wait_page("message")
    assert rig.text("agentMessageText") == "Your Spine session was restarted."
    rig.tap("agentOk")
    new_ticket = ticket_of(spine_server, rig)
    assert new_ticket
    assert new_ticket != old_ticket
    assert valid(ssb, new_ticket)
    assert not valid(ssb, old_ticket)
    # the new Spine session is in the role she picked
    assert rig.text("agentToggle") == "Admin/Clinical Support Access Role"
    desktop = rig.kiosk.greeter.kiosk.state.desktop
    assert desktop is not None
    held = SpineClient(client_for(spine_server), ENVIRONMENT).ticket(desktop.session.id)
    assert (held.method, held.role) == ("card", ADMIN)
    assert signer.signed == 2


def test_reset_needs_an_administrators_credentials(
    rig: AgentRig, spine_server: LocalAppliance
) -> None:
    first_spine_sign_in(rig)
    rig.tap("agentToggle")
    rig.wait_page("menu")
    assert not rig.has("agentReset")
    # the hidden entry: Ctrl+click on the title
    rig.tap("agentTitle", Qt.KeyboardModifier.ControlModifier)
    rig.wait_page("reset")
    rig.type_into("agentResetUser", "alice")
    rig.type_into("agentResetPassword", "alice-demo-pass")
    rig.type_into("agentResetDomain", "DEMO")
    rig.tap("agentResetOk")
    rig.wait_page("reset")
    assert rig.text("agentMessage") == (
        "Those are not an administrator's credentials. Nothing was reset."
    )
    assert ticket_of(spine_server, rig)

    rig.clear("agentResetUser")
    rig.type_into("agentResetUser", "ravi")
    rig.type_into("agentResetPassword", "ravi-demo-pass")
    rig.tap("agentResetOk")
    rig.wait_page("message")
    assert rig.text("agentMessageText").startswith("The Spine session was reset.")
    with pytest.raises(Rejected) as ended:
        ticket_of(spine_server, rig)
    assert ended.value.code == "spine_session_ended"
    rig.tap("agentOk")
    rig.tap("agentToggle")
    rig.wait_page("menu")
    assert rig.text("agentCurrentRole") == "Not signed in to Spine"
    # no password in any log
    assert "ravi-demo-pass" not in rig.kiosk.event_log.read_text()


def test_log_out_from_the_agent_ends_the_session(rig: AgentRig) -> None:
    first_spine_sign_in(rig)
    rig.tap("agentToggle")
    rig.wait_page("menu")
    rig.tap("agentLogOut")
    rig.kiosk.qtbot.waitUntil(
        lambda: ("ended", "alice") in rig.kiosk.session_actions(), timeout=10000
    )
    rig.kiosk.wait_screen("idle")
    assert not rig.shown()


def give_alice_a_vsc(appliance: LocalAppliance) -> None:
    """A VSC added through the admin API and assigned to alice by the RA ravi (with his card)
    at another kiosk."""
    add_vsc(AdminClient(appliance), CIS_USERNAMES["alice@DEMO"], "VSC-ALICE", days(200))
    secret = appliance.admin("kiosk", "add", "ra-desk").stdout.strip()
    desk = Kiosk(appliance, "ra-desk", secret)
    done = assign(desk, ra_session(desk), "alice", CIS_USERNAMES["alice@DEMO"], "VSC-ALICE")
    assert done.status_code == 200, done.text


def test_a_vsc_user_signs_in_to_spine_and_changes_role_with_no_card(
    rig: AgentRig, spine_server: LocalAppliance, signer: SoftSigner
) -> None:
    give_alice_a_vsc(spine_server)
    signer.card = None  # no card in any reader: none is needed
    rig.sign_in(ALICE, "1234", role=CLINICAL)
    # the appliance authenticates with her VSC: never a passcode page
    rig.kiosk.qtbot.waitUntil(
        lambda: rig.kiosk.greeter.agent is not None and rig.kiosk.greeter.agent.view().has_ticket,
        timeout=10000,
    )
    rig.wait_page("collapsed")
    ticket = ticket_of(spine_server, rig)
    rig.tap("agentToggle")
    rig.wait_page("menu")
    rig.tap("agentChangeRole")
    rig.wait_page("roles")
    assert rig.text("agentRolesTitle") == "Choose your Spine role."
    rig.tap(f"agentRole_{ADMIN}")
    rig.wait_page("collapsed")
    assert rig.text("agentToggle") == "Admin/Clinical Support Access Role"
    # the same ticket, in the new role: no re-authentication
    assert ticket_of(spine_server, rig) == ticket
    desktop = rig.kiosk.greeter.kiosk.state.desktop
    assert desktop is not None
    held = SpineClient(client_for(spine_server), ENVIRONMENT).ticket(desktop.session.id)
    assert (held.method, held.role) == ("vsc", ADMIN)
    assert signer.signed == 0
    assert "passcode" not in rig.pages_seen


def test_the_appliance_itself_refuses_a_card_sessions_role_change(
    rig: AgentRig, spine_server: LocalAppliance
) -> None:
    first_spine_sign_in(rig)
    desktop = rig.kiosk.greeter.kiosk.state.desktop
    assert desktop is not None
    client = SpineClient(client_for(spine_server), ENVIRONMENT)
    with pytest.raises(Rejected) as refused:
        client.choose_role(desktop.session.id, ADMIN)
    assert refused.value.code == "spine_restart_required"


def test_the_open_menu_works_from_the_keyboard(rig: AgentRig) -> None:
    first_spine_sign_in(rig)
    rig.tap("agentToggle")
    rig.wait_page("menu")
    assert rig.item("agentChangeRole").hasActiveFocus()
    rig.press(Qt.Key.Key_Down)
    assert rig.item("agentDefaultRole").hasActiveFocus()
    rig.press(Qt.Key.Key_Return)
    rig.wait_page("roles")
    rig.press(Qt.Key.Key_Escape)
    rig.wait_page("menu")
    # the hidden Reset: a long press on the title
    title = rig.item("agentTitle")
    centre = title.mapToScene(QPointF(title.width() / 2, title.height() / 2)).toPoint()
    QTest.mousePress(rig.window.view, Qt.MouseButton.LeftButton, NO_MODIFIER, centre)
    rig.kiosk.qtbot.wait(1700)
    QTest.mouseRelease(rig.window.view, Qt.MouseButton.LeftButton, NO_MODIFIER, centre)
    rig.wait_page("reset")
    rig.press(Qt.Key.Key_Escape)
    rig.wait_page("menu")
    rig.press(Qt.Key.Key_Escape)
    rig.wait_page("collapsed")
    toggle = QAccessible.queryAccessibleInterface(rig.item("agentToggle"))
    assert toggle is not None
    assert toggle.text(QAccessible.Text.Name) == (
        "Spine role: Clinical Practitioner Access Role. Open the menu"
    )
