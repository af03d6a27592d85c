"""A SIMULATED Spine Security Broker (SSB), for the demo and the tests. Not NHS Spine.

It speaks the wire `appliance.broker` uses, over real HTTPS: it knows each user's smartcard
certificate and Spine roles (from a JSON file), issues a random challenge, verifies the
card's signature over it with that certificate (ECDSA P-256 or RSA PKCS#1 v1.5, SHA-256),
and issues, validates and revokes tickets.

Virtual smartcards (the simulation's trust model, not Spine's): the appliance signs for a VSC
user and sends the VSC's certificate with the signature. The simulation accepts a presented
certificate only if it is valid now and its subject's common name is the CIS username it has
registered for that user (`cis_username`), and then verifies the signature with it. A real
SSB would also check the certificate's chain to the CIS CA; the test certificates
(`appliance.vscgen`) each have a throwaway CA, so this one does not.

Each answer waits `latency_ms` first, the delay a real broker adds. Everything is in memory:
a restart forgets every ticket.

    python -m appliance.ssb_sim --config ssb.json --cert server.pem --key server.key \
        --port 9443

ssb.json: {"environment": "development", "latency_ms": 300, "max_seconds": 43200,
           "users": {"alice@DEMO": {"cert": "-----BEGIN CERTIFICATE-----...",
                                    "cis_username": "555000000001",
                                    "roles": [{"code": "R8000", "name": "Clinical"}]}}}
("cert": the physical smartcard's; "cis_username": whose VSC certificates are accepted;
either may be absent)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import datetime as dt
import json
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse

CHALLENGE_SECONDS = 120


@dataclass
class SimUser:
    cert: x509.Certificate | None
    roles: list[dict[str, str]]
    cis_username: str | None = None


@dataclass
class SimState:
    environment: str
    latency: float
    max_seconds: int
    users: dict[str, SimUser]
    challenges: dict[str, tuple[str, bytes, float]] = field(default_factory=dict)
    tickets: dict[str, str] = field(default_factory=dict)  # ticket -> user


def load_state(path: Path) -> SimState:
    raw = json.loads(path.read_text(encoding="utf-8"))
    users = {
        name.lower(): SimUser(
            x509.load_pem_x509_certificate(entry["cert"].encode()) if entry.get("cert") else None,
            entry["roles"],
            entry.get("cis_username"),
        )
        for name, entry in raw.get("users", {}).items()
    }
    return SimState(
        environment=raw.get("environment", "development"),
        latency=float(raw.get("latency_ms", 0)) / 1000,
        max_seconds=int(raw.get("max_seconds", 12 * 3600)),
        users=users,
    )


def verify(cert: x509.Certificate, signature: bytes, data: bytes) -> bool:
    key = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except InvalidSignature:
        return False
    return True


def presented(user: SimUser, pem: str) -> x509.Certificate | str:
    """A VSC certificate sent with a signature, or why it is refused: it must be valid now
    and name (common name) the CIS username registered for the user."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return "the certificate is not PEM"
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if user.cis_username is None or [n.value for n in names] != [user.cis_username]:
        return "the certificate is not this user's virtual smartcard"
    now = dt.datetime.now(dt.UTC)
    if not cert.not_valid_before_utc <= now < cert.not_valid_after_utc:
        return "the certificate is not valid now"
    return cert


def _refuse(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


Handler = Callable[[dict[str, Any]], Any]


def create_app(state: SimState) -> FastAPI:
    app = FastAPI(title="SIMULATED Spine Security Broker")

    def route(path: str) -> Callable[[Handler], Handler]:
        """A POST of a JSON object, answered after the broker's delay, in its environment."""

        def register(handler: Handler) -> Handler:
            @app.post(path, response_model=None, name=handler.__name__)
            async def endpoint(
                request: Request, x_spine_environment: str | None = Header(default=None)
            ) -> Any:
                await asyncio.sleep(state.latency)
                if x_spine_environment != state.environment:
                    message = f"this SSB serves {state.environment}"
                    return _refuse(400, "environment_mismatch", message)
                try:
                    body = await request.json()
                except ValueError:
                    body = None
                if not isinstance(body, dict):
                    return _refuse(400, "invalid_request", "a JSON object is expected")
                return handler(body)

            return handler

        return register

    @route("/v1/challenge")
    def challenge(body: dict[str, Any]) -> Any:
        user = str(body.get("user", "")).lower()
        if user not in state.users:
            return _refuse(403, "unknown_user", "no Spine user by that name")
        challenge_id, nonce = secrets.token_urlsafe(18), secrets.token_bytes(32)
        state.challenges[challenge_id] = (user, nonce, time.monotonic() + CHALLENGE_SECONDS)
        return {"challenge_id": challenge_id, "challenge": base64.b64encode(nonce).decode()}

    @route("/v1/authenticate")
    def authenticate(body: dict[str, Any]) -> Any:
        taken = state.challenges.pop(str(body.get("challenge_id", "")), None)
        if taken is None or taken[2] < time.monotonic():
            return _refuse(403, "challenge_invalid", "the challenge is unknown, used or expired")
        user, nonce, _ = taken
        try:
            signature = base64.b64decode(str(body.get("signature", "")), validate=True)
        except (binascii.Error, ValueError):
            signature = b""
        known = state.users[user]
        cert = known.cert
        if "certificate" in body:
            found = presented(known, str(body["certificate"]))
            if isinstance(found, str):
                return _refuse(403, "certificate_refused", found)
            cert = found
        if cert is None or not verify(cert, signature, nonce):
            return _refuse(403, "signature_invalid", "the smartcard's signature does not verify")
        ticket = secrets.token_urlsafe(32)
        state.tickets[ticket] = user
        return {
            "user": user,
            "ticket": ticket,
            "roles": state.users[user].roles,
            "max_seconds": state.max_seconds,
        }

    @route("/v1/validate")
    def validate(body: dict[str, Any]) -> Any:
        user = state.tickets.get(str(body.get("ticket", "")))
        return {"valid": user is not None, "user": user}

    @route("/v1/revoke")
    def revoke(body: dict[str, Any]) -> Any:
        return {"revoked": state.tickets.pop(str(body.get("ticket", "")), None) is not None}

    return app


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="ssb_sim", description="A SIMULATED Spine SSB.")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9443)
    parser.add_argument("--ready-fd", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    app = create_app(load_state(args.config))
    listener = socket.create_server((args.host, args.port))
    if args.ready_fd is not None:
        with os.fdopen(args.ready_fd, "w") as ready:
            ready.write(f"{listener.getsockname()[1]}\n")
    config = uvicorn.Config(
        app,
        ssl_certfile=str(args.cert),
        ssl_keyfile=str(args.key),
        log_level="warning",
        access_log=False,
    )
    uvicorn.Server(config).run(sockets=[listener])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
