"""The SSB certificate store: the only certificates the Spine broker trusts for its outbound
HTTPS (it loads every PEM file in `<state_dir>/ssb-certs/`).

Administrators upload `.cer`, `.crt` or `.pem` files, PEM or DER (a PEM file may hold several
certificates: each is kept as its own file, named by its SHA-256 fingerprint). An expired
certificate is refused, not flagged: the broker could never complete a handshake with it, and
a store that holds only usable anchors is what the alerts watch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from appliance.certs import new_ca
from appliance.config import ApplianceError
from appliance.private import PRIVATE, PUBLIC, write_file

SSB_DIR = "ssb-certs"
SUFFIXES = (".cer", ".crt", ".pem")
ALERT_DAYS = 30
ID_CHARS = 16
# the simulated SSB's CA (demo and tests): its key is kept so the simulation can issue from it
DEMO_CA_DIR = "ssb-sim"
DEMO_CA_NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Simulated SSB CA (demo)")])
DEMO_CA_DAYS = 825


@dataclass(frozen=True)
class SsbCert:
    id: str  # the start of its SHA-256 fingerprint, and its file's name
    subject: str
    issuer: str
    not_after: dt.datetime

    def days_left(self, now: dt.datetime) -> int:
        return (self.not_after - now).days

    def alert(self, now: dt.datetime) -> bool:
        """Expiring within ALERT_DAYS: an administrator must replace it before Spine fails."""
        return self.days_left(now) <= ALERT_DAYS

    def wire(self, now: dt.datetime) -> dict[str, object]:
        return {
            "id": self.id,
            "subject": self.subject,
            "issuer": self.issuer,
            "not_after": self.not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "days_left": self.days_left(now),
            "alert": self.alert(now),
        }


def store_dir(state_dir: Path) -> Path:
    return state_dir / SSB_DIR


def _fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()[:ID_CHARS]


def _describe(cert: x509.Certificate) -> SsbCert:
    return SsbCert(
        id=_fingerprint(cert),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
    )


def parse_upload(filename: str, data: bytes, now: dt.datetime) -> list[x509.Certificate]:
    """The certificates of an uploaded file, or ApplianceError saying why it is refused."""
    shown = filename[:80]
    if Path(filename).suffix.lower() not in SUFFIXES:
        raise ApplianceError(f"unable to add {shown!r}: only .cer, .crt or .pem files are taken")
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise ApplianceError(
            f"unable to add {shown!r}: it is not an X.509 certificate in PEM or DER"
        ) from None
    for cert in certs:
        if cert.not_valid_after_utc <= now:
            raise ApplianceError(
                f"unable to add {shown!r}: {cert.subject.rfc4514_string()} expired on"
                f" {cert.not_valid_after_utc:%Y-%m-%d}"
            )
    return certs


def add(state_dir: Path, filename: str, data: bytes, now: dt.datetime) -> list[SsbCert]:
    """Keep the file's certificates (one PEM file each); returns what was added."""
    certs = parse_upload(filename, data, now)
    directory = store_dir(state_dir)
    directory.mkdir(mode=0o700, exist_ok=True)
    added = [(cert, _describe(cert)) for cert in certs]
    # all or nothing: a file whose second certificate is already kept adds none
    for _cert, described in added:
        if (directory / f"{described.id}.pem").exists():
            raise ApplianceError(f"unable to add {filename[:80]!r}: {described.id} is already kept")
    for cert, described in added:
        write_file(directory / f"{described.id}.pem", cert.public_bytes(Encoding.PEM), PUBLIC)
    return [described for _cert, described in added]


def listing(state_dir: Path) -> list[SsbCert]:
    directory = store_dir(state_dir)
    if not directory.is_dir():
        return []
    found: list[SsbCert] = []
    for path in sorted(directory.glob("*.pem")):
        try:
            found.extend(
                _describe(cert) for cert in x509.load_pem_x509_certificates(path.read_bytes())
            )
        except ValueError:
            # a file put there by hand that is no certificate: the broker skips it too
            continue
    return sorted(found, key=lambda cert: (cert.not_after, cert.id))


def remove(state_dir: Path, cert_id: str) -> SsbCert:
    wanted = cert_id.strip().lower()
    for cert in listing(state_dir):
        if cert.id == wanted:
            (store_dir(state_dir) / f"{cert.id}.pem").unlink()
            return cert
    raise ApplianceError(f"unable to remove {cert_id[:80]!r}: no such SSB certificate")


def install_demo(state_dir: Path) -> SsbCert | None:
    """The simulated SSB's CA in the store (made once, in `ssb-sim/`); None when already
    there. The simulated SSB issues its server certificate from `ssb-sim/ca.key`."""
    sim = state_dir / DEMO_CA_DIR
    if (sim / "ca.pem").exists():
        return None
    sim.mkdir(mode=0o700, exist_ok=True)
    key, cert = new_ca(DEMO_CA_NAME, DEMO_CA_DAYS)
    key_pem = key.private_bytes(
        Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_file(sim / "ca.key", key_pem, PRIVATE)
    pem = cert.public_bytes(Encoding.PEM)
    write_file(sim / "ca.pem", pem, PUBLIC)
    return add(state_dir, "ssb-sim-ca.pem", pem, dt.datetime.now(dt.UTC))[0]
