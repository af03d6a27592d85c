"""Spine sessions with tickets, end to end: kiosks over HTTPS to a real appliance, which asks
the simulated SSB (`appliance.ssb_sim`) over HTTPS it trusts through `ssb-certs/` alone."""

from __future__ import annotations

import contextlib
import io
import json
import time

import requests

from appliance.local import LocalAppliance
from bench.spine_ticket import main as bench_main
from tests.appliance.admin_client import AdminClient
from tests.appliance.spine_client import ALICE_CARD, SPINE, SpineKiosk, other_kiosk
from tests.appliance.spine_fixtures import report
from tests.appliance.spine_fixtures import valid as _valid
from tests.rig.ssb import LocalSsb

RAVI_CARD, RAVI_PIN = "04AA0000000002", "2468"


def test_first_auth_right_and_wrong_signature_then_reuse_on_another_kiosk(
    spine_server_any: LocalAppliance, ssb: LocalSsb
) -> None:
    spine_server = spine_server_any
    ward = SpineKiosk(spine_server)
    session = ward.two_factor()
    # before any Spine authentication there is no ticket
    assert ward.spine(session, "ticket").json()["code"] == "spine_session_ended"
    # another user's card signs: the SSB refuses, nothing is stored
    wrong = ward.first_auth(session, "carol@DEMO", ssb)
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "spine_signature_invalid"
    assert ward.spine(session, "ticket").status_code == 404
    # her own card: a ticket, her two roles and none chosen (no default yet)
    right = ward.first_auth(session, "alice@DEMO", ssb)
    assert right.status_code == 200, right.text
    spine = right.json()["spine"]
    assert [role["code"] for role in spine["roles"]] == ["R8000", "R8008"]
    assert spine["role"] is None
    assert spine["ticket_until"].endswith("Z")
    ticket = ward.spine(session, "ticket").json()["spine"]["ticket"]
    assert requests.post(
        ssb.url + "/v1/validate", json={"ticket": ticket}, headers=SPINE, verify=str(ssb.ca),
        timeout=30,
    ).json()["valid"]  # fmt: skip
    # a two-factor login on another kiosk reuses it, without a new Spine authentication
    second = other_kiosk(spine_server, "ward-b")
    try:
        elsewhere = second.two_factor()
        # (inside her grace: tap-and-go, which her two-factor login allows)
        answer = second.spine(elsewhere, "ticket")
        assert answer.status_code == 200, answer.text
        assert answer.json()["spine"]["ticket"] == ticket
    finally:
        second.close()
    # the ticket never reaches the appliance's log or audit
    audit = spine_server.admin("audit", "--json", "--lines", "200").stdout
    assert ticket not in audit
    counts = report(spine_server)["alice"]
    assert (counts["created"], counts["reused"], counts["refused_single_factor"]) == (1, 1, 0)
    ward.close()


def test_one_factor_login_is_refused_the_ticket_and_counted(
    spine_server: LocalAppliance, ward: SpineKiosk, ssb: LocalSsb
) -> None:
    session = ward.two_factor(RAVI_CARD, RAVI_PIN)
    assert ward.first_auth(session, "ravi@DEMO", ssb).status_code == 200
    # ravi signs in elsewhere with his password alone: one factor
    second = other_kiosk(spine_server, "ward-b")
    try:
        done = second.password("ravi", "ravi-demo-pass")
        assert done["status"] == "ok"
        refused = second.spine(done["session"]["id"], "ticket")
        assert refused.status_code == 403
        assert refused.json()["code"] == "spine_two_factor_required"
        # nor may it start a Spine session of its own
        again = second.spine(done["session"]["id"], "challenge")
        assert again.json()["code"] == "spine_two_factor_required"
    finally:
        second.close()
    counts = report(spine_server)["ravi"]
    # one refusal at the login (a live ticket went unused), one at the challenge
    assert (counts["created"], counts["reused"], counts["refused_single_factor"]) == (1, 0, 2)


