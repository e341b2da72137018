"""policy

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The policy's warnings on a draft, shown to its reviewer; older drafts have none.
    op.add_column("drafts", sa.Column("policy_warnings", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Batch mode: SQLite rebuilds the table where it cannot drop a column in place.
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("policy_warnings")
