"""Listing images: type checked by content (PNG, JPEG, WebP), size-limited, stored content-addressed
under ``instance/uploads/listings/`` after the commit."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from catalog.listings.models import Listing, ListingImage
from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.uploads import IMAGES, admit, store_after_commit
from core.uploads import sniff as sniff_upload
from supervision.ledger import record

MAX_BYTES = 2 * 1024 * 1024
MAX_IMAGES = 8


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PNG, JPEG or WebP image; None otherwise."""
    return sniff_upload(data, IMAGES)


def upload_dir() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "uploads" / "listings"


def add_image(
    session: Session, actor: Actor, listing_id: int, name: str, data: bytes
) -> ListingImage:
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("No such listing.")
    if listing.supplier_id != actor.organisation_id:
        raise Forbidden("This is another supplier's listing.")
    upload = admit(
        data,
        IMAGES,
        MAX_BYTES,
        wrong_size=lambda: ValidationFailed(
            "The image is larger than %(mb)s MB.",
            code="file_too_large",
            params={"mb": MAX_BYTES // 1024 // 1024},
            details={"file": [f"{len(data)} bytes > {MAX_BYTES}"]},
        ),
        wrong_type=lambda: ValidationFailed(
            "Only PNG, JPEG or WebP images.",
            code="bad_file_type",
            details={"file": ["not a PNG, JPEG or WebP image"]},
        ),
    )
    if len(listing.images) >= MAX_IMAGES:
        raise Conflict(
            "At most %(n)s images.",
            code="too_many_images",
            params={"n": MAX_IMAGES},
        )
    image = ListingImage(
        listing_id=listing.id,
        filename=upload.filename,
        original_name=name[:200],
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
    )
    listing.images.append(image)
    session.flush()
    record(
        session,
        actor,
        "listing.image_added",
        ("listing", listing.id),
        {"image_id": image.id, "sha256": upload.sha256, "size": upload.size},
    )
    store_after_commit(session, upload_dir() / image.filename, data)
    return image
