"""Orders made by an award (成交): an auction or a volume purchase awards a supplier at a unit price,
and the buying path takes over — a confirmed order with its contract, funds moved from the
auction's reservation to the order's, and from there the same acceptance and payment as any order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.orm import Session

from catalog.enrolment.models import SupplierProfile
from core import clock
from core.accounts.auth import Actor
from core.money import cny
from mall import policy
from mall.budgets import service as budgets
from mall.contracts import service as contracts
from mall.orders.checkout import sme_suitability
from mall.orders.models import Order, OrderItem
from mall.orders.service import record_order


@dataclass(frozen=True)
class AwardLine:
    category_id: int
    title_zh: str
    title_en: str
    params: dict[str, Any]
    unit_price: Decimal
    quantity: int
    brand: str = ""
    model: str = ""
    #: for price statistics (supervision.prices): the standard product bought, when the lot
    #: names one, and the unit its price is for
    standard_product_id: int | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Award:
    """What an award gives one purchaser: from whom, what, at what price, paid from which line."""

    source: str  # "auction" or "agreement" (a framework agreement's call-off)
    source_id: int
    purchaser_id: int
    region_id: int
    placed_by: int
    supplier_id: int
    budget_line_id: int
    #: what the award's source holds on the line for this purchaser, to hand over to the order
    held: Decimal
    delivery_address: str
    contact_name: str
    contact_phone: str
    delivery_date: date
    lines: tuple[AwardLine, ...]
    note: str | None = None
    #: the budget reference ``held`` is kept under, when it is not ``(source, source_id)`` (a
    #: volume purchase holds each purchaser's funds under its demand)
    held_ref: tuple[str, int] | None = None
    #: whether the purchase was reserved for SMEs (an auction's or volume purchase's
    #: ``sme_only``); None: as a direct purchase of this total would be (MALL-10)
    sme_reserved: bool | None = None


class Lot(Protocol):
    """What was bid for: an auction's lot, or the volume purchase that pooled it."""

    @property
    def category_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def standard_product_id(self) -> int | None: ...
    @property
    def required_params(self) -> dict[str, Any] | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def delivery_date(self) -> date: ...


class Buyer(Protocol):
    """Who receives and pays for an award: an auction's purchaser, or one demand of a pool."""

    @property
    def purchaser_id(self) -> int: ...
    @property
    def region_id(self) -> int: ...
    @property
    def budget_line_id(self) -> int | None: ...
    @property
    def delivery_address(self) -> str: ...
    @property
    def contact_name(self) -> str: ...
    @property
    def contact_phone(self) -> str: ...


def award_lot(
    session: Session,
    actor: Actor,
    *,
    source_id: int,
    lot: Lot,
    buyer: Buyer,
    placed_by: int,
    supplier_id: int,
    unit_price: Decimal,
    quantity: int,
    held: Decimal,
    note: str,
    held_ref: tuple[str, int] | None = None,
    source: str = "auction",
    sme_reserved: bool | None = None,
) -> Order:
    """The order for ``quantity`` of ``lot`` at the winner's ``unit_price``, delivered to and paid
    by ``buyer`` (``place_award`` with one line): an auction's award, or one share of a volume
    purchase's."""
    assert buyer.budget_line_id is not None
    return place_award(
        session,
        actor,
        Award(
            source=source,
            source_id=source_id,
            purchaser_id=buyer.purchaser_id,
            region_id=buyer.region_id,
            placed_by=placed_by,
            supplier_id=supplier_id,
            budget_line_id=buyer.budget_line_id,
            held=held,
            held_ref=held_ref,
            delivery_address=buyer.delivery_address,
            contact_name=buyer.contact_name,
            contact_phone=buyer.contact_phone,
            delivery_date=lot.delivery_date,
            lines=(
                AwardLine(
                    category_id=lot.category_id,
                    title_zh=lot.title,
                    title_en=lot.title,
                    params=dict(lot.required_params or {}),
                    unit_price=unit_price,
                    quantity=quantity,
                    standard_product_id=lot.standard_product_id,
                    unit=lot.unit,
                ),
            ),
            note=note,
            sme_reserved=sme_reserved,
        ),
    )


def place_award(session: Session, actor: Actor, award: Award) -> Order:
    """A confirmed order and its contract for ``award``. The funds its source held are released
    and the order's total reserved from the same line, in this unit of work; the rest stays
    free. The caller holds the source's lock and takes the budget line's lock through here."""
    settings = policy.settings()
    now = clock.now()
    items = [
        OrderItem(
            listing_id=None,
            category_id=line.category_id,
            title_zh=line.title_zh,
            title_en=line.title_en,
            brand=line.brand,
            model=line.model,
            params=dict(line.params),
            unit_price=cny(line.unit_price),
            quantity=line.quantity,
            line_total=cny(line.unit_price * line.quantity),
        )
        for line in award.lines
    ]
    total = cny(sum((item.line_total for item in items), Decimal(0)))
    delivery_days = max(1, (award.delivery_date - clock.local(now).date()).days)
    order = Order(
        purchaser_id=award.purchaser_id,
        supplier_id=award.supplier_id,
        placed_by=award.placed_by,
        budget_line_id=award.budget_line_id,
        region_id=award.region_id,
        status="confirmed",
        source=award.source,
        source_id=award.source_id,
        total=total,
        delivery_address=award.delivery_address,
        contact_name=award.contact_name,
        contact_phone=award.contact_phone,
        note=award.note,
        delivery_days=delivery_days,
        acceptance_days=settings.acceptance_days,
        payment_days=settings.payment_days,
        placed_at=now,
        confirm_by=now,
        confirmed_at=now,
        updated_at=now,
        items=items,
    )
    session.add(order)
    session.flush()
    ref = award.held_ref or (award.source, award.source_id)
    budgets.release(session, actor, award.budget_line_id, award.held, ref)
    budgets.reserve_for(session, actor, award.budget_line_id, total, ("order", order.id))
    kinds = sme_suitability(session, {line.category_id for line in award.lines})
    reserved = award.sme_reserved
    if reserved is None:
        reserved = any(
            kinds[line.category_id][1]
            and policy.sme_reserved(kinds[line.category_id][0], total, settings)
            for line in award.lines
        )
    profile = session.get(SupplierProfile, award.supplier_id)
    record_order(
        session,
        actor,
        "order.awarded",
        order,
        number=order.number,
        source=award.source,
        source_id=award.source_id,
        purchaser_id=order.purchaser_id,
        supplier_id=order.supplier_id,
        budget_line_id=order.budget_line_id,
        items=[
            {
                "title_zh": i.title_zh,
                "category_id": i.category_id,
                "standard_product_id": line.standard_product_id,
                "unit": line.unit,
                "unit_price": i.unit_price,
                "quantity": i.quantity,
                "line_total": i.line_total,
                # what the SME warnings read (supervision.warnings, MALL-10)
                "category_kind": kinds[line.category_id][0],
                "sme_suitable": kinds[line.category_id][1],
            }
            for i, line in zip(items, award.lines, strict=True)
        ],
        total=total,
        sme_reserved=bool(reserved),
        supplier_sme=bool(profile and profile.sme),
    )
    contracts.create_for_order(session, actor, order)
    return order
