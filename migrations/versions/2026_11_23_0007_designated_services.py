"""designated services

Revision ID: 20261123_0007
Revises: 20261123_0006
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0007"
down_revision: str | None = "20261123_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_designations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_supplier_designations_supplier_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_supplier_designations_category_id_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_designations")),
        sa.UniqueConstraint(
            "supplier_id",
            "category_id",
            name=op.f("uq_supplier_designations_supplier_id_category_id"),
        ),
    )
    with op.batch_alter_table("supplier_designations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_designations_category_id"), ["category_id"], unique=False
        )

    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("service_place", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("service_details", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.drop_column("service_details")
        batch_op.drop_column("service_place")
        batch_op.drop_column("service_date")

    with op.batch_alter_table("supplier_designations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_designations_category_id"))

    op.drop_table("supplier_designations")
