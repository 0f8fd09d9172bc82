"""notifications and disputes

Revision ID: 20261123_0011
Revises: 20261123_0010
Create Date: 2026-11-23 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0011"
down_revision: str | None = "20261123_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=True),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("subject_type", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_notifications_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_org_created", ["organisation_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("purchaser_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("opened_by", sa.String(length=10), nullable=False),
        sa.Column("opened_by_user", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("respondent_defaulted", sa.Boolean(), nullable=False),
        sa.Column("evidence_from", sa.String(length=10), nullable=True),
        sa.Column("evidence_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handler_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("ruling_reasons", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "evidence_from IS NULL OR evidence_from IN ('purchaser', 'supplier')",
            name=op.f("ck_disputes_evidence_from"),
        ),
        sa.CheckConstraint(
            "opened_by IN ('purchaser', 'supplier')", name=op.f("ck_disputes_opened_by")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('upheld', 'rejected_no_violation', 'rejected_insufficient_evidence', 'withdrawn', 'settled')",
            name=op.f("ck_disputes_outcome"),
        ),
        sa.CheckConstraint(
            "reason IN ('goods_mismatch', 'late_delivery', 'refused_sign_accept', 'payment_delay', 'other')",
            name=op.f("ck_disputes_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('awaiting_response', 'under_review', 'awaiting_evidence', 'mediation', 'settled', 'ruled', 'archived')",
            name=op.f("ck_disputes_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_disputes_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"], ["users.id"], name=op.f("fk_disputes_handler_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["organisations.id"], name=op.f("fk_disputes_office_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_user"], ["users.id"], name=op.f("fk_disputes_opened_by_user_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_disputes_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["purchaser_id"],
            ["organisations.id"],
            name=op.f("fk_disputes_purchaser_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_disputes_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_disputes_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disputes_due_at"), ["due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_disputes_handler_due_at"), ["handler_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_disputes_handler_id"), ["handler_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_disputes_purchaser_id"), ["purchaser_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_disputes_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "dispute_effects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_org_id", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('refund', 'reopen', 'credit_penalty', 'suspension')",
            name=op.f("ck_dispute_effects_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'failed')", name=op.f("ck_dispute_effects_status")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_effects_dispute_id_disputes")
        ),
        sa.ForeignKeyConstraint(
            ["target_org_id"],
            ["organisations.id"],
            name=op.f("fk_dispute_effects_target_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_effects")),
    )
    with op.batch_alter_table("dispute_effects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_effects_dispute_id"), ["dispute_id"], unique=False
        )

    op.create_table(
        "dispute_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('opening', 'response', 'evidence', 'evidence_request', 'proposal', 'proposal_answer', 'ruling', 'note')",
            name=op.f("ck_dispute_submissions_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_submissions_dispute_id_disputes")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_dispute_submissions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_submissions")),
    )
    with op.batch_alter_table("dispute_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_submissions_dispute_id"), ["dispute_id"], unique=False
        )

    op.create_table(
        "mediation_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("refund_amount", sa.BigInteger(), nullable=True),
        sa.Column("reopen", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purchaser_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supplier_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_by", sa.String(length=10), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'lapsed')",
            name=op.f("ck_mediation_proposals_status"),
        ),
        sa.CheckConstraint(
            "refund_amount IS NULL OR refund_amount > 0",
            name=op.f("ck_mediation_proposals_refund_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_mediation_proposals_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_mediation_proposals_dispute_id_disputes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_proposals")),
    )
    with op.batch_alter_table("mediation_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mediation_proposals_dispute_id"), ["dispute_id"], unique=False
        )

    op.create_table(
        "dispute_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_files_dispute_id_disputes")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["dispute_submissions.id"],
            name=op.f("fk_dispute_files_submission_id_dispute_submissions"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_dispute_files_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_files")),
    )
    with op.batch_alter_table("dispute_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_files_dispute_id"), ["dispute_id"], unique=False
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payment_held", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("payment_held")

    with op.batch_alter_table("dispute_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_files_dispute_id"))

    op.drop_table("dispute_files")
    with op.batch_alter_table("mediation_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_proposals_dispute_id"))

    op.drop_table("mediation_proposals")
    with op.batch_alter_table("dispute_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_submissions_dispute_id"))

    op.drop_table("dispute_submissions")
    with op.batch_alter_table("dispute_effects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_effects_dispute_id"))

    op.drop_table("dispute_effects")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disputes_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_status"))
        batch_op.drop_index(batch_op.f("ix_disputes_region_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_purchaser_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_order_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_office_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_handler_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_handler_due_at"))
        batch_op.drop_index(batch_op.f("ix_disputes_due_at"))

    op.drop_table("disputes")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))
        batch_op.drop_index("ix_notifications_org_created")

    op.drop_table("notifications")
