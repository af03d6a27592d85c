"""How a Spine session's ticket was won: with a physical smartcard ("card") or by the
appliance with the user's virtual smartcard ("vsc"); it decides how the user changes role.

Revision ID: 0007_spinevsc
Revises: 0006_offline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_spinevsc"
down_revision = "0006_offline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("spine_sessions", sa.Column("method", sa.String(8), nullable=True))
    # before this revision only a physical smartcard could win a ticket
    op.execute("UPDATE spine_sessions SET method = 'card' WHERE ticket IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("spine_sessions") as batch:
        batch.drop_column("method")
