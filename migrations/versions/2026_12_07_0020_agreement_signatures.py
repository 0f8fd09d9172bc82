"""framework agreement signatures (MALL-8): the agreement's signed content and its hash; the
solicitor's and each entrant's signature

Revision ID: 20261207_0020
Revises: 20261207_0018
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0020"
down_revision: str | None = "20261207_0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Agreements published before this revision keep no content and need no signatures.
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))

    op.create_table(
        "agreement_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=10), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("entrant_id", sa.Integer(), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("signed_by", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "party IN ('solicitor', 'entrant')", name=op.f("ck_agreement_signatures_party")
        ),
        sa.CheckConstraint(
            "(party = 'entrant') = (entrant_id IS NOT NULL)",
            name=op.f("ck_agreement_signatures_entrant_signs_as_entrant"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_signatures_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_signatures_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["entrant_id"],
            ["agreement_entrants.id"],
            name=op.f("fk_agreement_signatures_entrant_id_agreement_entrants"),
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["organisation_keys.id"],
            name=op.f("fk_agreement_signatures_key_id_organisation_keys"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["users.id"], name=op.f("fk_agreement_signatures_signed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_signatures")),
        sa.UniqueConstraint(
            "agreement_id",
            "organisation_id",
            name=op.f("uq_agreement_signatures_agreement_id_organisation_id"),
        ),
    )
    with op.batch_alter_table("agreement_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_signatures_agreement_id"), ["agreement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agreement_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_signatures_agreement_id"))
    op.drop_table("agreement_signatures")

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("sha256")
        batch_op.drop_column("content")
