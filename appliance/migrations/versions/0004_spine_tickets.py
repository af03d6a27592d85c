"""Spine tickets (branch spine): the SSB's ticket of a Spine session, sealed, with its end and
the session's role; whether a desktop session may use the Spine session.

Revision ID: 0004_spine
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_spine"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("spine_sessions", sa.Column("ticket", sa.Text, nullable=True))
    op.add_column("spine_sessions", sa.Column("ticket_started_at", TS, nullable=True))
    op.add_column("spine_sessions", sa.Column("ticket_until", TS, nullable=True))
    op.add_column("spine_sessions", sa.Column("role", sa.String(32), nullable=True))
    # sessions open at the upgrade did not say how they were proven: none may use Spine
    op.add_column(
        "desktop_sessions",
        sa.Column("spine", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("desktop_sessions") as batch:
        batch.drop_column("spine")
    with op.batch_alter_table("spine_sessions") as batch:
        batch.drop_column("role")
        batch.drop_column("ticket_until")
        batch.drop_column("ticket_started_at")
        batch.drop_column("ticket")
