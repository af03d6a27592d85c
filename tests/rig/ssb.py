"""The SIMULATED Spine Security Broker (`appliance.ssb_sim`) on loopback HTTPS, with its own CA
(made by the appliance's certs helper), and a software smartcard per Spine user that signs
challenges with its key.

    with start_ssb(tmp_path / "ssb", latency_ms=0) as ssb:
        ssb.trust(appliance_state_dir)          # the SSB's CA into <state>/ssb-certs/
        signature = ssb.cards["alice@DEMO"].sign(challenge_b64)

`spine_config(ssb)` is the `[spine]` table an appliance needs to use it.
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from appliance.config import SSB_CERTS
from appliance.demo import ADMIN_ROLE, CLINICAL, RA_ROLE
from appliance.ssb_local import LocalSsb as ProcessSsb
from appliance.ssb_local import start_ssb_process
from appliance.vscgen import test_certificate

ENVIRONMENT = "development"
# the demo users' Spine roles, as the SSB knows them
ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    "alice@DEMO": (CLINICAL, ADMIN_ROLE),
    "bob@DEMO": (CLINICAL,),
    "carol@DEMO": (CLINICAL,),
    "ravi@DEMO": (RA_ROLE,),
}
# whose VSC certificates the SSB accepts for each user (carol's and bob's are the demo's VSCs;
# an RA holds none)
CIS_USERNAMES = {
    "alice@DEMO": "555000000001",
    "bob@DEMO": "555000000002",
    "carol@DEMO": "555000000003",
}


@dataclass
class SoftCard:
    """A Spine smartcard's key and certificate, in software: it signs what it is given."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def make(cls, owner: str) -> SoftCard:
        issued = test_certificate(owner, dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
        return cls(issued.key, issued.certificate)

    def sign(self, challenge_b64: str) -> str:
        data = base64.b64decode(challenge_b64)
        return base64.b64encode(self.key.sign(data, ec.ECDSA(hashes.SHA256()))).decode()

    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()


class LocalSsb(ProcessSsb):
    def __init__(self, started: ProcessSsb, cards: dict[str, SoftCard]) -> None:
        super().__init__(started.process, started.url, started.ca)
        self.cards = cards

    def trust(self, state_dir: Path) -> None:
        """Hand the SSB's CA to an appliance, as an administrator's upload would."""
        folder = state_dir / SSB_CERTS
        folder.mkdir(mode=0o755, exist_ok=True)
        shutil.copyfile(self.ca, folder / "ssb-ca.pem")


def start_ssb(directory: Path, *, latency_ms: int = 0, max_seconds: int = 12 * 3600) -> LocalSsb:
    cards = {user: SoftCard.make(user) for user in ROLES}
    config = {
        "environment": ENVIRONMENT,
        "latency_ms": latency_ms,
        "max_seconds": max_seconds,
        "users": {
            user: {
                "cert": cards[user].pem(),
                "cis_username": CIS_USERNAMES.get(user),
                "roles": [{"code": code, "name": name} for code, name in ROLES[user]],
            }
            for user in ROLES
        },
    }
    return LocalSsb(start_ssb_process(directory, config), cards)


def spine_config(ssb: LocalSsb, **more: Any) -> dict[str, Any]:
    """The `[spine]` table of an appliance that uses `ssb` (ravi administers)."""
    return {
        "spine": {
            "environment": ENVIRONMENT,
            "administrators": ["ravi@DEMO"],
            "urls": {ENVIRONMENT: ssb.url},
            **more,
        }
    }
