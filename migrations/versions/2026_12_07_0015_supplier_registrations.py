"""supplier self-registration: contact and business licence

Revision ID: 20261207_0015
Revises: 20261207_0014
Create Date: 2026-12-07 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0015"
down_revision: str | None = "20261207_0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("contact_phone", sa.String(length=30), nullable=False),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("licence_filename", sa.String(length=100), nullable=False),
        sa.Column("licence_original_name", sa.String(length=200), nullable=False),
        sa.Column("licence_content_type", sa.String(length=40), nullable=False),
        sa.Column("licence_size", sa.Integer(), nullable=False),
        sa.Column("licence_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["enrolment_applications.id"],
            name=op.f("fk_supplier_registrations_application_id_enrolment_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_supplier_registrations_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_registrations")),
        sa.UniqueConstraint(
            "organisation_id", name=op.f("uq_supplier_registrations_organisation_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("supplier_registrations")
