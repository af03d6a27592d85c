"""A tiny kiosk-side client for the tests: the appliance's URL, pinned CA and credentials."""

from __future__ import annotations

from typing import Any

import requests
from pydantic import TypeAdapter
from requests.adapters import HTTPAdapter

from appliance.local import LocalAppliance
from appliance.replies import AuthReply

REPLIES: TypeAdapter[Any] = TypeAdapter(AuthReply)


class _FromAddress(HTTPAdapter):
    """Connections from `address` (any of 127.0.0.0/8 reaches a server on 127.0.0.1)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Kiosk:
    def __init__(
        self,
        server: LocalAppliance,
        name: str | None = None,
        secret: str | None = None,
        source: str | None = None,
    ):
        self.server = server
        self.http = requests.Session()
        if source is not None:
            self.http.mount("https://", _FromAddress(source))
        # per request, not session.verify: REQUESTS_CA_BUNDLE in the env overrides the latter
        self.verify = str(server.ca_path)
        self.http.headers.update(
            {
                "X-Kiosk": name or server.kiosk_name,
                "Authorization": f"Bearer {secret or server.kiosk_secret}",
            }
        )

    def post(self, path: str, body: Any) -> requests.Response:
        return self.http.post(self.server.url + path, json=body, timeout=30, verify=self.verify)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.server.url + path, timeout=30, verify=self.verify)

    def auth(self, body: dict[str, Any]) -> dict[str, Any]:
        reply = self.post("/v1/auth", body)
        assert reply.status_code == 200, reply.text
        # every reply of every flow test is one of the closed set the API documents
        REPLIES.validate_python(reply.json())
        return reply.json()

    def tap(self, card_id: str) -> dict[str, Any]:
        return self.auth({"factor": {"type": "card", "id": card_id}})

    def pin(self, state: str, value: str) -> dict[str, Any]:
        return self.auth({"state": state, "factor": {"type": "pin", "value": value}})

    def enroll_pin(self, state: str, value: str) -> dict[str, Any]:
        return self.auth({"state": state, "enroll": {"type": "pin", "value": value}})

    def password(
        self,
        username: str,
        password: str,
        domain: str = "DEMO",
        state: str | None = None,
        enroll_card: bool = False,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "factor": {
                "type": "password", "username": username, "password": password, "domain": domain,
            }
        }  # fmt: skip
        if state:
            body["state"] = state
        if enroll_card:
            body["enroll"] = {"type": "card"}
        return self.auth(body)

    def close(self) -> None:
        self.http.close()
