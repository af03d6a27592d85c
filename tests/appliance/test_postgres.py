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
    test_enrol_card_then_pin_then_tap_and_go,  # noqa: F401
    test_lockout_after_the_limit_and_admin_unlock,  # noqa: F401
    test_one_state_token_raced_from_many_connections_wins_once,  # noqa: F401
    test_password_login_forces_pin_enrolment,  # noqa: F401
    test_role_choice_and_kiosk_events,  # noqa: F401
    test_state_token_is_single_use_and_bound_to_its_kiosk,  # noqa: F401
    test_tap_and_go_only_inside_grace,  # noqa: F401
)
from tests.appliance.test_migration import CARD, make_old_database
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
