"""Every login flow of docs/api.md end to end, through the real HTTPS server."""

from __future__ import annotations

import time

from appliance.config import load_settings
from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk

ALICE = "04A1B2C3D4E5F6"
CAROL = "04C0FFEE000001"
RAVI = "04AA0000000002"
NEW_CARD = "04B0B0B0B0B0B0"


def pin_body(state: str, value: str = "1234") -> dict[str, object]:
    return {"state": state, "factor": {"type": "pin", "value": value}}


def card_ref(server: LocalAppliance, card_id: str) -> str:
    """How `appliance card list` and `audit` name a card: the start of its keyed hash."""
    return "card=" + load_settings(server.state_dir).keys.audit_card(card_id)[:12]


def admin_ok(server: LocalAppliance, *args: str, input_text: str | None = None) -> str:
    done = server.admin(*args, input_text=input_text)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_card_and_pin_login(kiosk: Kiosk):
    first = kiosk.tap(ALICE)
    assert first["status"] == "continue"
    assert first["need"] == ["pin"]
    assert first["expires_in"] == 60
    wrong = kiosk.pin(first["state"], "9999")
    assert wrong["status"] == "bad_factor"
    assert wrong["reason"] == "bad_pin"
    assert wrong["attempts_left"] == 4
    assert wrong["state"] != first["state"]
    done = kiosk.pin(wrong["state"], "1234")
    assert done["status"] == "ok"
    session = done["session"]
    assert session["method"] == "card_pin"
    assert session["id"].startswith("s_")
    assert session["user"] == {
        "username": "alice",
        "domain": "DEMO",
        "display_name": "Alice Adams",
        "registration_authority": False,
    }
    assert [role["code"] for role in session["spine"]["roles"]] == ["R8000", "R8008"]
    assert done["notices"] == []


def test_enroll_card_then_pin_then_tap_and_go(kiosk: Kiosk):
    unknown = kiosk.tap(NEW_CARD.lower())  # the appliance upper-cases
    assert unknown["status"] == "unknown_card"
    assert unknown["enrollment"] == "allowed"
    assert unknown["domains"] == ["DEMO"]
    enroll = kiosk.password("bob", "bob-demo-pass", state=unknown["state"], enroll_card=True)
    assert enroll["status"] == "enroll"
    assert enroll["need"] == ["pin"]
    assert enroll["pin_rules"] == {"min_length": 4, "max_length": 8, "digits_only": True}
    done = kiosk.enroll_pin(enroll["state"], "5791")
    assert done["status"] == "ok"
    assert done["session"]["method"] == "card_password"
    # binding a card proved only the password: no grace period from it
    assert done["session"]["spine"]["grace_until"] is None
    first = kiosk.tap(NEW_CARD)
    assert (first["status"], first["need"]) == ("continue", ["pin"])
    login = kiosk.pin(first["state"], "5791")
    assert login["session"]["method"] == "card_pin"
    assert login["session"]["spine"]["grace_until"].endswith("Z")
    # inside the grace period of a two-factor login the next tap is enough
    again = kiosk.tap(NEW_CARD)
    assert again["status"] == "ok"
    assert again["session"]["method"] == "tap_and_go"
    # every login is a session of its own, with a fresh id
    assert len({done["session"]["id"], login["session"]["id"], again["session"]["id"]}) == 3
    # logout ends the grace: the PIN he just set is needed
    assert kiosk.post(f"/v1/sessions/{again['session']['id']}/logout", {}).status_code == 204
    after = kiosk.tap(NEW_CARD)
    assert after["status"] == "continue"
    assert after["need"] == ["pin"]
    assert kiosk.pin(after["state"], "5791")["session"]["method"] == "card_pin"
    cards = admin_ok(kiosk.server, "card", "list", "--user", "bob")
    assert card_ref(kiosk.server, NEW_CARD) in cards
    assert NEW_CARD not in cards  # the database holds no card id to list
    assert "demo-kiosk" in cards


def test_tap_and_go_only_inside_grace(appliance_server: LocalAppliance, kiosk: Kiosk):
    admin_ok(appliance_server, "policy", "set", "grace=2s")
    login = kiosk.pin(kiosk.tap(ALICE)["state"], "1234")
    assert login["status"] == "ok"
    inside = kiosk.tap(ALICE)
    assert inside["status"] == "ok"
    assert inside["session"]["method"] == "tap_and_go"
    time.sleep(2.2)
    outside = kiosk.tap(ALICE)
    assert outside["status"] == "continue"
    assert outside["need"] == ["pin"]


