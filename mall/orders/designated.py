"""定点服务 at checkout (MALL-2): the service details that lines of service categories carry.

A line of a designated service category must say when (``service_date``, today or later in China's
calendar), where (``service_place``) and what (``service_details``) the service is; a line of goods
must not. Lines of other service or works categories may. The details are frozen into the order item
and from there into the contract.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from catalog.designations.service import is_designated, today
from catalog.listings.models import Listing
from core.errors import ValidationFailed

MAX_PLACE = 200
MAX_DETAILS = 1000


def service_required(session: Session, listing: Listing) -> bool:
    """Whether an order of the listing needs service details (a designated service)."""
    return is_designated(session, listing.category)


def _checked(entry: dict[str, Any], n: int, errors: dict[str, list[str]]) -> dict[str, Any]:
    day, place = entry.get("service_date"), (entry.get("service_place") or "").strip()
    details = (entry.get("service_details") or "").strip()
    if not isinstance(day, date):
        errors[f"services.{n}.service_date"] = ["required"]
    elif day < today():
        errors[f"services.{n}.service_date"] = ["must not be in the past"]
    if not place:
        errors[f"services.{n}.service_place"] = ["required"]
    elif len(place) > MAX_PLACE:
        errors[f"services.{n}.service_place"] = [f"at most {MAX_PLACE} characters"]
    if not details:
        errors[f"services.{n}.service_details"] = ["required"]
    elif len(details) > MAX_DETAILS:
        errors[f"services.{n}.service_details"] = [f"at most {MAX_DETAILS} characters"]
    return {"service_date": day, "service_place": place, "service_details": details}


def service_details(
    session: Session, listings: dict[int, Listing], given: list[dict[str, Any]] | None
) -> dict[int, dict[str, Any]]:
    """listing id → its checked service details, for the listings being checked out. Refuses
    details for goods or for listings not checked out, and designated services without them."""
    errors: dict[str, list[str]] = {}
    found: dict[int, dict[str, Any]] = {}
    for n, entry in enumerate(given or []):
        listing = listings.get(entry.get("listing_id"))  # type: ignore[arg-type]
        if listing is None:
            errors[f"services.{n}.listing_id"] = ["not a listing being checked out"]
        elif listing.id in found:
            errors[f"services.{n}.listing_id"] = ["given twice"]
        elif listing.category.kind == "goods":
            errors[f"services.{n}.listing_id"] = ["goods take no service details"]
        else:
            found[listing.id] = _checked(entry, n, errors)
    missing = sorted(
        listing.id
        for listing in listings.values()
        if listing.id not in found and service_required(session, listing)
    )
    if missing:
        errors["services"] = [
            f"designated services need the service date, place and details; missing for "
            f"listings {missing}"
        ]
    if errors:
        raise ValidationFailed(
            "Designated services need the service date, place and details.",
            details=errors,
        )
    return found
