"""HTTP routes of the appliance (FastAPI); the wire contract is docs/api.md."""

import asyncio
import datetime as dt
import hmac
import logging
import pathlib
import traceback
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Row, bindparam, delete, select
from sqlalchemy.exc import DataError, OperationalError, SQLAlchemyError, StatementError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from appliance import desktop, errors, routes_vsc
from appliance.admin_api import admin_guard
from appliance.attempts import forget_stale
from appliance.audit import Auditor, request_tap
from appliance.auth_body import auth_body_openapi, document_auth_body, read_auth_body
from appliance.bodylimit import BodyLimit
from appliance.config import Settings
from appliance.db import Database, core, make_engine, session_factory
from appliance.directory import Directory
from appliance.errors import ApiError
from appliance.hashing import kiosk_secret_digest, on_hash_thread
from appliance.headers import (
    KIOSK_HEADERS_OPENAPI,
    Authorization,
    KioskHeaders,
    XKiosk,
    read_kiosk_headers,
)
from appliance.login import LoginService
from appliance.login_tx import Tx
from appliance.models import (
    AuthRequest,
    KioskEvent,
    PasswordFactor,
    RoleRequest,
    SessionId,
)
from appliance.offline import OfflineUpload, record_upload
from appliance.pending import Held, Outcome, Pending
from appliance.policy import allows, pin_rules
from appliance.ratelimit import RateLimiter
from appliance.replies import AuthReply, Reply, Spine
from appliance.spine import end_grace, iso, roles
from appliance.spine_api import install_spine_routes
from appliance.spine_sessions import SpineSessions
from appliance.steps import Steps, keep_leases
from appliance.store import AuthState, Kiosk, Policy, SpineSession, User
from appliance.throttle import FailedAuthThrottle

log = logging.getLogger(__name__)
_PACKAGE = str(pathlib.Path(__file__).parent)
CLEANUP_EVERY = 256
_kiosks = Kiosk.__table__
# built once: every request checks its kiosk
_KIOSK_QUERY = select(_kiosks.c.secret_sha256, _kiosks.c.revoked_at).where(
    _kiosks.c.name == bindparam("name")
)


def _unauthorized() -> ApiError:
    return ApiError(401, "kiosk_unauthorized", "This kiosk is not authorised by the appliance.")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return errors.as_response(ApiError(status, code, message, headers))


def _validation_message(error: RequestValidationError) -> str:
    # only where and what: pydantic's `input` would echo PINs and passwords back
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    what = str(first.get("msg", "malformed request"))
    return f"unable to read the request: {where + ': ' if where else ''}{what}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return errors.as_response(error)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _error(422, "invalid_request", _validation_message(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        code = codes.get(error.status_code, "invalid_request")
        message = {
            404: "There is nothing at this address.",
            405: "This address does not take that method.",
        }.get(error.status_code, str(error.detail))
        return _error(error.status_code, code, message)

    @app.exception_handler(OperationalError)
    async def database_down(_request: Request, error: OperationalError) -> JSONResponse:
        log.error("unable to reach the database: %s", database_fault(error, first_line=True))
        return _error(503, "unavailable", "The appliance cannot reach its database; try again.")

    @app.exception_handler(SQLAlchemyError)
    async def database_error(_request: Request, error: SQLAlchemyError) -> JSONResponse:
        # Handled here rather than as a bug: Starlette hands a bug on to uvicorn, whose
        # traceback would print the driver's text with the request's values in it.
        if isinstance(error, DataError) or type(error) is StatementError:
            # a value the edge let through that the database refuses (PostgreSQL: a string
            # that outgrew its column once lower-cased, say): the request's fault
            log.warning("unable to store a request: %s", database_fault(error))
            message = "unable to store the request: a value is too long or malformed."
            return _error(400, "invalid_request", message)
        log.error("unable to answer a request: %s", database_fault(error))
        return _error(500, "internal_error", "The appliance failed; the fault is logged.")

    @app.exception_handler(Exception)
    async def bug(_request: Request, error: Exception) -> JSONResponse:
        log.error("unable to answer a request: %s: %s", type(error).__name__, error)
        return _error(500, "internal_error", "The appliance failed; the fault is logged.")


