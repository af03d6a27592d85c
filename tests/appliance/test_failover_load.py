"""Two appliance instances over HTTPS on loopback sharing one real PostgreSQL, simulated kiosks
(the greeter's own client) signing in concurrently, and the first instance killed with SIGKILL
mid-run: no login is lost, a login begun on the killed instance finishes on the other (a PIN
it was checking too), and the kiosks' event logs show the fail-over."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.local import LocalAppliance, another_instance
from greeter.flow.wire import AuthContinue, AuthOk, CardFactor, PinFactor
from tests.rig.appliance import start_demo_appliance
from tests.rig.fleet import PIN, Kiosk, Tally, failover_lines, run_fleet, seat_fleet

pytestmark = pytest.mark.postgres
KIOSKS = 12
SECONDS = 8.0


@pytest.fixture
def instances(tmp_path: Path, postgres_server) -> Iterator[tuple[LocalAppliance, LocalAppliance]]:
    db_url = postgres_server.new_database()
    with (
        start_demo_appliance(tmp_path / "appliance", db_url=db_url) as first,
        another_instance(first) as second,
    ):
        yield first, second


def kill(instance: LocalAppliance) -> None:
    instance.process.send_signal(signal.SIGKILL)
    instance.process.wait(timeout=10)


def test_killing_one_instance_under_load_loses_no_login(tmp_path, instances):
    first, second = instances
    seats = seat_fleet(first, KIOSKS + 1)
    held, fleet = seats[0], seats[1:]
    # one kiosk taps on the first instance just before it dies, and types the PIN after
    waiting = Kiosk(held, [first.url, second.url], first.ca_path, tmp_path / "held.jsonl", Tally())
    before: list[int] = []

    def midway(tally: Tally) -> None:
        tapped = waiting.backend.auth(CardFactor(held.card))
        assert isinstance(tapped, AuthContinue)
        before.append(tally.logins)
        kill(first)
        assert isinstance(waiting.backend.auth(PinFactor(tapped.state, PIN)), AuthOk)
        assert waiting.backend.appliances.active_url == second.url

    # half the kiosks list the first instance first, half the second (IT spreads them)
    orders = [[first.url, second.url], [second.url, first.url]]
    logs = tmp_path / "logs"
    tally, _ = run_fleet(fleet, orders, first.ca_path, logs, SECONDS, midway=midway)
    waiting.close()

    assert tally.lost == 0, tally
    # a PIN the killed instance held was finished by the other, under its step id: no re-tap
    assert tally.pin_lost == 0, tally
    assert tally.logins > before[0] > 0, tally  # signing in went on after the kill
    moves = failover_lines(logs)
    # every kiosk that was on the killed instance moved to the other, and said why
    movers = {line["kiosk"] for line in moves}
    assert len(movers) >= KIOSKS // 2, moves
    for line in moves:
        assert (line["from"], line["to"]) == (first.url, second.url)
        assert line["reason"] in ("unreachable", "timeout")
    assert failover_lines(tmp_path)[0]["kiosk"] == "held"
    # what the fleet saw went wrong: only answers lost with the killed instance
    assert set(tally.problems) <= {"logout unreachable"} | {
        text for text in tally.problems if text.startswith(("Unreachable", "TimedOut"))
    }, tally.problems
