"""Order transitions (MALL-1) and the payment guard (MALL-4, MALL-5).

::

    placed ─confirm─▶ confirmed ─ship─▶ shipped ─deliver─▶ delivered ─accept─▶ accepted ─▶ paid ─▶ closed
      │ ╲                │                                    │   ▲
      │  decline ▶ declined   cancel (agreed) ▶ cancelled      │   redeliver
      │  cancel  ▶ cancelled                                  ▼   │
      └ confirm_by passed ▶ lapsed                       acceptance_refused

Who does what: the supplier confirms (which writes the contract), declines with a reason, ships with the
logistics company and tracking number, and delivers again after a refused acceptance; either party
records delivery (the supplier's 送达 or the purchaser's 签收); the purchaser accepts or refuses
acceptance (``mall.orders.acceptance``).

Cancellation:

- *placed*: the purchaser cancels at once (a supplier declines instead).
- *confirmed* (not yet shipped): only by agreement. One party asks, giving a reason; the other agrees
  by cancelling as well. The asking party can withdraw, and the other can refuse, with
  ``refuse_cancellation``. While a request is open the order cannot be shipped.
- *shipped* or later: no cancellation; a dispute (MALL-9) settles what happens.

Declining, cancelling and lapsing give back the order's stock and funds. Every transition checks its
actor, locks the order row, and is on the ledger with the purchaser's region.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from catalog.listings.models import Listing
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, ValidationFailed
from core.messages import N_, en_zh, translate
from mall.budgets import service as budgets
from mall.contracts import service as contracts
from mall.locks import lock_many
from mall.orders import notices
from mall.orders.access import expect, get_order
from mall.orders.models import Order
from supervision.ledger import record


def record_order(session: Session, actor: Actor, action: str, order: Order, **payload: Any) -> None:
    record(
        session,
        actor,
        action,
        ("order", order.id),
        {"status": order.status, **payload},
        region_id=order.region_id,
    )


def _reason(text: str | None, required: bool, field: str = "reason") -> str | None:
    text = (text or "").strip() or None
    if required and not text:
        raise ValidationFailed("A reason is required.", details={field: ["required"]})
    return text


def lock_holdings(session: Session, order: Order) -> dict[int, Listing]:
    """Lock the order's listings and then its budget line (the caller holds the order's lock)."""
    listings = lock_many(
        session, Listing, [item.listing_id for item in order.items if item.listing_id is not None]
    )
    budgets.lock_line(session, order.budget_line_id)
    return listings


def release_holdings(session: Session, actor: Actor, order: Order) -> None:
    """Give the order's stock back to its listings (awarded lines hold none) and its funds back to
    the budget line."""
    listings = lock_holdings(session, order)
    held = [item for item in order.items if item.listing_id is not None]
    for item in held:
        listings[item.listing_id].stock += item.quantity
    session.flush()
    for item in held:
        record(
            session,
            actor,
            "listing.stock_released",
            ("listing", item.listing_id),
            {
                "order_id": order.id,
                "quantity": item.quantity,
                "stock": listings[item.listing_id].stock,
            },
            region_id=order.region_id,
        )
    budgets.release(session, actor, order.budget_line_id, order.total, ("order", order.id))


def _end(
    session: Session, actor: Actor, order: Order, status: str, action: str, **payload: Any
) -> Order:
    lock_holdings(session, order)  # before the first ledger append of this change
    order.status = status
    order.ended_at = order.updated_at = clock.now()
    session.flush()
    record_order(session, actor, action, order, **payload)
    release_holdings(session, actor, order)
    return order


def confirm(session: Session, actor: Actor, order_id: int) -> Order:
    """接单: the supplier confirms a placed order before its deadline; the contract is written."""
    order = get_order(session, actor, order_id, side="supplier", for_update=True)
    expect(order, "placed", doing=en_zh("confirmed"))
    now = clock.now()
    if now >= order.confirm_by:
        raise Conflict(
            "The deadline to confirm this order has passed.",
            code="confirmation_overdue",
            details={"confirm_by": order.confirm_by.isoformat()},
        )
    order.status = "confirmed"
    order.confirmed_at = order.updated_at = now
    session.flush()
    record_order(session, actor, "order.confirmed", order)
    contracts.create_for_order(session, actor, order, tell_purchaser=False)
    notices.order_confirmed(session, order)
    return order


def decline(session: Session, actor: Actor, order_id: int, reason: str | None) -> Order:
    """拒单: the supplier declines a placed order, giving a reason."""
    reason = _reason(reason, required=True)
    order = get_order(session, actor, order_id, side="supplier", for_update=True)
    expect(order, "placed", doing=en_zh("declined"))
    order.decline_reason = reason
    return _end(session, actor, order, "declined", "order.declined", reason=reason)


def cancel(session: Session, actor: Actor, order_id: int, side: str, reason: str | None) -> Order:
    """取消: see the module's cancellation rules."""
    order = get_order(session, actor, order_id, side=side, for_update=True)
    if order.status == "placed" and side == "supplier":
        raise Conflict(
            "A supplier declines an order it has not confirmed.",
            code="use_decline",
        )
    expect(order, "placed", "confirmed", doing=en_zh("cancelled"))
    if order.status == "placed":
        order.cancel_reason = _reason(reason, required=False)
        return _end(
            session,
            actor,
            order,
            "cancelled",
            "order.cancelled",
            by=side,
            reason=order.cancel_reason,
        )
    if order.cancel_requested_by is None:
        order.cancel_reason = _reason(reason, required=True)
        order.cancel_requested_by = side
        order.updated_at = clock.now()
        session.flush()
        record_order(
            session,
            actor,
            "order.cancellation_requested",
            order,
            by=side,
            reason=order.cancel_reason,
        )
        return order
    if order.cancel_requested_by == side:
        raise Conflict(
            "You have already asked to cancel; the other party has to agree.",
            code="cancellation_pending",
        )
    return _end(
        session,
        actor,
        order,
        "cancelled",
        "order.cancelled",
        by_agreement=True,
        requested_by=order.cancel_requested_by,
        agreed_by=side,
        reason=order.cancel_reason,
    )


