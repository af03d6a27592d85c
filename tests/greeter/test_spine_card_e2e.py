"""The first Spine authentication of a shift, end to end: alice taps her badge (vpcd,
contactless) on a kiosk wired as `greeter run` wires it, types her PIN, puts her Spine
smartcard (vpcd, contact) in the other reader, and the card signs the broker's challenge with
her passcode; the real appliance over HTTPS asks the simulated SSB, which issues the ticket.
A wrong passcode and another user's card fail for real, on the card and at the broker."""

from __future__ import annotations

import base64
import json
import logging

import pytest

from greeter.backend import Rejected
from greeter.cards.spine_card import PcscSpineSigner
from greeter.config import load
from greeter.flow.model import PinEntered, RoleChosen
from greeter.inline import InlineExecutor
from greeter.spine_client import SpineClient
from greeter.spine_signer import SpineCardError
from greeter.wiring import build_kiosk
from tests.greeter.test_app import ALICE, events, write_config
from tests.greeter.test_backend_appliance import client_for
from tests.rig import pcsc as pcsc_rig
from tests.rig.pcsc import IsolatedPcscd
from tests.rig.spine_card import SpineCard
from tests.rig.ssb import ENVIRONMENT, LocalSsb

pytestmark = pytest.mark.pcsc

# the isolated pcscd of tests/cards (importing the rig claims its socket path); the simulated
# SSB and an appliance that uses it (`spine_server`) come from tests/greeter/conftest.py
pcscd = pcsc_rig.pcscd
pcscd_socket_dir = pcsc_rig.pcscd_socket_dir
PASSCODE = "80417263"
WRONG = "93750286"


def _insert_spine_card(daemon: IsolatedPcscd, ssb: LocalSsb, user: str) -> SpineCard:
    card = daemon.attach(
        SpineCard.holding(daemon.readers[1].port, ssb.cards[user], passcode=PASSCODE)
    )
    card.insert()
    return card


def test_badge_pin_then_the_spine_card_signs_and_the_broker_issues_a_ticket(
    tmp_path, pcscd, ssb, spine_server, caplog
):
    caplog.set_level(logging.DEBUG)
    path = write_config(
        tmp_path,
        spine_server.url,
        spine_server.ca_path,
        spine_server.kiosk_secret,
        '["sleep", "60"]',
        extra=f'[spine]\nenvironment = "{ENVIRONMENT}"\ncard_removal_ends_session = true\n',
    )
    path.write_text(path.read_text().replace("pcsc = false", "pcsc = true"))
    executor = InlineExecutor()
    log_path = tmp_path / "events.jsonl"
    kiosk = build_kiosk(load(path), executor, event_log_path=str(log_path))
    try:
        kiosk.start()
        badge = pcscd.card(pcscd.readers[0], uid=bytes.fromhex(ALICE))
        badge.insert()
        assert executor.run_until(lambda: kiosk.view.screen == "pin", 10)
        kiosk.dispatch(PinEntered("1234"))
        if kiosk.view.screen == "role":
            kiosk.dispatch(RoleChosen(kiosk.view.roles[0].code))
        assert kiosk.view.screen == "session"
        assert kiosk.state.desktop is not None
        session = kiosk.state.desktop.session.id

        # her Spine card goes in: the agent's hook hears it, the session stays open
        card = _insert_spine_card(pcscd, ssb, "alice@DEMO")
        assert executor.run_until(lambda: kiosk.spine_card.present, 10)
        assert kiosk.view.screen == "session"
        assert not kiosk.state.desktop.locked

        client = SpineClient(client_for(spine_server), ENVIRONMENT)
        signer = PcscSpineSigner()
        issued = client.challenge(session)
        challenge = base64.b64decode(issued.challenge)
        with pytest.raises(SpineCardError) as wrong:
            signer.sign(WRONG, challenge)
        assert (wrong.value.problem, wrong.value.tries_left) == ("wrong_passcode", 2)
        signature = base64.b64encode(signer.sign(PASSCODE, challenge)).decode()
        status = client.authenticate(session, issued.challenge_id, signature)
        assert status.ticket_until
        assert client.ticket(session).ticket

        # another user's card in alice's session: it signs, the broker refuses
        card.remove()
        assert executor.run_until(lambda: not kiosk.spine_card.present, 10)
        # [spine] card_removal_ends_session: the kiosk had the appliance end her Spine session
        assert f"POST /v1/sessions/{session}/spine/end " in caplog.text
        with pytest.raises(Rejected) as ended:
            client.ticket(session)
        assert ended.value.code == "spine_session_ended"
        _insert_spine_card(pcscd, ssb, "bob@DEMO")
        assert executor.run_until(lambda: kiosk.spine_card.present, 10)
        issued = client.challenge(session)
        bobs = signer.sign(PASSCODE, base64.b64decode(issued.challenge))
        with pytest.raises(Rejected) as refused:
            client.authenticate(session, issued.challenge_id, base64.b64encode(bobs).decode())
        assert refused.value.status == 403
        assert kiosk.view.screen == "session"
    finally:
        kiosk.close()

    lines = events(log_path)
    spine = [line for line in lines if line["event"] == "spine_card"]
    assert [(line["action"], line.get("ends_spine_session", False)) for line in spine] == [
        ("inserted", False),
        ("removed", True),  # [spine] card_removal_ends_session = true
        ("inserted", False),
    ]
    assert [line["event"] for line in lines].count("card") == 1  # the badge's tap only
    logged = log_path.read_text()
    for secret in ("1234", ALICE):
        assert secret not in logged
    everything = logged + caplog.text + json.dumps([r.getMessage() for r in caplog.records])
    for secret in (PASSCODE, WRONG, PASSCODE.encode().hex(), WRONG.encode().hex()):
        assert secret not in everything
