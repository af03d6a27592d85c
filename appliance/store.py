"""The appliance's data: SQLAlchemy 2 models (SQLite by default, PostgreSQL by URL).

The schema is owned by the alembic migrations in `appliance/migrations`; these models must match
the head revision (a test compares them).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


def key_ordered_on_sqlite() -> dict[str, bool]:
    """Table arguments: SQLite keeps the rows in their primary key's own B-tree (WITHOUT ROWID),
    so each write dirties one page less than a table plus its key's index (migration 0009). For
    small, hot tables written at every login; no effect on PostgreSQL."""
    return {"sqlite_with_rowid": False}


class Policy(Base):
    __tablename__ = "policies"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_factors: Mapped[str] = mapped_column(String(64), default="card,password")
    pin_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # off | on | approval (a self-enrolled card waits for an administrator)
    self_enrollment: Mapped[str] = mapped_column(String(16), default="on")
    pin_min_length: Mapped[int] = mapped_column(Integer, default=4)
    pin_max_length: Mapped[int] = mapped_column(Integer, default=8)
    pin_digits_only: Mapped[bool] = mapped_column(Boolean, default=True)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    lockout_seconds: Mapped[int] = mapped_column(Integer, default=900)
    entry_timeout: Mapped[int] = mapped_column(Integer, default=60)
    grace_seconds: Mapped[int] = mapped_column(Integer, default=8 * 3600)
    # Spine for this policy's users (only they may be Registration Authorities), and how many
    # days before its expiry a VSC's user is warned at login
    spine_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    vsc_warning_days: Mapped[int] = mapped_column(Integer, default=30)
    # offline login on a kiosk after a card + PIN login there, for this long (appliance.offline)
    offline_login: Mapped[bool] = mapped_column(Boolean, default=False)
    offline_window_seconds: Mapped[int] = mapped_column(Integer, default=12 * 3600)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username", "domain", name="uq_users_username_domain"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(128))
    domain: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(256), default="")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    registration_authority: Mapped[bool] = mapped_column(Boolean, default=False)
    policy_name: Mapped[str] = mapped_column(ForeignKey("policies.name"), default="default")
    password_verifier: Mapped[str | None] = mapped_column(String(256), nullable=True)
    current_role: Mapped[str | None] = mapped_column(String(32), nullable=True)

    policy: Mapped[Policy] = relationship(lazy="joined")
    roles: Mapped[list[SpineRole]] = relationship(
        order_by="SpineRole.code", cascade="all, delete-orphan", lazy="select"
    )


class PinVerifier(Base):
    __tablename__ = "pin_verifiers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    verifier: Mapped[str] = mapped_column(String(256))
    set_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Attempts(Base):
    """Failed guesses and the lockout of one username in one domain, whether or not such a
    user exists here (a directory user who never signed in, a made-up name): counting only
    known users would tell which names exist."""

    __tablename__ = "attempts"
    __table_args__ = key_ordered_on_sqlite()

    username: Mapped[str] = mapped_column(String(128), primary_key=True)
    domain: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Card(Base):
    """A card bound to a user, found by the keyed hash of its id (`appliance.keys`): the
    database never holds a card id."""

    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_key: Mapped[str] = mapped_column(String(64), unique=True)
    # which server key made card_key (`appliance key status` counts what a retired one keys)
    key_id: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    enrolled_kiosk: Mapped[str] = mapped_column(String(128), default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # self-enrolled under a policy that holds new cards for an administrator's approval
    pending: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class Kiosk(Base):
    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    kiosk: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str] = mapped_column(String(128), default="", index=True)
    event: Mapped[str] = mapped_column(String(64))
    card_hash: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class SpineRole(Base):
    __tablename__ = "spine_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))


class DesktopSession(Base):
    """One signed-in session on one kiosk: a fresh id per login, owned by that kiosk."""

    __tablename__ = "desktop_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kiosk: Mapped[str] = mapped_column(String(128), index=True)
    method: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # this login may open or reuse its user's Spine session (`gate.spine_use`)
    spine: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class SpineSession(Base):
    """A user's Spine session: its grace period lets their card alone sign in again. Only a
    two-factor login creates or refreshes it."""

    __tablename__ = "spine_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    kiosk: Mapped[str] = mapped_column(String(128), default="")
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    grace_until: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # the SSB's ticket, sealed under the server key (`appliance.tickets`), and until when
    # two-factor logins reuse it; NULL: no ticket (never had one, reset or deleted)
    ticket: Mapped[str | None] = mapped_column(Text, nullable=True)
    ticket_started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ticket_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # this session's role; the user's default for new sessions is users.current_role
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # how the ticket was won: "card" (a physical smartcard) or "vsc" (the appliance with the
    # user's virtual smartcard); NULL while there is no ticket
    method: Mapped[str | None] = mapped_column(String(8), nullable=True)

    user: Mapped[User] = relationship(lazy="joined")


class AuthState(Base):
    """A login in progress, named by a single-use token (only its SHA-256 is kept): the step it
    waits for, the factors proven so far, and the card (keyed hash) it came with."""

    __tablename__ = "auth_states"
    __table_args__ = key_ordered_on_sqlite()
    # no expiry index: the table holds only logins in progress, so the sweep of expired ones
    # reads them all for less than the index costs every tap to write

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kiosk: Mapped[str] = mapped_column(String(128))
    step: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(32), default="")
    # one login in progress per user: a new one replaces the old (appliance.states)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    card_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # comma list of gate.Factor
    proven: Mapped[str] = mapped_column(String(32), default="")
    # the card is unknown and is bound to the user when this login ends in a session
    bind_card: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Vsc(Base):
    """A virtual smartcard generated in CIS. Its expiry is its certificate's notAfter; its
    private key is sealed under the server key (`appliance.vsckeys`) and never leaves the
    appliance. `status` is unassigned, assigned or revoked (expired is read off `not_after`).
    Rows moved from the old hand-typed expiry have no certificate."""

    __tablename__ = "vscs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    cis_username: Mapped[str] = mapped_column(String(128), index=True)
    certificate: Mapped[str | None] = mapped_column(Text, nullable=True)
    not_after: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    sealed_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    key_id: Mapped[str] = mapped_column(String(8), default="")
    status: Mapped[str] = mapped_column(String(16), default="unassigned")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, unique=True)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    assigned_by: Mapped[str] = mapped_column(String(128), default="")
    renewed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # the user has not yet been told at login that it was renewed
    renewal_unseen: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    user: Mapped[User | None] = relationship(lazy="joined")


class DailyAlert(Base):
    """An alert raised once a day whatever the processes or restarts: the first to insert
    the day's row raises it (audit, e-mail)."""

    __tablename__ = "daily_alerts"

    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    raised_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class OfflineReport(Base):
    """An event a kiosk queued while no appliance answered, by its id: a retried upload finds
    it here and is not audited twice. Per kiosk, so one kiosk cannot shadow another's ids."""

    __tablename__ = "offline_reports"

    kiosk: Mapped[str] = mapped_column(String(128), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AuthStep(Base):
    """A factor step a kiosk named with `X-Step-Id` (`appliance.steps`), kept by the SHA-256 of
    kiosk and id: what it took before its secret's check (`held`: its state and its guess's
    slot, never the secret), the instance checking it and until when that one is taken as
    alive, and once decided its reply, sealed under the server key (it may carry a state)."""

    __tablename__ = "auth_steps"

    step_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # what was asked (kind, state, typed name; never the secret): a resend must be the same
    request_sha256: Mapped[str] = mapped_column(String(64))
    instance: Mapped[str] = mapped_column(String(32))
    lease_until: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    held: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
