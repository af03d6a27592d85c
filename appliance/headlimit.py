"""uvicorn's httptools protocol, bounded: a request head past 16 KiB gets 400 and a close.

httptools parses for less CPU than h11 (a card lookup costs the appliance ~10% less), but it
keeps a header of any size in memory until the header ends. This bounds the head however its
bytes arrive, so a client can neither grow the server with one endless header nor slip a large
head through in one read:

- the head's parts are counted as the parser hands them over (the URL, then each header), so a
  head that ends is judged by its own size, whether it came in one read, in many, or behind
  another request's bytes in the same read;
- a head still unfinished after a read is also counted by the reads that carried it (all of
  each read after the one it began in), which bounds what the parser holds of a header it has
  not handed over yet.

A chunked body's trailers are a head of their own, which the parser keeps as it keeps a header:
the bytes of a message after its head that are not body (trailers, chunk framing) are bounded
by the same 16 KiB, counted by the reads after the one its head ended in; past it the connection
is closed. A refused head behind pipelined requests is answered after their replies.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# h11's own default (uvicorn's `h11_max_incomplete_event_size`)
MAX_HEAD_BYTES = 16 * 1024
TOO_LARGE = "Request head too large."
TRAILER_TOO_LARGE = "Request trailer too large: connection closed."
# what a header line holds besides its name and value: ": " and CRLF
_HEADER_FRAMING = 4


class HeadTooLarge(Exception):
    """Raised from a parser callback: httptools stops parsing and the request gets 400."""


class BoundedHttpTools(HttpToolsProtocol):
    # the current head's parts handed over by the parser; None outside a head
    _head_bytes: int | None = None
    # the current head's bytes in the reads after the one it began in (that read may hold
    # another request's tail)
    _later_reads = 0
    _began_in_read = False
    _refused = False
    # a 400 held back until the requests read before the bad one have had their replies
    _deferred: str | None = None
    # the current message's bytes after its head that were not body, in the reads after the
    # one its head ended in; None outside a message's body
    _not_body: int | None = None
    _head_ended_in_read = False
    _body_in_read = 0

    def _count(self, size: int) -> None:
        if self._head_bytes is None:
            return
        self._head_bytes += size
        if self._head_bytes > MAX_HEAD_BYTES:
            self._refused = True
            raise HeadTooLarge

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = self._later_reads = 0
        self._began_in_read = True

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + _HEADER_FRAMING)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        self._not_body = 0
        self._head_ended_in_read = True
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._body_in_read += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._not_body = None
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers any parser error, ours included, with its own words
        msg = TOO_LARGE if self._refused else msg
        if self.cycle is not None and not self.cycle.response_complete:
            # requests read whole before the bad one (pipelined) get their replies first;
            # uvicorn would close the connection under them
            self._deferred = msg
            self.flow.pause_reading()
            return
        super().send_400_response(msg)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._deferred is None or self.transport.is_closing():
            return
        if self.pipeline:  # super() started the next one: the 400 waits for it too
            self.flow.pause_reading()
            return
        self._unset_keepalive_if_required()
        super().send_400_response(self._deferred)

    def data_received(self, data: bytes) -> None:
        self._began_in_read = self._head_ended_in_read = False
        self._body_in_read = 0
        super().data_received(data)
        if self.transport.is_closing():
            return
        if self._head_bytes is not None and not self._began_in_read:
            # the head was open before this read and still is: all of the read is head
            self._later_reads += len(data)
            if self._later_reads > MAX_HEAD_BYTES:
                self._refused = True
                self.logger.warning(TOO_LARGE)
                self.send_400_response(TOO_LARGE)
        elif self._not_body is not None and not self._head_ended_in_read:
            self._not_body += len(data) - self._body_in_read
            if self._not_body > MAX_HEAD_BYTES:
                # the request is under way (its app waits for the body's end): no reply fits
                self.logger.warning(TRAILER_TOO_LARGE)
                self.transport.close()
