"""ratings and credit

Revision ID: 20261123_0006
Revises: 20261123_0005
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0006"
down_revision: str | None = "20261123_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("rater_org_id", sa.Integer(), nullable=False),
        sa.Column("rated_org_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('purchaser', 'supplier')", name=op.f("ck_ratings_side")),
        sa.CheckConstraint("rater_org_id <> rated_org_id", name=op.f("ck_ratings_rater_not_rated")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_ratings_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["rater_org_id"],
            ["organisations.id"],
            name=op.f("fk_ratings_rater_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["rated_org_id"],
            ["organisations.id"],
            name=op.f("fk_ratings_rated_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["rated_by"], ["users.id"], name=op.f("fk_ratings_rated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("order_id", "side", name=op.f("uq_ratings_order_id_side")),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_rated_org_id"), ["rated_org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ratings_rated_org_id"))

    op.drop_table("ratings")