def test_password_login_forces_pin_enrollment(kiosk: Kiosk):
    first = kiosk.password("BOB", "bob-demo-pass", domain="demo")
    assert first["status"] == "enroll"
    assert first["user"]["username"] == "bob"
    letters = kiosk.enroll_pin(first["state"], "12ab")
    assert letters["status"] == "bad_factor"
    assert letters["reason"] == "pin_rules"
    assert "digits" in letters["message"]
    short = kiosk.enroll_pin(letters["state"], "123")
    assert short["reason"] == "pin_rules"
    assert "at least 4" in short["message"]
    done = kiosk.enroll_pin(short["state"], "5791")
    assert done["status"] == "ok"
    assert done["session"]["method"] == "password"
    # the PIN is owed no more
    assert kiosk.password("bob", "bob-demo-pass")["status"] == "ok"


def test_card_without_pin_asks_password_then_pin_and_warns_of_vsc(kiosk: Kiosk):
    first = kiosk.tap(CAROL)
    assert first["status"] == "continue"
    assert first["need"] == ["password"]
    wrong = kiosk.password("carol", "nope", state=first["state"])
    assert wrong["status"] == "bad_factor"
    assert wrong["reason"] == "bad_password"
    assert wrong["attempts_left"] == 4
    enroll = kiosk.password("carol", "carol-demo-pass", state=wrong["state"])
    assert enroll["status"] == "enroll"
    done = kiosk.enroll_pin(enroll["state"], "1357")
    assert done["status"] == "ok"
    assert done["session"]["method"] == "card_password"
    assert done["notices"] == [
        {
            "code": "vsc_expiring",
            "days_left": 5,
            "message": "Your virtual smartcard expires in 5 days. "
            "Renew it in the Care Identity Service (CIS) before then.",
        }
    ]


def test_wrong_first_factor_password_gives_no_hint_whether_the_user_exists(kiosk: Kiosk):
    wrong_password = kiosk.password("alice", "guess")
    no_such_user = kiosk.password("mallory", "guess")
    wrong_domain = kiosk.password("alice", "alice-demo-pass", domain="ELSEWHERE")
    expected = {"status": "bad_factor", "reason": "bad_password", "need": ["password"]}
    assert wrong_password == no_such_user == wrong_domain == expected


def test_self_enrollment_disabled_by_default_policy(appliance_server: LocalAppliance, kiosk: Kiosk):
    admin_ok(appliance_server, "policy", "set", "self_enrollment=off")
    assert kiosk.tap(NEW_CARD) == {"status": "unknown_card", "enrollment": "disabled"}
    assert kiosk.get("/v1/kiosk").json()["card_enrollment"] is False


