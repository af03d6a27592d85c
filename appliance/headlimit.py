"""uvicorn's httptools protocol, bounded: a request head past 16 KiB gets 400 and a close.

httptools parses for less CPU than h11 (a card lookup costs the appliance ~10% less), but it
keeps a header of any size in memory until the header ends; h11 refuses a head past 16 KiB.
This gives httptools h11's bound, so a client cannot grow the server by sending one endless
header.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# h11's own default (uvicorn's `h11_max_incomplete_event_size`)
MAX_HEAD_BYTES = 16 * 1024


class BoundedHttpTools(HttpToolsProtocol):
    # bytes fed to the parser while a head was unfinished (from the connection's start, then
    # from each request's first byte: a pipelined request may count its forerunner's tail);
    # None from a head's end to the next request
    _head_bytes: int | None = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._head_bytes is None or self.transport.is_closing():
            return
        self._head_bytes += len(data)
        if self._head_bytes > MAX_HEAD_BYTES:
            message = "Request head too large."
            self.logger.warning(message)
            self.send_400_response(message)
