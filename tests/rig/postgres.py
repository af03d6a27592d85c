"""A real PostgreSQL server in a temp dir on 127.0.0.1 and a free port.

`postgres_server` (session-scoped) yields a `Postgres`; `new_database()` makes an empty
database and returns its SQLAlchemy URL. As root, the server runs as the `postgres` user
(it refuses root) on a dir chowned to it. Skips with the reason when the binaries are absent.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.rig.ldap import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class Postgres:
    host: str
    port: int
    user: str = "postgres"
    data: Path | None = None
    _names: Iterator[int] = field(default_factory=itertools.count)

    def restart(self) -> None:
        """Stop the server (closing every client's connection) and start it again, as a
        database fail-over does to the appliance's pooled connections."""
        assert self.data is not None
        log = str(self.data.parent / "log")
        _run([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-m", "fast", "-w", "restart"])

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        name = f"appliance_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    done = subprocess.run(
        _as_postgres(command), capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"unable to run {command[0]}: {done.stderr.strip() or done.stdout}")


def missing() -> str:
    """Why no PostgreSQL server can be started here ("" when one can)."""
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
        return f"PostgreSQL 15 binaries are not installed in {BIN} (Debian postgresql)"
    return ""


@contextlib.contextmanager
def running_postgres() -> Iterator[Postgres]:
    """A PostgreSQL server for the time of the `with` (the benchmarks use it too)."""
    # not under pytest's tmp dir: the postgres user must be able to reach it
    root = Path(tempfile.mkdtemp(prefix="appliance-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    try:
        _run([str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
        _run(
            [
                str(BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60",
                "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off",
                "start",
            ]
        )  # fmt: skip
    except RuntimeError:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield Postgres("127.0.0.1", port, data=data)
    finally:
        subprocess.run(
            _as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    if reason := missing():
        pytest.skip(reason)
    with running_postgres() as server:
        yield server
