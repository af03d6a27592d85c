"""Test certificates for the demo and the tests: virtual smartcards as CIS would generate them
(a key and a certificate naming the CIS user), issued by a throwaway CA. Not for production:
real VSCs come from CIS through `appliance vsc add` or the admin API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from appliance.certs import new_ca

TEST_CIS_CA = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CIS VSC CA (not real)")])


@dataclass(frozen=True)
class TestCertificate:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def test_certificate(common_name: str, not_after: dt.datetime) -> TestCertificate:
    """A key and a certificate for `common_name` valid from a day before `not_after` (or
    from a year before now, whichever is earlier) until `not_after`."""
    ca_key, ca_cert = new_ca(TEST_CIS_CA)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    start = min(not_after - dt.timedelta(days=1), now - dt.timedelta(days=365))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return TestCertificate(cert, key)


test_certificate.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
TestCertificate.__test__ = False  # type: ignore[attr-defined]
