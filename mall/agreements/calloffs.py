"""Call-offs from a framework agreement (第二阶段, MALL-8): a purchaser calls off items of an agreement
in force by direct selection (直接选定) — an active entrant it picks, at that entrant's agreed unit
prices or below, for a recorded reason — by rotation (顺序轮候, ``mall.agreements.rotation``), or by
secondary competition (二次竞价), which the auction package serves (``auction.calloffs``, registered
through ``calloff_checks.register_method``) and which ends here too, in ``make_order``.

``placing.place`` takes every call-off: the checks of ``calloff_checks`` come first and write
nothing, then the method's own steps, which share this module's. The budget line reserves the
call-off's funds under ``("calloff", id)``; the order (``mall.orders.awards.place_award``) takes them
over with its contract, and from there acceptance and payment consume or release them as for any
order. Every step is on the ledger in the same transaction. Locks: the agreement, then the budget
line (then the ledger's head).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from catalog.categories.models import Category, StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from core.money import cny
from mall.agreements.calloff_checks import (
    Wanted,
    check_funds,
    standing,
)
from mall.agreements.calloff_models import REASONS, CallOff, CallOffItem
from mall.agreements.models import Agreement, AgreementEntrant, SolicitationItem
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.awards import Award, AwardLine, place_award
from mall.orders.models import Order
from supervision.ledger import record

#: Delivery within this many days, unless the purchaser asks for a date.
DELIVERY_DAYS = 7


def lock_agreement(session: Session, agreement_id: int) -> Agreement:
    agreement = lock(session, Agreement, agreement_id)
    if agreement is None:
        raise NotFound("No such framework agreement.")
    return agreement


def record_calloff(
    session: Session, actor: Actor, action: str, calloff: CallOff, **payload: Any
) -> None:
    """Put ``action`` on the call-off, with its status, in the caller's transaction."""
    record(
        session,
        actor,
        action,
        ("agreement_calloff", calloff.id),
        {"agreement_id": calloff.agreement_id, "status": calloff.status, **payload},
        region_id=calloff.region_id,
    )


def delivery_date(data: dict[str, Any]) -> date:
    today = clock.local(clock.now()).date()
    wanted = data.get("delivery_date") or today + timedelta(days=DELIVERY_DAYS)
    if wanted <= today:
        raise ValidationFailed(
            "The delivery date must be after today.",
            code="delivery_date_past",
        )
    return wanted


def _prices(
    entrant: AgreementEntrant, wanted: list[Wanted], rows: list[dict[str, Any]] | None = None
) -> dict[int, Decimal]:
    """The unit price per item: the entrant's agreed one, or a lower one the purchaser gives;
    above the agreed one is refused (``above_agreed_price``)."""
    agreed = {p.item_id: p.unit_price for p in entrant.prices}
    given = {r["item_id"]: r.get("unit_price") for r in rows or []}
    prices = {}
    above = []
    for w in wanted:
        price = given.get(w.item.id)
        price = agreed[w.item.id] if price is None else cny(price)
        if price > agreed[w.item.id] or price <= 0:
            above.append(w.item.id)
        prices[w.item.id] = price
    if above:
        raise ValidationFailed(
            "A unit price is above the entrant's agreed one.",
            code="above_agreed_price",
            details={"item_id": above},
        )
    return prices


def _chosen(session: Session, agreement: Agreement, data: dict[str, Any]) -> AgreementEntrant:
    entrant = session.get(AgreementEntrant, data.get("entrant_id") or 0)
    if entrant is None or entrant.agreement_id != agreement.id:
        raise ValidationFailed(
            "Pick an entrant of this framework agreement.",
            code="not_an_entrant",
        )
    if standing(session, entrant) != "active":
        raise Conflict(
            "This entrant is suspended or terminated.",
            code="entrant_not_active",
        )
    if data.get("reason") not in REASONS or not (data.get("reason_note") or "").strip():
        raise ValidationFailed(
            "Give the reason for the choice (price, quality, service or delivery) and a note.",
            code="reason_required",
        )
    return entrant


