"""X-Tap-Id: the kiosk's random id for one tap, kept in the audit lines of that request only;
validated and bounded, never a card id."""

from __future__ import annotations

import pytest

from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk

ALICE = "04A1B2C3D4E5F6"
TAP = "3f2a9c0d1e5b7a64"


def audit(server: LocalAppliance) -> list[str]:
    return server.admin("audit").stdout.splitlines()


def tap_with(kiosk: Kiosk, tap_id: str, card: str = ALICE):
    return kiosk.http.post(
        kiosk.server.url + "/v1/auth",
        json={"factor": {"type": "card", "id": card}},
        headers={"X-Tap-Id": tap_id},
        timeout=30,
        verify=kiosk.verify,
    )


def test_the_tap_id_is_in_the_audit_lines_of_its_request_only(kiosk, appliance_server):
    reply = tap_with(kiosk, TAP)
    assert reply.status_code == 200, reply.text
    # the next request on the same connection carries none: the id does not leak into it
    state = reply.json()["state"]
    assert kiosk.pin(state, "1234")["status"] == "ok"
    lines = audit(appliance_server)
    seen = next(line for line in lines if " card_seen " in line)
    assert f'"tap": "{TAP}"' in seen
    login = next(line for line in lines if " login " in line)
    assert TAP not in login


@pytest.mark.parametrize(
    "bad",
    [
        "short",  # under 8 characters
        "x" * 65,  # over 64
        'ab"}{"user": "mallory',  # not letters, digits, - or _: no JSON games in the audit
        "abcdefgh\tinjected",
    ],
)
def test_a_malformed_tap_id_is_refused_with_a_clear_error(bad, kiosk, appliance_server):
    reply = tap_with(kiosk, bad)
    assert reply.status_code == 422
    body = reply.json()
    assert body["code"] == "invalid_request"
    assert "x-tap-id" in body["message"]
    assert not any(" card_seen " in line for line in audit(appliance_server))


def test_a_card_id_is_never_a_tap_id(kiosk, appliance_server):
    reply = tap_with(kiosk, ALICE.lower())
    assert reply.status_code == 400
    assert reply.json()["code"] == "invalid_request"
    assert "never the card id" in reply.json()["message"]
    assert not any(" card_seen " in line for line in audit(appliance_server))
