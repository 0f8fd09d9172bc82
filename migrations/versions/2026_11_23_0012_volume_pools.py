"""volume purchases: pools, demands, capacities, the award's shares; auctions of a pool

Revision ID: 20261123_0012
Revises: 20261123_0011
Create Date: 2026-11-23 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0012"
down_revision: str | None = "20261123_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("standard_product_id", sa.Integer(), nullable=True),
        sa.Column("required_params", sa.JSON(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("ceiling", sa.BigInteger(), nullable=False),
        sa.Column("show_ceiling", sa.Boolean(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("auction_starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("auction_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decrement_mode", sa.String(length=8), nullable=False),
        sa.Column("decrement_value", sa.BigInteger(), nullable=False),
        sa.Column("must_beat", sa.String(length=4), nullable=False),
        sa.Column("snipe_window_seconds", sa.Integer(), nullable=False),
        sa.Column("extension_seconds", sa.Integer(), nullable=False),
        sa.Column("max_extensions", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("min_bidders", sa.Integer(), nullable=False),
        sa.Column("max_winners", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("demand_count", sa.Integer(), nullable=False),
        sa.Column("auction_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'closed', 'auctioned', 'awarded', 'failed', 'cancelled')",
            name=op.f("ck_pools_status"),
        ),
        sa.CheckConstraint(
            "decrement_mode IN ('absolute', 'percent')", name=op.f("ck_pools_decrement_mode")
        ),
        sa.CheckConstraint("must_beat IN ('best', 'own')", name=op.f("ck_pools_must_beat")),
        sa.CheckConstraint(
            "visibility IN ('rank', 'best', 'ladder')", name=op.f("ck_pools_visibility")
        ),
        sa.CheckConstraint("ceiling > 0", name=op.f("ck_pools_ceiling_positive")),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_pools_quantity_not_negative")),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_pools_closes_after_open")),
        sa.CheckConstraint(
            "auction_starts_at >= closes_at", name=op.f("ck_pools_auction_after_window")
        ),
        sa.CheckConstraint(
            "auction_ends_at > auction_starts_at", name=op.f("ck_pools_auction_ends_after_start")
        ),
        sa.CheckConstraint("max_winners >= 1", name=op.f("ck_pools_max_winners_positive")),
        sa.CheckConstraint("min_bidders >= 1", name=op.f("ck_pools_min_bidders_positive")),
        sa.ForeignKeyConstraint(
            ["auction_id"], ["auctions.id"], name=op.f("fk_pools_auction_id_auctions")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_pools_category_id_categories")
        ),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], name=op.f("fk_pools_opened_by_users")),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organisations.id"],
            name=op.f("fk_pools_organiser_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_pools_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["standard_product_id"],
            ["standard_products.id"],
            name=op.f("fk_pools_standard_product_id_standard_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pools")),
    )
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pools_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pools_closes_at"), ["closes_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pools_organiser_id"), ["organiser_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pools_status"), ["status"], unique=False)

    op.create_table(
        "pool_demands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("purchaser_id", sa.Integer(), nullable=False),
        sa.Column("placed_by", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.Column("delivery_region_id", sa.Integer(), nullable=False),
        sa.Column("delivery_address", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'withdrawn', 'awarded', 'released')",
            name=op.f("ck_pool_demands_status"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_pool_demands_quantity_positive")),
        sa.CheckConstraint("held >= 0", name=op.f("ck_pool_demands_held_not_negative")),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_lines.id"],
            name=op.f("fk_pool_demands_budget_line_id_budget_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["delivery_region_id"],
            ["regions.id"],
            name=op.f("fk_pool_demands_delivery_region_id_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["placed_by"], ["users.id"], name=op.f("fk_pool_demands_placed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_pool_demands_pool_id_pools")
        ),
        sa.ForeignKeyConstraint(
            ["purchaser_id"],
            ["organisations.id"],
            name=op.f("fk_pool_demands_purchaser_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_pool_demands_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_demands")),
        sa.UniqueConstraint(
            "pool_id", "purchaser_id", name=op.f("uq_pool_demands_pool_id_purchaser_id")
        ),
    )
    with op.batch_alter_table("pool_demands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_demands_pool_id"), ["pool_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pool_demands_purchaser_id"), ["purchaser_id"], unique=False
        )

    op.create_table(
        "pool_capacities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_pool_capacities_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_pool_capacities_pool_id_pools")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_pool_capacities_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_capacities")),
        sa.UniqueConstraint(
            "pool_id", "supplier_id", name=op.f("uq_pool_capacities_pool_id_supplier_id")
        ),
    )
    with op.batch_alter_table("pool_capacities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_capacities_pool_id"), ["pool_id"], unique=False)

    op.create_table(
        "pool_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("purchaser_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_pool_allocations_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["demand_id"],
            ["pool_demands.id"],
            name=op.f("fk_pool_allocations_demand_id_pool_demands"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_pool_allocations_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_pool_allocations_pool_id_pools")
        ),
        sa.ForeignKeyConstraint(
            ["purchaser_id"],
            ["organisations.id"],
            name=op.f("fk_pool_allocations_purchaser_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_pool_allocations_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_allocations")),
        sa.UniqueConstraint(
            "demand_id", "supplier_id", name=op.f("uq_pool_allocations_demand_id_supplier_id")
        ),
    )
    with op.batch_alter_table("pool_allocations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_allocations_pool_id"), ["pool_id"], unique=False)

    with op.batch_alter_table("auctions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pool_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_auctions_pool_id"), ["pool_id"], unique=False)
        batch_op.alter_column("budget_line_id", existing_type=sa.INTEGER(), nullable=True)


def downgrade() -> None:
    # Refused while auctions of pools exist: they have no budget line of their own.
    with op.batch_alter_table("auctions", schema=None) as batch_op:
        batch_op.alter_column("budget_line_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_index(batch_op.f("ix_auctions_pool_id"))
        batch_op.drop_column("pool_id")

    with op.batch_alter_table("pool_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_allocations_pool_id"))
    op.drop_table("pool_allocations")
    with op.batch_alter_table("pool_capacities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_capacities_pool_id"))
    op.drop_table("pool_capacities")
    with op.batch_alter_table("pool_demands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_demands_purchaser_id"))
        batch_op.drop_index(batch_op.f("ix_pool_demands_pool_id"))
    op.drop_table("pool_demands")
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pools_status"))
        batch_op.drop_index(batch_op.f("ix_pools_organiser_id"))
        batch_op.drop_index(batch_op.f("ix_pools_closes_at"))
        batch_op.drop_index(batch_op.f("ix_pools_category_id"))
    op.drop_table("pools")
