"""Failed kiosk authentication, throttled by source address (per server process).

Every 401 (a kiosk's credentials are unknown, revoked or wrong: the only 401 of the API) takes a
token from its client address's bucket. An address whose bucket is empty gets
`429 rate_limited` with `Retry-After` before anything reads its request, so no secret is
checked, until the bucket refills; other addresses are untouched. Requests already in flight
when the bucket empties still finish.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from appliance import errors
from appliance.ratelimit import RateLimiter

# addresses remembered at most (a bucket is a few dozen bytes): past it the refilled and then
# the least recently failed are forgotten
MAX_ADDRESSES = 65536


class FailedAuthThrottle:
    def __init__(self, app: ASGIApp, *, burst: int, per_minute: float) -> None:
        self.app = app
        self.failures = RateLimiter(per_minute / 60, burst, max_keys=MAX_ADDRESSES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client:
            await self.app(scope, receive, send)
            return
        address = client[0]  # what Starlette's `request.client.host` reads
        wait = self.failures.wait(address)
        if wait > 0:
            refusal = errors.rate_limited(
                "Too many wrong kiosk credentials came from this address; try again later.", wait
            )
            await errors.as_response(refusal)(scope, receive, send)
            return

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.failures.take(address)
            await send(message)

        await self.app(scope, receive, counting)