def test_only_the_ssb_certificates_held_are_trusted(
    spine_server: LocalAppliance, ward: SpineKiosk
) -> None:
    session = ward.two_factor()
    held = spine_server.state_dir / "ssb-certs" / "ssb-ca.pem"
    # the appliance's own CA is no SSB's: the broker's TLS fails
    held.write_bytes(spine_server.ca_path.read_bytes())
    untrusted = ward.spine(session, "challenge")
    assert (untrusted.status_code, untrusted.json()["code"]) == (503, "ssb_untrusted")
    for kept in held.parent.glob("*.pem"):  # the init's stand-in SSB CA too
        kept.unlink()
    none = ward.spine(session, "challenge")
    assert (none.status_code, none.json()["code"]) == (503, "ssb_untrusted")
    assert "no SSB certificate" in none.json()["message"]


def test_environment_is_stated_and_must_match(ward: SpineKiosk) -> None:
    session = ward.two_factor()
    missing = ward.spine(session, "challenge", env="")
    assert (missing.status_code, missing.json()["code"]) == (400, "spine_environment_missing")
    wrong = ward.spine(session, "challenge", env="production")
    assert (wrong.status_code, wrong.json()["code"]) == (409, "spine_environment_mismatch")


def test_grace_expiry_ends_the_ticket(
    spine_server: LocalAppliance, ward: SpineKiosk, ssb: LocalSsb
) -> None:
    assert spine_server.admin("policy", "set", "grace=2s").returncode == 0
    session = ward.two_factor()
    assert ward.first_auth(session, "alice@DEMO", ssb).status_code == 200
    assert ward.spine(session, "ticket").status_code == 200
    time.sleep(2.2)
    ended = ward.spine(session, "ticket")
    assert (ended.status_code, ended.json()["code"]) == (404, "spine_session_ended")


def test_roles_session_and_default(ward: SpineKiosk, ssb: LocalSsb) -> None:
    session, _ = ward.ticketed(ssb)
    # a card's ticket: the role changes by a restart with the card, which may name it
    refused = ward.spine(session, "role", {"role": "R8008"})
    assert (refused.status_code, refused.json()["code"]) == (409, "spine_restart_required")
    assert ward.spine(session, "ticket").json()["spine"]["role"] is None
    chosen = ward.first_auth(session, "alice@DEMO", ssb, role="R8008").json()["spine"]
    assert (chosen["role"], chosen["default_role"], chosen["method"]) == ("R8008", None, "card")
    default = ward.spine(session, "default-role", {"role": "R8000"}).json()["spine"]
    # the default is for future sessions: this one keeps its role
    assert (default["role"], default["default_role"]) == ("R8008", "R8000")
    restarted = ward.first_auth(session, "alice@DEMO", ssb).json()["spine"]
    assert restarted["role"] == "R8000"


def test_restart_keeps_the_old_ticket_valid_until_replaced(ward: SpineKiosk, ssb: LocalSsb) -> None:
    session, _ = ward.ticketed(ssb)
    old = ward.spine(session, "ticket").json()["spine"]["ticket"]
    issued = ward.spine(session, "challenge").json()
    # mid-restart (challenged, not yet signed) the old ticket still answers and is valid
    assert ward.spine(session, "ticket").json()["spine"]["ticket"] == old
    assert _valid(ssb, old)
    signature = ssb.cards["alice@DEMO"].sign(issued["challenge"])
    body = {"challenge_id": issued["challenge_id"], "signature": signature}
    assert ward.spine(session, "authenticate", body).status_code == 200
    new = ward.spine(session, "ticket").json()["spine"]["ticket"]
    assert new != old
    assert _valid(ssb, new)
    assert not _valid(ssb, old)


