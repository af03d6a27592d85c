"""The VSC inventory: virtual smartcards generated in CIS, added, renewed and revoked by
administrators (CLI and admin API), assigned to users by Registration Authorities
(`appliance.ra`). A VSC's expiry is its certificate's notAfter; its private key is sealed
(`appliance.vsckeys`), never logged, never sent anywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from sqlalchemy import select
from sqlalchemy.orm import Session

from appliance.audit import Auditor
from appliance.config import ApplianceError
from appliance.keys import Keys
from appliance.models import UNPRINTABLE, column_length
from appliance.store import Vsc
from appliance.vsckeys import seal, unseal

STATUSES = ("unassigned", "assigned", "expired", "revoked")
_PRINTABLE = re.compile(f"^[^{UNPRINTABLE}]+$")


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_of(vsc: Vsc, now: dt.datetime) -> str:
    """What an administrator and an RA see: expired is read off the certificate."""
    if vsc.status == "revoked":
        return "revoked"
    return "expired" if vsc.not_after <= now else vsc.status


def days_left(vsc: Vsc, now: dt.datetime) -> int:
    return (vsc.not_after - now).days


def owner_name(vsc: Vsc) -> str | None:
    return f"{vsc.user.username}@{vsc.user.domain}" if vsc.user is not None else None


def view(vsc: Vsc, now: dt.datetime) -> dict[str, Any]:
    return {
        "serial": vsc.serial,
        "cis_username": vsc.cis_username,
        "status": status_of(vsc, now),
        "owner": owner_name(vsc),
        "not_after": iso(vsc.not_after),
        "days_left": days_left(vsc, now),
        "renewed_at": iso(vsc.renewed_at) if vsc.renewed_at else None,
        "has_certificate": vsc.certificate is not None,
    }


def _field(name: str, value: str, limit: int, verb: str) -> str:
    value = value.strip()
    if not value or len(value) > limit or not _PRINTABLE.match(value):
        raise ApplianceError(f"unable to {verb}: {name} must be 1 to {limit} printable characters")
    return value


def _read_pair(material: Material, now: dt.datetime, verb: str) -> tuple[x509.Certificate, bytes]:
    """The certificate (PEM or DER) and its private key (PEM or DER, unencrypted) as PKCS#8
    PEM; refused when unreadable, expired, or not each other's."""
    cert_data, key_data = material.cert_data, material.key_data
    try:
        if b"-----BEGIN" in cert_data:
            cert = x509.load_pem_x509_certificate(cert_data)
        else:
            cert = x509.load_der_x509_certificate(cert_data)
    except ValueError:
        raise ApplianceError(f"unable to {verb}: the certificate is not PEM or DER") from None
    try:
        if b"-----BEGIN" in key_data:
            key = serialization.load_pem_private_key(key_data, password=None)
        else:
            key = serialization.load_der_private_key(key_data, password=None)
    except (ValueError, TypeError):
        raise ApplianceError(
            f"unable to {verb}: the private key is not an unencrypted PEM or DER key"
        ) from None
    if key.public_key() != cert.public_key():
        raise ApplianceError(f"unable to {verb}: the private key is not the certificate's")
    if cert.not_valid_after_utc <= now:
        raise ApplianceError(
            f"unable to {verb}: the certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}"
        )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert, pem


def _install(vsc: Vsc, keys: Keys, cert: x509.Certificate, key_pem: bytes) -> None:
    vsc.certificate = cert.public_bytes(serialization.Encoding.PEM).decode()
    vsc.not_after = cert.not_valid_after_utc
    vsc.sealed_key, vsc.key_id = seal(keys, vsc.serial, key_pem)


def find(db: Session, serial: str, verb: str) -> Vsc:
    vsc = db.scalars(select(Vsc).where(Vsc.serial == serial.strip())).one_or_none()
    if vsc is None:
        raise ApplianceError(f"unable to {verb}: no VSC with serial {serial[:80]!r}")
    return vsc


@dataclass(frozen=True)
class Change:
    """Who changes the inventory, when, and what they need: the server key seals, the
    auditor records (`actor` is the audit line's kiosk: admin-cli, admin-api, demo)."""

    keys: Keys
    audit: Auditor
    now: dt.datetime
    actor: str

    def record(self, db: Session, event: str, vsc: Vsc, **detail: Any) -> None:
        owner = vsc.user.username if vsc.user is not None else ""
        self.audit.record(
            db, event, at=self.now, kiosk=self.actor, username=owner, serial=vsc.serial, **detail
        )


