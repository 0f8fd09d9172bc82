"""履约验收 (MALL-5, 无验收不结项): the purchaser accepts a delivered order, or refuses with reasons.

Acceptance may be partial: the purchaser states, for every item, how many it accepts (all of them
when it lists no items). The order is then settled by what was accepted: ``accepted_total`` is the
amount to pay, and the funds reserved for the rest go back to the budget line. Goods not accepted
were delivered, so they do not return to the listing's stock; what happens to them is between the
parties (or a dispute). A refusal needs at least one reason; the supplier may then deliver again
(``service.redeliver``) for a new acceptance.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from catalog.search.indexing import queue_reindex
from core import clock
from core.accounts.auth import Actor
from core.errors import ValidationFailed
from core.messages import en_zh
from core.money import cny
from mall.budgets import service as budgets
from mall.orders.access import expect, get_order
from mall.orders.models import Acceptance, AcceptanceItem, Order
from mall.orders.service import lock_holdings, record_order


def _accepted_quantities(
    order: Order, items: list[dict[str, Any]] | None
) -> dict[int, tuple[int, str | None]]:
    """order item id → (quantity accepted, note), checked against the order."""
    if items is None:
        return {item.id: (item.quantity, None) for item in order.items}
    ordered = {item.id: item.quantity for item in order.items}
    errors: dict[str, list[str]] = {}
    result: dict[int, tuple[int, str | None]] = {}
    for n, entry in enumerate(items):
        item_id, quantity = entry["order_item_id"], entry["quantity"]
        if item_id not in ordered:
            errors[f"items.{n}.order_item_id"] = ["not an item of this order"]
        elif item_id in result:
            errors[f"items.{n}.order_item_id"] = ["listed twice"]
        elif not 0 <= quantity <= ordered[item_id]:
            errors[f"items.{n}.quantity"] = [f"0..{ordered[item_id]} (the quantity ordered)"]
        else:
            result[item_id] = (quantity, (entry.get("note") or "").strip() or None)
    missing = sorted(set(ordered) - set(result) - {e["order_item_id"] for e in items})
    if missing:
        errors["items"] = [f"state the accepted quantity of every item; missing: {missing}"]
    if errors:
        raise ValidationFailed("The acceptance does not match the order.", details=errors)
    return result


def accept(
    session: Session,
    actor: Actor,
    order_id: int,
    items: list[dict[str, Any]] | None,
    notes: str | None,
) -> Order:
    """验收通过: record what was accepted; the order is settled by it."""
    order = get_order(session, actor, order_id, side="purchaser", for_update=True)
    expect(order, "delivered", doing=en_zh("accepted"))
    quantities = _accepted_quantities(order, items)
    accepted_total = cny(
        sum(
            (item.unit_price * quantities[item.id][0] for item in order.items),
            Decimal(0),
        )
    )
    if accepted_total <= 0:
        raise ValidationFailed(
            "Nothing was accepted: refuse the acceptance instead, with reasons.",
            details={"items": ["accept at least one unit"]},
        )
    listings = lock_holdings(session, order)
    now = clock.now()
    acceptance = Acceptance(
        decision="accepted",
        notes=(notes or "").strip() or None,
        accepted_total=accepted_total,
        recorded_by=actor.user_id,
        recorded_at=now,
        items=[
            AcceptanceItem(order_item_id=item_id, quantity=quantity, note=note)
            for item_id, (quantity, note) in sorted(quantities.items())
        ],
    )
    order.acceptances.append(acceptance)
    order.status = "accepted"
    order.accepted_total = accepted_total
    order.accepted_at = order.updated_at = now
    for item in order.items:
        if item.listing_id is not None:
            listings[item.listing_id].sales += quantities[item.id][0]
            queue_reindex(session, item.listing_id)  # sales rank search results
    session.flush()
    record_order(
        session,
        actor,
        "order.accepted",
        order,
        acceptance_id=acceptance.id,
        items=[
            {
                "order_item_id": item.id,
                "ordered": item.quantity,
                "accepted": quantities[item.id][0],
                "note": quantities[item.id][1],
            }
            for item in order.items
        ],
        accepted_total=accepted_total,
        partial=accepted_total < order.total,
        notes=acceptance.notes,
        attachments=[a.sha256 for a in order.attachments],
        # the contract's payment term, which the payment warnings read (MALL-5, SUP-2)
        payment_days=order.payment_days,
        payment_due=now + timedelta(days=order.payment_days),
    )
    if accepted_total < order.total:
        budgets.release(
            session, actor, order.budget_line_id, order.total - accepted_total, ("order", order.id)
        )
    return order


def refuse(
    session: Session, actor: Actor, order_id: int, reasons: list[str], notes: str | None
) -> Order:
    """验收不通过: refuse acceptance, giving the reasons."""
    reasons = [r.strip() for r in reasons if r and r.strip()]
    if not reasons:
        raise ValidationFailed(
            "Give at least one reason for refusing acceptance.",
            details={"reasons": ["at least one reason"]},
        )
    order = get_order(session, actor, order_id, side="purchaser", for_update=True)
    expect(order, "delivered", doing=en_zh("refused at acceptance"))
    now = clock.now()
    acceptance = Acceptance(
        decision="refused",
        reasons=reasons,
        notes=(notes or "").strip() or None,
        recorded_by=actor.user_id,
        recorded_at=now,
    )
    order.acceptances.append(acceptance)
    order.status = "acceptance_refused"
    order.updated_at = now
    session.flush()
    record_order(
        session,
        actor,
        "order.acceptance_refused",
        order,
        acceptance_id=acceptance.id,
        reasons=reasons,
        notes=acceptance.notes,
    )
    return order
