"""The shell of offline login: runs the flow's offline-login effects against the cache and the
queue, on worker threads, each failure turned into an answer that signs nobody in."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from greeter.events import EventLog, SecretInLog
from greeter.flow.effects import (
    CacheOfflineLogin,
    CheckOfflineLogin,
    LookUpOfflineLogin,
    QueueOfflineEvent,
)
from greeter.flow.inputs import Event, OfflineLoginChecked, OfflineLoginFound
from greeter.offline_cache import OfflineCache
from greeter.offline_queue import OfflineQueue, QueuedEvent

log = logging.getLogger(__name__)

OfflineLoginEffect = CacheOfflineLogin | LookUpOfflineLogin | CheckOfflineLogin | QueueOfflineEvent
OFFLINE_LOGIN_EFFECTS = (
    CacheOfflineLogin,
    LookUpOfflineLogin,
    CheckOfflineLogin,
    QueueOfflineEvent,
)


class OfflineLogins:
    def __init__(self, cache: OfflineCache, queue: OfflineQueue, event_log: EventLog) -> None:
        self.cache = cache
        self.queue = queue
        self._log = event_log

    def perform(self, effect: OfflineLoginEffect) -> Event | None:
        """Run one effect (off the main thread); the event it answers with, if any."""
        try:
            return self._perform(effect)
        except Exception as error:  # a damaged disk or file signs nobody in; the kiosk goes on
            # the type and the OS's words only: the effect itself holds the PIN and the card
            cause = getattr(error, "strerror", None) or type(error).__name__
            log.error("unable to use the offline-login files: %s", cause)
        if isinstance(effect, LookUpOfflineLogin):
            return OfflineLoginFound(effect.call_id, "unused", failure=effect.failure)
        if isinstance(effect, CheckOfflineLogin):
            return OfflineLoginChecked(effect.call_id, "none")
        return None

    def _perform(self, effect: OfflineLoginEffect) -> Event | None:
        if isinstance(effect, CacheOfflineLogin):
            self.cache.keep(effect)
            return None
        if isinstance(effect, LookUpOfflineLogin):
            return self.cache.look_up(effect)
        if isinstance(effect, CheckOfflineLogin):
            return self.cache.check(effect, "s_offline_" + secrets.token_urlsafe(18))
        self.queue.add(effect.outcome, effect.username)
        try:
            self._log.write(
                "login",
                {"step": "pin", "status": effect.outcome, "user": effect.username, "offline": True},
            )
        except SecretInLog as error:
            log.error("%s", error)
        return None

    def upload(self, send: Callable[[list[QueuedEvent]], object]) -> None:
        """Send the queue to an appliance that just answered; kept for the next one if not."""
        try:
            sent = self.queue.upload(send)
        except Exception as error:  # the appliance, the network or the disk: try next time
            log.warning("unable to send the offline events: %s", error)
            return
        if sent:
            log.info("sent %d offline event(s) to the appliance's audit", sent)
