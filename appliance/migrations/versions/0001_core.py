"""Core: policies (with `default`), users, PIN verifiers, cards, kiosks, audit events.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    policies = op.create_table(
        "policies",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("first_factors", sa.String(64), nullable=False),
        sa.Column("pin_enabled", sa.Boolean, nullable=False),
        sa.Column("self_enrollment", sa.Boolean, nullable=False),
        sa.Column("pin_min_length", sa.Integer, nullable=False),
        sa.Column("pin_max_length", sa.Integer, nullable=False),
        sa.Column("pin_digits_only", sa.Boolean, nullable=False),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("lockout_seconds", sa.Integer, nullable=False),
        sa.Column("entry_timeout", sa.Integer, nullable=False),
        sa.Column("grace_seconds", sa.Integer, nullable=False),
    )
    op.bulk_insert(
        policies,
        [
            {
                "name": "default",
                "first_factors": "card,password",
                "pin_enabled": True,
                "self_enrollment": True,
                "pin_min_length": 4,
                "pin_max_length": 8,
                "pin_digits_only": True,
                "max_attempts": 5,
                "lockout_seconds": 900,
                "entry_timeout": 60,
                "grace_seconds": 8 * 3600,
            }
        ],
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(128), nullable=False),
        sa.Column("domain", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(256), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("registration_authority", sa.Boolean, nullable=False),
        sa.Column("policy_name", sa.String(64), sa.ForeignKey("policies.name"), nullable=False),
        sa.Column("password_verifier", sa.String(256), nullable=True),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.UniqueConstraint("username", "domain", name="uq_users_username_domain"),
    )
    op.create_table(
        "pin_verifiers",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("verifier", sa.String(256), nullable=False),
        sa.Column("set_at", TS, nullable=False),
    )
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_id", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("enrolled_at", TS, nullable=False),
        sa.Column("enrolled_kiosk", sa.String(128), nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_index("ix_cards_user_id", "cards", ["user_id"])
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("kiosk", sa.String(128), nullable=False),
        sa.Column("username", sa.String(128), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("card_hash", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_username", "audit_events", ["username"])


def downgrade() -> None:
    for table in ("audit_events", "kiosks", "cards", "pin_verifiers", "users", "policies"):
        op.drop_table(table)