def _named(factor: PasswordFactor) -> tuple[str, str]:
    """Who a password is for, where the kiosk must say it (no card named the user)."""
    if factor.username is None or factor.domain is None:
        raise errors.invalid_request("This password needs its username and domain.")
    return factor.username, factor.domain


def _quick(request: AuthRequest) -> bool:
    """A tap or a PIN: the steps every login takes, local queries and Argon2id only."""
    factor = request.factor
    if request.enroll is not None or factor is None:
        return False
    return factor.type == "card" if request.state is None else factor.type == "pin"


def dispatch(
    login: LoginService, db: Tx, name: str, request: AuthRequest, held: Held | None = None
) -> Outcome:
    """The login step a request is, for kiosk `name`; `held`: what the step took on an
    instance that died (appliance.steps)."""
    factor, enroll, state = request.factor, request.enroll, request.state
    if state is None:
        if enroll is not None or factor is None:
            raise errors.invalid_request("A login starts with a card or password factor.")
        if factor.type == "card":
            return login.tap(db, name, factor.id)
        if factor.type == "password":
            username, domain = _named(factor)
            return login.password(db, name, username, factor.password, domain, held)
        raise errors.invalid_request("A PIN needs the state of the card tap before it.")
    if factor is not None and factor.type == "pin" and enroll is None:
        return login.pin(db, name, state, factor.value, held)
    if factor is not None and factor.type == "password":
        if enroll is None:
            return login.card_password(
                db, name, state, factor.username, factor.password, factor.domain, held
            )
        if enroll.type == "card":
            username, domain = _named(factor)
            return login.enroll_card(db, name, state, username, factor.password, domain, held)
    if factor is None and enroll is not None and enroll.type == "pin":
        return login.enroll_pin(db, name, state, enroll.value, held)
    raise errors.invalid_request("This combination of state, factor and enroll is not a step.")


def _json(reply: Reply) -> Response:
    return Response(reply.json_body(), media_type="application/json")


def database_fault(error: SQLAlchemyError, *, first_line: bool = False) -> str:
    """A database error for the log, without its parameters: the driver's class and SQLSTATE,
    the statement, and where in the appliance it failed. The driver's text is left out (or, for
    `first_line`, all but its first line: PostgreSQL's DETAIL and CONTEXT lines quote values)."""
    cause = getattr(error, "orig", None) or error.__cause__ or error
    parts = [type(cause).__name__]
    if sqlstate := getattr(cause, "sqlstate", None):
        parts.append(f"SQLSTATE {sqlstate}")
    if first_line:
        parts.append(str(cause).strip().partition("\n")[0])
    if statement := getattr(error, "statement", None):
        parts.append("in " + " ".join(str(statement).split())[:200])
    ours = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(_PACKAGE)
    ]
    if ours:
        where = ours[-1]
        parts.append(f"at {pathlib.Path(where.filename).name}:{where.lineno} ({where.name})")
    return "; ".join(parts)


