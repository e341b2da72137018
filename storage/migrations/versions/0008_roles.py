"""roles

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain ADD/DROP COLUMN, never batch mode: on SQLite, batch mode copies and drops the parent
# table, and with foreign keys on, dropping `departments` would delete every role with it.
# Constant defaults ("1", "0") keep SQLite from asking for that copy; both databases read
# them as booleans.


def upgrade() -> None:
    # Every role stored so far was mirrored from chorus.toml, and is held.
    op.add_column("roles", sa.Column("active", sa.Boolean(), nullable=False, server_default="1"))
    op.add_column(
        "roles",
        sa.Column("source", sa.String(length=16), nullable=False, server_default="chorus.toml"),
    )
    op.add_column(
        "departments",
        sa.Column("trusted_lane", sa.Boolean(), nullable=False, server_default="0"),
    )
    op.add_column("departments", sa.Column("trusted_lane_changed_by", sa.String(length=32)))
    op.add_column("departments", sa.Column("trusted_lane_changed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("departments", "trusted_lane_changed_at")
    op.drop_column("departments", "trusted_lane_changed_by")
    op.drop_column("departments", "trusted_lane")
    # Without the column a removed role would read as held again: forget it instead.
    op.execute(sa.text("DELETE FROM roles WHERE active = false"))
    op.drop_column("roles", "source")
    op.drop_column("roles", "active")
