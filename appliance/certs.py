"""The appliance's own CA and its HTTPS server certificate (kiosks pin the CA).

The CA is kept whatever happens: a new one breaks the trust every kiosk pinned. The server
certificate is issued again from it whenever the one there will not do (missing, unreadable,
another CA's, expired, or for other names than the configured ones).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from appliance.config import (
    CA_CERT_NAME,
    CA_KEY_NAME,
    SERVER_CERT_NAME,
    SERVER_KEY_NAME,
    ApplianceError,
    read_state_file,
)
from appliance.private import PRIVATE, PUBLIC, write_file

DEFAULT_NAMES = ("localhost", "127.0.0.1")
CA_DAYS, SERVER_DAYS = 3650, 730
# what this module makes (EC), or an admin's own CA may hold (RSA)
IssuerKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
CA_NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tapkiosk appliance CA")])


@dataclass(frozen=True)
class Ca:
    cert: x509.Certificate
    key: IssuerKey | None  # None: kept elsewhere, so nothing can be issued


def ensure_certificates(directory: Path, names: tuple[str, ...]) -> str | None:
    """Keep or make the CA in `directory` and a server certificate for `names`; one line
    saying what was made, or None when all was fit to keep."""
    ca_cert, ca_key = directory / CA_CERT_NAME, directory / CA_KEY_NAME
    ca = _load_ca(ca_cert, ca_key)
    made_ca = ca is None
    if ca is None:
        new_key, new_cert = new_ca()
        _write_key(ca_key, new_key)
        _write_cert(ca_cert, new_cert)
        ca = Ca(new_cert, new_key)
    reason = _unfit(directory / SERVER_CERT_NAME, directory / SERVER_KEY_NAME, ca, names)
    if reason is None:
        return None
    if ca.key is None:
        raise ApplianceError(
            f"unable to issue a server certificate ({reason}): {ca_key} is missing; put the"
            f" CA's key back (a new CA would break the trust every kiosk pinned in {ca_cert})"
        )
    key, cert = _issue(ca.cert, ca.key, names)
    _write_key(directory / SERVER_KEY_NAME, key)
    _write_cert(directory / SERVER_CERT_NAME, cert)
    listed = ", ".join(names)
    if made_ca:
        return f"made a new CA ({ca_cert}: kiosks pin it) and a server certificate for {listed}"
    return f"kept the CA; issued a server certificate for {listed} ({reason})"


def _load_key(data: bytes) -> IssuerKey | None:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) else None


def _load_ca(ca_cert: Path, ca_key: Path) -> Ca | None:
    """The CA there, or None when there is none at all; half a CA is refused, never replaced."""
    cert_pem, key_pem = read_state_file(ca_cert), read_state_file(ca_key)
    if cert_pem is None and key_pem is None:
        return None
    if cert_pem is None:
        raise ApplianceError(
            f"unable to use the CA: {ca_cert} is missing but {ca_key} is there; put back"
            f" {ca_cert.name}, the file every kiosk pinned (or move {ca_key.name} away too"
            " to make a new CA that every kiosk must pin again)"
        )
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError:
        raise ApplianceError(
            f"unable to read {ca_cert}: not a PEM certificate; put back the one every kiosk pinned"
        ) from None
    if key_pem is None:
        return Ca(cert, None)
    key = _load_key(key_pem)
    if key is None or key.public_key() != cert.public_key():
        raise ApplianceError(f"unable to use the CA: {ca_key} is not the key of {ca_cert}")
    return Ca(cert, key)


def _unfit(server_cert: Path, server_key: Path, ca: Ca, names: tuple[str, ...]) -> str | None:
    """Why the server certificate there will not do, or None when it will."""
    cert_pem, key_pem = read_state_file(server_cert), read_state_file(server_key)
    if cert_pem is None or key_pem is None:
        return "there was none"
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError:
        return "the one there was unreadable"
    key = _load_key(key_pem)
    if key is None or key.public_key() != cert.public_key():
        return "its key was unreadable or not its own"
    try:
        cert.verify_directly_issued_by(ca.cert)
    except (ValueError, TypeError, InvalidSignature):
        return "the one there was not issued by this CA"
    if cert.not_valid_after_utc <= dt.datetime.now(dt.UTC):
        return "the one there had expired"
    try:
        present = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return "the names changed"
    if set(present) != set(_san(names)):
        return "the names changed"
    return None


def _write_key(path: Path, key: IssuerKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_file(path, pem, PRIVATE)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    write_file(path, cert.public_bytes(serialization.Encoding.PEM), PUBLIC)


def _san(names: tuple[str, ...]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _start() -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # a little clock skew


def new_ca(
    name: x509.Name = CA_NAME, days: int = CA_DAYS
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A fresh CA named `name` (the appliance's own by default) for `days`."""
    now = _start()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _issue(
    ca_cert: x509.Certificate, ca_key: IssuerKey, names: tuple[str, ...]
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A fresh key and a certificate for `names` (2 years), signed by the CA."""
    now = _start()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
        .add_extension(_san(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert
