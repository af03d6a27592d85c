"""Spine under a policy with no tap-and-go (`grace=0`): a two-factor login still opens and uses
its user's Spine session, a card alone still never signs in, one factor still never reaches
Spine. Over HTTPS with the simulated SSB, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from appliance.local import LocalAppliance
from tests.appliance.spine_client import ALICE_CARD, SpineKiosk, other_kiosk
from tests.appliance.spine_fixtures import report, valid
from tests.rig.ssb import LocalSsb


def _no_grace(server: LocalAppliance) -> None:
    done = server.admin("policy", "set", "grace=0")
    assert done.returncode == 0, done.stderr


@pytest.fixture
def no_grace_server(spine_server_any: LocalAppliance) -> LocalAppliance:
    """The Spine appliance (SQLite and PostgreSQL) under a policy with grace 0."""
    _no_grace(spine_server_any)
    return spine_server_any


def _seconds_left(until: str) -> float:
    moment = dt.datetime.strptime(until, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    return (moment - dt.datetime.now(dt.UTC)).total_seconds()


def test_a_card_and_pin_login_uses_spine_with_no_grace(
    no_grace_server: LocalAppliance, ssb: LocalSsb
) -> None:
    server = no_grace_server
    ward = SpineKiosk(server)
    second = other_kiosk(server, "ward-b")
    try:
        tapped = ward.tap(ALICE_CARD)
        assert (tapped["status"], tapped["need"]) == ("continue", ["pin"])
        done = ward.pin(tapped["state"], "1234")
        assert done["status"] == "ok", done
        assert done["session"]["spine"]["grace_until"] is None  # no tap-and-go from it
        session = done["session"]["id"]

        # challenge and ticket through the SSB, as with a grace
        won = ward.first_auth(session, "alice@DEMO", ssb)
        assert won.status_code == 200, won.text
        spine = won.json()["spine"]
        assert [role["code"] for role in spine["roles"]] == ["R8000", "R8008"]
        # the ticket lives what the SSB allows (the rig's: 12 h), not the policy's 0 s
        assert _seconds_left(spine["ticket_until"]) > 11 * 3600
        held = ward.spine(session, "ticket")
        assert held.status_code == 200, held.text
        ticket = held.json()["spine"]["ticket"]
        assert valid(ssb, ticket)
        chosen = ward.spine(session, "default-role", {"role": "R8000"})
        assert chosen.status_code == 200, chosen.text
        assert chosen.json()["spine"]["default_role"] == "R8000"

        # no tap-and-go: her card alone, here or elsewhere, is asked for the PIN
        for kiosk in (ward, second):
            tap = kiosk.tap(ALICE_CARD)
            assert (tap["status"], tap["need"]) == ("continue", ["pin"])

        # her password alone elsewhere: one factor, no Spine, whatever the grace
        alone = second.password("alice", "alice-demo-pass")
        assert alone["status"] == "ok", alone
        one_factor = alone["session"]["id"]
        for action in ("challenge", "ticket"):
            refused = second.spine(one_factor, action)
            assert refused.status_code == 403, refused.text
            assert refused.json()["code"] == "spine_two_factor_required"

        # card and PIN elsewhere: the same Spine session, with no new authentication
        again = second.two_factor()
        reused = second.spine(again, "ticket")
        assert reused.status_code == 200, reused.text
        assert reused.json()["spine"]["ticket"] == ticket
    finally:
        ward.close()
        second.close()
    counts = report(server)["alice"]
    # refused: the password login met a live ticket, then asked for a challenge
    assert (counts["created"], counts["reused"], counts["refused_single_factor"]) == (1, 1, 2)
    audit = server.admin("audit", "--json", "--lines", "200").stdout
    # the policy has no grace to refuse: a one-factor login is not counted as refusing one
    assert "grace_refused" not in audit
    assert ticket not in audit


def test_what_ends_a_spine_session_ends_it_with_no_grace(
    no_grace_server: LocalAppliance, ssb: LocalSsb
) -> None:
    server = no_grace_server
    ward = SpineKiosk(server)
    enders = (
        lambda session: ward.spine(session, "end", {}).status_code == 204,  # Spine card out
        lambda _: server.admin("spine", "delete", "alice@DEMO").returncode == 0,  # a lost card
    )
    try:
        for end in enders:
            session, ticket = ward.ticketed(ssb)
            assert end(session)
            assert not valid(ssb, ticket)
            gone = ward.spine(session, "ticket")
            assert (gone.status_code, gone.json()["code"]) == (404, "spine_session_ended")
    finally:
        ward.close()
    counts = report(server)["alice"]
    assert (counts["created"], counts["ended"], counts["deleted"]) == (2, 1, 1)


def test_a_grace_from_before_the_policy_turned_it_off_lets_no_tap_through(
    spine_server: LocalAppliance, ward: SpineKiosk
) -> None:
    ward.two_factor()  # card and PIN under the demo's 8 h grace
    assert ward.tap(ALICE_CARD)["status"] == "ok"  # tap-and-go
    _no_grace(spine_server)
    tap = ward.tap(ALICE_CARD)
    assert (tap["status"], tap["need"]) == ("continue", ["pin"])
