"""Engines, sessions and schema upgrades for the appliance database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from appliance.config import ApplianceError
from appliance.statedir import prepare_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# the advisory lock that serialises schema upgrades on PostgreSQL (any constant of our own)
_MIGRATE_LOCK = text("SELECT pg_advisory_xact_lock(8386107587773297515)")  # b"tapkiosk"


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (the driver we ship)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the admin CLI and the server (and several workers) share the file
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    # an error's text never carries the statement's parameters: they hold what kiosks sent
    try:
        if url.startswith("sqlite"):
            prepare_sqlite(url)
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 10},
                pool_size=20,
                hide_parameters=True,
            )
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(
                url, pool_size=20, max_overflow=20, pool_pre_ping=True, hide_parameters=True
            )
    except (SQLAlchemyError, ImportError, ValueError) as error:
        raise ApplianceError(f"unable to open database {url!r}: {error}") from error
    return engine


# what the hot paths' statements run on: an ORM session, or a bare Core connection where a
# request needs no ORM (a session costs 5x a connection to open and commit)
Database = Session | Connection


def core(db: Database) -> Connection:
    return db if isinstance(db, Connection) else db.connection()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # no autoflush: one flush at commit instead of one before every query (the login code
    # flushes explicitly where it reads back what it just added)
    return sessionmaker(engine, expire_on_commit=False, autoflush=False)


def alembic_config() -> Config:
    from alembic.config import Config  # imported when needed: it costs every CLI call 0.3 s

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine, key: bytes, revision: str = "head") -> None:
    """Bring the schema to `revision`, keeping every row (alembic migrations). `key` is the
    server's current key (`appliance.keys`): an upgrade rewrites card ids and verifiers
    under it."""
    from alembic import command

    config = alembic_config()
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # instances sharing the database may start together: one upgrades, the others
                # wait for it here and then find the schema at head (released at commit)
                connection.execute(_MIGRATE_LOCK)
            config.attributes["connection"] = connection
            config.attributes["key"] = key
            command.upgrade(config, revision)
    except SQLAlchemyError as error:
        raise ApplianceError(f"unable to upgrade the database: {error}") from error
