"""price statistics (CAT-4, SUP-3): ledger readers' cursors; transaction price samples, daily
7-day-window statistics and price anomalies derived from the ledger

Revision ID: 20261207_0023
Revises: 20261207_0022
Create Date: 2026-12-07 21:23:41.398980
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "20261207_0023"
down_revision: str | None = "20261207_0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ledger_cursors")),
    )
    op.create_table(
        "price_anomalies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("standard_product_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("window_region_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_price", core.db.Money(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("q1", core.db.Money(), nullable=False),
        sa.Column("median", core.db.Money(), nullable=False),
        sa.Column("q3", core.db.Money(), nullable=False),
        sa.Column("fence", core.db.Money(), nullable=False),
        sa.Column("ledger_seq", sa.BigInteger(), nullable=True),
        sa.Column("detected_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_anomalies")),
        sa.UniqueConstraint("seq", "item", name=op.f("uq_price_anomalies_seq_item")),
    )
    with op.batch_alter_table("price_anomalies", schema=None) as batch_op:
        batch_op.create_index("ix_price_anomalies_category", ["category_id", "day"], unique=False)
        batch_op.create_index(
            "ix_price_anomalies_product", ["standard_product_id", "day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_price_anomalies_region_id"), ["region_id"], unique=False
        )

    op.create_table(
        "price_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("standard_product_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("region_path", sa.String(length=255), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=True),
        sa.Column("unit_price", core.db.Money(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_samples")),
        sa.UniqueConstraint("seq", "item", name=op.f("uq_price_samples_seq_item")),
    )
    with op.batch_alter_table("price_samples", schema=None) as batch_op:
        batch_op.create_index("ix_price_samples_category_day", ["category_id", "day"], unique=False)
        batch_op.create_index(
            "ix_price_samples_product_day", ["standard_product_id", "day"], unique=False
        )

    op.create_table(
        "price_statistics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("q1", core.db.Money(), nullable=False),
        sa.Column("median", core.db.Money(), nullable=False),
        sa.Column("q3", core.db.Money(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('product', 'category')", name=op.f("ck_price_statistics_kind")
        ),
        sa.CheckConstraint("n >= 1", name=op.f("ck_price_statistics_n_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_statistics")),
        sa.UniqueConstraint(
            "kind",
            "key_id",
            "region_id",
            "day",
            name=op.f("uq_price_statistics_kind_key_id_region_id_day"),
        ),
    )
    # The price statistics' reader starts before the first entry.
    op.bulk_insert(
        sa.table(
            "ledger_cursors",
            sa.column("name", sa.String),
            sa.column("seq", sa.BigInteger),
            sa.column("updated_at", core.db.UTCDateTime(timezone=True)),
        ),
        [{"name": "prices", "seq": 0, "updated_at": datetime.now(UTC)}],
    )


def downgrade() -> None:
    op.drop_table("price_statistics")
    with op.batch_alter_table("price_samples", schema=None) as batch_op:
        batch_op.drop_index("ix_price_samples_product_day")
        batch_op.drop_index("ix_price_samples_category_day")

    op.drop_table("price_samples")
    with op.batch_alter_table("price_anomalies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_price_anomalies_region_id"))
        batch_op.drop_index("ix_price_anomalies_product")
        batch_op.drop_index("ix_price_anomalies_category")

    op.drop_table("price_anomalies")
    op.drop_table("ledger_cursors")
