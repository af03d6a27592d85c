"""The user's own kiosk ends their Spine session (`POST …/spine/end`: the Spine card taken out,
or the Spine idle period over), over HTTPS with the simulated SSB, on SQLite and PostgreSQL."""

from __future__ import annotations

from appliance.local import LocalAppliance
from tests.appliance.spine_client import ALICE_CARD, SpineKiosk, other_kiosk
from tests.appliance.spine_fixtures import report, valid
from tests.rig.ssb import LocalSsb


def test_the_holder_ends_the_spine_session_and_no_other_kiosk_may(
    spine_server_any: LocalAppliance, ssb: LocalSsb
) -> None:
    server = spine_server_any
    ward = SpineKiosk(server)
    second = other_kiosk(server, "ward-b")
    try:
        session, ticket = ward.ticketed(ssb)
        # another kiosk, even signed in as the same user elsewhere, cannot end this one's
        # session by its id
        second.two_factor()
        stranger = second.spine(session, "end", {})
        assert (stranger.status_code, stranger.json()["code"]) == (404, "not_found")
        assert ward.spine(session, "ticket").status_code == 200
        assert valid(ssb, ticket)

        ended = ward.spine(session, "end", {})
        assert ended.status_code == 204, ended.text
        # the SSB no longer honours the ticket, the appliance no longer hands it out
        assert not valid(ssb, ticket)
        gone = ward.spine(session, "ticket")
        assert (gone.status_code, gone.json()["code"]) == (404, "spine_session_ended")
        # the tap-and-go grace ended too: the next tap asks for the PIN
        assert ward.tap(ALICE_CARD)["status"] == "continue"
        # nothing left to end: still 204, not counted twice
        assert ward.spine(session, "end", {}).status_code == 204
    finally:
        ward.close()
        second.close()
    assert report(server)["alice"]["ended"] == 1
    audit = server.admin("audit", "--json", "--lines", "100").stdout
    assert "spine_ended" in audit
    assert ticket not in audit


def test_ending_needs_the_kiosk_environment_and_a_live_desktop_session(
    spine_server: LocalAppliance, ward: SpineKiosk, ssb: LocalSsb
) -> None:
    session, ticket = ward.ticketed(ssb)
    wrong = ward.spine(session, "end", {}, env="production")
    assert (wrong.status_code, wrong.json()["code"]) == (409, "spine_environment_mismatch")
    assert ward.post(f"/v1/sessions/{session}/logout", {}).status_code == 204
    # a logged-out desktop session is no one's: it cannot end the Spine session (which the
    # shift keeps for the user's next login)
    assert ward.spine(session, "end", {}).status_code == 404
    assert valid(ssb, ticket)
