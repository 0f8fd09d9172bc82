"""ocds releases (SUP-5): the OCDS releases derived from the ledger and the disclosure reader's links

Revision ID: 20261208_0026
Revises: 20261208_0025
Create Date: 2026-12-08 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "20261208_0026"
down_revision: str | None = "20261208_0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ocds_links",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ocid", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("award_id", sa.String(length=64), nullable=True),
        sa.Column("contract_id", sa.String(length=64), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "ref_id", name=op.f("pk_ocds_links")),
    )
    op.create_index(op.f("ix_ocds_links_ocid"), "ocds_links", ["ocid"], unique=False)
    op.create_index(op.f("ix_ocds_links_seq"), "ocds_links", ["seq"], unique=False)
    op.create_table(
        "ocds_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.String(length=160), nullable=False),
        sa.Column("ocid", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("tags", sa.String(length=120), nullable=False),
        sa.Column("released_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("notice", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocds_releases")),
        sa.UniqueConstraint("release_id", name=op.f("uq_ocds_releases_release_id")),
        sa.UniqueConstraint("seq", "ocid", name=op.f("uq_ocds_releases_seq_ocid")),
    )
    op.create_index(op.f("ix_ocds_releases_ocid"), "ocds_releases", ["ocid"], unique=False)
    op.create_index(op.f("ix_ocds_releases_seq"), "ocds_releases", ["seq"], unique=False)
    op.create_index(op.f("ix_ocds_releases_day"), "ocds_releases", ["day"], unique=False)
    op.create_index("ix_ocds_releases_released_at", "ocds_releases", ["released_at"], unique=False)
    op.create_index(
        "ix_ocds_releases_notice", "ocds_releases", ["notice", "released_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("ocds_releases")
    op.drop_table("ocds_links")
