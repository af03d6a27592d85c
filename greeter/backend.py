"""The appliance client (docs/api.md): the only place on the kiosk that speaks HTTP.

Every request goes over HTTPS verified against the pinned CA file, with connect and read
timeouts, carrying the kiosk's credentials. Errors are a small tree (httpx's habit):

    BackendError            anything that kept a call from giving a usable answer
    ├── Unreachable         no answer: refused, DNS, TLS not trusted, 502/503/504
    │   └── TimedOut        the connect or read timeout ran out
    ├── Rejected            the appliance said no with a stable `code` (4xx JSON)
    └── ProtocolError       an answer we cannot understand (not JSON, wrong shape, 5xx)

Replies come back typed (`greeter.flow.wire`), `status` checked against the closed set.
Bodies are never logged: they may carry a PIN or a password.

Fail-over (`greeter.appliances` keeps which appliance the kiosk is on): a call moves on to the
next appliance only after an `Unreachable`, never after a `Rejected` answer (a `bad_factor` is
the appliance's word, not a fault), and only when sending it twice is safe: the first surely
never reached an appliance (no connection was made: refused, connect timeout, name not found,
certificate refused), or the request is `REPLAYABLE` (a card tap, reading the settings, a
logout), or it is a factor step named by its step id.

A PIN, a password or an enrolment is sent with `X-Step-Id`, a random id made once per step and
sent again with it (docs/api.md): the appliances keep each step's reply, so the same step sent
to the next appliance after its answer was lost is never checked or counted twice there. It
gets the reply already decided, or the next appliance finishes the step a dead one had taken,
with no new tap. While another appliance still checks it (`409 step_running`) the kiosk waits
and asks again, for at most its read timeout from the first such answer; only then does the
step fail, and the user starts again from the tap.
"""

from __future__ import annotations

import json
import logging
import secrets
import ssl
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from greeter.appliances import Appliances, FailoverListener
from greeter.flow.parse import WireError, parse_auth_reply, parse_kiosk_info, parse_spine
from greeter.flow.wire import (
    Accepted,
    AuthReply,
    AuthRequest,
    CardFactor,
    ChooseRole,
    EnrollPin,
    FetchKiosk,
    KioskInfo,
    PinFactor,
    Reply,
    Request,
    RoleChanged,
    Spine,
)

if TYPE_CHECKING:
    import urllib3

# replies are small (docs/api.md: bodies at most 16 KiB); anything far bigger is not ours
MAX_REPLY_BYTES = 256 * 1024
# connections kept open to one appliance: the kiosk's calls rarely overlap (a tap, a report)
POOL_SIZE = 4
# login steps that may go to a second appliance even when the first may have got them (as may
# reading the kiosk's settings): a card tap sent again starts its login afresh (the appliance
# keeps one login in progress per user), as tapping again would. A PIN, password or enrolment
# only with its step id: the first may have counted a guess or made a session already.
REPLAYABLE = (CardFactor,)
# a step another appliance is still checking: asked again after this long
STEP_WAIT_SECONDS = 0.25
# the session's end or lock, as the flow reports it: the kiosk may go back to the first appliance
SESSION_OVER = ("locked", "ended")
# A connection left idle is closed by the appliance after 30 s (appliance/bootstrap.py
# timeout_keep_alive); taps come minutes apart, so without this every tap would open a new TCP
# and TLS connection before its PIN screen. An idle kiosk says /healthz this often instead.
KEEP_WARM_SECONDS = 20.0

log = logging.getLogger(__name__)


class BackendError(Exception):
    """A call to the appliance gave no usable answer; `str()` is a plain sentence."""


class Unreachable(BackendError):
    """No answer from the appliance (refused, name not found, TLS not trusted, gateway down).
    `never_sent`: the request surely never reached an appliance (no connection was made), so
    sending it to another one cannot make it count twice."""

    def __init__(self, message: str, *, never_sent: bool = False) -> None:
        super().__init__(message)
        self.never_sent = never_sent


class TimedOut(Unreachable):
    """The appliance did not answer within the configured timeout."""


