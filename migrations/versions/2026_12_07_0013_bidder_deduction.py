"""auction bidders carry the price deduction (in basis points) their offers are evaluated with (MALL-7)

Revision ID: 20261207_0013
Revises: 20261123_0012
Create Date: 2026-12-07 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0013"
down_revision: str | None = "20261123_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auction_bidders") as batch:
        batch.add_column(
            sa.Column("deduction_bp", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("auction_bidders") as batch:
        batch.drop_column("deduction_bp")
