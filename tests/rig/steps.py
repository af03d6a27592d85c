"""What the appliance's database says about named factor steps (`appliance.steps`), for the
tests that send them: the audit trail, the sessions made, the guesses counted, and making a
user's PIN slow to check (so an instance can be caught, and killed, while it checks it)."""

from __future__ import annotations

import uuid
from typing import Any

import requests
from sqlalchemy import func, select, update

from appliance.config import HashCost, load_settings
from appliance.db import make_engine
from appliance.hashing import make_verifier
from appliance.local import LocalAppliance
from appliance.store import Attempts, AuditEvent, AuthStep, DesktopSession, PinVerifier, User

# ~2 s an Argon2id check on this machine's cores (the demo's cost is far cheaper)
SLOW_ARGON2 = HashCost(memory_kib=65536, iterations=20, lanes=1)


def step_id() -> str:
    return uuid.uuid4().hex


def send_step(
    server: LocalAppliance,
    body: dict[str, Any],
    step: str,
    *,
    kiosk: tuple[str, str] | None = None,
) -> requests.Response:
    """One `/v1/auth` request under `X-Step-Id: step`, as kiosk (name, secret) or the
    server's own."""
    name, secret = kiosk or (server.kiosk_name, server.kiosk_secret)
    return requests.post(
        server.url + "/v1/auth",
        json=body,
        headers={"X-Kiosk": name, "Authorization": f"Bearer {secret}", "X-Step-Id": step},
        verify=str(server.ca_path),
        timeout=60,
    )


class Ledger:
    """Reads the appliance's database directly (as an auditor would)."""

    def __init__(self, server: LocalAppliance) -> None:
        self.server = server
        self.engine = make_engine(server.db_url)

    def close(self) -> None:
        self.engine.dispose()

    def events(self, *names: str) -> list[str]:
        with self.engine.connect() as connection:
            rows = connection.scalars(select(AuditEvent.event).order_by(AuditEvent.id))
            return [row for row in rows if row in names]

    def sessions(self, username: str) -> int:
        query = (
            select(func.count())
            .select_from(DesktopSession)
            .join(User, User.id == DesktopSession.user_id)
            .where(User.username == username)
        )
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def failures(self, username: str) -> int:
        query = select(Attempts.failures).where(Attempts.username == username)
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def held_steps(self) -> int:
        """Steps taken and held by an instance, not yet decided."""
        query = (
            select(func.count())
            .select_from(AuthStep)
            .where(AuthStep.held.is_not(None), AuthStep.outcome.is_(None))
        )
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def slow_pin(self, username: str, pin: str) -> None:
        """Give `username` a PIN whose check takes seconds (`SLOW_ARGON2`)."""
        keys = load_settings(self.server.state_dir).keys
        verifier = make_verifier(pin, SLOW_ARGON2, keys)
        user_id = select(User.id).where(User.username == username).scalar_subquery()
        with self.engine.begin() as connection:
            connection.execute(
                update(PinVerifier).where(PinVerifier.user_id == user_id).values(verifier=verifier)
            )
