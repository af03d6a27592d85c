"""What happened offline, queued on disk until an appliance answers again, then sent to its
audit (`POST /v1/offline-events`, docs/api.md).

`offline-events.json` in the greeter's state dir (0600): per event a random id (the appliance
audits each id once, so a retried upload is harmless), the time by the kiosk's clock, the
outcome and the username; never a PIN or a card id. The event log says it too, at once.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from greeter.flow.cached import Outcome
from greeter.statefiles import private_dir, read_json, write_private

QUEUE_FILE = "offline-events.json"
# what one upload carries (the appliance takes at most 100; 50 of the longest usernames stay
# inside its 16 KiB body limit)
BATCH = 50
# a kiosk left offline under a flood of taps keeps the newest this many, not a full disk
MAX_QUEUED = 5000

QueuedEvent = dict[str, str]


class OfflineQueue:
    def __init__(
        self, state_dir: Path, wall: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.state_dir = state_dir
        self._wall = wall
        self._lock = threading.Lock()
        # one upload at a time: two threads sending the same events would only cost a request,
        # but the second one's removal must not race the first
        self._sending = threading.Lock()

    @property
    def path(self) -> Path:
        return self.state_dir / QUEUE_FILE

    def add(self, outcome: Outcome, username: str) -> None:
        event = {
            "id": secrets.token_urlsafe(16),
            "at": self._wall().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "event": outcome,
            "user": username,
        }
        with self._lock:
            self._save([*self._events(), event][-MAX_QUEUED:])

    def pending(self) -> list[QueuedEvent]:
        with self._lock:
            return self._events()

    def upload(self, send: Callable[[list[QueuedEvent]], object]) -> int:
        """Send what is queued, oldest first, in batches; each batch leaves the queue once the
        appliance took it. Raises what `send` raises (the rest stays queued); the number sent."""
        if not self.path.exists():
            return 0
        sent = 0
        with self._sending:
            while batch := self.pending()[:BATCH]:
                send(batch)
                done = {event["id"] for event in batch}
                with self._lock:
                    self._save([event for event in self._events() if event["id"] not in done])
                sent += len(batch)
        return sent

    def _events(self) -> list[QueuedEvent]:
        data = read_json(self.path)
        if not isinstance(data, list):
            return []
        return [event for event in data if _well_formed(event)]

    def _save(self, events: list[QueuedEvent]) -> None:
        if not events:
            self.path.unlink(missing_ok=True)
            return
        private_dir(self.state_dir)
        write_private(self.path, json.dumps(events).encode())


def _well_formed(event: Any) -> bool:
    return isinstance(event, dict) and all(
        isinstance(event.get(key), str) for key in ("id", "at", "event", "user")
    )
