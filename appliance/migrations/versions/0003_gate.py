"""The gate: attempts per username and domain, keyed card lookups and verifiers, desktop
sessions owned by their kiosk, tri-state card self-enrollment.

Card ids and verifiers are rewritten under the server's key (`appliance.keys`), which
`appliance.db.migrate` hands over: the key never enters the database. Logins in progress at
the upgrade start again from a tap, and grace periods end (they may have come from one
factor): everyone's next tap asks for the PIN once.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from appliance.hashing import wrap_legacy
from appliance.keys import card_key_with, key_id

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _key() -> bytes:
    key = context.config.attributes.get("key")
    if not key:
        raise RuntimeError("upgrading to 0003 needs the server key (secret.key)")
    return bytes(key)


# Tables other tables refer to (policies, users) are altered in place, not recreated as
# SQLite's batch mode would: dropping them trips the foreign keys. Both databases take these.
def _enrollment() -> None:
    op.add_column(
        "policies", sa.Column("enrollment", sa.String(16), nullable=False, server_default="on")
    )
    op.execute(
        sa.text(
            "UPDATE policies SET enrollment = CASE WHEN self_enrollment THEN 'on' ELSE 'off' END"
        )
    )
    op.execute(sa.text("ALTER TABLE policies DROP COLUMN self_enrollment"))
    op.execute(sa.text("ALTER TABLE policies RENAME COLUMN enrollment TO self_enrollment"))


def _attempts() -> None:
    op.create_table(
        "attempts",
        sa.Column("username", sa.String(128), primary_key=True),
        sa.Column("domain", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("last_failure_at", TS, nullable=False),
    )
    op.execute(
        sa.text(
            "INSERT INTO attempts (username, domain, failures, locked_until, last_failure_at) "
            "SELECT username, domain, failed_attempts, locked_until, CURRENT_TIMESTAMP FROM users "
            "WHERE failed_attempts > 0 OR locked_until IS NOT NULL"
        )
    )
    op.execute(sa.text("ALTER TABLE users DROP COLUMN failed_attempts"))
    op.execute(sa.text("ALTER TABLE users DROP COLUMN locked_until"))


def _cards(key: bytes) -> None:
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("card_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("key_id", sa.String(8), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("pending", sa.Boolean, nullable=False, server_default=sa.false())
        )
    connection = op.get_bind()
    for row_id, card_id in connection.execute(sa.text("SELECT id, card_id FROM cards")).all():
        connection.execute(
            sa.text("UPDATE cards SET card_key = :key, key_id = :key_id WHERE id = :id"),
            {"key": card_key_with(key, card_id), "key_id": key_id(key), "id": row_id},
        )
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("card_id")
        batch.alter_column("card_key", existing_type=sa.String(64), nullable=False)
        batch.alter_column("pending", server_default=None)
        batch.alter_column("key_id", server_default=None)
        batch.create_unique_constraint("uq_cards_card_key", ["card_key"])


def _verifiers(key: bytes) -> None:
    connection = op.get_bind()
    pins = connection.execute(sa.text("SELECT user_id, verifier FROM pin_verifiers")).all()
    for user_id, verifier in pins:
        connection.execute(
            sa.text("UPDATE pin_verifiers SET verifier = :v WHERE user_id = :id"),
            {"v": wrap_legacy(verifier, key), "id": user_id},
        )
    passwords = connection.execute(
        sa.text("SELECT id, password_verifier FROM users WHERE password_verifier IS NOT NULL")
    ).all()
    for user_id, verifier in passwords:
        connection.execute(
            sa.text("UPDATE users SET password_verifier = :v WHERE id = :id"),
            {"v": wrap_legacy(verifier, key), "id": user_id},
        )


def _states_and_sessions() -> None:
    op.drop_table("auth_states")
    op.create_table(
        "auth_states",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("kiosk", sa.String(128), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True, unique=True),
        sa.Column("card_key", sa.String(64), nullable=True),
        sa.Column("proven", sa.String(32), nullable=False),
        sa.Column("bind_card", sa.Boolean, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_auth_states_expires_at", "auth_states", ["expires_at"])
    op.create_table(
        "desktop_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kiosk", sa.String(128), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
    )
    op.create_index("ix_desktop_sessions_user_id", "desktop_sessions", ["user_id"])
    op.create_index("ix_desktop_sessions_kiosk", "desktop_sessions", ["kiosk"])


def _graces() -> None:
    # a grace period opened before the gate may have come from one factor: none is kept
    op.execute(sa.text("UPDATE spine_sessions SET grace_until = started_at"))


def upgrade() -> None:
    key = _key()
    _graces()
    _enrollment()
    _attempts()
    _cards(key)
    _verifiers(key)
    _states_and_sessions()


def downgrade() -> None:
    raise NotImplementedError("card ids and unkeyed verifiers cannot be recovered")