def create_app(settings: Settings, clock: Callable[[], dt.datetime] = utc_now) -> FastAPI:
    engine = make_engine(settings.db_url)
    database: sessionmaker[Session] = session_factory(engine)
    directory = Directory(settings)
    login = LoginService(settings, directory, clock)
    limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
    auditor = Auditor()
    calls = {"auth": 0}
    inline_db = engine.dialect.name == "sqlite"
    steps = Steps(settings.keys, clock)

    app = FastAPI(
        title="tapkiosk appliance",
        version="1",
        description="The kiosks' backend: see docs/api.md.",
        # the appliance exports no OpenTelemetry: off, FastAPI stops asking at every request
        # whether a provider was set up (0.06 M instructions of a card+PIN login)
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # outermost: a throttled address's request is not even read
    app.add_middleware(
        FailedAuthThrottle,
        burst=settings.failed_auth_burst,
        per_minute=settings.failed_auth_per_minute,
    )
    install_error_handlers(app)

    def authorised(db: Database, x_kiosk: str | None, authorization: str | None) -> str:
        """The kiosk's name if its credentials are right and its bucket has a token."""
        if not x_kiosk or not authorization or not authorization.startswith("Bearer "):
            raise _unauthorized()
        row = core(db).execute(_KIOSK_QUERY, {"name": x_kiosk}).first()
        # unpacked: a Row resolves each attribute by name
        expected, revoked_at = row if row is not None else ("0" * 64, None)
        offered = kiosk_secret_digest(authorization[len("Bearer ") :].strip())
        good = hmac.compare_digest(offered, expected)
        if row is None or revoked_at is not None or not good:
            raise _unauthorized()
        wait = limiter.take(x_kiosk)
        if wait > 0:
            raise errors.rate_limited("This kiosk sent too many requests; slow down.", wait)
        return x_kiosk

    # Credentials are plain header parameters (appliance.headers) and each route opens its
    # own session: a sync dependency would cost a thread hop per request (two for a generator).

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/kiosk")
    def kiosk_info(x_kiosk: XKiosk = None, authorization: Authorization = None) -> dict[str, Any]:
        with database() as db:
            name = authorised(db, x_kiosk, authorization)
            return kiosk_reply(db, name)

    def kiosk_reply(db: Session, name: str) -> dict[str, Any]:
        policy = db.get(Policy, "default")
        assert policy is not None
        return {
            "kiosk": name,
            "domains": login.domains(db),
            "password_login": allows(policy, "password"),
            "card_enrollment": policy.self_enrollment != "off",
            "entry_timeout": policy.entry_timeout,
            "pin_rules": pin_rules(policy).model_dump(),
        }

    @app.post(
        "/v1/auth",
        response_model=AuthReply,
        openapi_extra=auth_body_openapi(KIOSK_HEADERS_OPENAPI),
    )
    async def auth(http: Request) -> Response:
        request = await read_auth_body(http)
        headers = read_kiosk_headers(http)
        factor, tap_id = request.factor, headers.x_tap_id
        card = factor.id if factor is not None and factor.type == "card" else None
        if tap_id and card is not None and tap_id.upper() == card.upper():
            raise errors.invalid_request(
                "X-Tap-Id must be the kiosk's random id for the tap, never the card id."
            )
        # the audit lines this request writes carry the tap id (threads copy the context)
        token = request_tap.set(tap_id)
        try:
            return await answer(request, headers)
        finally:
            request_tap.reset(token)

    async def answer(request: AuthRequest, headers: KioskHeaders) -> Response:
        def first(db: Database) -> Outcome:
            name = authorised(db, headers.x_kiosk, headers.authorization)
            calls["auth"] += 1
            if calls["auth"] % CLEANUP_EVERY == 0:
                forget_stale(db, clock())
                db.execute(delete(AuthState).where(AuthState.expires_at < clock()))
                steps.forget(db)
                db.commit()
            if headers.x_step_id is None:
                return dispatch(login, login.tx(db), name, request)
            return steps.run(
                login.tx(db),
                name,
                headers.x_step_id,
                request,
                lambda tx, held: dispatch(login, tx, name, request, held),
            )

        if inline_db and _quick(request):
            # On SQLite a tap and a PIN step are a few quick local queries: they run on the
            # event loop, sparing thread hops that cost as much as the queries; only Argon2id
            # goes to a hash thread (it releases the GIL there).
            with engine.connect() as connection:
                outcome = first(connection)
            if isinstance(outcome, Pending):
                checked = await asyncio.wrap_future(on_hash_thread(outcome.check))
                with engine.connect() as connection:
                    outcome = outcome.finish(login.tx(connection), checked)
            return _json(outcome)

        # a password may wait on LDAP, and a database server on the network: a worker thread
        def whole() -> Reply:
            with engine.connect() as connection:
                outcome = first(connection)
            if isinstance(outcome, Pending):
                checked = outcome.check()
                with engine.connect() as connection:
                    outcome = outcome.finish(login.tx(connection), checked)
            return outcome

        return _json(await run_in_threadpool(whole))

    @app.post("/v1/events", status_code=204)
    def events(
        event: Annotated[KioskEvent, Body()],
        x_kiosk: XKiosk = None,
        authorization: Authorization = None,
    ) -> Response:
        detail = event.model_dump(exclude={"event", "user"}, exclude_none=True)
        with database() as db:
            name = authorised(db, x_kiosk, authorization)
            username = event.user.lower()
            auditor.record(
                db, f"kiosk_{event.event}", at=clock(), kiosk=name, username=username, **detail
            )
            db.commit()
        return Response(status_code=204)

    @app.post("/v1/offline-events")
    def offline_events(
        upload: Annotated[OfflineUpload, Body()],
        x_kiosk: XKiosk = None,
        authorization: Authorization = None,
    ) -> dict[str, int]:
        with database() as db:
            name = authorised(db, x_kiosk, authorization)
            recorded = record_upload(db, auditor, name, upload, clock())
            db.commit()
        return {"recorded": recorded}

    def _owned(db: Session, name: str, session_id: str) -> Row[Any]:
        session = desktop.owned(db, session_id, name)
        if session is None:  # ended, or another kiosk's: both read as none
            raise errors.not_found("There is no such session.")
        return session

    @app.post("/v1/sessions/{session_id}/logout", status_code=204)
    def logout(
        session_id: SessionId, x_kiosk: XKiosk = None, authorization: Authorization = None
    ) -> Response:
        with database() as db:
            name = authorised(db, x_kiosk, authorization)
            session = _owned(db, name, session_id)
            now = clock()
            desktop.end(db, session_id, now)
            end_grace(db, session.user_id, now)
            user = db.get(User, session.user_id)
            assert user is not None
            auditor.record(db, "logout", at=now, kiosk=name, username=user.username)
            db.commit()
        return Response(status_code=204)

    @app.post("/v1/sessions/{session_id}/role")
    def choose_role(
        session_id: SessionId,
        body: Annotated[RoleRequest, Body()],
        x_kiosk: XKiosk = None,
        authorization: Authorization = None,
    ) -> dict[str, Any]:
        with database() as db:
            name = authorised(db, x_kiosk, authorization)
            return role_reply(db, name, session_id, body)

    def role_reply(db: Session, name: str, session_id: str, body: RoleRequest) -> dict[str, Any]:
        session = _owned(db, name, session_id)
        user = db.get(User, session.user_id)
        assert user is not None
        offered = roles(db, user.id)
        if body.role not in {role.code for role in offered}:
            raise errors.invalid_request(f"unable to choose role {body.role}: not one of yours")
        user.current_role = body.role
        auditor.record(
            db, "role_chosen", at=clock(), kiosk=name, username=user.username, role=body.role
        )
        spine = db.scalars(select(SpineSession).where(SpineSession.user_id == user.id)).first()
        now = clock()
        grace = spine.grace_until if spine is not None and spine.grace_until > now else None
        db.commit()
        reply = Spine(grace_until=iso(grace) if grace else None, roles=offered, role=body.role)
        return {"spine": reply.wire()}

    spine = SpineSessions(settings, database, directory, clock)
    # the admin API's one credential, read once for every /v1/admin route
    admin_check = admin_guard(settings.state_dir)
    install_spine_routes(app, settings, database, authorised, spine, admin_check)
    routes_vsc.install(app, settings, database, clock, auditor, authorised, admin_check)
    keep_leases(app, steps, engine)
    document_auth_body(app)
    # the router tries its routes in order: every tap and PIN's first (a stable sort)
    app.router.routes.sort(key=lambda route: getattr(route, "path", None) != "/v1/auth")
    app.state.engine = engine
    return app


def app_from_environment() -> FastAPI:
    """The uvicorn factory: `appliance serve` passes the state dir and DB through the env."""
    import os
    from pathlib import Path

    from appliance.config import load_settings

    state_dir = Path(os.environ["APPLIANCE_STATE_DIR"])
    return create_app(load_settings(state_dir, os.environ.get("APPLIANCE_DB_URL")))