def test_reset_needs_an_administrators_credentials(
    spine_server: LocalAppliance, ward: SpineKiosk, ssb: LocalSsb
) -> None:
    session, ticket = ward.ticketed(ssb)
    # alice is no administrator, and ravi's password must be right
    for who, password in (("alice", "alice-demo-pass"), ("ravi", "wrong-pass")):
        refused = ward.spine(
            session, "reset", {"username": who, "domain": "DEMO", "password": password}
        )
        assert (refused.status_code, refused.json()["code"]) == (403, "admin_required")
        assert ward.spine(session, "ticket").status_code == 200
    done = ward.spine(
        session, "reset", {"username": "ravi", "domain": "DEMO", "password": "ravi-demo-pass"}
    )
    assert done.status_code == 204
    assert ward.spine(session, "ticket").json()["code"] == "spine_session_ended"
    assert not _valid(ssb, ticket)
    assert report(spine_server)["alice"]["reset"] == 1


def test_delete_from_the_cli_and_the_kiosk_finds_out(
    spine_server: LocalAppliance, ward: SpineKiosk, ssb: LocalSsb
) -> None:
    session, ticket = ward.ticketed(ssb)
    done = spine_server.admin("spine", "delete", "alice@DEMO")
    assert done.returncode == 0, done.stderr
    # the kiosk learns at its next request; the SSB no longer honours the ticket
    ended = ward.spine(session, "ticket")
    assert (ended.status_code, ended.json()["code"]) == (404, "spine_session_ended")
    assert not _valid(ssb, ticket)
    # a lost card: tap-and-go ends too, the PIN is asked again
    assert ward.tap(ALICE_CARD)["status"] == "continue"
    unknown = spine_server.admin("spine", "delete", "nobody")
    assert unknown.returncode == 1
    assert "no such user" in unknown.stderr
    assert report(spine_server)["alice"]["deleted"] == 1


def test_admin_api_report_and_delete(
    spine_server: LocalAppliance, ward: SpineKiosk, ssb: LocalSsb
) -> None:
    session, _ = ward.ticketed(ssb)
    ward.two_factor()  # tap-and-go: a reuse
    # the admin API's one credential is its token: an administrator's password is not it
    for token in ("ravi-demo-pass", spine_server.kiosk_secret):
        refused = AdminClient(spine_server, token).call("GET", "/spine/report")
        assert (refused.status_code, refused.json()["code"]) == (401, "admin_unauthorized")
    admin = AdminClient(spine_server)
    alice = {line["user"]: line for line in admin.ok("GET", "/spine/report")["users"]}["alice"]
    assert (alice["created"], alice["reused"]) == (1, 1)
    csv_text = admin.call("GET", "/spine/report?format=csv").text
    assert csv_text.splitlines()[0].startswith("user,created,restarted,reused")
    assert admin.call("DELETE", "/spine/sessions/alice@DEMO").status_code == 204
    assert ward.spine(session, "ticket").json()["code"] == "spine_session_ended"
    assert admin.call("DELETE", "/spine/sessions/nobody").status_code == 404


def test_the_bench_reuses_without_waiting_on_the_broker() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bench_main(["--latency-ms", "300", "--reuses", "40", "--firsts", "3"])
    result = json.loads(out.getvalue())
    print(out.getvalue())
    # a first authentication waits on the broker twice (challenge, ticket); a reuse never
    assert result["first_authentication_ms"]["p50"] >= 600
    assert result["ticket_reuse_ms"]["p95"] < 300


def test_guessing_an_administrators_password_locks_them_out(
    spine_server: LocalAppliance, ward: SpineKiosk, ssb: LocalSsb
) -> None:
    session, _ = ward.ticketed(ssb)
    guess = {"username": "ravi", "domain": "DEMO", "password": "guess"}
    for _ in range(5):  # the default policy's max_attempts
        assert ward.spine(session, "reset", guess).status_code == 403
    right = {**guess, "password": "ravi-demo-pass"}
    assert ward.spine(session, "reset", right).status_code == 403
    assert ward.spine(session, "ticket").status_code == 200
    kiosk = SpineKiosk(spine_server)
    try:
        assert kiosk.password("ravi", "ravi-demo-pass")["status"] == "locked"
    finally:
        kiosk.close()
