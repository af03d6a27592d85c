"""Fewer pages written per login on SQLite: the login states and the guess counts live in
their primary key's own B-tree (WITHOUT ROWID), and the login states lose their expiry index
(the table holds only logins in progress; the sweep of expired ones reads them all).

Revision ID: 0009_slim
Revises: 0008_steps
"""

from __future__ import annotations

from alembic import op

revision = "0009_slim"
down_revision = "0008_steps"
branch_labels = None
depends_on = None

TABLES = ("attempts", "auth_states")


def _rebuild(with_rowid: bool) -> None:
    """SQLite cannot alter a table's storage: each is copied into a new one (rows kept)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
        ):
            pass


def upgrade() -> None:
    op.drop_index("ix_auth_states_expires_at", "auth_states")
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
    op.create_index("ix_auth_states_expires_at", "auth_states", ["expires_at"])
