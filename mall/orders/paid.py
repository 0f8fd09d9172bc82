"""What was paid for a standard product (SUP-3): the unit prices of its completed purchases — mall
orders of listings bound to it or matching its parameters, and award lines of auctions and volume
purchases matching its parameters — for the price monitors' curve."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import StandardProduct
from catalog.listings.models import Listing
from mall.orders.models import Order, OrderItem

#: Orders whose goods were delivered and accepted: what was paid is settled.
COMPLETED = ("accepted", "paid", "closed")


def paid_for(session: Session, product: StandardProduct, since: datetime) -> list[dict[str, Any]]:
    """Completed purchases of ``product`` placed since ``since``, oldest first."""
    rows = session.execute(
        select(OrderItem, Order, Listing.standard_product_id)
        .join(Order, Order.id == OrderItem.order_id)
        .outerjoin(Listing, Listing.id == OrderItem.listing_id)
        .where(
            OrderItem.category_id == product.category_id,
            Order.status.in_(COMPLETED),
            Order.placed_at >= since,
        )
        .order_by(Order.placed_at, OrderItem.id)
    ).all()
    return [
        {
            "at": order.placed_at,
            "unit_price": item.unit_price,
            "quantity": item.quantity,
            "source": "order" if order.source == "mall" else "award",
            "order_id": order.id,
            "source_id": order.source_id,
        }
        for item, order, bound_to in rows
        if bound_to == product.id or _has_params(item.params, product.params)
    ]


def _has_params(params: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether a line's parameters include every one of the product's: an award's terms keep the
    values as the purchaser entered them (16), the product as its schema keeps them ("16")."""
    return all(code in params and str(params[code]) == str(value) for code, value in wanted.items())
