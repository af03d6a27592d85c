"""A real appliance on loopback for `greeter demo` and tests: init, seed, serve, stop.

with start_local_appliance(tmp_path / "appliance", seed_demo=True) as appliance:
    requests.get(appliance.url + "/v1/kiosk", verify=str(appliance.ca_path),
                 headers=appliance.kiosk_headers())
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import requests
from sqlalchemy.orm import Session

from appliance.admin import add_kiosk, revoke_kiosk
from appliance.audit import Auditor
from appliance.bootstrap import initialise
from appliance.config import ApplianceError, Settings
from appliance.db import make_engine, session_factory
from appliance.demo import seed_demo
from appliance.ssbcerts import install_demo as install_demo_ssb

START_TIMEOUT_SECONDS = 30.0
# tests may trade hashing cost for speed; the product path keeps OWASP's cost
FAST_ARGON2 = {"memory_kib": 1024, "iterations": 1, "lanes": 1}


class ChildServer:
    """A server run as a child process (the appliance, the test rig's simulated SSB):
    stopped at the end of a `with` block."""

    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class LocalAppliance(ChildServer):
    """A running `appliance serve` child process and how to talk to it."""

    def __init__(
        self,
        *,
        process: subprocess.Popen[bytes],
        url: str,
        state_dir: Path,
        ca_path: Path,
        db_url: str,
        kiosk_name: str,
        kiosk_secret: str,
    ) -> None:
        self.process = process
        self.url = url
        self.state_dir = state_dir
        self.ca_path = ca_path
        self.db_url = db_url
        self.kiosk_name = kiosk_name
        self.kiosk_secret = kiosk_secret

    def kiosk_headers(self) -> dict[str, str]:
        return {"X-Kiosk": self.kiosk_name, "Authorization": f"Bearer {self.kiosk_secret}"}

    def admin(self, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run the admin CLI against this appliance's state (and database)."""
        return run_cli(self.state_dir, None, *args, input_text=input_text)


def run_cli(
    state_dir: Path, db_url: str | None, *args: str, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "appliance", "--state-dir", str(state_dir)]
    if db_url:
        command += ["--db", db_url]
    return subprocess.run(
        [*command, *args],
        input=input_text if input_text is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _issue_kiosk(db: Session, settings: Settings, name: str) -> str:
    """A fresh secret for `name` (re-issued on every start: only its hash is stored)."""
    audit = Auditor()
    with contextlib.suppress(ApplianceError):
        revoke_kiosk(db, name, audit)
    secret = add_kiosk(db, name, audit)
    db.commit()
    return secret


def start_local_appliance(
    state_dir: Path,
    *,
    seed_demo: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
    kiosk_name: str = "demo-kiosk",
    db_url: str | None = None,
    fast_hashing: bool = False,
    rate_limit: tuple[float, int] | None = None,
    failed_auth: tuple[int, float] | None = None,
    workers: int = 1,
    log_path: Path | None = None,
    extra_config: dict[str, Any] | None = None,
) -> LocalAppliance:
    """Init `state_dir` if needed, optionally seed the demo users, and serve it on loopback.

    `fast_hashing` lowers Argon2id's cost (tests only); `rate_limit` is (per second, burst)
    per kiosk, `failed_auth` (burst, per minute) of wrong credentials per address; `log_path`
    takes the server's output (else it shares the caller's); `extra_config` adds tables to
    appliance.toml (e.g. `spine`).
    """
    extra: dict[str, Any] = dict(extra_config or {})
    if fast_hashing:
        extra["argon2"] = dict(FAST_ARGON2)
    limits: dict[str, Any] = {}
    if rate_limit is not None:
        limits |= {"per_second": float(rate_limit[0]), "burst": int(rate_limit[1])}
    if failed_auth is not None:
        limits |= {
            "failed_auth_burst": int(failed_auth[0]),
            "failed_auth_per_minute": float(failed_auth[1]),
        }
    if limits:
        extra["rate_limit"] = limits
    settings = initialise(state_dir, db_url=db_url, extra_config=extra)
    engine = make_engine(settings.db_url)
    try:
        with session_factory(engine)() as db:
            if seed_demo:
                seed_demo_users(db, settings)
                install_demo_ssb(state_dir)
            secret = _issue_kiosk(db, settings, kiosk_name)
    finally:
        engine.dispose()
    process, url = _serve(state_dir, settings.ca_cert, host, port, workers, log_path)
    return LocalAppliance(
        process=process,
        url=url,
        state_dir=state_dir,
        ca_path=settings.ca_cert,
        db_url=settings.db_url,
        kiosk_name=kiosk_name,
        kiosk_secret=secret,
    )


def another_instance(
    first: LocalAppliance, *, host: str = "127.0.0.1", port: int = 0, log_path: Path | None = None
) -> LocalAppliance:
    """A second `appliance serve` of `first`'s state dir: its database, key, CA and kiosks,
    as instances behind one name share them (on loopback; `port` 0: any free port)."""
    process, url = _serve(first.state_dir, first.ca_path, host, port, 1, log_path)
    return LocalAppliance(
        process=process,
        url=url,
        state_dir=first.state_dir,
        ca_path=first.ca_path,
        db_url=first.db_url,
        kiosk_name=first.kiosk_name,
        kiosk_secret=first.kiosk_secret,
    )


def _serve(
    state_dir: Path, ca: Path, host: str, port: int, workers: int, log_path: Path | None
) -> tuple[subprocess.Popen[bytes], str]:
    """`appliance serve` of `state_dir` as a child, once it answers: (process, its URL)."""
    read_end, write_end = os.pipe()
    command = [
        # the DB URL is in the state dir's config (`initialise` wrote it): not on a command
        # line, where `ps` would show a password in it
        sys.executable, "-m", "appliance", "--state-dir", str(state_dir), "serve",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--ready-fd", str(write_end),
    ]  # fmt: skip
    with contextlib.ExitStack() as files:
        log = files.enter_context(log_path.open("ab")) if log_path is not None else None
        process = subprocess.Popen(
            command,
            pass_fds=(write_end,),
            preexec_fn=_die_with_parent,
            stdout=log,
            stderr=subprocess.STDOUT if log is not None else None,
        )
    os.close(write_end)
    try:
        bound = _read_port(read_end, process)
        url = f"https://{host}:{bound}"
        _wait_until_answering(url, ca, process)
    except BaseException:
        process.kill()
        process.wait(timeout=10)
        raise
    finally:
        os.close(read_end)
    return process, url


def seed_demo_users(db: Session, settings: Settings) -> list[str]:
    return seed_demo(db, settings.hash_cost, settings.keys, Auditor())


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: a demo or test that crashes must not leave its appliance
    serving. (Linux; the signal comes when the thread that started the child ends, which for
    the demo and the test rig is the main thread.)"""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _read_port(read_end: int, process: subprocess.Popen[bytes]) -> int:
    """The port the child bound, written on the pipe; EOF first means it failed to start."""
    ready, _, _ = select.select([read_end], [], [], START_TIMEOUT_SECONDS)
    data = os.read(read_end, 64) if ready else b""
    if not data.strip():
        code = process.poll()
        raise ApplianceError(f"unable to start the appliance: serve exited ({code}) before binding")
    return int(data.strip())


def _wait_until_answering(url: str, ca: Path, process: subprocess.Popen[bytes]) -> None:
    # the socket is bound and listening before uvicorn starts, so this one request waits in
    # the backlog until the app is up; a retry only covers a child that is still importing
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        try:
            requests.get(url + "/healthz", verify=str(ca), timeout=START_TIMEOUT_SECONDS)
            return
        except requests.RequestException as error:
            if process.poll() is not None or time.monotonic() > deadline:
                raise ApplianceError(f"unable to start the appliance: {error}") from error
            # the child exists but refused (between bind and listen is impossible; reset
            # during TLS set-up is not): wait for it rather than spin
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
