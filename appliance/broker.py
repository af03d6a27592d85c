"""The one way the appliance talks to a Spine Security Broker (SSB).

Outbound HTTPS trusts only the SSB certificates the appliance holds: every PEM file in
`<state_dir>/ssb-certs/` (the system's CA store is never loaded). The stdlib's HTTP client is
used: the appliance's package ships no HTTP client library.

The wire (the simulated SSB, `appliance.ssb_sim`, speaks it): JSON POSTs to `/v1/challenge`,
`/v1/authenticate` (with the signing certificate when a VSC signed), `/v1/validate` and
`/v1/revoke`, each with `X-Spine-Environment`.
Tickets pass through here and are never logged.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appliance.config import SSB_CERTS, Settings
from appliance.replies import Role


class BrokerError(Exception):
    """The SSB refused or could not be reached. `code` is the API's error code."""

    def __init__(self, code: str, message: str, status: int = 502) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Challenge:
    id: str
    nonce: str  # base64: what the user's smartcard signs


@dataclass(frozen=True)
class Ticket:
    user: str
    value: str
    roles: tuple[Role, ...]
    max_seconds: int  # how long the SSB lets it live


def trust_store(state_dir: Path) -> ssl.SSLContext:
    """A client context that trusts the PEM certificates in `ssb-certs/` and nothing else."""
    folder = state_dir / SSB_CERTS
    pems = sorted(folder.glob("*.pem")) if folder.is_dir() else []
    if not pems:
        raise BrokerError(
            "ssb_untrusted", f"unable to reach the SSB: no SSB certificate in {folder}", 503
        )
    # read at every call (an administrator's upload or removal counts at once); a bare
    # context, unlike create_default_context, holds no system CA
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    for pem in pems:
        try:
            context.load_verify_locations(cadata=pem.read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError, ssl.SSLError) as error:
            raise BrokerError(
                "ssb_untrusted", f"unable to load SSB certificate {pem.name}: {error}", 503
            ) from None
    return context


class Broker:
    """The SSB of the appliance's configured environment."""

    def __init__(self, settings: Settings) -> None:
        self.environment = settings.spine.environment
        self.url = settings.spine.ssb_url
        self.timeout = settings.spine.timeout
        self.state_dir = settings.state_dir

    def challenge(self, user: str) -> Challenge:
        body = self._post("/v1/challenge", {"user": user})
        return Challenge(id=_text(body, "challenge_id"), nonce=_text(body, "challenge"))

    def authenticate(
        self, challenge_id: str, signature: str, certificate: str | None = None
    ) -> Ticket:
        """`certificate` (PEM): the virtual smartcard's that signed, sent when the appliance
        signs on a VSC user's behalf (the SSB checks it is the CIS user's); a physical card's
        certificate is the one the SSB holds."""
        payload = {"challenge_id": challenge_id, "signature": signature}
        if certificate is not None:
            payload["certificate"] = certificate
        body = self._post("/v1/authenticate", payload)
        roles = body.get("roles")
        if not isinstance(roles, list) or not all(
            isinstance(role, dict) and isinstance(role.get("code"), str) for role in roles
        ):
            raise BrokerError("ssb_failed", "unable to read the SSB's ticket: no roles")
        max_seconds = body.get("max_seconds")
        if not isinstance(max_seconds, int) or max_seconds <= 0:
            raise BrokerError("ssb_failed", "unable to read the SSB's ticket: no lifetime")
        return Ticket(
            user=_text(body, "user"),
            value=_text(body, "ticket"),
            roles=tuple(
                Role(code=role["code"], name=str(role.get("name") or role["code"]))
                for role in roles
            ),
            max_seconds=max_seconds,
        )

    def validate(self, ticket: str) -> bool:
        return bool(self._post("/v1/validate", {"ticket": ticket}).get("valid"))

    def revoke(self, ticket: str) -> None:
        self._post("/v1/revoke", {"ticket": ticket})

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        if not self.url:
            raise BrokerError(
                "ssb_not_configured",
                f"unable to reach the SSB: spine.urls has no {self.environment} URL",
                503,
            )
        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPSConnection(
            parts.hostname or "",
            parts.port or 443,
            timeout=self.timeout,
            context=trust_store(self.state_dir),
        )
        try:
            connection.request(
                "POST",
                parts.path.rstrip("/") + path,
                body=json.dumps(payload),
                headers={
                    "Content-Type": "application/json",
                    "X-Spine-Environment": self.environment,
                },
            )
            response = connection.getresponse()
            data = response.read(64 * 1024)
        except ssl.SSLError as error:
            raise BrokerError(
                "ssb_untrusted", f"unable to trust the SSB: {error.reason or error}", 503
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise BrokerError("ssb_unreachable", f"unable to reach the SSB: {error}", 503) from None
        finally:
            connection.close()
        try:
            body = json.loads(data) if data else {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise BrokerError("ssb_failed", f"unable to read the SSB's answer ({response.status})")
        if response.status >= 400:
            # the SSB's own code (e.g. signature_invalid) under the spine_ prefix
            code = str(body.get("code") or "failed")
            message = str(body.get("message") or "the SSB refused")
            status = 403 if response.status in (401, 403) else 502
            raise BrokerError(
                f"spine_{code}", f"unable to authenticate to Spine: {message}", status
            )
        return body


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise BrokerError("ssb_failed", f"unable to read the SSB's answer: no {key}")
    return value
