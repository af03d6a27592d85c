"""How a card source hands what it sees to the rest of the greeter."""

from __future__ import annotations

import logging

from greeter.cards import CardReport, CardSink, CardSourceName, ReaderStatus, ServiceState


class Reporter:
    """One source's way out: a broken sink never ends card watching, and a reader status goes
    out (and to the log) only when it changes, so a reconnect loop cannot flood either."""

    def __init__(self, source: CardSourceName, log: logging.Logger) -> None:
        self.source: CardSourceName = source
        self.sink: CardSink | None = None
        self._log = log
        self._last_status: ReaderStatus | None = None

    def emit(self, item: CardReport) -> None:
        if self.sink is None:
            return
        try:
            self.sink(item)
        except Exception:
            self._log.exception("card event sink failed")

    def status(self, service: ServiceState, readers: tuple[str, ...], message: str = "") -> None:
        status = ReaderStatus(self.source, service, readers, message)
        if status == self._last_status:
            return
        self._last_status = status
        if service != "ok" and message:
            self._log.warning("%s", message)
        self.emit(status)
