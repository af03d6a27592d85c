"""`appliance init` and `appliance serve`: make a state dir ready, then run HTTPS on it."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from appliance.certs import DEFAULT_NAMES, make_ca_and_server_cert
from appliance.config import (
    ApplianceError,
    Settings,
    ensure_secret,
    load_settings,
    read_config_values,
    write_config,
)
from appliance.db import make_engine, migrate
from appliance.hashing import yield_cores_to_hashes


def initialise(
    state_dir: Path,
    *,
    db_url: str | None = None,
    names: tuple[str, ...] = (),
    extra_config: dict[str, object] | None = None,
) -> Settings:
    """Create what is missing in `state_dir` (config, secret, CA + cert, DB); keep the rest."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise ApplianceError(f"unable to create {state_dir}: {error.strerror}") from error
    values = read_config_values(state_dir)
    changed = not (state_dir / "appliance.toml").exists()
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
    settings = load_settings(state_dir, db_url)
    if not settings.server_cert.exists() or not settings.ca_cert.exists():
        make_ca_and_server_cert(
            settings.ca_cert,
            settings.ca_key,
            settings.server_cert,
            settings.server_key,
            settings.server_names or DEFAULT_NAMES,
        )
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
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
            settings.server_cert, settings.server_key
        )
    except (OSError, ssl.SSLError) as error:
        raise ApplianceError(
            f"unable to serve: the server certificate or key in {settings.state_dir} is"
            f" unreadable ({error.strerror or error}); move server.pem and server.key away"
            " and run `appliance init` to make new ones"
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
