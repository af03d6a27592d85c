"""A kiosk-side client of the Spine routes for tests and `bench.spine_ticket`: it states its
Spine environment and signs the SSB's challenges with the rig's software cards."""

from __future__ import annotations

from typing import Any

import requests

from appliance.local import LocalAppliance
from tests.appliance.kiosk_client import Kiosk
from tests.rig.ssb import ENVIRONMENT, LocalSsb

ALICE_CARD, ALICE_PIN = "04A1B2C3D4E5F6", "1234"
SPINE = {"X-Spine-Environment": ENVIRONMENT}


class SpineKiosk(Kiosk):
    """A kiosk that speaks the Spine routes, stating its environment."""

    def spine(self, session: str, action: str, body: Any = None, env: str = ENVIRONMENT) -> Any:
        url = f"{self.server.url}/v1/sessions/{session}/spine/{action}"
        headers = {"X-Spine-Environment": env} if env else {}
        if action == "ticket":
            return self.http.get(url, headers=headers, timeout=30, verify=self.verify)
        return self.http.post(url, json=body, headers=headers, timeout=30, verify=self.verify)

    def two_factor(self, card: str = ALICE_CARD, pin: str = ALICE_PIN) -> str:
        tapped = self.tap(card)
        if tapped["status"] == "ok":  # tap-and-go inside the grace
            return str(tapped["session"]["id"])
        done = self.pin(tapped["state"], pin)
        assert done["status"] == "ok", done
        return str(done["session"]["id"])

    def ticketed(self, ssb: LocalSsb) -> tuple[str, str]:
        """Alice signed in with two factors and authenticated to Spine: session and ticket."""
        session = self.two_factor()
        assert self.first_auth(session, "alice@DEMO", ssb).status_code == 200
        return session, str(self.spine(session, "ticket").json()["spine"]["ticket"])

    def first_auth(
        self, session: str, card_owner: str, ssb: LocalSsb, role: str | None = None
    ) -> requests.Response:
        """`card_owner`'s card signs the challenge; `role`: the one wanted (a restart)."""
        issued = self.spine(session, "challenge")
        assert issued.status_code == 200, issued.text
        signature = ssb.cards[card_owner].sign(issued.json()["challenge"])
        body = {"challenge_id": issued.json()["challenge_id"], "signature": signature}
        if role is not None:
            body["role"] = role
        return self.spine(session, "authenticate", body)


def other_kiosk(server: LocalAppliance, name: str) -> SpineKiosk:
    secret = server.admin("kiosk", "add", name).stdout.strip()
    return SpineKiosk(server, name, secret)
