"""Spine authentication on a VSC user's behalf: the appliance signs the SSB's challenge with
the user's virtual smartcard and sends the VSC's certificate with the signature (the SSB
checks it is that user's). No card is in any reader, and the private key never leaves the
appliance: only the signature and the certificate go to the SSB."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from sqlalchemy.orm import Session

from appliance import vsc
from appliance.config import ApplianceError
from appliance.errors import ApiError
from appliance.keys import Keys

log = logging.getLogger(__name__)
SEE_RA = "see your Registration Authority"


def unusable(reason: str) -> ApiError:
    return ApiError(403, "vsc_unusable", f"unable to authenticate to Spine: {reason}")


@dataclass(frozen=True)
class VscSigner:
    """The user's VSC, opened for one Spine authentication."""

    certificate: x509.Certificate
    key: PrivateKeyTypes = field(repr=False)

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def sign(self, challenge_b64: str) -> str:
        """The signature (base64) over the SSB's challenge, as a Spine smartcard makes it."""
        data = base64.b64decode(challenge_b64)
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            signed = self.key.sign(data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(self.key, rsa.RSAPrivateKey):
            signed = self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise unusable(f"your virtual smartcard's key cannot sign for Spine; {SEE_RA}")
        return base64.b64encode(signed).decode()


def signer(db: Session, keys: Keys, user_id: int, now: dt.datetime) -> VscSigner:
    """The user's usable VSC, or `403 vsc_unusable` saying why not (none, expired, revoked)."""
    try:
        found = vsc.signing_material(db, keys, user_id, now)
    except ApplianceError as error:  # its server key is gone, or the row was altered
        log.warning("%s", error)
        raise unusable(f"your virtual smartcard's key cannot be opened; {SEE_RA}") from None
    if found is not None:
        return VscSigner(*found)
    held = vsc.of_user(db, user_id)
    if held is None:
        raise unusable(f"you have no virtual smartcard; use your Spine smartcard or {SEE_RA}")
    status = vsc.status_of(held, now)
    if status == "expired":
        raise unusable(
            f"your virtual smartcard expired on {held.not_after:%Y-%m-%d}; {SEE_RA} to renew it"
        )
    if status == "revoked":
        raise unusable(f"your virtual smartcard was revoked; {SEE_RA}")
    raise unusable(f"your virtual smartcard has no certificate here; {SEE_RA}")
