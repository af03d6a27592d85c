"""Spine: roles, sessions with a grace period, VSC expiry, logins in progress.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("vsc_expires", sa.Date, nullable=True))
        batch.add_column(sa.Column("current_role", sa.String(32), nullable=True))
    op.create_table(
        "spine_roles",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
    )
    op.create_table(
        "spine_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, unique=True),
        sa.Column("kiosk", sa.String(128), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("grace_until", TS, nullable=False),
    )
    op.create_table(
        "auth_states",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("kiosk", sa.String(128), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("card_id", sa.String(64), nullable=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_auth_states_expires_at", "auth_states", ["expires_at"])


def downgrade() -> None:
    op.drop_table("auth_states")
    op.drop_table("spine_sessions")
    op.drop_table("spine_roles")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("current_role")
        batch.drop_column("vsc_expires")
