"""What anyone may read about framework agreements without signing in (MALL-8, 公开公告):

- 入围结果: every published agreement — title, solicitor, region, term, kind, call-off methods, its
  items with their maximum unit prices and estimated quantities, and each entrant with its agreed
  unit price per item and whether it signed;
- 成交结果: every call-off that became an order — its number, the day it was ordered, purchaser,
  supplier, items, quantities, unit prices, total and method;
- 成交汇总: per agreement and calendar month (Asia/Shanghai), the number of call-offs ordered and
  their total, by method and by supplier.

Only what is announced is read: no solicitation before its result, no response (sealed or
eliminated), no call-off that did not become an order, no rotation offer, no budget line, no
delivery address or contact. An agreement exists only once its result is published, so an
unknown id and an unpublished solicitation are the same 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotFound
from core.money import cny
from mall.agreements import signing
from mall.agreements.calloff_models import CallOff
from mall.agreements.models import Agreement, SolicitationItem
from mall.orders.models import Order

PER_PAGE = 20


def not_found() -> NotFound:
    return NotFound("No such published framework agreement.")


def agreements(session: Session, page: int = 1) -> tuple[list[Agreement], int]:
    """The published results, newest first, ``PER_PAGE`` a page, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Agreement)) or 0
    rows = session.scalars(
        select(Agreement)
        .order_by(Agreement.published_at.desc(), Agreement.id.desc())
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    return list(rows), total


def agreement(session: Session, agreement_id: int) -> Agreement:
    found = session.get(Agreement, agreement_id)
    if found is None:
        raise not_found()
    return found


def agreements_by_id(session: Session, ids: set[int]) -> list[Agreement]:
    if not ids:
        return []
    return list(session.scalars(select(Agreement).where(Agreement.id.in_(ids))))


@dataclass
class PublicEntrant:
    rank: int
    supplier_id: int
    status: str
    region_ids: list[int]
    #: the agreed unit price per item id
    prices: dict[int, Decimal]
    signed: bool


def entrants(session: Session, found: Agreement) -> list[PublicEntrant]:
    """The entrants in rank order with their agreed prices and whether they signed."""
    signed = signing.signers(session, found)
    return [
        PublicEntrant(
            rank=e.rank,
            supplier_id=e.supplier_id,
            status=e.status,
            region_ids=list(e.region_ids),
            prices={p.item_id: p.unit_price for p in e.prices},
            signed=signed is None or signing.entrant_signed(session, found, e, signed),
        )
        for e in found.entrants
    ]


def solicitor_signed(session: Session, found: Agreement) -> bool:
    signed = signing.signers(session, found)
    return signed is None or found.solicitor_id in signed


@dataclass
class DealLine:
    item: SolicitationItem
    quantity: int
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return cny(self.unit_price * self.quantity)


@dataclass
class Deal:
    """One call-off that became an order: a 成交结果."""

    number: str
    agreement_id: int
    day: date
    purchaser_id: int
    supplier_id: int
    method: str
    lines: list[DealLine]

    @property
    def total(self) -> Decimal:
        return cny(sum((line.total for line in self.lines), Decimal(0)))


def _deals_query(agreement_id: int | None):  # type: ignore[no-untyped-def]
    query = (
        select(CallOff, Order)
        .join(Order, Order.id == CallOff.order_id)
        .where(CallOff.status == "ordered")
    )
    if agreement_id is not None:
        query = query.where(CallOff.agreement_id == agreement_id)
    return query


def deals(
    session: Session, agreement_id: int | None = None, page: int | None = 1
) -> tuple[list[Deal], int]:
    """The call-offs ordered (of one agreement, or all), newest first, ``PER_PAGE`` a page (every
    one when ``page`` is None), and how many there are."""
    total = (
        session.scalar(select(func.count()).select_from(_deals_query(agreement_id).subquery())) or 0
    )
    query = _deals_query(agreement_id).order_by(CallOff.placed_at.desc(), CallOff.id.desc())
    if page is not None:
        query = query.limit(PER_PAGE).offset((max(page, 1) - 1) * PER_PAGE)
    rows = session.execute(query).all()
    item_ids = {i.item_id for calloff, _ in rows for i in calloff.items}
    items = (
        {
            i.id: i
            for i in session.scalars(
                select(SolicitationItem).where(SolicitationItem.id.in_(item_ids))
            )
        }
        if item_ids
        else {}
    )
    found = []
    for calloff, order in rows:
        ordered_at = order.confirmed_at or order.placed_at
        found.append(
            Deal(
                number=calloff.number,
                agreement_id=calloff.agreement_id,
                day=clock.local(ordered_at).date(),
                purchaser_id=calloff.purchaser_id,
                supplier_id=order.supplier_id,
                method=calloff.method,
                lines=[
                    DealLine(items[i.item_id], i.quantity, i.unit_price)
                    for i in calloff.items
                    if i.unit_price is not None
                ],
            )
        )
    return found, total


@dataclass
class Tally:
    count: int = 0
    total: Decimal = Decimal("0.00")

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.total = cny(self.total + amount)


@dataclass
class Month:
    """成交汇总 of one agreement for one calendar month."""

    month: str  # YYYY-MM
    all: Tally = field(default_factory=Tally)
    by_method: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_supplier: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))


def summary(session: Session, found: Agreement) -> list[Month]:
    """Per calendar month (newest first): the call-offs ordered, their total, by method and by
    supplier."""
    months: dict[str, Month] = {}
    every, _ = deals(session, found.id, page=None)
    for deal in every:
        key = f"{deal.day:%Y-%m}"
        month = months.setdefault(key, Month(key))
        month.all.add(deal.total)
        month.by_method[deal.method].add(deal.total)
        month.by_supplier[deal.supplier_id].add(deal.total)
    return [months[k] for k in sorted(months, reverse=True)]
