"""listening

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:06:16.178582
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "source_states",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cursor", sa.JSON(), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("brought_in", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "spikes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_mention_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary_ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("spikes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spikes_channel"), ["channel"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_advocate", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("advocate_marked_by", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("advocate_marked_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canonical_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sentiment", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("intent", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("priority", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("route_rule", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column(
                "spike_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_index(
            batch_op.f("ix_mentions_canonical_url"), ["canonical_url"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mentions_spike_id"), ["spike_id"], unique=False)
        batch_op.create_foreign_key("fk_mentions_spike_id", "spikes", ["spike_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_mentions_spike_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_mentions_spike_id"))
        batch_op.drop_index(batch_op.f("ix_mentions_canonical_url"))
        batch_op.drop_column("spike_id")
        batch_op.drop_column("route_rule")
        batch_op.drop_column("priority")
        batch_op.drop_column("intent")
        batch_op.drop_column("sentiment")
        batch_op.drop_column("canonical_url")

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("advocate_marked_at")
        batch_op.drop_column("advocate_marked_by")
        batch_op.drop_column("is_advocate")

    with op.batch_alter_table("spikes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spikes_channel"))

    op.drop_table("spikes")
    op.drop_table("source_states")