def refuse_cancellation(session: Session, actor: Actor, order_id: int, side: str) -> Order:
    """Drop an open cancellation request: the asking party withdraws it, or the other refuses it."""
    order = get_order(session, actor, order_id, side=side, for_update=True)
    if order.status != "confirmed" or order.cancel_requested_by is None:
        raise Conflict(
            "No cancellation request is open on this order.",
            code="no_cancellation_request",
        )
    requested_by = order.cancel_requested_by
    order.cancel_requested_by = None
    order.updated_at = clock.now()
    session.flush()
    action = (
        "order.cancellation_withdrawn" if requested_by == side else "order.cancellation_refused"
    )
    record_order(session, actor, action, order, by=side, requested_by=requested_by)
    return order


def ship(
    session: Session, actor: Actor, order_id: int, logistics_company: str, tracking_no: str
) -> Order:
    """发货: the supplier ships a confirmed order, naming the logistics company and tracking number."""
    company, tracking = logistics_company.strip(), tracking_no.strip()
    if not company or not tracking:
        raise ValidationFailed(
            "Name the logistics company and the tracking number.",
            details={
                **({"logistics_company": ["required"]} if not company else {}),
                **({"tracking_no": ["required"]} if not tracking else {}),
            },
        )
    order = get_order(session, actor, order_id, side="supplier", for_update=True)
    expect(order, "confirmed", doing=en_zh("shipped"))
    if order.cancel_requested_by is not None:
        raise Conflict(
            "A cancellation request is open; settle it before shipping.",
            code="cancellation_pending",
        )
    order.status = "shipped"
    order.logistics_company, order.tracking_no = company, tracking
    order.shipped_at = order.updated_at = clock.now()
    session.flush()
    record_order(
        session, actor, "order.shipped", order, logistics_company=company, tracking_no=tracking
    )
    return order


def mark_delivered(session: Session, actor: Actor, order_id: int, side: str) -> Order:
    """送达 / 签收: the supplier records delivery, or the purchaser confirms receipt."""
    order = get_order(session, actor, order_id, side=side, for_update=True)
    expect(order, "shipped", doing=en_zh("marked delivered"))
    order.status = "delivered"
    order.delivered_at = order.updated_at = clock.now()
    session.flush()
    record_order(session, actor, "order.delivered", order, by=side)
    return order


