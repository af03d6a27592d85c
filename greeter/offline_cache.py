"""The offline-login cache on disk: one entry per card, made at a card + PIN login the
appliance allowed to be cached, checked when no appliance answers.

Files, in the greeter's state dir (0700), each 0600 and the greeter's user's only:
- `offline.key`: 32 random bytes, made on first use; the kiosk's own, never sent anywhere.
- `offline-cache.json`: per entry, the HMAC-SHA256 of the card id under the key (the lookup;
  never the card id), the user's names, a random salt, the verifier HMAC-SHA256(key,
  Argon2id(PIN, salt)) (never the PIN), the end of its window and the wrong PINs so far.
A copy of the cache without the key is useless to an attacker: every PIN guess needs the key
(docs/security.md). The rules of an entry are `greeter.flow.cached`'s.

Thread-safe: lookups, checks and writes run on worker threads, one at a time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from greeter.flow.cached import (
    CachedUser,
    Entry,
    Verdict,
    after_guess,
    attempts_left,
    verdict,
    window_end,
)
from greeter.flow.effects import CacheOfflineLogin, CheckOfflineLogin, LookUpOfflineLogin
from greeter.flow.inputs import OfflineLoginChecked, OfflineLoginFound
from greeter.offline import KIOSK_COST, SALT_BYTES, HashCost, derive
from greeter.statefiles import private_dir, read_json, write_private

KEY_FILE = "offline.key"
CACHE_FILE = "offline-cache.json"
KEY_BYTES = 32


class OfflineCache:
    def __init__(
        self,
        state_dir: Path,
        cost: HashCost = KIOSK_COST,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state_dir = state_dir
        self._cost = cost
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self.state_dir / CACHE_FILE

    # --- what the flow asks ------------------------------------------------------------------

    def keep(self, effect: CacheOfflineLogin) -> None:
        """Cache a login, in place of any entry of that card (its count starts again)."""
        key = self._key()
        salt = os.urandom(SALT_BYTES)
        verifier = _mac(key, derive(effect.pin, salt, self._cost))
        with self._lock:
            entries = self._entries()
            entries[_mac(key, b"card:" + effect.card_id.encode()).hex()] = {
                "user": asdict(effect.user),
                "until": window_end(self._clock(), effect.window_seconds),
                "failures": 0,
                "salt": _b64(salt),
                "verifier": _b64(verifier),
            }
            self._save(entries)

    def look_up(self, effect: LookUpOfflineLogin) -> OfflineLoginFound:
        with self._lock:
            entry, in_use = self._entry(effect.card_id), bool(self._entries())
        found = _entry(entry)
        state = verdict(found, self._clock())
        call, failure = effect.call_id, effect.failure
        if found is None:
            return OfflineLoginFound(call, state if in_use else "unused", failure=failure)
        return OfflineLoginFound(call, state, found.user, attempts_left(found), failure)

    def check(self, effect: CheckOfflineLogin, session_id: str) -> OfflineLoginChecked:
        """Check a PIN against the card's entry and count the guess (on disk before the answer
        leaves: a restart does not reset the count)."""
        key = self._key()
        with self._lock:
            slot = _mac(key, b"card:" + effect.card_id.encode()).hex()
            entries = self._entries()
            raw = entries.get(slot)
            found = _entry(raw)
            state: Verdict = verdict(found, self._clock())
            if found is None or raw is None or state != "usable":
                user = found.user if found is not None else None
                return OfflineLoginChecked(effect.call_id, state, None, user)
            salt = base64.b64decode(raw["salt"])
            right = hmac.compare_digest(
                _mac(key, derive(effect.pin, salt, self._cost)), base64.b64decode(raw["verifier"])
            )
            counted, outcome = after_guess(found, right)
            entries[slot] = {**raw, "failures": counted.failures}
            self._save(entries)
        return OfflineLoginChecked(
            effect.call_id,
            state,
            outcome,
            found.user,
            attempts_left(counted),
            session_id if outcome == "login" else "",
        )

    def count(self) -> int:
        """Entries still inside their window."""
        with self._lock:
            entries = self._entries()
        now = self._clock()
        return sum(1 for raw in entries.values() if _until(raw) > now)

    def wipe(self) -> int:
        """Forget every entry (`greeter offline wipe`) and the key with them; how many there
        were."""
        with self._lock:
            count = len(self._entries())
            for name in (CACHE_FILE, KEY_FILE):
                (self.state_dir / name).unlink(missing_ok=True)
        return count

    # --- files -------------------------------------------------------------------------------

    def _key(self) -> bytes:
        path = self.state_dir / KEY_FILE
        with self._lock:
            try:
                key = path.read_bytes()
            except FileNotFoundError:
                key = b""
            if len(key) != KEY_BYTES:
                # a new key: entries made under another one can never match again
                key = secrets.token_bytes(KEY_BYTES)
                private_dir(self.state_dir)
                write_private(path, key)
                (self.state_dir / CACHE_FILE).unlink(missing_ok=True)
        return key

    def _entry(self, card_id: str) -> dict[str, Any] | None:
        path = self.state_dir / KEY_FILE
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            return None  # no key, so nothing was ever cached
        return self._entries().get(_mac(key, b"card:" + card_id.encode()).hex())

    def _entries(self) -> dict[str, dict[str, Any]]:
        data = read_json(self.path)
        entries = data.get("entries") if isinstance(data, dict) else None
        return entries if isinstance(entries, dict) else {}

    def _save(self, entries: dict[str, dict[str, Any]]) -> None:
        now = self._clock()
        # entries past their window go at every write: the file holds only what may be used
        kept = {slot: raw for slot, raw in entries.items() if _until(raw) > now}
        private_dir(self.state_dir)
        write_private(self.path, json.dumps({"version": 1, "entries": kept}).encode())


def _mac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _until(raw: object) -> float:
    value = raw.get("until") if isinstance(raw, dict) else None
    return float(value) if isinstance(value, int | float) else 0.0


def _entry(raw: dict[str, Any] | None) -> Entry | None:
    """An entry as the rules see it; None if there is none or it cannot be read (a damaged
    entry is no entry: it signs nobody in)."""
    if raw is None or not all(isinstance(raw.get(k), str) for k in ("salt", "verifier")):
        return None
    try:
        user = CachedUser(**raw["user"])
        return Entry(user, float(raw["until"]), int(raw["failures"]))
    except (KeyError, TypeError, ValueError):
        return None
