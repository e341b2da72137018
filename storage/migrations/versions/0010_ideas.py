"""ideas

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ideas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("pitch", sa.Text(), nullable=False),
        sa.Column("department_key", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column(
            "mention_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("shipped_url", sa.Text(), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("card_channel", sa.String(length=32), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["department_key"], ["departments.key"]),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ideas_status_department", "ideas", ["status", "department_key"])
    op.create_index("ix_ideas_author", "ideas", ["author"])
    op.create_index("ix_ideas_shipped_at", "ideas", ["shipped_at"])
    op.create_index("ix_ideas_mention_id", "ideas", ["mention_id"])


def downgrade() -> None:
    op.drop_index("ix_ideas_mention_id", table_name="ideas")
    op.drop_index("ix_ideas_shipped_at", table_name="ideas")
    op.drop_index("ix_ideas_author", table_name="ideas")
    op.drop_index("ix_ideas_status_department", table_name="ideas")
    op.drop_table("ideas")
