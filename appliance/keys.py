"""The server-side key that a database dump does not contain (`secret.key` in the state dir).

It keys the lookups of card ids (only their HMAC is stored, so a dump holds no card id and a
card id read off a dump is not a session) and every PIN and password verifier (Argon2id's
output is stored only under an HMAC, so a dump alone cannot be attacked offline, however
short the PIN).

Rotation (`appliance key rotate`): the current key is kept as retired in `retired-keys/` and
a new one made. Cards and verifiers under a retired key still work and move to the current
key when next used (a card at its next tap, a verifier at its next right check);
`appliance key status` counts what is left, and a retired key may be deleted once nothing
uses it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

KEY_ID_CHARS = 8


def key_id(key: bytes) -> str:
    """A short public name for a key, stored beside what it keyed; reveals nothing of it."""
    return hashlib.sha256(b"tapkiosk key id\0" + key).hexdigest()[:KEY_ID_CHARS]


@functools.lru_cache(maxsize=16)
def _started(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


def keyed(key: bytes, message: bytes) -> hmac.HMAC:
    """HMAC-SHA256 of `message` under `key`, copied from the key's HMAC set up once (a server
    holds a few keys): a third of a fresh `hmac.new`'s cost, paid at every tap and check."""
    mac = _started(key).copy()
    mac.update(message)
    return mac


def card_key_with(key: bytes, card_id: str) -> str:
    """What the database keeps of a card id: its HMAC-SHA256 under `key` (hex)."""
    return keyed(key, card_id.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Keys:
    current: bytes
    retired: tuple[bytes, ...] = ()

    def all(self) -> tuple[bytes, ...]:
        return (self.current, *self.retired)

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def by_id(self, wanted: str) -> bytes | None:
        for name, key in self._named:
            if hmac.compare_digest(name, wanted):
                return key
        return None

    @functools.cached_property
    def _named(self) -> tuple[tuple[str, bytes], ...]:
        # each key's id worked out once: every PIN or password check looks its key up
        return tuple((key_id(key), key) for key in self.all())

    def card_key(self, card_id: str) -> str:
        return card_key_with(self.current, card_id)

    def card_keys(self, card_id: str) -> list[str]:
        """The card's key under every key in use, current first: a card bound before a
        rotation is found until its next tap moves it over."""
        return [card_key_with(key, card_id) for key in self.all()]

    def audit_card(self, card_id: str) -> str:
        """The card in audit lines: the first half of its lookup key (so an administrator can
        match an audit line with `appliance card list`)."""
        return self.card_key(card_id)[:32]