def new_calloff(
    session: Session,
    actor: Actor,
    agreement: Agreement,
    data: dict[str, Any],
    wanted: list[Wanted],
    held: Decimal,
    **columns: Any,
) -> CallOff:
    """The call-off row, its funds reserved on the line (already locked and checked) and the
    placement on the ledger."""
    now = clock.now()
    calloff = CallOff(
        agreement_id=agreement.id,
        purchaser_id=actor.organisation_id,
        placed_by=actor.user_id,
        budget_line_id=data["budget_line_id"],
        region_id=actor.region_id,
        method=data["method"],
        held=held,
        delivery_address=data["delivery_address"].strip(),
        contact_name=data["contact_name"].strip(),
        contact_phone=data["contact_phone"].strip(),
        delivery_date=delivery_date(data),
        placed_at=now,
        updated_at=now,
        items=[CallOffItem(item_id=w.item.id, quantity=w.quantity) for w in wanted],
        status="placed",
        **columns,
    )
    session.add(calloff)
    session.flush()
    record_calloff(
        session,
        actor,
        "agreement.calloff_placed",
        calloff,
        number=calloff.number,
        method=calloff.method,
        purchaser_id=calloff.purchaser_id,
        budget_line_id=calloff.budget_line_id,
        items=[{"item_id": w.item.id, "quantity": w.quantity} for w in wanted],
        held=held,
        **(_chosen_entrant(session, calloff.entrant_id) if calloff.entrant_id else {}),
        **(
            {"reason": calloff.reason, "reason_note": calloff.reason_note} if calloff.reason else {}
        ),
    )
    budgets.reserve(session, actor, calloff.budget_line_id, held, ("calloff", calloff.id))
    return calloff


def _chosen_entrant(session: Session, entrant_id: int) -> dict[str, Any]:
    """The entrant a call-off names at placing (direct selection), and its supplier — what the
    call-off concentration warning reads (SUP-2)."""
    entrant = session.get(AgreementEntrant, entrant_id)
    assert entrant is not None
    return {"entrant_id": entrant.id, "supplier_id": entrant.supplier_id}


def _line(session: Session, wanted: Wanted, price: Decimal, quantity: int) -> AwardLine:
    item = wanted.item
    named = session.get(StandardProduct, item.standard_product_id or 0) or session.get(
        Category, item.category_id
    )
    assert named is not None
    return AwardLine(
        category_id=item.category_id,
        title_zh=named.name_zh,
        title_en=named.name_en,
        params=dict(item.required_params or {}),
        unit_price=price,
        quantity=quantity,
        standard_product_id=item.standard_product_id,
        unit=item.unit,
    )


def make_order(
    session: Session,
    actor: Actor,
    calloff: CallOff,
    entrant: AgreementEntrant,
    wanted: list[Wanted],
    prices: dict[int, Decimal],
) -> Order:
    """The confirmed order and its contract, at ``prices`` (checked against the agreed ones): the
    funds the call-off held move onto the order."""
    order = place_award(
        session,
        actor,
        Award(
            source="agreement",
            source_id=calloff.id,
            purchaser_id=calloff.purchaser_id,
            region_id=calloff.region_id,
            placed_by=calloff.placed_by,
            supplier_id=entrant.supplier_id,
            budget_line_id=calloff.budget_line_id,
            held=calloff.held,
            held_ref=("calloff", calloff.id),
            delivery_address=calloff.delivery_address,
            contact_name=calloff.contact_name,
            contact_phone=calloff.contact_phone,
            delivery_date=calloff.delivery_date,
            lines=tuple(_line(session, w, prices[w.item.id], w.quantity) for w in wanted),
            note=calloff.number,
        ),
    )
    for row in calloff.items:
        row.unit_price = prices[row.item_id]
    calloff.status = "ordered"
    calloff.entrant_id = entrant.id
    calloff.order_id = order.id
    calloff.updated_at = clock.now()
    session.flush()
    record_calloff(
        session,
        actor,
        "agreement.calloff_ordered",
        calloff,
        order_id=order.id,
        order_number=order.number,
        supplier_id=entrant.supplier_id,
        prices={str(k): v for k, v in prices.items()},
        total=order.total,
    )
    return order


def place_direct(
    session: Session,
    actor: Actor,
    agreement: Agreement,
    data: dict[str, Any],
    wanted: list[Wanted],
) -> CallOff:
    """直接选定: the purchaser's chosen entrant at its agreed unit prices (or lower ones given), for
    a recorded reason; the order and contract follow at once. The agreement is locked and checked."""
    entrant = _chosen(session, agreement, data)
    prices = _prices(entrant, wanted, data["items"])
    total = cny(sum((prices[w.item.id] * w.quantity for w in wanted), Decimal(0)))
    check_funds(session, actor, data["budget_line_id"], total)
    calloff = new_calloff(
        session,
        actor,
        agreement,
        data,
        wanted,
        total,
        entrant_id=entrant.id,
        reason=data["reason"],
        reason_note=data["reason_note"].strip(),
    )
    make_order(session, actor, calloff, entrant, wanted, prices)
    return calloff


def wanted_of(session: Session, calloff: CallOff) -> list[Wanted]:
    """The call-off's items again, as the checks gave them."""
    return [
        Wanted(session.get(SolicitationItem, row.item_id), row.quantity)  # type: ignore[arg-type]
        for row in calloff.items
    ]
