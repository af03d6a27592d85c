"""How fast the greeter core turns a tap into a screen.

1. `flow.step` alone (pure): microseconds per event over whole card + PIN logins.
2. The Kiosk shell against the real appliance on loopback (HTTPS, demo users, fast Argon2id):
   tap -> PIN screen, and PIN -> session started (a real `sleep` child as the session), each
   measured from `dispatch` to the view change, next to the card call alone through the
   kiosk's appliance client (`greeter.backend`, urllib3) on its warm connection and on a new
   one, so the greeter's own overhead shows, and the same call through `requests` (what the
   client used before urllib3). Prints JSON.

    .venv/bin/python -m bench.greeter_login [--runs 20] [--steps 20000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from appliance.local import LocalAppliance
from bench.common import summary
from greeter.backend import Backend, BackendSettings
from greeter.cards import CardEvent
from greeter.config import load
from greeter.demo import write_demo_config
from greeter.flow import samples
from greeter.flow.inputs import SessionExited, SessionStarted
from greeter.flow.model import PinEntered
from greeter.flow.samples import FlowDriver
from greeter.flow.wire import CardFactor
from greeter.inline import InlineExecutor
from greeter.wiring import build_kiosk
from tests.rig.appliance import start_demo_appliance

RAVI = "04AA0000000002"  # card + PIN 2468, one role: no role screen


def bench_step(steps: int) -> dict[str, Any]:
    flow = FlowDriver()
    session = samples.session()
    events = 0
    started = time.perf_counter()
    while events < steps:
        flow.send(samples.tap(samples.ALICE_CARD))
        flow.reply(samples.need_pin())
        flow.send(PinEntered("1234"))
        flow.reply(samples.ok())
        flow.send(SessionStarted(session), SessionExited(session, 0))
        events += 6
    elapsed = time.perf_counter() - started
    return {"events": events, "us_per_event": round(elapsed / events * 1e6, 2)}


def connection(appliance: LocalAppliance) -> requests.Session:
    http = requests.Session()
    http.verify = str(appliance.ca_path)
    http.trust_env = False  # else REQUESTS_CA_BUNDLE would override verify
    http.headers.update(appliance.kiosk_headers())
    return http


def client(appliance: LocalAppliance) -> Backend:
    return Backend(
        BackendSettings(
            appliance.url, str(appliance.ca_path), appliance.kiosk_name, appliance.kiosk_secret
        )
    )


def card_call_ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def requests_card_call(http: requests.Session, appliance: LocalAppliance) -> None:
    answer = http.post(
        appliance.url + "/v1/auth", json={"factor": {"type": "card", "id": RAVI}}, timeout=10
    )
    assert answer.status_code == 200


def fresh_card_call(appliance: LocalAppliance) -> None:
    fresh = client(appliance)
    try:
        fresh.auth(CardFactor(RAVI))
    finally:
        fresh.close()


def bench_kiosk(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-greeter-") as folder:
        root = Path(folder)
        # the bench taps far faster than a person: lift the per-kiosk rate limit
        with start_demo_appliance(root / "appliance", rate_limit=(1000, 1000)) as appliance:
            path = write_demo_config(
                root, appliance.url, appliance.ca_path, appliance.kiosk_name,
                appliance.kiosk_secret,
            )  # fmt: skip
            # a session that ends at once, so each run starts from idle on a warm connection
            path.write_text(path.read_text().replace('["sleep", "infinity"]', '["true"]'))
            config = load(path)
            executor = InlineExecutor()
            kiosk = build_kiosk(config, executor, event_log_path=str(root / "events.jsonl"))
            kiosk.start()
            tap_ms: list[float] = []
            pin_ms: list[float] = []
            bare_ms: list[float] = []
            fresh_ms: list[float] = []
            requests_ms: list[float] = []
            http = connection(appliance)
            backend = client(appliance)
            try:
                for _ in range(runs):
                    # the same route through the kiosk's client alone, on its warm connection
                    bare_ms.append(card_call_ms(lambda: backend.auth(CardFactor(RAVI))))
                    # and on a new connection: what a tap would pay if its connection had been
                    # let go idle (the kiosk keeps it warm: greeter.backend KEEP_WARM_SECONDS)
                    fresh_ms.append(card_call_ms(lambda: fresh_card_call(appliance)))
                    # and through requests on its warm connection
                    requests_ms.append(card_call_ms(lambda: requests_card_call(http, appliance)))

                    started = time.perf_counter()
                    kiosk.dispatch(CardEvent("present", RAVI, "bench", "virtual", "contact", 0.0))
                    assert kiosk.view.screen == "pin", kiosk.view
                    tap_ms.append((time.perf_counter() - started) * 1000)

                    started = time.perf_counter()
                    kiosk.dispatch(PinEntered("2468"))
                    assert kiosk.state.desktop is not None, kiosk.view
                    pin_ms.append((time.perf_counter() - started) * 1000)

                    # end the grace so the next tap asks for the PIN again
                    session_id = kiosk.state.desktop.session.id
                    http.post(f"{appliance.url}/v1/sessions/{session_id}/logout", timeout=10)
                    assert executor.run_until(lambda: kiosk.view.screen == "idle", 10)

            finally:
                kiosk.close()
                backend.close()
                http.close()
    return {
        "runs": runs,
        "tap_to_pin_screen_ms": summary(tap_ms),
        "pin_to_session_ms": summary(pin_ms),
        "bare_card_call_ms": summary(bare_ms),
        "bare_card_call_new_connection_ms": summary(fresh_ms),
        "requests_card_call_ms": summary(requests_ms),
        "note": "InlineExecutor (no Qt hop); fast Argon2id; pin_to_session includes the PIN "
        "check, the session start (a real child process) and the event log",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--steps", type=int, default=20000)
    args = parser.parse_args()
    result = {"step": bench_step(args.steps), "kiosk": bench_kiosk(args.runs)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
