"""VSC users authenticate to Spine with no card: the appliance signs the simulated SSB's
challenge with the user's virtual smartcard, over HTTPS end to end (SQLite and PostgreSQL
where the database decides)."""

from __future__ import annotations

import datetime as dt
import time

from appliance.local import LocalAppliance
from tests.appliance.admin_client import AdminClient
from tests.appliance.spine_client import SpineKiosk
from tests.appliance.spine_fixtures import report, valid
from tests.appliance.vsc_helpers import add_vsc, assign, days, ra_session
from tests.rig.ssb import CIS_USERNAMES, LocalSsb

ALICE_CIS = CIS_USERNAMES["alice@DEMO"]
VSC = {"vsc": True}


def give_alice_a_vsc(
    server: LocalAppliance, serial: str, lifetime: dt.timedelta | None = None, cis: str = ALICE_CIS
) -> dt.datetime:
    """Added through the admin API, assigned by the RA ravi at a kiosk with his card; returns
    the VSC's expiry."""
    made = add_vsc(AdminClient(server), cis, serial, lifetime or days(200))
    ra = SpineKiosk(server)
    try:
        done = assign(ra, ra_session(ra), "alice", cis, serial)
        assert done.status_code == 200, done.text
    finally:
        ra.close()
    return made.certificate.not_valid_after_utc


def test_a_vsc_user_gets_a_ticket_with_no_card(
    spine_server_any: LocalAppliance, ssb: LocalSsb
) -> None:
    server = spine_server_any
    give_alice_a_vsc(server, "VSC-A1")
    ward = SpineKiosk(server)
    try:
        session = ward.two_factor()
        done = ward.spine(session, "authenticate", VSC)
        assert done.status_code == 200, done.text
        spine = done.json()["spine"]
        assert spine["method"] == "vsc"
        assert [role["code"] for role in spine["roles"]] == ["R8000", "R8008"]
        held = ward.spine(session, "ticket").json()["spine"]
        assert held["method"] == "vsc"
        assert valid(ssb, held["ticket"])
    finally:
        ward.close()
    assert report(server)["alice"]["created"] == 1
    audit = server.admin("audit", "--json", "--lines", "50").stdout
    assert held["ticket"] not in audit
    assert "PRIVATE KEY" not in audit


def test_the_ssb_refuses_another_users_vsc(spine_server_any: LocalAppliance) -> None:
    # the inventory row is alice's, but its certificate names bob's CIS identity: the SSB
    # does not take the appliance's word for whose VSC it is
    give_alice_a_vsc(spine_server_any, "VSC-A2", cis=CIS_USERNAMES["bob@DEMO"])
    ward = SpineKiosk(spine_server_any)
    try:
        session = ward.two_factor()
        refused = ward.spine(session, "authenticate", VSC)
        assert (refused.status_code, refused.json()["code"]) == (
            403,
            "spine_certificate_refused",
        )
        assert ward.spine(session, "ticket").json()["code"] == "spine_session_ended"
    finally:
        ward.close()


def test_expired_revoked_and_missing_vscs_are_refused_with_no_ticket(
    spine_server_any: LocalAppliance,
) -> None:
    server = spine_server_any
    ward = SpineKiosk(server)
    try:
        session = ward.two_factor()
        none = ward.spine(session, "authenticate", VSC)
        assert (none.status_code, none.json()["code"]) == (403, "vsc_unusable")
        assert "no virtual smartcard" in none.json()["message"]

        expiry = give_alice_a_vsc(server, "VSC-A3", lifetime=dt.timedelta(seconds=5))
        time.sleep(max(0.0, (expiry - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
        expired = ward.spine(session, "authenticate", VSC)
        assert (expired.status_code, expired.json()["code"]) == (403, "vsc_unusable")
        assert "expired" in expired.json()["message"]
        assert "Registration Authority" in expired.json()["message"]
        assert ward.spine(session, "ticket").json()["code"] == "spine_session_ended"
    finally:
        ward.close()


def test_a_revoked_vsc_is_refused(spine_server_any: LocalAppliance) -> None:
    server = spine_server_any
    give_alice_a_vsc(server, "VSC-A4")
    AdminClient(server).ok("POST", "/vscs/VSC-A4/revoke")
    ward = SpineKiosk(server)
    try:
        session = ward.two_factor()
        revoked = ward.spine(session, "authenticate", VSC)
        assert (revoked.status_code, revoked.json()["code"]) == (403, "vsc_unusable")
        assert "revoked" in revoked.json()["message"]
        assert ward.spine(session, "ticket").json()["code"] == "spine_session_ended"
    finally:
        ward.close()
    assert report(server).get("alice", {}).get("created", 0) == 0


def test_a_one_factor_login_is_refused_and_counted(spine_server: LocalAppliance) -> None:
    give_alice_a_vsc(spine_server, "VSC-A5")
    ward = SpineKiosk(spine_server)
    try:
        done = ward.password("alice", "alice-demo-pass")
        assert done["status"] == "ok"
        before = report(spine_server).get("alice", {}).get("refused_single_factor", 0)
        refused = ward.spine(done["session"]["id"], "authenticate", VSC)
        assert (refused.status_code, refused.json()["code"]) == (403, "spine_two_factor_required")
        assert ward.spine(done["session"]["id"], "ticket").status_code == 403
    finally:
        ward.close()
    assert report(spine_server)["alice"]["refused_single_factor"] == before + 1


def test_a_body_with_both_a_signature_and_vsc_is_refused(ward: SpineKiosk) -> None:
    session = ward.two_factor()
    both = {"vsc": True, "challenge_id": "abc", "signature": "AAAA"}
    refused = ward.spine(session, "authenticate", both)
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_request")
    neither = ward.spine(session, "authenticate", {})
    assert (neither.status_code, neither.json()["code"]) == (400, "invalid_request")


def test_a_vsc_session_changes_role_at_once(spine_server: LocalAppliance, ssb: LocalSsb) -> None:
    give_alice_a_vsc(spine_server, "VSC-A6")
    ward = SpineKiosk(spine_server)
    try:
        session = ward.two_factor()
        first = ward.spine(session, "authenticate", VSC).json()["spine"]
        ticket = ward.spine(session, "ticket").json()["spine"]["ticket"]
        assert first["role"] is None  # two roles, no default: the role screen
        for role in ("R8008", "R8000"):
            changed = ward.spine(session, "role", {"role": role})
            assert changed.status_code == 200, changed.text
            assert (changed.json()["spine"]["role"], changed.json()["spine"]["method"]) == (
                role,
                "vsc",
            )
        # no new authentication: the same ticket, still valid at the SSB
        assert ward.spine(session, "ticket").json()["spine"]["ticket"] == ticket
        assert valid(ssb, ticket)
        # a restart with the VSC may name the role too
        again = ward.spine(session, "authenticate", {**VSC, "role": "R8008"}).json()["spine"]
        assert again["role"] == "R8008"
        assert not valid(ssb, ticket)
    finally:
        ward.close()
