"""Factor steps a kiosk may send again to another instance (`X-Step-Id`): what each took,
which instance checks it, and its sealed reply once decided.

Revision ID: 0008_steps
Revises: 0007_spinevsc
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_steps"
down_revision = "0007_spinevsc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_steps",
        sa.Column("step_sha256", sa.String(64), primary_key=True),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("instance", sa.String(32), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("held", sa.Text, nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
    )
    op.create_index("ix_auth_steps_created_at", "auth_steps", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_auth_steps_created_at", "auth_steps")
    op.drop_table("auth_steps")
