"""A Registration Authority assigns a virtual smartcard through the agent's screens: a real
greeter, the real appliance over HTTPS, the RA's own smartcard as the rig's software card
(tests/greeter/ui/agent_rig.py SoftSigner: "present" while it holds a card). Each refusal of
the RA routes is shown with its own sentence."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from appliance.local import LocalAppliance
from tests.appliance.admin_client import AdminClient
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.vsc_helpers import add_vsc, days
from tests.appliance.vsc_helpers import assign as assign_by_api
from tests.greeter.ui.agent_rig import (
    ALICE,
    PASSCODE,
    RAVI,
    AgentRig,
    SoftSigner,
    rig,
    spine_server,
    ssb,
)
from tests.rig.ssb import LocalSsb

__all__ = ["rig", "spine_server", "ssb"]

pytestmark = [pytest.mark.ui, pytest.mark.slow]
ABSENT = "Insert your own Registration Authority smartcard in the reader, then try again."


@pytest.fixture
def signer(ssb: LocalSsb) -> SoftSigner:
    return SoftSigner(ssb.cards["ravi@DEMO"])


def open_manage(rig: AgentRig, card: str = RAVI, pin: str = "2468", *, spine: bool = True) -> None:
    """Sign in, authenticate to Spine with the smartcard in the reader (the card the RA
    screens then take as the RA's own), open Manage virtual smartcards."""
    rig.sign_in(card, pin)
    rig.wait_page("passcode")
    if spine:
        rig.passcode(PASSCODE)
    else:
        rig.tap("agentClose")
    rig.wait_page("collapsed")
    rig.tap("agentToggle")
    rig.wait_page("menu")
    rig.tap("agentManageVscs")
    rig.wait_page("ra_search")


def search_and_pick(rig: AgentRig, query: str, username: str) -> None:
    rig.type_into("agentRaQuery", query)
    rig.tap("agentRaSearchButton")
    rig.kiosk.qtbot.waitUntil(lambda: rig.has(f"agentRaUser_{username}"), timeout=10000)
    rig.tap(f"agentRaUser_{username}")
    rig.wait_page("ra_user")


def assign(rig: AgentRig, serial: str) -> str:
    """Assign VSC, pick `serial`; the sentence shown (on the list, or the message page)."""
    rig.tap("agentRaAssign")
    rig.wait_page("ra_vscs")
    rig.tap(f"agentRaVsc_{serial}")
    rig.kiosk.qtbot.waitUntil(lambda: not rig.busy(), timeout=10000)
    rig.kiosk.screen.settle()
    if rig.page == "message":
        return rig.text("agentMessageText")
    return rig.text("agentMessage")


def refused_on_list(rig: AgentRig, serial: str) -> str:
    rig.tap(f"agentRaVsc_{serial}")
    rig.kiosk.qtbot.waitUntil(lambda: not rig.busy(), timeout=10000)
    rig.kiosk.screen.settle()
    assert rig.page == "ra_vscs"
    return rig.text("agentMessage")


def back_to_search(rig: AgentRig) -> None:
    rig.tap("agentClose")
    rig.wait_page("ra_user")
    rig.tap("agentClose")
    rig.wait_page("ra_search")
    rig.clear("agentRaQuery")


def test_an_ra_assigns_a_vsc_and_each_refusal_reads_plainly(
    rig: AgentRig, spine_server: LocalAppliance
) -> None:
    admin = AdminClient(spine_server)
    add_vsc(admin, "555000000010", "VSC-10", days(200))
    add_vsc(admin, "555000000011", "VSC-11", days(200))
    add_vsc(admin, "555000000012", "VSC-12", days(200))
    open_manage(rig)

    search_and_pick(rig, "rav", "ravi")
    assert assign(rig, "VSC-10") == "You cannot assign a virtual smartcard to yourself."
    back_to_search(rig)

    assert spine_server.admin("user", "set", "alice", "--ra").returncode == 0
    search_and_pick(rig, "alice", "alice")
    assert assign(rig, "VSC-10") == (
        "That user is a Registration Authority, and a Registration Authority may not hold a"
        " virtual smartcard."
    )
    back_to_search(rig)

    search_and_pick(rig, "car", "carol")
    assert "holds virtual smartcard VSC-DEMO-0003" in rig.text("agentRaUserText")
    assert assign(rig, "VSC-10") == "That user already holds a virtual smartcard."
    back_to_search(rig)

    search_and_pick(rig, "bob", "bob")
    assert rig.text("agentRaUserText") == "Bob Brown (bob@DEMO) holds no virtual smartcard."
    expires = time.monotonic() + 4
    add_vsc(admin, "555000000013", "VSC-13", dt.timedelta(seconds=4))
    rig.tap("agentRaAssign")
    rig.wait_page("ra_vscs")
    # the list was read before these changed under it: VSC-11 revoked, VSC-12 assigned to
    # alice at another kiosk, VSC-13 run out
    admin.ok("POST", "/vscs/VSC-11/revoke")
    assert refused_on_list(rig, "VSC-11") == (
        "That virtual smartcard has been revoked. Choose another."
    )
    assert spine_server.admin("user", "set", "alice", "--no-ra").returncode == 0
    secret = spine_server.admin("kiosk", "add", "ward2").stdout.strip()
    other = Kiosk(spine_server, "ward2", secret)
    tapped = other.tap(RAVI)  # inside his grace: tap-and-go
    assert tapped["status"] == "ok", tapped
    done = assign_by_api(other, tapped["session"]["id"], "alice", "555000000012", "VSC-12")
    assert done.status_code == 200, done.text
    assert refused_on_list(rig, "VSC-12") == (
        "That virtual smartcard already belongs to someone. Choose another."
    )
    time.sleep(max(0.0, expires + 0.5 - time.monotonic()))
    assert refused_on_list(rig, "VSC-13") == "That virtual smartcard has expired. Choose another."

    rig.tap("agentRaVsc_VSC-10")
    rig.wait_page("message")
    assert rig.text("agentMessageText") == "Virtual smartcard VSC-10 is now assigned to bob@DEMO."
    owners = {vsc["serial"]: vsc["owner"] for vsc in admin.ok("GET", "/vscs")["vscs"]}
    assert owners["VSC-10"] == "bob@DEMO"


def test_without_the_ras_card_nothing_is_asked_of_the_appliance_but_refused(
    rig: AgentRig, signer: SoftSigner, spine_server: LocalAppliance
) -> None:
    open_manage(rig)
    signer.card = None
    rig.type_into("agentRaQuery", "bob")
    rig.tap("agentRaSearchButton")
    rig.kiosk.qtbot.waitUntil(lambda: rig.has("agentMessage"), timeout=10000)
    assert rig.text("agentMessage") == ABSENT
    assert not rig.has("agentRaUser_bob")


def test_a_user_who_is_no_longer_an_ra_is_refused(
    rig: AgentRig, spine_server: LocalAppliance, signer: SoftSigner, ssb: LocalSsb
) -> None:
    assert spine_server.admin("user", "set", "alice", "--ra").returncode == 0
    signer.card = ssb.cards["alice@DEMO"]
    rig.sign_in(ALICE, "1234", role="R8000")
    rig.wait_page("passcode")
    rig.passcode(PASSCODE)
    rig.wait_page("collapsed")
    rig.tap("agentToggle")
    rig.wait_page("menu")
    assert spine_server.admin("user", "set", "alice", "--no-ra").returncode == 0
    rig.tap("agentManageVscs")
    rig.wait_page("ra_search")
    rig.type_into("agentRaQuery", "bob")
    rig.tap("agentRaSearchButton")
    rig.kiosk.qtbot.waitUntil(lambda: rig.has("agentMessage"), timeout=10000)
    assert rig.text("agentMessage") == (
        "You are not a Registration Authority, so you cannot manage virtual smartcards."
    )


def test_the_menu_offers_manage_vscs_to_ras_only(rig: AgentRig) -> None:
    rig.sign_in(ALICE, "1234", role="R8000")
    rig.wait_page("passcode")
    rig.tap("agentClose")
    rig.tap("agentToggle")
    rig.wait_page("menu")
    assert not rig.has("agentManageVscs")


def test_only_the_card_that_won_the_ras_spine_session_counts_as_theirs(
    rig: AgentRig, signer: SoftSigner, ssb: LocalSsb, spine_server: LocalAppliance
) -> None:
    add_vsc(AdminClient(spine_server), "555000000030", "VSC-30", days(200))
    open_manage(rig)
    search_and_pick(rig, "bob", "bob")
    # another user's Spine smartcard in the reader is not the RA's
    signer.card = ssb.cards["alice@DEMO"]
    rig.tap("agentRaAssign")
    rig.kiosk.qtbot.waitUntil(lambda: not rig.busy() and rig.has("agentMessage"), timeout=10000)
    assert rig.page == "ra_user"
    assert rig.text("agentMessage") == ABSENT
    # their own again: the list comes
    signer.card = ssb.cards["ravi@DEMO"]
    rig.tap("agentRaAssign")
    rig.wait_page("ra_vscs")
    assert rig.has("agentRaVsc_VSC-30")


def test_an_ra_who_skipped_the_spine_sign_in_has_shown_no_card(
    rig: AgentRig, spine_server: LocalAppliance
) -> None:
    add_vsc(AdminClient(spine_server), "555000000031", "VSC-31", days(200))
    open_manage(rig, spine=False)
    rig.type_into("agentRaQuery", "bob")
    rig.tap("agentRaSearchButton")
    rig.kiosk.qtbot.waitUntil(lambda: rig.has("agentMessage"), timeout=10000)
    assert rig.text("agentMessage") == ABSENT
    assert not rig.has("agentRaUser_bob")
