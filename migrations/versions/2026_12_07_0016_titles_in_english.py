"""auctions and volume purchases: an optional title in English

Revision ID: 20261207_0016
Revises: 20261207_0015
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0016"
down_revision: str | None = "20261207_0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("auctions", "pools"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("title_en", sa.String(length=200), nullable=True))


def downgrade() -> None:
    for table in ("auctions", "pools"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("title_en")
