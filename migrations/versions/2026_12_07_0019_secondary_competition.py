"""secondary competition (二次竞价, MALL-8 stage two): call-offs competed for in a reverse auction
among the agreement's entrants — the call-off's method and status take the new values, the call-off
knows its auction and the auction its call-off, and each invited entrant's own ceiling

Revision ID: 20261207_0019
Revises: 20261207_0018
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0019"
down_revision: str | None = "20261207_0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS_OLD = "status IN ('placed', 'offered', 'ordered', 'unfilled')"
_STATUS_NEW = "status IN ('placed', 'offered', 'competing', 'ordered', 'unfilled')"
_METHOD_OLD = "method IN ('direct', 'rotation')"
_METHOD_NEW = "method IN ('direct', 'secondary_competition', 'rotation')"


def upgrade() -> None:
    with op.batch_alter_table("agreement_calloffs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_agreement_calloffs_status"), type_="check")
        batch_op.drop_constraint(op.f("ck_agreement_calloffs_method"), type_="check")
        batch_op.alter_column(
            "method", existing_type=sa.String(length=10), type_=sa.String(length=24)
        )
        batch_op.add_column(sa.Column("auction_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_agreement_calloffs_auction_id"), ["auction_id"], unique=False
        )
        batch_op.create_check_constraint("status", _STATUS_NEW)
        batch_op.create_check_constraint("method", _METHOD_NEW)

    with op.batch_alter_table("auctions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calloff_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_auctions_calloff_id"), ["calloff_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_auctions_calloff_id_agreement_calloffs"),
            "agreement_calloffs",
            ["calloff_id"],
            ["id"],
        )

    op.create_table(
        "auction_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auction_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("entrant_id", sa.Integer(), nullable=False),
        sa.Column("ceiling", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("ceiling > 0", name=op.f("ck_auction_invitations_ceiling_positive")),
        sa.ForeignKeyConstraint(
            ["auction_id"],
            ["auctions.id"],
            name=op.f("fk_auction_invitations_auction_id_auctions"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_auction_invitations_supplier_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["entrant_id"],
            ["agreement_entrants.id"],
            name=op.f("fk_auction_invitations_entrant_id_agreement_entrants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auction_invitations")),
        sa.UniqueConstraint(
            "auction_id",
            "supplier_id",
            name=op.f("uq_auction_invitations_auction_id_supplier_id"),
        ),
    )
    with op.batch_alter_table("auction_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_auction_invitations_auction_id"), ["auction_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_auction_invitations_supplier_id"), ["supplier_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("auction_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auction_invitations_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_auction_invitations_auction_id"))
    op.drop_table("auction_invitations")

    with op.batch_alter_table("auctions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_auctions_calloff_id_agreement_calloffs"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_auctions_calloff_id"))
        batch_op.drop_column("calloff_id")

    with op.batch_alter_table("agreement_calloffs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_agreement_calloffs_status"), type_="check")
        batch_op.drop_constraint(op.f("ck_agreement_calloffs_method"), type_="check")
        batch_op.drop_index(batch_op.f("ix_agreement_calloffs_auction_id"))
        batch_op.drop_column("auction_id")
        batch_op.alter_column(
            "method", existing_type=sa.String(length=24), type_=sa.String(length=10)
        )
        batch_op.create_check_constraint("status", _STATUS_OLD)
        batch_op.create_check_constraint("method", _METHOD_OLD)
