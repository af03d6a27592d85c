"""The same login flows with the data in a real PostgreSQL server, and an upgrade there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance, start_local_appliance
from tests.appliance.kiosk_client import Kiosk
from tests.appliance.test_flows import (  # the flows run again here, against PostgreSQL
    test_a_card_cannot_become_two_users_card,  # noqa: F401
    test_card_and_pin_login,  # noqa: F401
    test_enroll_card_then_pin_then_tap_and_go,  # noqa: F401
    test_lockout_after_the_limit_and_admin_unlock,  # noqa: F401
    test_one_state_token_raced_from_many_connections_wins_once,  # noqa: F401
    test_password_login_forces_pin_enrollment,  # noqa: F401
    test_role_choice_and_kiosk_events,  # noqa: F401
    test_state_token_is_single_use_and_bound_to_its_kiosk,  # noqa: F401
    test_tap_and_go_only_inside_grace,  # noqa: F401
)
from tests.appliance.test_migration import (
    CARD,
    assert_no_card_id_or_unkeyed_verifier,
    make_old_database,
)
from tests.appliance.test_pin_step import make_rig, reservations_race
from tests.appliance.test_trust import (  # every hole of the gate, again on PostgreSQL
    test_a_card_revoked_between_tap_and_pin_signs_nobody_in,  # noqa: F401
    test_a_database_dump_holds_no_card_id_and_no_verifier_to_attack,  # noqa: F401
    test_a_new_tap_ends_the_users_older_pin_steps,  # noqa: F401
    test_a_password_login_opens_no_grace_period,  # noqa: F401
    test_a_policy_without_the_password_cannot_self_enroll_a_card,  # noqa: F401
    test_a_state_from_before_a_kiosk_was_revoked_dies_with_it,  # noqa: F401
    test_binding_a_card_takes_the_pin_of_a_user_who_has_one,  # noqa: F401
    test_during_a_lockout_every_guess_gets_the_same_reply,  # noqa: F401
    test_only_the_kiosk_holding_a_session_may_act_on_it,  # noqa: F401
    test_parallel_pins_over_four_kiosks_check_no_more_than_the_policy_allows,  # noqa: F401
    test_revoking_a_card_or_disabling_the_user_ends_the_grace,  # noqa: F401
    test_self_enrollment_held_for_approval,  # noqa: F401
    test_wrong_passwords_through_card_enrollment_count,  # noqa: F401
)
from tests.rig.postgres import Postgres, postgres_server  # noqa: F401

pytestmark = pytest.mark.postgres


@pytest.fixture
def appliance_server(tmp_path: Path, postgres_server: Postgres) -> Iterator[LocalAppliance]:  # noqa: F811
    with start_local_appliance(
        tmp_path / "appliance",
        seed_demo=True,
        fast_hashing=True,
        db_url=postgres_server.new_database(),
    ) as server:
        assert server.db_url.startswith("postgresql")
        yield server


@pytest.fixture
def kiosk(appliance_server: LocalAppliance) -> Iterator[Kiosk]:
    client = Kiosk(appliance_server)
    yield client
    client.close()


def test_upgrade_on_postgres_keeps_data(tmp_path: Path, postgres_server: Postgres):  # noqa: F811
    url = postgres_server.new_database()
    make_old_database(url)
    with start_local_appliance(tmp_path / "state", fast_hashing=True, db_url=url) as server:
        kiosk = Kiosk(server)
        assert kiosk.pin(kiosk.tap(CARD)["state"], "8642")["status"] == "ok"
        kiosk.close()
    assert_no_card_id_or_unkeyed_verifier(url)


def test_parallel_guesses_get_no_more_slots_than_the_policy_allows_on_postgres(
    tmp_path: Path,
    postgres_server: Postgres,  # noqa: F811
):
    rig = make_rig(tmp_path, postgres_server.new_database())
    results = reservations_race(rig, 30)
    rig.engine.dispose()
    slots = sorted(result.number for result in results if hasattr(result, "number"))
    assert slots == [1, 2, 3, 4, 5]
