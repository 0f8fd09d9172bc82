"""catalog: categories, schemas, enrolment, listings, certificates

Revision ID: 20261123_0002
Revises: 20261123_0001
Create Date: 2026-11-23 13:23:35.068089
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0002"
down_revision: str | None = "20261123_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "catalog_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_catalog_settings")),
    )
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("sme_suitable", sa.Boolean(), nullable=False),
        sa.Column("energy_cert_mandatory", sa.Boolean(), nullable=False),
        sa.Column("designated_service", sa.Boolean(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('goods', 'works', 'services')", name=op.f("ck_categories_kind")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["categories.id"], name=op.f("fk_categories_parent_id_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_categories_code")),
    )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_categories_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_categories_path"), ["path"], unique=False)

    op.create_table(
        "parameter_schemas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_parameter_schemas_category_id_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parameter_schemas")),
        sa.UniqueConstraint(
            "category_id", "version", name=op.f("uq_parameter_schemas_category_id_version")
        ),
    )
    with op.batch_alter_table("parameter_schemas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parameter_schemas_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "standard_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_standard_products_category_id_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_products")),
        sa.UniqueConstraint("code", name=op.f("uq_standard_products_code")),
    )
    with op.batch_alter_table("standard_products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standard_products_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "enrolment_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("licence_no", sa.String(length=18), nullable=False),
        sa.Column("enterprise_size", sa.String(length=10), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "enterprise_size IN ('large', 'medium', 'small', 'micro')",
            name=op.f("ck_enrolment_applications_size"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')",
            name=op.f("ck_enrolment_applications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_enrolment_applications_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_enrolment_applications_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_applications")),
    )
    with op.batch_alter_table("enrolment_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrolment_applications_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_enrolment_applications_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "green_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('energy_saving', 'eco_label')", name=op.f("ck_green_certificates_kind")
        ),
        sa.CheckConstraint(
            "valid_until >= valid_from", name=op.f("ck_green_certificates_validity")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_green_certificates_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_green_certificates")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_green_certificates_kind_number")),
    )
    with op.batch_alter_table("green_certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_green_certificates_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("standard_product_id", sa.Integer(), nullable=True),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("region_ids", sa.JSON(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("barcode", sa.String(length=32), nullable=True),
        sa.Column("dedupe_key", sa.String(length=210), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("sales", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected', 'off_shelf', 'lapsed')",
            name=op.f("ck_listings_status"),
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_listings_price_not_negative")),
        sa.CheckConstraint("stock >= 0", name=op.f("ck_listings_stock_not_negative")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_listings_category_id_categories")
        ),
        sa.ForeignKeyConstraint(
            ["standard_product_id"],
            ["standard_products.id"],
            name=op.f("fk_listings_standard_product_id_standard_products"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_listings_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
    )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_listings_status_category", ["status", "category_id"], unique=False
        )
        batch_op.create_index(
            "ix_listings_supplier_dedupe", ["supplier_id", "dedupe_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_listings_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "supplier_categories",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_supplier_categories_category_id_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_supplier_categories_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("supplier_id", "category_id", name=op.f("pk_supplier_categories")),
    )
    op.create_table(
        "supplier_profiles",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("licence_no", sa.String(length=18), nullable=False),
        sa.Column("enterprise_size", sa.String(length=10), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "enterprise_size IN ('large', 'medium', 'small', 'micro')",
            name=op.f("ck_supplier_profiles_size"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_supplier_profiles_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_supplier_profiles_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_supplier_profiles")),
    )
    op.create_table(
        "supplier_suspensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("reinstated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_supplier_suspensions_supplier_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_suspensions")),
    )
    with op.batch_alter_table("supplier_suspensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_suspensions_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "listing_certificates",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["green_certificates.id"],
            name=op.f("fk_listing_certificates_certificate_id_green_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_certificates_listing_id_listings"),
        ),
        sa.PrimaryKeyConstraint(
            "listing_id", "certificate_id", name=op.f("pk_listing_certificates")
        ),
    )
    op.create_table(
        "listing_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_listing_images_listing_id_listings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_images")),
    )
    with op.batch_alter_table("listing_images", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listing_images_listing_id"), ["listing_id"], unique=False
        )

    op.create_table(
        "listing_price_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("old_price", sa.BigInteger(), nullable=True),
        sa.Column("new_price", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_price_changes_listing_id_listings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_price_changes")),
    )
    with op.batch_alter_table("listing_price_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listing_price_changes_listing_id"), ["listing_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("listing_price_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_price_changes_listing_id"))

    op.drop_table("listing_price_changes")
    with op.batch_alter_table("listing_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_images_listing_id"))

    op.drop_table("listing_images")
    op.drop_table("listing_certificates")
    with op.batch_alter_table("supplier_suspensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_suspensions_supplier_id"))

    op.drop_table("supplier_suspensions")
    op.drop_table("supplier_profiles")
    op.drop_table("supplier_categories")
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listings_supplier_id"))
        batch_op.drop_index("ix_listings_supplier_dedupe")
        batch_op.drop_index("ix_listings_status_category")

    op.drop_table("listings")
    with op.batch_alter_table("green_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_green_certificates_supplier_id"))

    op.drop_table("green_certificates")
    with op.batch_alter_table("enrolment_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_applications_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_enrolment_applications_status"))

    op.drop_table("enrolment_applications")
    with op.batch_alter_table("standard_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standard_products_category_id"))

    op.drop_table("standard_products")
    with op.batch_alter_table("parameter_schemas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parameter_schemas_category_id"))

    op.drop_table("parameter_schemas")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_categories_path"))
        batch_op.drop_index(batch_op.f("ix_categories_parent_id"))

    op.drop_table("categories")
    op.drop_table("catalog_settings")
