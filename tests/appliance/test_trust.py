"""Every path to a session, tried as an outsider would (issue 12's holes): each test fails on
the appliance before the gate. `test_postgres` runs them again on PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import text

from appliance.config import load_settings
from appliance.db import make_engine
from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.test_flows import ALICE, NEW_CARD, admin_ok, card_ref
from tests.appliance.test_migration import dump
from tests.rig.appliance import start_demo_appliance

OTHER_CARD = "04B0B0B0B0B0B1"


def audited(server: LocalAppliance, *events: str) -> list[str]:
    """The audit events of these kinds, in order (read from the database itself)."""
    engine = make_engine(server.db_url)
    try:
        with engine.connect() as db:
            rows = db.execute(
                text("SELECT event FROM audit_events ORDER BY id"),
            ).scalars()
            return [row for row in rows if row in events]
    finally:
        engine.dispose()


def other_kiosk(server: LocalAppliance, name: str = "ward9") -> Kiosk:
    return Kiosk(server, name, admin_ok(server, "kiosk", "add", name).strip())


# -- 1. card enrollment ------------------------------------------------------------------------


def test_binding_a_card_takes_the_pin_of_a_user_who_has_one(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    enroll = kiosk.password(
        "alice", "alice-demo-pass", state=kiosk.tap(NEW_CARD)["state"], enroll_card=True
    )
    assert (enroll["status"], enroll["need"]) == ("continue", ["pin"])
    # walking away here binds nothing
    assert card_ref(appliance_server, NEW_CARD) not in admin_ok(appliance_server, "card", "list")
    wrong = kiosk.pin(enroll["state"], "0000")
    assert wrong["reason"] == "bad_pin"
    assert kiosk.tap(NEW_CARD)["status"] == "unknown_card"  # still nobody's
    done = kiosk.pin(wrong["state"], "1234")
    assert done["status"] == "ok"
    assert done["session"]["spine"]["grace_until"] is None  # a new card proves nothing yet
    cards = admin_ok(appliance_server, "card", "list", "--user", "alice")
    assert card_ref(appliance_server, NEW_CARD) in cards
    assert "demo-kiosk" in cards
    audit = admin_ok(appliance_server, "audit")
    assert (
        f"card_enrolled kiosk=demo-kiosk user=alice {card_ref(appliance_server, NEW_CARD)}" in audit
    )


def test_a_policy_without_the_password_cannot_self_enroll_a_card(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    admin_ok(appliance_server, "policy", "set", "--name", "cards", "--create", "first_factors=card")
    admin_ok(
        appliance_server, "user", "add", "gil", "--domain", "DEMO", "--policy", "cards",
        input_text="gil-pass\n",
    )  # fmt: skip
    refused = kiosk.password(
        "gil", "gil-pass", state=kiosk.tap(NEW_CARD)["state"], enroll_card=True
    )
    assert refused["status"] == "denied"
    assert refused["reason"] == "factor_not_allowed"
    assert kiosk.tap(NEW_CARD)["status"] == "unknown_card"


def test_self_enrollment_held_for_approval(appliance_server: LocalAppliance, kiosk: Kiosk):
    admin_ok(appliance_server, "policy", "set", "self_enrollment=approval")
    held = kiosk.password(
        "bob", "bob-demo-pass", state=kiosk.tap(NEW_CARD)["state"], enroll_card=True
    )
    assert held["status"] == "denied"
    assert held["reason"] == "card_pending"
    assert kiosk.tap(NEW_CARD)["reason"] == "card_pending"
    assert "pending" in admin_ok(appliance_server, "card", "list", "--pending")
    admin_ok(appliance_server, "card", "approve", NEW_CARD)
    approved = kiosk.tap(NEW_CARD)
    assert (approved["status"], approved["need"]) == ("continue", ["password"])  # no PIN yet


def test_an_administrator_registers_a_card(appliance_server: LocalAppliance, kiosk: Kiosk):
    admin_ok(appliance_server, "policy", "set", "self_enrollment=off")
    admin_ok(appliance_server, "card", "add", "ravi", OTHER_CARD.lower())
    assert kiosk.tap(OTHER_CARD)["user"]["username"] == "ravi"
    refused = appliance_server.admin("card", "add", "bob", OTHER_CARD)
    assert refused.returncode == 1
    assert "already belongs" in refused.stderr


# -- 2. one factor never opens tap-and-go -----------------------------------------------------


def test_a_password_login_opens_no_grace_period(appliance_server: LocalAppliance, kiosk: Kiosk):
    done = kiosk.password("alice", "alice-demo-pass")
    assert done["status"] == "ok"
    assert done["session"]["method"] == "password"
    assert done["session"]["spine"]["grace_until"] is None
    tap = kiosk.tap(ALICE)
    assert (tap["status"], tap["need"]) == ("continue", ["pin"])
    # an earlier two-factor grace is not used by a one-factor login either, and each refusal
    # is counted for the Spine report
    kiosk.pin(tap["state"], "1234")
    again = kiosk.password("alice", "alice-demo-pass")
    assert again["session"]["spine"]["grace_until"] is None
    assert audited(appliance_server, "grace_refused") == ["grace_refused"] * 2


# -- 3. a lockout answers nothing -------------------------------------------------------------


def test_during_a_lockout_every_guess_gets_the_same_reply(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    admin_ok(appliance_server, "policy", "set", "max_attempts=2")
    for _ in range(2):
        kiosk.password("alice", "guess")
    checked = audited(appliance_server, "password_bad", "password_ok")
    right = kiosk.password("alice", "alice-demo-pass")
    wrong = kiosk.password("alice", "guess")
    right.pop("until"), wrong.pop("until")
    assert right == wrong == {"status": "locked"}
    # neither was hashed, neither counted
    assert audited(appliance_server, "password_bad", "password_ok") == checked


# -- 4. guesses count on every path -----------------------------------------------------------


def test_wrong_passwords_through_card_enrollment_count(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    """A fresh made-up card every few tries does not reset the count."""
    replies = []
    for number in range(5):
        card = f"04B0B0B0B0B0{number:02X}"
        state = kiosk.tap(card)["state"]
        replies.append(kiosk.password("bob", "guess", state=state, enroll_card=True)["status"])
    assert replies == ["bad_factor"] * 4 + ["locked"]
    assert kiosk.password("bob", "bob-demo-pass")["status"] == "locked"


# -- 5. parallel guesses ----------------------------------------------------------------------


def test_parallel_pins_over_four_kiosks_check_no_more_than_the_policy_allows(
    appliance_server: LocalAppliance,
):
    kiosks = [Kiosk(appliance_server)] + [
        other_kiosk(appliance_server, f"ward{n}") for n in range(3)
    ]
    clients = [kiosks[n % 4] for n in range(32)]
    barrier = threading.Barrier(len(clients))

    def tap(kiosk: Kiosk) -> dict[str, Any]:
        barrier.wait(timeout=30)
        return kiosk.tap(ALICE)

    def guess(kiosk: Kiosk, state: str) -> int:
        return kiosk.post(
            "/v1/auth", {"state": state, "factor": {"type": "pin", "value": "9999"}}
        ).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        states = [reply["state"] for reply in pool.map(tap, clients)]
        list(pool.map(guess, clients, states))
        # and each kiosk keeps tapping and guessing in parallel until no state is left
        for _ in range(3):
            states = [
                reply["state"]
                for reply in pool.map(lambda k: k.tap(ALICE), kiosks)
                if "state" in reply
            ]
            list(pool.map(guess, kiosks[: len(states)], states))
    checked = audited(appliance_server, "pin_bad", "pin_ok")
    assert 0 < len(checked) <= 5  # the default policy's max_attempts
    right = kiosks[0].tap(ALICE)
    assert right["status"] == "locked" or kiosks[0].pin(right["state"], "1234")["status"] in (
        "ok",
        "locked",
    )
    for kiosk in kiosks:
        kiosk.close()


def test_a_new_tap_ends_the_users_older_pin_steps(kiosk: Kiosk):
    first = kiosk.tap(ALICE)
    kiosk.tap(ALICE)
    late = kiosk.post(
        "/v1/auth", {"state": first["state"], "factor": {"type": "pin", "value": "1234"}}
    )
    assert (late.status_code, late.json()["code"]) == (400, "state_invalid")


# -- 7. sessions have owners ------------------------------------------------------------------


def test_only_the_kiosk_holding_a_session_may_act_on_it(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    done = kiosk.pin(kiosk.tap(ALICE)["state"], "1234")
    session = done["session"]["id"]
    assert kiosk.tap(ALICE)["session"]["id"] != session  # fresh per login
    thief = other_kiosk(appliance_server)
    for path, body in ((f"/v1/sessions/{session}/role", {"role": "R8000"}),
                       (f"/v1/sessions/{session}/logout", {})):  # fmt: skip
        stolen = thief.post(path, body)
        assert (stolen.status_code, stolen.json()["code"]) == (404, "not_found")
    thief.close()
    assert kiosk.tap(ALICE)["session"]["method"] == "tap_and_go"  # the grace is untouched
    assert kiosk.post(f"/v1/sessions/{session}/role", {"role": "R8000"}).status_code == 200
    # an administrator may end any session, and its user's grace with it
    assert session in admin_ok(appliance_server, "session", "list")
    admin_ok(appliance_server, "session", "end", session)
    assert kiosk.post(f"/v1/sessions/{session}/logout", {}).status_code == 404
    assert kiosk.tap(ALICE)["status"] == "continue"


# -- 8. revocation bites at once --------------------------------------------------------------


def test_a_card_revoked_between_tap_and_pin_signs_nobody_in(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    tap = kiosk.tap(ALICE)
    admin_ok(appliance_server, "card", "revoke", ALICE)
    assert kiosk.pin(tap["state"], "1234")["reason"] == "card_revoked"


def test_revoking_a_card_or_disabling_the_user_ends_the_grace(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    admin_ok(appliance_server, "card", "add", "alice", OTHER_CARD)
    kiosk.pin(kiosk.tap(ALICE)["state"], "1234")
    assert kiosk.tap(OTHER_CARD)["session"]["method"] == "tap_and_go"
    admin_ok(appliance_server, "card", "revoke", ALICE)  # lost: her other card needs the PIN
    assert kiosk.tap(OTHER_CARD)["status"] == "continue"
    kiosk.pin(kiosk.tap(OTHER_CARD)["state"], "1234")
    admin_ok(appliance_server, "user", "disable", "alice")
    admin_ok(appliance_server, "user", "enable", "alice")
    assert kiosk.tap(OTHER_CARD)["status"] == "continue"


def test_a_state_from_before_a_kiosk_was_revoked_dies_with_it(appliance_server: LocalAppliance):
    ward = other_kiosk(appliance_server)
    tap = ward.tap(ALICE)
    ward.close()
    admin_ok(appliance_server, "kiosk", "revoke", "ward9")
    again = other_kiosk(appliance_server)  # the same name, re-added
    late = again.post(
        "/v1/auth", {"state": tap["state"], "factor": {"type": "pin", "value": "1234"}}
    )
    assert (late.status_code, late.json()["code"]) == (400, "state_invalid")
    again.close()


# -- 11. a database dump --------------------------------------------------------------------


def test_a_database_dump_holds_no_card_id_and_no_verifier_to_attack(
    appliance_server: LocalAppliance, kiosk: Kiosk
):
    kiosk.tap(ALICE)  # a login in progress too
    enroll = kiosk.password(
        "bob", "bob-demo-pass", state=kiosk.tap(NEW_CARD)["state"], enroll_card=True
    )
    kiosk.enroll_pin(enroll["state"], "5791")
    values, verifiers = dump(appliance_server.db_url)
    assert not [value for value in values if ALICE in value.upper() or NEW_CARD in value.upper()]
    key_id = load_settings(appliance_server.state_dir).keys.current_id
    assert all(verifier.startswith(f"argon2id-k${key_id}$") for verifier in verifiers)


def test_a_rotated_key_keeps_cards_and_pins_working_and_they_move_over(tmp_path: Path):
    state = tmp_path / "appliance"
    with start_demo_appliance(state) as server:
        old = load_settings(state).keys.current_id
        rotated = admin_ok(server, "key", "rotate")
        assert "restart" in rotated
    with start_demo_appliance(state) as server:
        new = load_settings(state).keys.current_id
        assert new != old
        kiosk = Kiosk(server)
        assert kiosk.pin(kiosk.tap(ALICE)["state"], "1234")["status"] == "ok"
        # Bob's password is taken (he owes a PIN next), and moved to the new key
        assert kiosk.password("bob", "bob-demo-pass")["status"] == "enroll"
        kiosk.close()
        status = dict(
            (line.split("\t")[0], line.split("\t")[1:])
            for line in admin_ok(server, "key", "status").splitlines()
        )
    # Alice's card and PIN, Bob's password
    assert status[new] == ["current", "cards=1", "verifiers=2", "vscs=0"]
    assert status[old][0] == "retired"
    assert status[old][3] == "vscs=2"  # the demo's VSC keys stay sealed under the old key
