"""`appliance init` and `appliance serve`: make a state dir ready, then run HTTPS on it."""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable
from pathlib import Path

from appliance.admin_api import ensure_admin_token
from appliance.certs import DEFAULT_NAMES, ensure_certificates
from appliance.config import (
    CONFIG_NAME,
    ApplianceError,
    Settings,
    ensure_secret,
    load_settings,
    permission_denied,
    read_config_values,
    write_config,
)
from appliance.db import make_engine, migrate
from appliance.hashing import yield_cores_to_hashes
from appliance.keyring import check_held
from appliance.statedir import check_dir, make_state_dir, tighten


def _quiet(_line: str) -> None:
    pass


def initialise(
    state_dir: Path,
    *,
    db_url: str | None = None,
    names: tuple[str, ...] = (),
    extra_config: dict[str, object] | None = None,
    say: Callable[[str], None] = _quiet,
) -> Settings:
    """Create what is missing in `state_dir` (config, secret, CA + cert, DB); keep the rest,
    but tighten modes left too open and reissue a server certificate that will not do (the
    CA stays: kiosks pin it). `say` gets one line for each of those changes."""
    make_state_dir(state_dir)
    check_dir(state_dir)
    tightened = tighten(state_dir)
    if tightened:
        say(tightened)
    values = read_config_values(state_dir)
    changed = not (state_dir / CONFIG_NAME).exists()
    if db_url:
        values["db_url"] = db_url
        changed = True
    if names:
        values["server_names"] = list(dict.fromkeys([*DEFAULT_NAMES, *names]))
        changed = True
    for key, value in (extra_config or {}).items():
        values[key] = value
        changed = True
    if changed:
        write_config(state_dir, values)
    ensure_secret(state_dir)
    ensure_admin_token(state_dir)
    settings = load_settings(state_dir, db_url)
    issued = ensure_certificates(state_dir, settings.server_names or DEFAULT_NAMES)
    if issued:
        say(issued)
    engine = make_engine(settings.db_url)
    try:
        migrate(engine, settings.secret)
    finally:
        engine.dispose()
    return settings


def _check_certificate(settings: Settings) -> None:
    """Before any worker starts: a worker that cannot load them fails with a traceback, and
    the supervisor would start it again and again."""
    if not settings.server_cert.exists():
        raise ApplianceError(
            f"unable to serve: no certificate in {settings.state_dir}; run `appliance init`"
        )
    # ssl's errors do not say which file it could not open
    for path in (settings.server_cert, settings.server_key):
        if path.exists() and not os.access(path, os.R_OK):
            raise permission_denied(path, "read")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
            settings.server_cert, settings.server_key
        )
    except (OSError, ssl.SSLError) as error:
        raise ApplianceError(
            f"unable to serve: the server certificate or key in {settings.state_dir} is"
            f" unreadable ({error.strerror or error}); run `appliance init` to issue new ones"
            " from the CA the kiosks pin"
        ) from error


def serve(
    settings: Settings, host: str, port: int, *, workers: int = 1, ready_fd: int | None = None
) -> None:
    """Serve HTTPS on host:port (0 = any free port, reported on `ready_fd`)."""
    import uvicorn

    from appliance.headlimit import BoundedHttpTools
    from appliance.workers import Workers, listening_sockets, quiet_idle_tls_shutdowns

    engine = make_engine(settings.db_url)
    try:
        migrate(engine, settings.secret)
        check_held(settings, engine)
    finally:
        engine.dispose()
    _check_certificate(settings)
    try:
        sockets = listening_sockets(host, port, workers)
    except OSError as error:
        raise ApplianceError(f"unable to listen on {host}:{port}: {error.strerror}") from error
    # the workers build the app from these (they may be fresh processes)
    os.environ["APPLIANCE_STATE_DIR"] = str(settings.state_dir)
    os.environ["APPLIANCE_DB_URL"] = settings.db_url
    config = uvicorn.Config(
        "appliance.api:app_from_environment",
        factory=True,
        loop="uvloop",
        http=BoundedHttpTools,
        ssl_certfile=str(settings.server_cert),
        ssl_keyfile=str(settings.server_key),
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_keep_alive=30,
        # idle kiosk connections must not hold a stop up
        timeout_graceful_shutdown=2,
    )
    if ready_fd is not None:
        with os.fdopen(ready_fd, "w") as ready:
            ready.write(f"{sockets[0].getsockname()[1]}\n")
    quiet_idle_tls_shutdowns()
    if workers > 1:
        Workers(config, sockets).run()
    else:
        yield_cores_to_hashes()
        uvicorn.Server(config).run(sockets=sockets)
