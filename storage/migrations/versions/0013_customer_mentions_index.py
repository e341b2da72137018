"""customer mentions index

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 01:05:00

Every card shows how many times its customer wrote before, and when last: without an index
on the customer, each card re-render scanned every mention (found by `python -m bench`, whose
1,700 mentions share one author).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_mentions_customer", "mentions", ["customer_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_mentions_customer", table_name="mentions")
