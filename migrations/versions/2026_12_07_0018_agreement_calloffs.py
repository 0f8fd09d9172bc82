"""framework agreement call-offs (MALL-8, stage two): call-offs, their items and rotation offers;
the agreement's rotation pointer; orders made by a call-off

Revision ID: 20261207_0018
Revises: 20261207_0017
Create Date: 2026-12-07 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0018"
down_revision: str | None = "20261207_0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rotation_rank", sa.Integer(), nullable=False, server_default="0")
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_source"), type_="check")
        batch_op.create_check_constraint("source", "source IN ('mall', 'auction', 'agreement')")

    op.create_table(
        "agreement_calloffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("purchaser_id", sa.Integer(), nullable=False),
        sa.Column("placed_by", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("entrant_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=10), nullable=True),
        sa.Column("reason_note", sa.String(length=500), nullable=True),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.Column("delivery_address", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('placed', 'offered', 'ordered', 'unfilled')",
            name=op.f("ck_agreement_calloffs_status"),
        ),
        sa.CheckConstraint(
            "method IN ('direct', 'rotation')", name=op.f("ck_agreement_calloffs_method")
        ),
        sa.CheckConstraint(
            "reason IS NULL OR reason IN ('price', 'quality', 'service', 'delivery')",
            name=op.f("ck_agreement_calloffs_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_calloffs_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["purchaser_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_calloffs_purchaser_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["placed_by"], ["users.id"], name=op.f("fk_agreement_calloffs_placed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_lines.id"],
            name=op.f("fk_agreement_calloffs_budget_line_id_budget_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_agreement_calloffs_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["entrant_id"],
            ["agreement_entrants.id"],
            name=op.f("fk_agreement_calloffs_entrant_id_agreement_entrants"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_agreement_calloffs_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_calloffs")),
    )
    with op.batch_alter_table("agreement_calloffs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_calloffs_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_calloffs_purchaser_id"), ["purchaser_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_calloffs_status"), ["status"], unique=False)

    op.create_table(
        "agreement_calloff_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calloff_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "quantity >= 1", name=op.f("ck_agreement_calloff_items_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["calloff_id"],
            ["agreement_calloffs.id"],
            name=op.f("fk_agreement_calloff_items_calloff_id_agreement_calloffs"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agreement_items.id"],
            name=op.f("fk_agreement_calloff_items_item_id_agreement_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_calloff_items")),
        sa.UniqueConstraint(
            "calloff_id", "item_id", name=op.f("uq_agreement_calloff_items_calloff_id_item_id")
        ),
    )
    with op.batch_alter_table("agreement_calloff_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_calloff_items_calloff_id"), ["calloff_id"], unique=False
        )

    op.create_table(
        "agreement_calloff_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calloff_id", sa.Integer(), nullable=False),
        sa.Column("entrant_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "status IN ('offered', 'accepted', 'declined', 'timed_out')",
            name=op.f("ck_agreement_calloff_offers_status"),
        ),
        sa.ForeignKeyConstraint(
            ["calloff_id"],
            ["agreement_calloffs.id"],
            name=op.f("fk_agreement_calloff_offers_calloff_id_agreement_calloffs"),
        ),
        sa.ForeignKeyConstraint(
            ["entrant_id"],
            ["agreement_entrants.id"],
            name=op.f("fk_agreement_calloff_offers_entrant_id_agreement_entrants"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_calloff_offers_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_calloff_offers")),
        sa.UniqueConstraint(
            "calloff_id",
            "entrant_id",
            name=op.f("uq_agreement_calloff_offers_calloff_id_entrant_id"),
        ),
    )
    with op.batch_alter_table("agreement_calloff_offers", schema=None) as batch_op:
        for column in ("calloff_id", "entrant_id", "supplier_id", "status", "expires_at"):
            batch_op.create_index(
                batch_op.f(f"ix_agreement_calloff_offers_{column}"), [column], unique=False
            )


def downgrade() -> None:
    with op.batch_alter_table("agreement_calloff_offers", schema=None) as batch_op:
        for column in ("calloff_id", "entrant_id", "supplier_id", "status", "expires_at"):
            batch_op.drop_index(batch_op.f(f"ix_agreement_calloff_offers_{column}"))
    op.drop_table("agreement_calloff_offers")

    with op.batch_alter_table("agreement_calloff_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_calloff_items_calloff_id"))
    op.drop_table("agreement_calloff_items")

    with op.batch_alter_table("agreement_calloffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_calloffs_status"))
        batch_op.drop_index(batch_op.f("ix_agreement_calloffs_purchaser_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_calloffs_agreement_id"))
    op.drop_table("agreement_calloffs")

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_source"), type_="check")
        batch_op.create_check_constraint("source", "source IN ('mall', 'auction')")

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("rotation_rank")
