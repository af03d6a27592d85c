"""The kiosk's Spine and RA client against the real appliance over HTTPS, which asks the
simulated SSB (a real HTTPS server) for tickets."""

from __future__ import annotations

import pytest

from appliance.local import LocalAppliance
from greeter.backend import ProtocolError, Rejected
from greeter.flow.wire import AuthContinue, AuthOk, CardFactor, PinFactor
from greeter.spine_client import SpineClient, _status
from tests.appliance.vsc_helpers import give_alice_a_vsc
from tests.greeter.test_backend_appliance import ALICE, client_for
from tests.rig.ssb import ENVIRONMENT, LocalSsb

RAVI = "04AA0000000002"


def signed_in(client: SpineClient, card: str, pin: str) -> str:
    tapped = client.backend.auth(CardFactor(card))
    assert isinstance(tapped, AuthContinue)
    done = client.backend.auth(PinFactor(tapped.state, pin))
    assert isinstance(done, AuthOk)
    return done.session.id


def test_first_authentication_ticket_and_roles(spine_server: LocalAppliance, ssb: LocalSsb) -> None:
    client = SpineClient(client_for(spine_server), ENVIRONMENT)
    session = signed_in(client, ALICE, "1234")
    with pytest.raises(Rejected) as ended:
        client.ticket(session)
    assert ended.value.code == "spine_session_ended"

    issued = client.challenge(session)
    wrong = ssb.cards["bob@DEMO"].sign(issued.challenge)
    with pytest.raises(Rejected) as refused:
        client.authenticate(session, issued.challenge_id, wrong)
    assert refused.value.status == 403

    issued = client.challenge(session)
    status = client.authenticate(
        session, issued.challenge_id, ssb.cards["alice@DEMO"].sign(issued.challenge)
    )
    assert status.ticket_until
    assert status.environment == ENVIRONMENT
    assert status.method == "card"
    codes = [role.code for role in status.roles]
    assert len(codes) == 2
    # a card's ticket changes role only with a new authentication (a restart) naming it
    with pytest.raises(Rejected) as restart:
        client.choose_role(session, codes[1])
    assert restart.value.code == "spine_restart_required"
    issued = client.challenge(session)
    signature = ssb.cards["alice@DEMO"].sign(issued.challenge)
    status = client.authenticate(session, issued.challenge_id, signature, codes[1])
    assert (status.role, status.method) == (codes[1], "card")
    assert client.set_default_role(session, codes[0]).default_role == codes[0]
    held = client.ticket(session)
    assert held.ticket
    assert held.role == codes[1]


def test_a_vsc_user_authenticates_with_no_card_and_changes_role(
    spine_server: LocalAppliance,
) -> None:
    give_alice_a_vsc(spine_server, "VSC-G1")
    client = SpineClient(client_for(spine_server), ENVIRONMENT)
    session = signed_in(client, ALICE, "1234")
    status = client.authenticate_with_vsc(session)
    assert (status.method, status.role) == ("vsc", None)
    codes = [role.code for role in status.roles]
    assert client.choose_role(session, codes[1]).role == codes[1]
    assert client.ticket(session).method == "vsc"


def test_another_environment_is_refused(spine_server: LocalAppliance) -> None:
    client = SpineClient(client_for(spine_server), "production")
    session = signed_in(client, ALICE, "1234")
    with pytest.raises(Rejected) as refused:
        client.challenge(session)
    assert refused.value.code == "spine_environment_mismatch"


def test_an_ra_finds_users_and_unassigned_vscs(spine_server: LocalAppliance) -> None:
    client = SpineClient(client_for(spine_server), ENVIRONMENT)
    session = signed_in(client, RAVI, "2468")
    found = client.ra_users(session, "car", card_present=True)
    assert [(user.username, user.vsc and user.vsc.serial) for user in found] == [
        ("carol", "VSC-DEMO-0003")
    ]
    vscs = client.ra_unassigned_vscs(session, card_present=True)
    assert [vsc.serial for vsc in vscs] == ["VSC-DEMO-0002"]
    with pytest.raises(Rejected) as absent:
        client.ra_unassigned_vscs(session, card_present=False)
    assert absent.value.code == "ra_card_absent"
    bob = client.ra_users(session, "bob", card_present=True)[0]
    assigned = client.ra_assign(session, bob, vscs[0], card_present=True)
    assert assigned.owner == "bob@DEMO"
    assert assigned.status == "assigned"


@pytest.mark.parametrize(
    "body",
    [None, [], {"spine": "x"}, {"spine": {"roles": [{"name": "no code"}]}}, {"spine": {"role": 7}}],
)
def test_a_malformed_spine_reply_is_a_protocol_error_not_a_crash(body: object) -> None:
    with pytest.raises(ProtocolError):
        _status(body)
