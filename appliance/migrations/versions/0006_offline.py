"""Offline login: the policy's switch and window, and the ids of the events kiosks queued
offline (so a retried upload is audited once).

Revision ID: 0006_offline
Revises: 0005_vsc
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_offline"
down_revision = "0005_vsc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # added in place (no batch recreate): other tables refer to policies
    op.add_column(
        "policies",
        sa.Column("offline_login", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "policies",
        sa.Column(
            "offline_window_seconds", sa.Integer, nullable=False, server_default=str(12 * 3600)
        ),
    )
    op.create_table(
        "offline_reports",
        sa.Column("kiosk", sa.String(128), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("offline_reports")
    op.execute(sa.text("ALTER TABLE policies DROP COLUMN offline_window_seconds"))
    op.execute(sa.text("ALTER TABLE policies DROP COLUMN offline_login"))
