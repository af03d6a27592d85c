"""VSC private keys across a server key rotation (`appliance key rotate`): VSC Spine signing
keeps working, a VSC's key moves to the current key at its next use (or all at once with
`appliance key move-vscs`), and no instance serves without a key that still seals one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import RETIRED_KEYS, ApplianceError, load_settings
from appliance.db import make_engine, session_factory
from appliance.keyring import check_held
from appliance.local import LocalAppliance, start_local_appliance
from appliance.store import Vsc
from tests.appliance.admin_client import AdminClient
from tests.appliance.spine_client import SpineKiosk
from tests.appliance.spine_fixtures import valid
from tests.appliance.vsc_helpers import add_vsc, days, give_alice_a_vsc
from tests.rig.appliance import DATABASES, start_demo_appliance
from tests.rig.ssb import LocalSsb, spine_config


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None: SQLite in the state dir; else a fresh PostgreSQL database."""
    if request.param == "postgres":
        yield request.getfixturevalue("postgres_server").new_database()
    else:
        yield None


def key_status(server: LocalAppliance) -> dict[str, list[str]]:
    done = server.admin("key", "status")
    assert done.returncode == 0, done.stderr
    return {line.split("\t")[0]: line.split("\t")[1:] for line in done.stdout.splitlines()}


def rotate(server: LocalAppliance) -> str:
    """The retired key's id."""
    old = load_settings(server.state_dir).keys.current_id
    done = server.admin("key", "rotate")
    assert done.returncode == 0, done.stderr
    return old


def test_vsc_spine_signing_survives_a_rotation_and_the_key_moves(
    tmp_path: Path, ssb: LocalSsb, db_url: str | None
) -> None:
    state, config = tmp_path / "appliance", spine_config(ssb)
    with start_demo_appliance(state, extra_config=config, db_url=db_url) as server:
        ssb.trust(state)
        give_alice_a_vsc(server, "VSC-R1")
        old = rotate(server)
        url = server.db_url
    with start_demo_appliance(state, extra_config=config, db_url=url) as server:
        ssb.trust(state)
        new = load_settings(state).keys.current_id
        # alice's and the demo's two VSCs are still sealed under the retired key
        assert key_status(server)[old][3] == "vscs=3"
        ward = SpineKiosk(server)
        try:
            session = ward.two_factor()
            done = ward.spine(session, "authenticate", {"vsc": True})
            assert done.status_code == 200, done.text
            assert valid(ssb, ward.spine(session, "ticket").json()["spine"]["ticket"])
        finally:
            ward.close()
        # used once, alice's VSC key moved to the current key; the others wait
        status = key_status(server)
        assert (status[new][3], status[old][3]) == ("vscs=1", "vscs=2")


def test_a_retired_key_sealing_a_vsc_is_needed_until_moved(
    tmp_path: Path, db_url: str | None
) -> None:
    state = tmp_path / "appliance"
    # no demo users: the VSC is the only thing the retired key will hold
    with start_local_appliance(state, fast_hashing=True, db_url=db_url) as server:
        add_vsc(AdminClient(server), "555000000099", "VSC-R2", days(90))
        old = rotate(server)
        url = server.db_url
    retired = next((state / RETIRED_KEYS).glob(f"*-{old}.key"))
    kept = retired.read_bytes()
    engine = make_engine(url)
    try:
        retired.unlink()
        # without the retired key no instance serves: the VSC would be lost
        with pytest.raises(ApplianceError, match="VSC keys"):
            check_held(load_settings(state), engine)
        retired.write_bytes(kept)
        retired.chmod(0o600)
        with start_local_appliance(state, fast_hashing=True, db_url=url) as server:
            moved = server.admin("key", "move-vscs")
            assert moved.returncode == 0, moved.stderr
            assert moved.stdout.startswith("1 VSC keys moved")
            assert key_status(server)[old][3] == "vscs=0"
            assert "vsc_keys_moved" in server.admin("audit", "--lines", "20").stdout
        retired.unlink()
        settings = load_settings(state)
        assert settings.keys.retired == ()
        check_held(settings, engine)  # the retired key may go now
        with session_factory(engine)() as db:
            vsc = db.query(Vsc).one()
            assert vsc.key_id == settings.keys.current_id
    finally:
        engine.dispose()
