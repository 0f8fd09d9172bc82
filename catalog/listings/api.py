"""Listings (CAT-3, CAT-7): suppliers draft, edit and submit; operators review; on-shelf is public."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from catalog.certificates import service as certificates
from catalog.listings import images, service
from catalog.listings.models import ListingImage
from catalog.listings.schemas import (
    AttachSchema,
    CertificateSchema,
    ImageSchema,
    ListingQuerySchema,
    ListingSchema,
    ListingUpdateSchema,
    PriceChangeSchema,
    ReasonSchema,
    ReviewSchema,
    TermSchema,
    UploadSchema,
)
from core.accounts.auth import require_actor
from core.api import page_of, paginate
from core.db import db
from core.downloads import send_upload
from core.errors import NotFound

blp = Blueprint(
    "listings", __name__, url_prefix="/api/catalog", description="上架管理 Listings (CAT-3, CAT-7)"
)

ListingPage = page_of(ListingSchema, "ListingPage")


@blp.route("/listings")
class Listings(MethodView):
    @blp.arguments(ListingQuerySchema, location="query")
    @blp.response(200, ListingPage)
    def get(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """A supplier's own listings; all listings (review queue) for operators; on-shelf ones otherwise."""
        actor = require_actor()
        return paginate(db.session, service.listings_query(actor, args), args)

    @blp.arguments(ListingSchema)
    @blp.response(201, ListingSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Draft a listing in a category the supplier is enrolled in; parameters follow the schema."""
        return service.create(db.session, require_actor(), args)


@blp.route("/listings/<int:listing_id>")
class ListingItem(MethodView):
    @blp.response(200, ListingSchema)
    def get(self, listing_id: int):  # type: ignore[no-untyped-def]
        return service.get_listing(db.session, require_actor(), listing_id)

    @blp.arguments(ListingUpdateSchema)
    @blp.response(200, ListingSchema)
    def patch(self, args: dict[str, Any], listing_id: int):  # type: ignore[no-untyped-def]
        """Edit: price and stock take effect at once (recorded); spec edits go back to review."""
        return service.update(db.session, require_actor(), listing_id, args)


@blp.route("/listings/<int:listing_id>/submit", methods=["POST"])
@blp.response(200, ListingSchema)
def submit(listing_id: int):  # type: ignore[no-untyped-def]
    """Send the listing to review."""
    return service.submit(db.session, require_actor(), listing_id)


@blp.route("/listings/<int:listing_id>/review", methods=["POST"])
@blp.arguments(ReviewSchema)
@blp.response(200, ListingSchema)
def review(args: dict[str, Any], listing_id: int):  # type: ignore[no-untyped-def]
    """Approve (on shelf for the configured term) or reject with a reason (operators)."""
    return service.review(db.session, require_actor(), listing_id, args["approve"], args["note"])


@blp.route("/listings/<int:listing_id>/off-shelf", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, ListingSchema)
def off_shelf(args: dict[str, Any], listing_id: int):  # type: ignore[no-untyped-def]
    """Take the listing off the shelf (its supplier or an operator)."""
    return service.take_off_shelf(db.session, require_actor(), listing_id, args["reason"])


@blp.route("/listings/<int:listing_id>/renew", methods=["POST"])
@blp.response(200, ListingSchema)
def renew(listing_id: int):  # type: ignore[no-untyped-def]
    """Extend an on-shelf listing by the listing term."""
    return service.renew(db.session, require_actor(), listing_id)


@blp.route("/listings/<int:listing_id>/prices")
@blp.response(200, PriceChangeSchema(many=True))
def prices(listing_id: int):  # type: ignore[no-untyped-def]
    """Price history of a listing (SUP-3)."""
    return service.price_history(db.session, require_actor(), listing_id)


@blp.route("/listings/<int:listing_id>/images", methods=["POST"])
@blp.arguments(UploadSchema, location="files")
@blp.response(201, ImageSchema)
def upload_image(args: dict[str, Any], listing_id: int):  # type: ignore[no-untyped-def]
    """Add a PNG, JPEG or WebP image of at most 2 MB."""
    upload = args["file"]
    return images.add_image(
        db.session, require_actor(), listing_id, upload.filename or "image", upload.read()
    )


@blp.route("/listings/<int:listing_id>/images/<int:image_id>")
@blp.response(200, content_type="image/*")
def image(listing_id: int, image_id: int):  # type: ignore[no-untyped-def]
    service.get_listing(db.session, require_actor(), listing_id)
    row = db.session.get(ListingImage, image_id)
    if row is None or row.listing_id != listing_id:
        raise NotFound("No such image.")
    return send_upload(
        images.upload_dir(), row.filename, row.content_type, row.original_name, inline=True
    )


@blp.route("/listings/<int:listing_id>/certificates")
class ListingCertificates(MethodView):
    @blp.response(200, CertificateSchema(many=True))
    def get(self, listing_id: int):  # type: ignore[no-untyped-def]
        service.get_listing(db.session, require_actor(), listing_id)
        return certificates.certificates_of(db.session, listing_id)

    @blp.arguments(AttachSchema)
    @blp.response(200, ListingSchema)
    def post(self, args: dict[str, Any], listing_id: int):  # type: ignore[no-untyped-def]
        """Attach one of the supplier's certificates to its listing."""
        return certificates.attach(db.session, require_actor(), listing_id, args["certificate_id"])


@blp.route("/certificates")
class Certificates(MethodView):
    @blp.response(200, CertificateSchema(many=True))
    def get(self):  # type: ignore[no-untyped-def]
        """My organisation's certificates (suppliers)."""
        return certificates.supplier_certificates(db.session, require_actor())

    @blp.arguments(CertificateSchema)
    @blp.response(201, CertificateSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Register an energy-saving or eco-label certificate (suppliers)."""
        return certificates.register(db.session, require_actor(), args)


@blp.route("/settings/listing-term", methods=["PUT"])
@blp.arguments(TermSchema)
@blp.response(200, TermSchema)
def listing_term(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Set how many days a listing stays on the shelf before it lapses (operators)."""
    return {"days": service.set_term_days(db.session, require_actor(), args["days"])}
