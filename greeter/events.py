"""The greeter's event log (DESIGN.md contract): one JSON object a line, to a file and the journal.

Each line has `event`, `ts` (wall clock, ISO 8601 UTC) and `mono` (monotonic seconds), then the
event's fields. IT, tests and benchmarks read it, so the field names are a contract:

    {"event": "start", "kiosk", "version", "config"}   the greeter starts ("kiosk" empty: the
                                                        config cannot be used, not set up)
    {"event": "stop"}                                  the greeter stops, its session ended
    {"event": "ready"}
    {"event": "card", "action": "present"|"removed"|"unsupported", "reader", "source", "id_hash",
     "tap" (present: the random id the appliance's audit lines of this tap carry too)}
    {"event": "screen", "screen": "idle"|"pin"|...|"not_set_up",
     "reason", "detail" (error and not_set_up only: the stable key and the plain sentence)}
    {"event": "login", "step", "status", "reason", "detail", "method", "user", "attempts_left",
     "need", "until", "offline", "tap"}
                                                   each answer to a login step (greeter.outcomes);
                                                   with "offline": true a PIN checked on the
                                                   kiosk (offline login: status login, bad_pin,
                                                   locked or refused, greeter.offline_logins)
    {"event": "session", "action": "started"|"locked"|"unlocked"|"ended"|"switched", "user",
     "offline": true (only on an unlock made without the appliance)}
    {"event": "apps_closed", "user", "graceful", "forced"}
    {"event": "spine_card", "action": "inserted"|"removed", "reader",
     "ends_spine_session": true (only when the removal ends the user's Spine session,
     `[spine] card_removal_ends_session`)}     a Spine smartcard in a contact reader: not a tap
    {"event": "failover", "from", "to", "reason": "unreachable"|"timeout"|"back_to_first",
     "detail"}                                     the kiosk moved to another appliance URL
                                                   (greeter.appliances); "detail": why, in words

Never a PIN, a password, a Spine ticket or a raw card id: card ids become a keyed HMAC
(`id_hash`), and a guard refuses any field whose name says it holds a secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from greeter import __version__
from greeter.cards import CardEvent

log = logging.getLogger("greeter.events")

LogValue = str | int | float | bool
# field names that would hold a secret or a raw card id; the guard refuses them
FORBIDDEN_FIELDS = frozenset(
    {"pin", "password", "secret", "confirm", "value", "card_id", "id", "state", "token", "ticket"}
)
ID_HASH_HEX = 16
TAP_ID_BYTES = 8


def new_tap_id() -> str:
    """A random id for one tap: the kiosk's card line and the appliance's audit lines of the
    same tap carry it, so they can be matched. Random, never derived from the card."""
    return secrets.token_hex(TAP_ID_BYTES)


class SecretInLog(ValueError):
    """A caller tried to log a field that may hold a secret: a bug, refused, never written."""


def card_id_hash(key: bytes, card_id: str) -> str:
    """A stable, keyed, short digest of a card id: the same card is the same hash on this
    kiosk, and nobody without the key can go back from hash to card."""
    digest = hmac.new(key, b"tapkiosk card id\x00" + card_id.encode(), hashlib.sha256)
    return digest.hexdigest()[:ID_HASH_HEX]


class EventLog:
    """Thread-safe writer. A log file that cannot be opened or written costs the file, not the
    kiosk: the journal still gets every line."""

    def __init__(
        self,
        path: str | None,
        id_key: bytes,
        *,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        mono: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path or None
        self._key = id_key
        self._wall = wall
        self._mono = mono
        self._lock = threading.Lock()
        self._file = None
        if self.path:
            try:
                # owner and group only: the log is operational data, not for every user
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
                self._file = os.fdopen(fd, "a", encoding="utf-8", buffering=1)
            except OSError as error:
                log.warning("unable to open the event log %s: %s", self.path, error.strerror)

    def write(
        self, event: str, fields: Mapping[str, LogValue] | None = None
    ) -> dict[str, LogValue]:
        """Write one event; returns the line as a dict. Raises SecretInLog for a secret field."""
        fields = dict(fields or {})
        fields.pop("event", None)
        bad = sorted(name for name in fields if name.lower() in FORBIDDEN_FIELDS)
        if bad:
            raise SecretInLog(f"unable to log {event}: field {bad[0]!r} may hold a secret")
        line: dict[str, LogValue] = {
            "event": event,
            "ts": self._wall().isoformat(timespec="milliseconds"),
            "mono": round(self._mono(), 3),
            **fields,
        }
        text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
        log.info("%s", text)
        with self._lock:
            if self._file is not None:
                try:
                    self._file.write(text + "\n")
                except OSError as error:
                    log.warning("unable to write the event log %s: %s", self.path, error.strerror)
        return line

    def start(self, kiosk: str, config: str) -> dict[str, LogValue]:
        return self.write("start", {"kiosk": kiosk, "version": __version__, "config": config})

    def stop(self) -> dict[str, LogValue]:
        return self.write("stop")

    def card(self, event: CardEvent, tap: str = "") -> dict[str, LogValue]:
        fields: dict[str, LogValue] = {
            "action": event.action,
            "reader": event.reader,
            "source": event.source,
        }
        if event.card_id is not None:
            fields["id_hash"] = card_id_hash(self._key, event.card_id)
        if tap:
            fields["tap"] = tap
        return self.write("card", fields)

    def screen(self, screen: str, reason: str = "", detail: str = "") -> dict[str, LogValue]:
        """A screen shown; an error (or not-set-up) screen with its `reason` (a stable key) and
        `detail` (the plain sentence it shows)."""
        fields: dict[str, LogValue] = {"screen": screen}
        if reason:
            fields["reason"] = reason
        if detail:
            fields["detail"] = detail
        return self.write("screen", fields)

    def failover(self, old: str, new: str, reason: str, detail: str) -> dict[str, LogValue]:
        """The kiosk moved from appliance URL `old` to `new` (a `greeter.appliances` listener)."""
        return self.write("failover", {"from": old, "to": new, "reason": reason, "detail": detail})

    def ready(self) -> dict[str, LogValue]:
        return self.write("ready")

    def close(self) -> None:
        with self._lock:
            file, self._file = self._file, None
        if file is not None:
            file.close()