def test_self_enrollment_refused_by_the_users_own_policy(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    admin_ok(
        appliance_server, "policy", "set", "--name", "strict", "--create", "self_enrollment=off"
    )
    admin_ok(
        appliance_server, "user", "add", "dave", "--domain", "DEMO", "--policy", "strict",
        input_text="dave-pass\n",
    )  # fmt: skip
    unknown = kiosk.tap(NEW_CARD)
    assert unknown["enrollment"] == "allowed"  # judged by the default policy
    refused = kiosk.password("dave", "dave-pass", state=unknown["state"], enroll_card=True)
    assert refused["status"] == "denied"
    assert refused["reason"] == "enrollment_not_allowed"
    assert card_ref(appliance_server, NEW_CARD) not in admin_ok(appliance_server, "card", "list")


def test_lockout_after_the_limit_and_admin_unlock(appliance_server: LocalAppliance, kiosk: Kiosk):
    reply = kiosk.tap(ALICE)
    for left in (4, 3, 2, 1):
        reply = kiosk.pin(reply["state"], "0000")
        assert reply["attempts_left"] == left
    locked = kiosk.pin(reply["state"], "0000")
    assert locked["status"] == "locked"
    assert locked["user"]["username"] == "alice"
    assert locked["until"].endswith("Z")
    # the right PIN does not help now; the card is refused at the tap
    assert kiosk.tap(ALICE)["status"] == "locked"
    assert "locked" in admin_ok(appliance_server, "user", "list")
    assert "refused_locked kiosk=demo-kiosk user=alice" in admin_ok(appliance_server, "audit")
    admin_ok(appliance_server, "user", "unlock", "alice")
    assert kiosk.pin(kiosk.tap(ALICE)["state"], "1234")["status"] == "ok"
    audit = admin_ok(appliance_server, "audit", "--user", "alice")
    assert "lockout" in audit
    assert "admin_unlocked" in audit


def test_wrong_passwords_lock_a_known_user_but_answer_like_an_unknown_one(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    admin_ok(appliance_server, "policy", "set", "max_attempts=3")
    for _ in range(2):
        wrong = kiosk.password("bob", "not-his-password", "DEMO")
        unknown = kiosk.password("nobody", "not-his-password", "DEMO")
        # the same reply either way: a kiosk cannot tell which usernames exist
        assert (
            wrong
            == unknown
            == {"status": "bad_factor", "reason": "bad_password", "need": ["password"]}
        )
    locked = kiosk.password("bob", "not-his-password", "DEMO")
    nobody = kiosk.password("nobody", "not-his-password", "DEMO")
    # a made-up name locks the same way: a lockout does not tell that a name exists
    assert locked["status"] == nobody["status"] == "locked"
    assert locked.keys() == nobody.keys() == {"status", "until"}
    # now even the right password waits for the lockout to end
    assert kiosk.password("bob", "bob-demo-pass", "DEMO")["status"] == "locked"
    assert "lockout" in admin_ok(appliance_server, "audit", "--user", "bob")


def test_lockout_ends_by_itself(appliance_server: LocalAppliance, kiosk: Kiosk):
    admin_ok(appliance_server, "policy", "set", "max_attempts=1", "lockout=1s")
    assert kiosk.pin(kiosk.tap(ALICE)["state"], "0000")["status"] == "locked"
    time.sleep(1.2)
    assert kiosk.pin(kiosk.tap(ALICE)["state"], "1234")["status"] == "ok"


def test_state_token_is_single_use_and_bound_to_its_kiosk(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    first = kiosk.tap(ALICE)
    other_secret = admin_ok(appliance_server, "kiosk", "add", "ward9").strip()
    other = Kiosk(appliance_server, "ward9", other_secret)
    stolen = other.post("/v1/auth", pin_body(first["state"]))
    assert stolen.status_code == 400
    assert stolen.json()["code"] == "state_invalid"
    other.close()
    assert kiosk.pin(first["state"], "1234")["status"] == "ok"
    reused = kiosk.post("/v1/auth", pin_body(first["state"]))
    assert reused.status_code == 400
    assert reused.json()["code"] == "state_invalid"


def test_state_token_expires_with_the_entry_timeout(appliance_server: LocalAppliance, kiosk: Kiosk):
    admin_ok(appliance_server, "policy", "set", "entry_timeout=1s")
    first = kiosk.tap(ALICE)
    assert first["expires_in"] == 1
    time.sleep(1.2)
    late = kiosk.post("/v1/auth", pin_body(first["state"]))
    assert late.status_code == 400
    assert late.json()["code"] == "state_expired"


def test_a_card_cannot_become_two_users_card(kiosk: Kiosk):
    # two kiosks see the same new card; the second enrollment must lose
    first = kiosk.tap(NEW_CARD)
    second = kiosk.tap(NEW_CARD)
    bob = kiosk.password("bob", "bob-demo-pass", state=first["state"], enroll_card=True)
    assert bob["status"] == "enroll"
    ravi = kiosk.password("ravi", "ravi-demo-pass", state=second["state"], enroll_card=True)
    assert ravi["need"] == ["pin"]  # Ravi has a PIN: binding a card takes it too
    # the card is bound when a login ends in a session: Bob's first
    assert kiosk.enroll_pin(bob["state"], "5791")["status"] == "ok"
    assert kiosk.pin(ravi["state"], "2468") == {
        "status": "denied",
        "reason": "card_taken",
        "message": "This card already belongs to someone.",
    }


def test_revoked_card_and_disabled_user_are_denied(appliance_server: LocalAppliance, kiosk: Kiosk):
    admin_ok(appliance_server, "card", "revoke", ALICE)
    assert kiosk.tap(ALICE)["reason"] == "card_revoked"
    admin_ok(appliance_server, "user", "disable", "ravi@DEMO")
    assert kiosk.tap(RAVI)["reason"] == "user_disabled"
    assert kiosk.password("ravi", "ravi-demo-pass")["reason"] == "user_disabled"
    audit = admin_ok(appliance_server, "audit")
    assert '"reason": "card_revoked"' in audit
    assert audit.count('denied kiosk=demo-kiosk user=ravi {"reason": "user_disabled"}') == 2


def test_role_choice_and_kiosk_events(appliance_server: LocalAppliance, kiosk: Kiosk):
    done = kiosk.pin(kiosk.tap(ALICE)["state"], "1234")
    session_id = done["session"]["id"]
    assert done["session"]["spine"]["role"] is None
    chosen = kiosk.post(f"/v1/sessions/{session_id}/role", {"role": "R8008"})
    assert chosen.status_code == 200
    assert chosen.json()["spine"]["role"] == "R8008"
    bad = kiosk.post(f"/v1/sessions/{session_id}/role", {"role": "R9999"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_request")
    missing = kiosk.post("/v1/sessions/s_nope/role", {"role": "R8008"})
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    # the role sticks: the next login comes back with it
    again = kiosk.tap(ALICE)
    assert again["session"]["spine"]["role"] == "R8008"
    started = {"event": "session", "action": "started", "user": "alice", "session": session_id}
    assert kiosk.post("/v1/events", started).status_code == 204
    closed = {
        "event": "apps_closed",
        "user": "alice",
        "graceful": 4,
        "forced": 1,
        "duration_ms": 5120,
    }
    assert kiosk.post("/v1/events", closed).status_code == 204
    audit = admin_ok(appliance_server, "audit", "--user", "alice")
    assert "kiosk_session kiosk=demo-kiosk user=alice" in audit
    assert '"forced": 1' in audit


def test_pin_modality_off(appliance_server: LocalAppliance, kiosk: Kiosk):
    admin_ok(appliance_server, "policy", "set", "--name", "nopin", "--create", "pin=off")
    admin_ok(
        appliance_server, "user", "add", "erin", "--domain", "DEMO", "--policy", "nopin",
        "--ra", input_text="erin-pass\n",
    )  # fmt: skip
    done = kiosk.password("erin", "erin-pass")
    assert done["status"] == "ok"
    assert done["session"]["user"]["registration_authority"] is True
    assert done["notices"] == []


def test_audit_keeps_no_secret_or_raw_card_id(appliance_server: LocalAppliance, kiosk: Kiosk):
    kiosk.pin(kiosk.tap(ALICE)["state"], "9876")
    enroll = kiosk.password(
        "bob", "bob-demo-pass", state=kiosk.tap(NEW_CARD)["state"], enroll_card=True
    )
    kiosk.enroll_pin(enroll["state"], "5791")
    audit = admin_ok(appliance_server, "audit", "-n", "500")
    assert "card_enrolled" in audit
    assert "pin_bad" in audit
    for secret in (ALICE, NEW_CARD, "9876", "bob-demo-pass"):
        assert secret not in audit


def test_one_state_token_raced_from_many_connections_wins_once(appliance_server: LocalAppliance):
    from concurrent.futures import ThreadPoolExecutor

    kiosks = [Kiosk(appliance_server) for _ in range(6)]
    state = kiosks[0].tap(ALICE)["state"]
    with ThreadPoolExecutor(len(kiosks)) as pool:
        replies = list(pool.map(lambda k: k.post("/v1/auth", pin_body(state)), kiosks))
    outcomes = sorted(
        r.json()["status"] if r.status_code == 200 else r.json()["code"] for r in replies
    )
    assert outcomes == ["ok"] + ["state_invalid"] * 5
    for kiosk in kiosks:
        kiosk.close()


def test_a_known_cards_password_step_needs_no_username(kiosk: Kiosk):
    first = kiosk.tap(CAROL)
    step = {"state": first["state"], "factor": {"type": "password", "password": "carol-demo-pass"}}
    assert kiosk.auth(step)["status"] == "enroll"  # the card named her
    nameless = kiosk.post("/v1/auth", {"factor": {"type": "password", "password": "x"}})
    assert (nameless.status_code, nameless.json()["code"]) == (400, "invalid_request")
