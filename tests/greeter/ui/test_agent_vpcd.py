"""The first Spine authentication of a shift through the agent's screens with a real Spine
smartcard path: alice signs in (card tap, PIN, role), puts her Spine smartcard (a vpcd contact
card holding her key and certificate, tests/rig/spine_card.py) in the kiosk's contact reader,
types its passcode in the agent, and the greeter's PC/SC signer has the card sign the broker's
challenge; the real appliance over HTTPS asks the simulated SSB for the ticket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from appliance.local import LocalAppliance
from greeter.cards.spine_card import PcscSpineSigner
from tests.greeter.ui.agent_rig import ALICE, AgentRig, SoftSigner, spine_server, ssb
from tests.greeter.ui.kiosk_rig import build_rig
from tests.greeter.ui.test_agent import CLINICAL, ticket_of
from tests.rig.pcsc import IsolatedPcscd
from tests.rig.spine_card import SpineCard
from tests.rig.ssb import LocalSsb

__all__ = ["spine_server", "ssb"]
pytestmark = [pytest.mark.ui, pytest.mark.pcsc, pytest.mark.slow]
PASSCODE = "80417263"


@pytest.fixture
def rig(
    tmp_path: Path,
    spine_server: LocalAppliance,
    qtbot: Any,
    qt_style: None,
    pcscd: IsolatedPcscd,
) -> Iterator[AgentRig]:
    socket = tmp_path / "tap.sock"
    signer = PcscSpineSigner()
    for kiosk in build_rig(
        tmp_path, spine_server, qtbot, pcsc=True, virtual_socket=socket, spine_signer=signer
    ):
        yield AgentRig(kiosk, cast(SoftSigner, signer), socket)


def test_the_agent_signs_with_the_spine_card_in_the_reader(
    rig: AgentRig, spine_server: LocalAppliance, ssb: LocalSsb, pcscd: IsolatedPcscd
) -> None:
    rig.sign_in(ALICE, "1234", role=CLINICAL)
    rig.wait_page("passcode")
    rig.passcode(PASSCODE)
    rig.wait_page("passcode")
    assert rig.text("agentMessage").startswith("No Spine smartcard is in the reader.")

    card = pcscd.attach(
        SpineCard.holding(pcscd.readers[1].port, ssb.cards["alice@DEMO"], passcode=PASSCODE)
    )
    card.insert()
    # pcscd sees a card on its next poll of the reader
    rig.kiosk.qtbot.waitUntil(PcscSpineSigner().present, timeout=10_000)
    rig.passcode("11112222")
    rig.wait_page("passcode")
    assert rig.text("agentMessage") == (
        "That passcode is not right. 2 attempts left before the card is blocked."
    )
    rig.passcode(PASSCODE)
    rig.wait_page("collapsed")
    assert ticket_of(spine_server, rig)
    # the Spine card in the contact reader is not a tap: the session was never locked
    assert rig.kiosk.showing() == "session"
    assert "locked" not in [line.get("action") for line in rig.kiosk.events("session")]
    assert PASSCODE not in rig.kiosk.event_log.read_text()
    card.remove()
