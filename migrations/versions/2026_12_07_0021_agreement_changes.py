"""framework agreement changes (MALL-8): price variations, price reductions and terminations of
entrants, each signed; the agreed prices each change replaced and from when

Revision ID: 20261207_0021
Revises: 20261207_0020
Create Date: 2026-12-07 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0021"
down_revision: str | None = "20261207_0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreement_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rationale", sa.String(length=1000), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("entrant_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("signature", sa.String(length=100), nullable=True),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('price_variation', 'price_reduction', 'party_withdrawal')",
            name=op.f("ck_agreement_changes_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'active', 'cancelled')",
            name=op.f("ck_agreement_changes_status"),
        ),
        sa.CheckConstraint(
            "(status = 'active') = (activated_at IS NOT NULL AND signature IS NOT NULL)",
            name=op.f("ck_agreement_changes_active_is_signed"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_changes_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_changes_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["entrant_id"],
            ["agreement_entrants.id"],
            name=op.f("fk_agreement_changes_entrant_id_agreement_entrants"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_agreement_changes_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["organisation_keys.id"],
            name=op.f("fk_agreement_changes_key_id_organisation_keys"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["users.id"], name=op.f("fk_agreement_changes_signed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_changes")),
    )
    with op.batch_alter_table("agreement_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_changes_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_changes_status"), ["status"], unique=False)

    op.create_table(
        "agreement_price_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("entrant_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("previous", sa.BigInteger(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "unit_price > 0", name=op.f("ck_agreement_price_changes_unit_price_positive")
        ),
        sa.CheckConstraint(
            "previous > 0", name=op.f("ck_agreement_price_changes_previous_positive")
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["agreement_changes.id"],
            name=op.f("fk_agreement_price_changes_change_id_agreement_changes"),
        ),
        sa.ForeignKeyConstraint(
            ["entrant_id"],
            ["agreement_entrants.id"],
            name=op.f("fk_agreement_price_changes_entrant_id_agreement_entrants"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agreement_items.id"],
            name=op.f("fk_agreement_price_changes_item_id_agreement_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_price_changes")),
    )
    with op.batch_alter_table("agreement_price_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_price_changes_change_id"), ["change_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_price_changes_entrant_id"), ["entrant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_price_changes_effective_at"), ["effective_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agreement_price_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_price_changes_effective_at"))
        batch_op.drop_index(batch_op.f("ix_agreement_price_changes_entrant_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_price_changes_change_id"))
    op.drop_table("agreement_price_changes")

    with op.batch_alter_table("agreement_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_changes_status"))
        batch_op.drop_index(batch_op.f("ix_agreement_changes_agreement_id"))
    op.drop_table("agreement_changes")
