"""VSC inventory, the daily alert guard, and the policy's Spine and VSC warning window.

Each user's hand-typed `vsc_expires` becomes an assigned VSC without a certificate (serial
`legacy-<user id>`, expiring at the end of that day), so their warnings go on as before; the
column goes.

Revision ID: 0005_vsc
Revises: 0004_spine
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005_vsc"
down_revision = "0004_spine"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _policies() -> None:
    op.add_column(
        "policies",
        sa.Column("spine_enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.add_column(
        "policies",
        sa.Column("vsc_warning_days", sa.Integer, nullable=False, server_default="30"),
    )


def _tables() -> None:
    op.create_table(
        "vscs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("serial", sa.String(64), nullable=False, unique=True),
        sa.Column("cis_username", sa.String(128), nullable=False),
        sa.Column("certificate", sa.Text, nullable=True),
        sa.Column("not_after", TS, nullable=False),
        sa.Column("sealed_key", sa.Text, nullable=True),
        sa.Column("key_id", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True, unique=True),
        sa.Column("assigned_at", TS, nullable=True),
        sa.Column("assigned_by", sa.String(128), nullable=False),
        sa.Column("renewed_at", TS, nullable=True),
        sa.Column("renewal_unseen", sa.Boolean, nullable=False),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_index("ix_vscs_cis_username", "vscs", ["cis_username"])
    op.create_index("ix_vscs_not_after", "vscs", ["not_after"])
    op.create_table(
        "daily_alerts",
        sa.Column("kind", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("raised_at", TS, nullable=False),
    )


def _legacy_expiries() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, username, vsc_expires FROM users WHERE vsc_expires IS NOT NULL")
    ).all()
    now = dt.datetime.now(dt.UTC)
    columns = (
        "serial", "cis_username", "not_after", "key_id", "status", "user_id", "assigned_at",
        "assigned_by", "renewal_unseen", "added_at",
    )  # fmt: skip
    vscs = sa.table("vscs", *(sa.column(name) for name in columns))
    for user_id, username, expires in rows:
        day = expires if isinstance(expires, dt.date) else dt.date.fromisoformat(str(expires))
        # the old notice counted the expiry day itself as usable
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
        connection.execute(
            vscs.insert().values(
                serial=f"legacy-{user_id}",
                cis_username=username,
                not_after=end,
                key_id="",
                status="assigned",
                user_id=user_id,
                assigned_at=now,
                assigned_by="migration",
                renewal_unseen=False,
                added_at=now,
            )
        )
    op.execute(sa.text("ALTER TABLE users DROP COLUMN vsc_expires"))


def upgrade() -> None:
    _policies()
    _tables()
    _legacy_expiries()


def downgrade() -> None:
    raise NotImplementedError("the VSC inventory has no place in the older schema")
