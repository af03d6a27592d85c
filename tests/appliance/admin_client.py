"""The admin API's client for the tests: the appliance's URL, pinned CA and admin token."""

from __future__ import annotations

from typing import Any

import requests

from appliance.config import ADMIN_TOKEN_NAME
from appliance.local import LocalAppliance


class AdminClient:
    def __init__(self, server: LocalAppliance, token: str | None = None) -> None:
        self.server = server
        self.verify = str(server.ca_path)
        secret = token or (server.state_dir / ADMIN_TOKEN_NAME).read_text().strip()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        return requests.request(
            method,
            self.server.url + "/v1/admin" + path,
            json=body,
            headers=self.headers,
            verify=self.verify,
            timeout=30,
        )

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        reply = self.call(method, path, body)
        assert reply.status_code in (200, 201, 204), reply.text
        return reply.json() if reply.content else None
