"""Certificates: register, attach to listings, the mandatory-category rule and expiry."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.certificates.models import CERT_KINDS, GreenCertificate, ListingCertificate
from catalog.certificates.queries import green_listing_ids as green_listing_ids
from catalog.certificates.queries import today
from catalog.enrolment.service import require_supplier
from catalog.listings.models import Listing
from catalog.search.indexing import queue_reindex
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from supervision.ledger import record


def register(session: Session, actor: Actor, data: dict[str, Any]) -> GreenCertificate:
    require_supplier(actor, "Only suppliers register certificates.")
    errors: dict[str, list[str]] = {}
    if data["kind"] not in CERT_KINDS:
        errors["kind"] = [f"one of {', '.join(CERT_KINDS)}"]
    if data["valid_until"] < data["valid_from"]:
        errors["valid_until"] = ["before valid_from"]
    if errors:
        raise ValidationFailed("The certificate is invalid.", details=errors)
    exists = session.scalar(
        select(GreenCertificate.id).where(
            GreenCertificate.kind == data["kind"], GreenCertificate.number == data["number"].strip()
        )
    )
    if exists:
        raise Conflict("This certificate is registered.", code="duplicate_certificate")
    cert = GreenCertificate(
        supplier_id=actor.organisation_id,
        kind=data["kind"],
        number=data["number"].strip(),
        issuer=data["issuer"].strip(),
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
    )
    session.add(cert)
    session.flush()
    record(
        session,
        actor,
        "certificate.registered",
        ("certificate", cert.id),
        {
            "kind": cert.kind,
            "number": cert.number,
            "issuer": cert.issuer,
            "valid_from": cert.valid_from,
            "valid_until": cert.valid_until,
        },
    )
    return cert


def supplier_certificates(session: Session, actor: Actor) -> list[GreenCertificate]:
    return list(
        session.scalars(
            select(GreenCertificate)
            .where(GreenCertificate.supplier_id == actor.organisation_id)
            .order_by(GreenCertificate.id)
        )
    )


def attach(session: Session, actor: Actor, listing_id: int, certificate_id: int) -> Listing:
    listing = session.get(Listing, listing_id)
    cert = session.get(GreenCertificate, certificate_id)
    if listing is None or cert is None:
        raise NotFound("No such listing or certificate.")
    if listing.supplier_id != actor.organisation_id or cert.supplier_id != actor.organisation_id:
        raise Forbidden("Only your own certificates on your own listings.")
    if session.get(ListingCertificate, (listing.id, cert.id)) is None:
        session.add(ListingCertificate(listing_id=listing.id, certificate_id=cert.id))
        session.flush()
        record(
            session,
            actor,
            "listing.certificate_attached",
            ("listing", listing.id),
            {"certificate_id": cert.id, "kind": cert.kind, "number": cert.number},
        )
        queue_reindex(session, listing.id)
    return listing


def certificates_of(session: Session, listing_id: int) -> list[GreenCertificate]:
    return list(
        session.scalars(
            select(GreenCertificate)
            .join(ListingCertificate, ListingCertificate.certificate_id == GreenCertificate.id)
            .where(ListingCertificate.listing_id == listing_id)
            .order_by(GreenCertificate.id)
        )
    )


def valid_certificates(
    session: Session, listing_id: int, day: date | None = None
) -> list[GreenCertificate]:
    day = day or today()
    return [c for c in certificates_of(session, listing_id) if c.valid_on(day)]


def check_mandatory_certificate(session: Session, listing: Listing) -> None:
    """Categories on the mandatory list accept only goods with a valid energy-saving certificate."""
    if not listing.category.energy_cert_mandatory:
        return
    if not any(c.kind == "energy_saving" for c in valid_certificates(session, listing.id)):
        raise Conflict(
            "This category needs a valid energy-saving certificate.",
            code="certificate_required",
        )


def withdraw_uncertified(session: Session, actor: Actor) -> list[Listing]:
    """A periodic job: listings of mandatory categories whose certificate expired leave the shelf."""
    from catalog.categories.models import Category

    withdrawn = []
    on_shelf = session.scalars(
        select(Listing)
        .join(Category, Category.id == Listing.category_id)
        .where(Listing.status == "approved", Category.energy_cert_mandatory.is_(True))
    )
    for listing in on_shelf:
        if not any(c.kind == "energy_saving" for c in valid_certificates(session, listing.id)):
            listing.status = "off_shelf"
            listing.updated_at = clock.now()
            record(
                session,
                actor,
                "listing.off_shelf",
                ("listing", listing.id),
                {"status": "off_shelf", "reason": "certificate expired"},
            )
            queue_reindex(session, listing.id)
            withdrawn.append(listing)
    session.flush()
    return withdrawn
