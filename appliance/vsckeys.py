"""VSC private keys at rest: AES-256-GCM under a key derived (HKDF) from the server key in
`secret.key`, which a database dump does not hold. The VSC's serial is the associated data,
so a sealed key moved to another row does not open. Keys sealed before a rotation open with
the retired key they name, and are sealed again under the current key at their next use
(`vsc.signing_material`) or renewal; until then `appliance key status` counts them under the
retired key, and an instance without that key refuses to serve (`keyring.check_held`)."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from appliance.config import ApplianceError
from appliance.keys import Keys

_INFO = b"tapkiosk vsc private keys v1"
_NONCE = 12


def _aead(server_key: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(server_key)
    return AESGCM(derived)


def seal(keys: Keys, serial: str, private_pem: bytes) -> tuple[str, str]:
    """The sealed key (base64 of nonce and ciphertext) and the id of the server key used."""
    nonce = os.urandom(_NONCE)
    sealed = _aead(keys.current).encrypt(nonce, private_pem, serial.encode())
    return base64.b64encode(nonce + sealed).decode(), keys.current_id


def unseal(keys: Keys, key_id: str, serial: str, sealed: str) -> bytes:
    server_key = keys.by_id(key_id)
    if server_key is None:
        raise ApplianceError(
            f"unable to open the key of VSC {serial}: server key {key_id} is no longer kept"
        )
    raw = base64.b64decode(sealed)
    try:
        return _aead(server_key).decrypt(raw[:_NONCE], raw[_NONCE:], serial.encode())
    except InvalidTag:
        raise ApplianceError(f"unable to open the key of VSC {serial}: it was altered") from None
