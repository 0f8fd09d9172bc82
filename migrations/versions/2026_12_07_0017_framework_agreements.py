"""framework agreements (MALL-8), stage one: solicitations and their items, sealed responses and
their prices, agreements, entrants and their agreed prices

Revision ID: 20261207_0017
Revises: 20261207_0016
Create Date: 2026-12-07 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0017"
down_revision: str | None = "20261207_0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreement_solicitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solicitor_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=6), nullable=False),
        sa.Column("evaluation", sa.String(length=16), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("elimination_percent", sa.Integer(), nullable=False),
        sa.Column("call_off_methods", sa.JSON(), nullable=False),
        sa.Column("term_starts", sa.Date(), nullable=False),
        sa.Column("term_ends", sa.Date(), nullable=False),
        sa.Column("response_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("selected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "evaluation IN ('price_priority', 'quality_priority')",
            name=op.f("ck_agreement_solicitations_evaluation"),
        ),
        sa.CheckConstraint(
            "kind IN ('closed', 'open')", name=op.f("ck_agreement_solicitations_kind")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'opened', 'evaluated', 'selected', 'concluded')",
            name=op.f("ck_agreement_solicitations_status"),
        ),
        sa.CheckConstraint(
            "elimination_percent >= 1 AND elimination_percent <= 50",
            name=op.f("ck_agreement_solicitations_elimination_percent"),
        ),
        sa.CheckConstraint(
            "term_ends > term_starts", name=op.f("ck_agreement_solicitations_term_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_agreement_solicitations_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_agreement_solicitations_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["solicitor_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_solicitations_solicitor_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_solicitations")),
    )
    with op.batch_alter_table("agreement_solicitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_solicitations_region_id"), ["region_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_solicitations_response_deadline"),
            ["response_deadline"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_solicitations_solicitor_id"), ["solicitor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_solicitations_status"), ["status"], unique=False
        )

    op.create_table(
        "agreement_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solicitation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("standard_product_id", sa.Integer(), nullable=True),
        sa.Column("required_params", sa.JSON(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("estimated_quantity", sa.Integer(), nullable=False),
        sa.Column("max_unit_price", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "estimated_quantity > 0", name=op.f("ck_agreement_items_estimated_quantity_positive")
        ),
        sa.CheckConstraint(
            "max_unit_price > 0", name=op.f("ck_agreement_items_max_unit_price_positive")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_agreement_items_category_id_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["solicitation_id"],
            ["agreement_solicitations.id"],
            name=op.f("fk_agreement_items_solicitation_id_agreement_solicitations"),
        ),
        sa.ForeignKeyConstraint(
            ["standard_product_id"],
            ["standard_products.id"],
            name=op.f("fk_agreement_items_standard_product_id_standard_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_items")),
        sa.UniqueConstraint(
            "solicitation_id", "position", name=op.f("uq_agreement_items_solicitation_id_position")
        ),
    )
    with op.batch_alter_table("agreement_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_items_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_items_solicitation_id"), ["solicitation_id"], unique=False
        )

    op.create_table(
        "agreement_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solicitation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("capacity", sa.String(length=1000), nullable=False),
        sa.Column("region_ids", sa.JSON(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("score_x100", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'selected', 'eliminated')",
            name=op.f("ck_agreement_responses_status"),
        ),
        sa.CheckConstraint("total >= 0", name=op.f("ck_agreement_responses_total_not_negative")),
        sa.ForeignKeyConstraint(
            ["solicitation_id"],
            ["agreement_solicitations.id"],
            name=op.f("fk_agreement_responses_solicitation_id_agreement_solicitations"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name=op.f("fk_agreement_responses_submitted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_responses_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_responses")),
        sa.UniqueConstraint(
            "solicitation_id",
            "supplier_id",
            name=op.f("uq_agreement_responses_solicitation_id_supplier_id"),
        ),
    )
    with op.batch_alter_table("agreement_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_responses_solicitation_id"), ["solicitation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_responses_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solicitation_id", sa.Integer(), nullable=False),
        sa.Column("solicitor_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=6), nullable=False),
        sa.Column("call_off_methods", sa.JSON(), nullable=False),
        sa.Column("term_starts", sa.Date(), nullable=False),
        sa.Column("term_ends", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('closed', 'open')", name=op.f("ck_agreements_kind")),
        sa.CheckConstraint(
            "term_ends > term_starts", name=op.f("ck_agreements_term_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_agreements_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["solicitation_id"],
            ["agreement_solicitations.id"],
            name=op.f("fk_agreements_solicitation_id_agreement_solicitations"),
        ),
        sa.ForeignKeyConstraint(
            ["solicitor_id"],
            ["organisations.id"],
            name=op.f("fk_agreements_solicitor_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("solicitation_id", name=op.f("uq_agreements_solicitation_id")),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreements_region_id"), ["region_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agreements_solicitor_id"), ["solicitor_id"], unique=False
        )

    op.create_table(
        "agreement_entrants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("region_ids", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'terminated')",
            name=op.f("ck_agreement_entrants_status"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_entrants_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["agreement_responses.id"],
            name=op.f("fk_agreement_entrants_response_id_agreement_responses"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_entrants_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_entrants")),
        sa.UniqueConstraint(
            "agreement_id",
            "supplier_id",
            name=op.f("uq_agreement_entrants_agreement_id_supplier_id"),
        ),
    )
    with op.batch_alter_table("agreement_entrants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_entrants_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_entrants_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "agreement_response_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "unit_price > 0", name=op.f("ck_agreement_response_prices_unit_price_positive")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agreement_items.id"],
            name=op.f("fk_agreement_response_prices_item_id_agreement_items"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["agreement_responses.id"],
            name=op.f("fk_agreement_response_prices_response_id_agreement_responses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_response_prices")),
        sa.UniqueConstraint(
            "response_id", "item_id", name=op.f("uq_agreement_response_prices_response_id_item_id")
        ),
    )
    with op.batch_alter_table("agreement_response_prices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_response_prices_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "agreement_entrant_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entrant_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "unit_price > 0", name=op.f("ck_agreement_entrant_prices_unit_price_positive")
        ),
        sa.ForeignKeyConstraint(
            ["entrant_id"],
            ["agreement_entrants.id"],
            name=op.f("fk_agreement_entrant_prices_entrant_id_agreement_entrants"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agreement_items.id"],
            name=op.f("fk_agreement_entrant_prices_item_id_agreement_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_entrant_prices")),
        sa.UniqueConstraint(
            "entrant_id", "item_id", name=op.f("uq_agreement_entrant_prices_entrant_id_item_id")
        ),
    )
    with op.batch_alter_table("agreement_entrant_prices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_entrant_prices_entrant_id"), ["entrant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agreement_entrant_prices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_entrant_prices_entrant_id"))

    op.drop_table("agreement_entrant_prices")
    with op.batch_alter_table("agreement_response_prices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_response_prices_response_id"))

    op.drop_table("agreement_response_prices")
    with op.batch_alter_table("agreement_entrants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_entrants_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_entrants_agreement_id"))

    op.drop_table("agreement_entrants")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_solicitor_id"))
        batch_op.drop_index(batch_op.f("ix_agreements_region_id"))

    op.drop_table("agreements")
    with op.batch_alter_table("agreement_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_responses_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_responses_solicitation_id"))

    op.drop_table("agreement_responses")
    with op.batch_alter_table("agreement_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_items_solicitation_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_items_category_id"))

    op.drop_table("agreement_items")
    with op.batch_alter_table("agreement_solicitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_solicitations_status"))
        batch_op.drop_index(batch_op.f("ix_agreement_solicitations_solicitor_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_solicitations_response_deadline"))
        batch_op.drop_index(batch_op.f("ix_agreement_solicitations_region_id"))

    op.drop_table("agreement_solicitations")
