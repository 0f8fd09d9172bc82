"""The cart (购物车): a purchaser's on-shelf listings and quantities, grouped by supplier.

A cart is a private draft: nothing is procured, reserved or priced until checkout, so its edits are not
put on the ledger (checkout records every item it buys).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.enrolment.models import SupplierProfile
from catalog.listings.models import Listing
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.errors import Conflict, NotFound, ValidationFailed
from core.messages import en_zh
from core.money import cny
from mall.orders.access import require_purchaser
from mall.orders.designated import service_required
from mall.orders.models import CartItem

MAX_QUANTITY = 100_000

PROBLEMS = {
    "not_on_shelf": en_zh("The listing is no longer on the shelf."),
    "not_delivered_here": en_zh("The supplier does not deliver this listing to your region."),
    "insufficient_stock": en_zh("Not enough stock."),
}


def region_ids_of(path: str | None) -> set[int]:
    """The ids of a region and every region above it, from its path "/1/4/9/"."""
    return {int(part) for part in (path or "").strip("/").split("/") if part}


def problem_with(listing: Listing, region_path: str | None, quantity: int) -> str | None:
    """Why ``quantity`` of ``listing`` cannot be ordered by a unit in ``region_path``, if it cannot."""
    if listing.status != "approved" or (
        listing.expires_at is not None and listing.expires_at <= clock.now()
    ):
        return "not_on_shelf"
    if not region_ids_of(region_path) & set(listing.region_ids):
        return "not_delivered_here"
    if quantity > listing.stock:
        return "insufficient_stock"
    return None


def refuse(problems: dict[int, str]) -> None:
    """Raise for the listings that cannot be ordered, naming each with its problem."""
    if not problems:
        return
    code = next(iter(problems.values()))
    en, zh = PROBLEMS[code]
    raise Conflict(
        en, zh, code=code, details={"listings": {str(k): v for k, v in problems.items()}}
    )


def _items(session: Session, actor: Actor) -> list[CartItem]:
    return list(
        session.scalars(
            select(CartItem).where(CartItem.user_id == actor.user_id).order_by(CartItem.id)
        )
    )


def view(session: Session, actor: Actor) -> dict[str, Any]:
    """The cart grouped by supplier, at today's prices, each item with what would stop its order."""
    require_purchaser(actor)
    groups: dict[int, dict[str, Any]] = {}
    total = Decimal("0.00")
    items = _items(session, actor)
    for item in items:
        listing = item.listing
        group = groups.get(listing.supplier_id)
        if group is None:
            profile = session.get(SupplierProfile, listing.supplier_id)
            group = groups[listing.supplier_id] = {
                "supplier": session.get(Organisation, listing.supplier_id),
                "sme": bool(profile and profile.sme),
                "items": [],
                "subtotal": Decimal("0.00"),
            }
        line_total = cny(listing.price * item.quantity)
        group["items"].append(
            {
                "id": item.id,
                "listing_id": listing.id,
                "title_zh": listing.title_zh,
                "title_en": listing.title_en,
                "brand": listing.brand,
                "model": listing.model,
                "unit_price": listing.price,
                "quantity": item.quantity,
                "line_total": line_total,
                "stock": listing.stock,
                "problem": problem_with(listing, actor.region_path, item.quantity),
                "service_required": service_required(session, listing),
            }
        )
        group["subtotal"] += line_total
        total += line_total
    return {
        "groups": [groups[k] for k in sorted(groups)],
        "total": total,
        "count": len(items),
    }


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(
            "The quantity is 1 to %(n)s.",
            params={"n": MAX_QUANTITY},
            details={"quantity": [f"1..{MAX_QUANTITY}"]},
        )


def _orderable(actor: Actor, listing: Listing, quantity: int) -> None:
    problem = problem_with(listing, actor.region_path, quantity)
    if problem:
        refuse({listing.id: problem})


def add(session: Session, actor: Actor, listing_id: int, quantity: int) -> dict[str, Any]:
    """Put ``quantity`` more of an on-shelf listing in the cart."""
    require_purchaser(actor)
    _check_quantity(quantity)
    listing = session.get(Listing, listing_id)
    if listing is None or listing.status != "approved":
        raise NotFound("No such listing on the shelf.")
    item = session.scalars(
        select(CartItem).where(CartItem.user_id == actor.user_id, CartItem.listing_id == listing_id)
    ).first()
    wanted = quantity + (item.quantity if item else 0)
    _check_quantity(wanted)
    _orderable(actor, listing, wanted)
    if item is None:
        session.add(CartItem(user_id=actor.user_id, listing_id=listing_id, quantity=wanted))
    else:
        item.quantity = wanted
    session.flush()
    return view(session, actor)


def _own_item(session: Session, actor: Actor, item_id: int) -> CartItem:
    require_purchaser(actor)
    item = session.get(CartItem, item_id)
    if item is None or item.user_id != actor.user_id:
        raise NotFound("No such item in your cart.")
    return item


def set_quantity(session: Session, actor: Actor, item_id: int, quantity: int) -> dict[str, Any]:
    item = _own_item(session, actor, item_id)
    _check_quantity(quantity)
    _orderable(actor, item.listing, quantity)
    item.quantity = quantity
    session.flush()
    return view(session, actor)


def remove(session: Session, actor: Actor, item_id: int) -> dict[str, Any]:
    session.delete(_own_item(session, actor, item_id))
    session.flush()
    return view(session, actor)
