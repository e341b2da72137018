"""digest indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 18:45:00

Measured by bench/digest.py on 1,000,000 mentions: open mentions and their oldest wait read
from a covering index (SQLite scanned the table once ANALYZE had run), and first-time
responders found through drafts' authors.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_mentions_state_department", table_name="mentions")
    op.create_index(
        "ix_mentions_state_department", "mentions", ["state", "department_key", "received_at"]
    )
    op.create_index("ix_drafts_author", "drafts", ["author"])


def downgrade() -> None:
    op.drop_index("ix_drafts_author", table_name="drafts")
    op.drop_index("ix_mentions_state_department", table_name="mentions")
    op.create_index("ix_mentions_state_department", "mentions", ["state", "department_key"])
