"""framework agreement accessions (MALL-8): a supplier joins an open agreement during its term;
an entrant that joined has no response

Revision ID: 20261207_0022
Revises: 20261207_0021
Create Date: 2026-12-07 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0022"
down_revision: str | None = "20261207_0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreement_entrants", schema=None) as batch_op:
        batch_op.alter_column("response_id", existing_type=sa.Integer(), nullable=True)

    op.create_table(
        "agreement_accessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("entrant_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.String(length=1000), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("agreement_sha256", sa.String(length=64), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_accessions_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["entrant_id"],
            ["agreement_entrants.id"],
            name=op.f("fk_agreement_accessions_entrant_id_agreement_entrants"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_accessions_supplier_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["organisation_keys.id"],
            name=op.f("fk_agreement_accessions_key_id_organisation_keys"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_agreement_accessions_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_accessions")),
        sa.UniqueConstraint(
            "agreement_id",
            "supplier_id",
            name=op.f("uq_agreement_accessions_agreement_id_supplier_id"),
        ),
        sa.UniqueConstraint("entrant_id", name=op.f("uq_agreement_accessions_entrant_id")),
    )
    with op.batch_alter_table("agreement_accessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_accessions_agreement_id"), ["agreement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agreement_accessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_accessions_agreement_id"))
    op.drop_table("agreement_accessions")

    # Entrants that joined after the result have no response; they go with their accessions.
    op.execute(
        "DELETE FROM agreement_entrant_prices WHERE entrant_id IN "
        "(SELECT id FROM agreement_entrants WHERE response_id IS NULL)"
    )
    op.execute(
        "DELETE FROM agreement_signatures WHERE entrant_id IN "
        "(SELECT id FROM agreement_entrants WHERE response_id IS NULL)"
    )
    op.execute("DELETE FROM agreement_entrants WHERE response_id IS NULL")
    with op.batch_alter_table("agreement_entrants", schema=None) as batch_op:
        batch_op.alter_column("response_id", existing_type=sa.Integer(), nullable=False)