def redeliver(session: Session, actor: Actor, order_id: int, note: str | None) -> Order:
    """整改后重新交付: after a refused acceptance, the supplier delivers again for a new acceptance."""
    order = get_order(session, actor, order_id, side="supplier", for_update=True)
    expect(order, "acceptance_refused", doing=en_zh("delivered again"))
    order.status = "delivered"
    order.delivered_at = order.updated_at = clock.now()
    session.flush()
    record_order(session, actor, "order.redelivered", order, note=_reason(note, required=False))
    return order


def lapse_unconfirmed(session: Session, actor: Actor) -> list[Order]:
    """A periodic job: placed orders past their confirmation deadline lapse, giving back stock and
    funds. Orders another transaction holds are left for the next run."""
    now = clock.now()
    orders = list(
        session.scalars(
            select(Order)
            .where(Order.status == "placed", Order.confirm_by <= now)
            .order_by(Order.id)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )
    # All locks first — listings, then budget lines — so that no ledger append waits on a row.
    lock_many(
        session,
        Listing,
        [i.listing_id for order in orders for i in order.items if i.listing_id is not None],
    )
    for line_id in sorted({order.budget_line_id for order in orders}):
        budgets.lock_line(session, line_id)
    for order in orders:
        _end(session, actor, order, "lapsed", "order.lapsed", confirm_by=order.confirm_by)
    return orders


# ---------------------------------------------------------------- 无合同不支付, 无验收不结项

PAYABILITY = {
    "not_accepted": en_zh("The order has not been accepted."),
    "no_acceptance": en_zh("No acceptance is recorded (无验收不结项)."),
    "no_contract": en_zh("The order has no contract (无合同不支付)."),
    "contract_tampered": en_zh("The contract does not match its hash."),
    "unsigned_by_purchaser": en_zh("The purchaser has not signed the contract."),
    "unsigned_by_supplier": en_zh("The supplier has not signed the contract."),
    "bad_signature_purchaser": en_zh("The purchaser's signature does not verify."),
    "bad_signature_supplier": en_zh("The supplier's signature does not verify."),
}


def payability_problems(order: Order) -> list[str]:
    """What stands between the order and a payment request (codes of ``PAYABILITY``)."""
    session = object_session(order)
    assert session is not None, "the order must belong to a session"
    problems = []
    if order.status != "accepted":
        problems.append("not_accepted")
    latest = order.acceptances[-1] if order.acceptances else None
    if latest is None or latest.decision != "accepted":
        problems.append("no_acceptance")
    contract = order.contract  # type: ignore[attr-defined]
    if contract is None:
        problems.append("no_contract")
        return problems
    if not contracts.content_intact(contract):
        problems.append("contract_tampered")
    signed = {s.party: s.verified for s in contracts.signature_status(session, contract)}
    for party in ("purchaser", "supplier"):
        if party not in signed:
            problems.append(f"unsigned_by_{party}")
        elif not signed[party]:
            problems.append(f"bad_signature_{party}")
    return problems


def check_payable(order: Order) -> Decimal:
    """Refuse unless the order may be paid: accepted, acceptance recorded, and a contract whose
    content is intact and which both parties signed with signatures that verify. Returns the amount
    to pay (what was accepted)."""
    problems = payability_problems(order)
    if problems:
        message = N_("The order cannot be paid yet: %(problems)s")
        raise Conflict(
            translate(message, "en", {"problems": " ".join(PAYABILITY[p][0] for p in problems)}),
            translate(message, "zh", {"problems": "".join(PAYABILITY[p][1] for p in problems)}),
            code="not_payable",
            details={"problems": problems},
        )
    assert order.accepted_total is not None
    return order.accepted_total


def payability(order: Order) -> dict[str, Any]:
    """Whether the order may be paid now, and if not, why (for the order page)."""
    problems = payability_problems(order)
    return {
        "payable": not problems,
        "amount": None if problems else order.accepted_total,
        "problems": [
            {"code": p, "message": PAYABILITY[p][0], "message_zh": PAYABILITY[p][1]}
            for p in problems
        ],
    }