class Rejected(BackendError):
    """The appliance refused the request with a stable code (docs/api.md, Errors)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(f"unable to complete the request: {message or code} ({code})")


class ProtocolError(BackendError):
    """An answer that does not follow docs/api.md."""


@dataclass(frozen=True)
class BackendSettings:
    url: str  # the first appliance
    ca_path: str
    kiosk_name: str
    kiosk_secret: str
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    # further instances sharing its database, in the order they are tried after it
    failover_urls: tuple[str, ...] = ()

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(url.rstrip("/") for url in (self.url, *self.failover_urls))


class Backend:
    """Thread-safe client over urllib3: one connection pool per appliance, made at its first
    call. A call takes the connection used last (urllib3's pool is last in, first out), the
    likeliest to be open still, or opens one when all are busy. urllib3 rather than requests:
    the same pooling, timeouts and certificate checks at a third of the client's CPU per call
    (0.5 ms against 1.5 ms measured), which the kiosk spends between a tap and its PIN screen.
    All connections are closed by `close()`."""

    def __init__(
        self, settings: BackendSettings, *, on_failover: FailoverListener | None = None
    ) -> None:
        self.settings = settings
        self.appliances = Appliances(settings.urls, on_failover)
        self._lock = threading.Lock()
        self._pools: dict[str, tuple[urllib3.HTTPSConnectionPool, str]] = {}
        self._headers = {
            "X-Kiosk": settings.kiosk_name,
            "Authorization": f"Bearer {settings.kiosk_secret}",
            "Accept": "application/json",
        }
        self._last_exchange = time.monotonic()
        self._closed = threading.Event()

    # --- the API -------------------------------------------------------------------------------

    def perform(self, request: Request, *, tap: str = "") -> Reply:
        """Run one request the flow asked for; `tap`: the id of the tap a login step belongs to
        (sent as X-Tap-Id: the appliance keeps it in that request's audit lines)."""
        if isinstance(request, FetchKiosk):
            return self.kiosk_info()
        if isinstance(request, ChooseRole):
            return RoleChanged(self.choose_role(request.session_id, request.role))
        return self.auth(request, tap=tap)

    def kiosk_info(self) -> KioskInfo:
        body = self.call("GET", "/v1/kiosk", replayable=True)
        try:
            return parse_kiosk_info(body)
        except WireError as error:
            raise ProtocolError(str(error)) from None

    def auth(self, request: AuthRequest, *, tap: str = "") -> AuthReply:
        headers = {"X-Tap-Id": tap} if tap else {}
        if isinstance(request, REPLAYABLE):
            body = self.call("POST", "/v1/auth", auth_body(request), headers, replayable=True)
        else:
            body = self._step(auth_body(request), headers)
        try:
            return parse_auth_reply(body)
        except WireError as error:
            raise ProtocolError(str(error)) from None

    def _step(self, body: dict[str, object], headers: dict[str, str]) -> Any:
        """A factor step under its own step id: safe to send again, to any appliance, until
        one decides it; waits (up to the read timeout) while another still checks it."""
        headers = {**headers, "X-Step-Id": secrets.token_urlsafe(16)}
        deadline: float | None = None  # from the first "still running": the wait's own budget
        while True:
            try:
                return self.call("POST", "/v1/auth", body, headers, replayable=True)
            except Rejected as error:
                if error.code != "step_running":
                    raise
                deadline = deadline or time.monotonic() + self.settings.read_timeout
                if time.monotonic() >= deadline:
                    raise
            time.sleep(STEP_WAIT_SECONDS)

    def choose_role(self, session_id: str, role: str) -> Spine:
        body = self.call("POST", f"/v1/sessions/{_segment(session_id)}/role", {"role": role})
        try:
            if not isinstance(body, dict) or body.get("spine") is None:
                raise WireError("unable to read the role reply: no spine")
            return parse_spine(body["spine"])
        except WireError as error:
            raise ProtocolError(str(error)) from None

    def report(self, event: dict[str, str | int]) -> Accepted:
        try:
            self.call("POST", "/v1/events", event)
        finally:
            if event.get("event") == "session" and event.get("action") in SESSION_OVER:
                self.appliances.session_over()
        return Accepted()

    def upload_offline(self, events: list[dict[str, str]]) -> Accepted:
        """`POST /v1/offline-events`: what the kiosk queued while no appliance answered."""
        self.call("POST", "/v1/offline-events", {"events": events})
        return Accepted()

    def logout(self, session_id: str) -> Accepted:
        """Ends the session; one the appliance no longer holds for this kiosk is ended already."""
        try:
            # sent again to the next appliance if its answer was lost: a logout that never
            # landed would leave the user's tap-and-go grace. One that landed before its answer
            # was lost has ended the session, which the next appliance then answers `not_found`
            self.call("POST", f"/v1/sessions/{_segment(session_id)}/logout", {}, replayable=True)
        except Rejected as error:
            if error.code != "not_found":
                raise
        finally:
            self.appliances.session_over()
        return Accepted()

    def keep_warm(self, every: float = KEEP_WARM_SECONDS) -> None:
        """Keep the connection to the current appliance open while the kiosk is idle, so the
        next tap's call does not wait on a new TCP and TLS handshake; until `close()`."""

        def run() -> None:
            while not self._closed.wait(every / 4):
                if time.monotonic() - self._last_exchange >= every:
                    self._ping()

        threading.Thread(target=run, name="appliance-keep-warm", daemon=True).start()

    def _ping(self) -> None:
        base = self.appliances.urls[self.appliances.current()]
        try:
            self._exchange(base, "GET", "/healthz", None, None)
        except Exception as error:  # the next real call meets and reports any failure
            log.debug("keep-warm ping failed: %s", type(error).__name__)

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool, _ in pools:
            pool.close()

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        headers: dict[str, str] | None = None,
        *,
        replayable: bool = False,
    ) -> Any:
        """One request, to the appliance the kiosk is on, or on to the next ones while that is
        safe (the module's docstring); the parsed JSON body, or None for a 204."""
        failure: Unreachable | None = None
        for index in self.appliances.order():
            try:
                answer = self._exchange(self.appliances.urls[index], method, path, body, headers)
            except Unreachable as error:
                failure = failure or error
                if error.never_sent or replayable:
                    continue
                raise
            except (Rejected, ProtocolError):
                self.appliances.answered(index, _why(failure))
                raise
            self.appliances.answered(index, _why(failure))
            return answer
        assert failure is not None  # there is at least one URL
        raise failure

    @staticmethod
    def segment(value: str) -> str:
        """`value` as one path segment (a session id from a reply)."""
        return _segment(value)

    # --- the one seam ------------------------------------------------------------------------

    def _pool(self, base: str) -> tuple[urllib3.HTTPSConnectionPool, str]:
        """The pool for the appliance at `base`, and the path its routes hang under."""
        with self._lock:
            if self._closed.is_set():
                raise Unreachable("unable to reach the appliance: the kiosk is shutting down")
            found = self._pools.get(base)
            if found is None:
                found = self._pools[base] = self._new_pool(base)
            return found

    def _new_pool(self, base: str) -> tuple[urllib3.HTTPSConnectionPool, str]:
        # urllib3 is imported on the first call, on a worker thread: at start-up it would cost
        # the greeter's first frame
        import urllib3

        parts = urlsplit(base)
        pool = urllib3.HTTPSConnectionPool(
            parts.hostname or "",
            parts.port,
            maxsize=POOL_SIZE,
            cert_reqs="CERT_REQUIRED",
            ca_certs=self.settings.ca_path,
            timeout=urllib3.Timeout(
                connect=self.settings.connect_timeout, read=self.settings.read_timeout
            ),
            retries=False,
        )
        return pool, parts.path

    def _exchange(
        self, base: str, method: str, path: str, body: object, headers: dict[str, str] | None
    ) -> Any:
        """One HTTP exchange with the appliance at `base`."""
        from urllib3 import exceptions as http

        sent = {**self._headers, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
            sent["Content-Type"] = "application/json"
        try:
            pool, prefix = self._pool(base)
            response = pool.urlopen(
                method,
                prefix + path,
                body=data,
                headers=sent,
                redirect=False,  # an appliance never redirects; nothing leaves the pinned one
                preload_content=False,
            )
            try:
                raw = response.read(MAX_REPLY_BYTES + 1)
                if len(raw) > MAX_REPLY_BYTES:
                    response.close()  # the rest is never read: the connection is not reused
                    raise ProtocolError(
                        f"unable to read the appliance's answer: more than {MAX_REPLY_BYTES} bytes"
                    )
            finally:
                response.release_conn()
        except http.SSLError as error:
            raise Unreachable(
                f"unable to reach the appliance at {base}: its certificate is not trusted by "
                f"{self.settings.ca_path} ({_first_line(error)})",
                never_sent=_never_sent(error),
            ) from None
        except http.NewConnectionError as error:  # refused, name not found: a ConnectTimeout
            raise Unreachable(
                f"unable to reach the appliance at {base}: {_first_line(error)}", never_sent=True
            ) from None
        except http.ConnectTimeoutError:
            raise TimedOut(
                f"unable to reach the appliance at {base}: no connection within "
                f"{self.settings.connect_timeout:g} seconds",
                never_sent=True,
            ) from None
        except http.ReadTimeoutError:
            raise TimedOut(
                f"unable to reach the appliance at {base}: no answer within "
                f"{self.settings.read_timeout:g} seconds"
            ) from None
        except (http.HTTPError, OSError) as error:
            raise Unreachable(
                f"unable to reach the appliance at {base}: {_first_line(error)}",
                never_sent=_never_sent(error),
            ) from None
        finally:
            self._last_exchange = time.monotonic()
        return _interpret(response.status, raw)


def auth_body(request: AuthRequest) -> dict[str, object]:
    """The `/v1/auth` body for one request shape (docs/api.md)."""
    if isinstance(request, CardFactor):
        return {"factor": {"type": "card", "id": request.card_id}}
    if isinstance(request, PinFactor):
        return {"state": request.state, "factor": {"type": "pin", "value": request.pin}}
    if isinstance(request, EnrollPin):
        return {"state": request.state, "enroll": {"type": "pin", "value": request.pin}}
    factor: dict[str, object] = {"type": "password", "password": request.password}
    if request.username is not None:
        factor["username"] = request.username
    if request.domain is not None:
        factor["domain"] = request.domain
    body: dict[str, object] = {"factor": factor}
    if request.state is not None:
        body["state"] = request.state
    if request.enroll_card:
        body["enroll"] = {"type": "card"}
    return body


def _interpret(status: int, raw: bytes) -> Any:
    if status == 204:
        return None
    if status in (502, 503, 504):
        raise Unreachable(f"unable to reach the appliance: its gateway answered {status}")
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        raise ProtocolError(
            f"unable to read the appliance's answer: HTTP {status} with a body that is not JSON"
        ) from None
    if 400 <= status < 500:
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            message = body.get("message")
            raise Rejected(status, body["code"], message if isinstance(message, str) else "")
        raise ProtocolError(f"unable to read the appliance's answer: HTTP {status} with no code")
    if status != 200:
        raise ProtocolError(f"unable to use the appliance's answer: HTTP {status}")
    if body is None:
        raise ProtocolError("unable to read the appliance's answer: empty body")
    return body


def _segment(value: str) -> str:
    """A path segment that cannot step out of its route."""
    return quote(value, safe="")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def _why(failure: Unreachable | None) -> tuple[str, str] | None:
    if failure is None:
        return None
    return ("timeout" if isinstance(failure, TimedOut) else "unreachable", str(failure))


def _never_sent(error: BaseException) -> bool:
    """Whether `error` (from urllib3) happened before a connection was made, so the request
    surely never reached an appliance: refused, connect timeout, name not found (urllib3's
    ConnectTimeoutError and its subclasses, as urllib3's own Retry counts a connect error), or
    a certificate refused in the handshake."""
    from urllib3.exceptions import ConnectTimeoutError

    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        cause = pending.pop()
        if not isinstance(cause, BaseException) or id(cause) in seen:
            continue
        seen.add(id(cause))
        if isinstance(cause, ConnectTimeoutError | ssl.SSLCertVerificationError):
            return True
        # urllib3 wraps the cause in args, `reason` and the exception chain
        pending += [*cause.args, getattr(cause, "reason", None), cause.__cause__, cause.__context__]
    return False