@dataclass(frozen=True)
class Material:
    """A certificate and its private key as they came (PEM or DER)."""

    cert_data: bytes
    key_data: bytes = field(repr=False)


def add(db: Session, change: Change, cis_username: str, serial: str, material: Material) -> Vsc:
    verb = "add the VSC"
    serial = _field("serial", serial, column_length(Vsc.serial), verb)
    cis_username = _field("cis_username", cis_username, column_length(Vsc.cis_username), verb)
    cert, key_pem = _read_pair(material, change.now, verb)
    if db.scalars(select(Vsc.id).where(Vsc.serial == serial)).first() is not None:
        raise ApplianceError(f"unable to {verb}: serial {serial} is already in the inventory")
    vsc = Vsc(
        serial=serial,
        cis_username=cis_username,
        status="unassigned",
        assigned_by="",
        renewal_unseen=False,
        added_at=change.now,
    )
    _install(vsc, change.keys, cert, key_pem)
    db.add(vsc)
    db.flush()
    change.record(db, "vsc_added", vsc, cis_username=cis_username, not_after=iso(vsc.not_after))
    return vsc


def renew(db: Session, change: Change, serial: str, material: Material) -> Vsc:
    """Install the renewed certificate (as CIS self-service renewal reaches the appliance);
    its user is told once at their next login."""
    verb = f"renew VSC {serial[:80]}"
    vsc = find(db, serial, verb)
    if vsc.status == "revoked":
        raise ApplianceError(f"unable to {verb}: it is revoked")
    cert, key_pem = _read_pair(material, change.now, verb)
    if cert.not_valid_after_utc <= vsc.not_after:
        raise ApplianceError(f"unable to {verb}: the new certificate does not expire later")
    _install(vsc, change.keys, cert, key_pem)
    vsc.renewed_at = change.now
    vsc.renewal_unseen = vsc.user_id is not None
    change.record(db, "vsc_renewed", vsc, not_after=iso(vsc.not_after))
    return vsc


def revoke(db: Session, change: Change, serial: str) -> Vsc:
    vsc = find(db, serial, f"revoke VSC {serial[:80]}")
    vsc.status = "revoked"
    change.record(db, "vsc_revoked", vsc)
    return vsc


def listing(db: Session) -> list[Vsc]:
    return list(db.scalars(select(Vsc).order_by(Vsc.not_after, Vsc.serial)).unique())


def of_user(db: Session, user_id: int) -> Vsc | None:
    return db.scalars(select(Vsc).where(Vsc.user_id == user_id)).unique().one_or_none()


def move_to_current_key(vsc: Vsc, keys: Keys, key_pem: bytes | None = None) -> bool:
    """Seal the VSC's private key (`key_pem` if already opened) under the current server key
    if a retired one seals it; True if it moved. Raises ApplianceError if it cannot be
    opened (its key is no longer kept, or the row was altered)."""
    if vsc.sealed_key is None or vsc.key_id == keys.current_id:
        return False
    if key_pem is None:
        key_pem = unseal(keys, vsc.key_id, vsc.serial, vsc.sealed_key)
    vsc.sealed_key, vsc.key_id = seal(keys, vsc.serial, key_pem)
    return True


def signing_material(
    db: Session, keys: Keys, user_id: int, now: dt.datetime
) -> tuple[x509.Certificate, PrivateKeyTypes] | None:
    """For the Spine broker: the certificate and private key of the user's VSC, or None when
    they have no usable one (none, revoked, expired, or a legacy row without a certificate).
    The appliance authenticates to Spine with it on the user's behalf; the key stays here.
    A key sealed under a retired server key moves to the current one (the caller commits),
    as a card moves at its next tap."""
    vsc = of_user(db, user_id)
    if vsc is None or status_of(vsc, now) != "assigned":
        return None
    if vsc.certificate is None or vsc.sealed_key is None:
        return None
    key_pem = unseal(keys, vsc.key_id, vsc.serial, vsc.sealed_key)
    move_to_current_key(vsc, keys, key_pem)
    cert = x509.load_pem_x509_certificate(vsc.certificate.encode())
    return cert, serialization.load_pem_private_key(key_pem, password=None)
