"""What supervisors read of the buying (SUP-6): the orders, contracts and payments of purchaser
units in their region and below — never a write.

A record belongs to the region of its purchaser organisation (as auctions do); a supervisor sees
its own region's subtree (``Region.path`` prefixes). Another region's record is refused with 403
``other_region``; an id that does not exist is 404. Lists are newest first and filter by status,
either party, a region of the subtree and local (Asia/Shanghai) dates.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import Role
from core.errors import Forbidden, NotFound
from mall.contracts.models import Contract, ContractSignature
from mall.orders.models import Order
from mall.payments.models import Payment

#: An order number (``Order.number``: ZC, the local placing date, the id) or the id alone.
NUMBER = re.compile(r"(?:ZC\d{8})?(\d{1,10})")
#: How many of the two parties signed: ``none``, ``one`` or ``both``.
SIGNED = ("none", "one", "both")


def require_supervisor(actor: Actor) -> str:
    """The actor's region path, if it supervises one."""
    if not actor.has(Role.SUPERVISOR) or not actor.region_path:
        raise Forbidden(
            "Only supervisors read the orders, contracts and payments of a region.",
            code="supervisor_only",
        )
    return actor.region_path


def sees_order(session: Session, actor: Actor, order: Order) -> bool:
    """Whether the order's purchaser unit is in the actor's region or below."""
    if not actor.has(Role.SUPERVISOR):
        return False
    region = session.get(Region, order.purchaser.region_id)
    return region is not None and actor.sees_region(region.path)


def _check(session: Session, actor: Actor, order: Order) -> None:
    if not sees_order(session, actor, order):
        raise Forbidden(
            "This order's purchaser is outside your region.",
            code="other_region",
        )


def get_order(session: Session, actor: Actor, order_id: int) -> Order:
    require_supervisor(actor)
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound("No such order.")
    _check(session, actor, order)
    return order


def get_contract(session: Session, actor: Actor, contract_id: int) -> Contract:
    require_supervisor(actor)
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("No such contract.")
    _check(session, actor, contract.order)
    return contract


def get_payment(session: Session, actor: Actor, payment_id: int) -> Payment:
    require_supervisor(actor)
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("No such payment.")
    _check(session, actor, order_of(session, payment))
    return payment


def order_of(session: Session, payment: Payment) -> Order:
    order = session.get(Order, payment.order_id)
    assert order is not None
    return order


def payments_of_order(session: Session, actor: Actor, order_id: int) -> list[Payment]:
    """An order's payments, newest first."""
    get_order(session, actor, order_id)
    return list(
        session.scalars(
            select(Payment).where(Payment.order_id == order_id).order_by(Payment.id.desc())
        )
    )


# ---------------------------------------------------------------- lists


def _scoped(session: Session, actor: Actor, query: Select, filters: dict[str, Any]) -> Select:
    """``query`` (over orders, or joined to them) narrowed to the actor's region, or to the
    region ``filters["region_id"]`` of its subtree, and to the parties asked for."""
    path = require_supervisor(actor)
    if filters.get("region_id"):
        region = session.get(Region, filters["region_id"])
        if region is None or not actor.sees_region(region.path):
            raise Forbidden(
                "That region is not yours to supervise.",
                code="other_region",
            )
        path = region.path
    purchaser = aliased(Organisation)
    query = (
        query.join(purchaser, purchaser.id == Order.purchaser_id)
        .join(Region, Region.id == purchaser.region_id)
        .where(Region.path.startswith(path))
    )
    if filters.get("purchaser_id"):
        query = query.where(Order.purchaser_id == filters["purchaser_id"])
    if filters.get("supplier_id"):
        query = query.where(Order.supplier_id == filters["supplier_id"])
    return query


def _dates(query: Select, column: Any, filters: dict[str, Any]) -> Select:
    if filters.get("from_date"):
        query = query.where(column >= clock.day_start(filters["from_date"]))
    if filters.get("to_date"):
        query = query.where(column < clock.day_start(filters["to_date"] + timedelta(days=1)))
    return query


def orders_query(session: Session, actor: Actor, filters: dict[str, Any]) -> Select:
    """Orders of the region, newest first; by status, source, number, parties and placing date."""
    query = _scoped(session, actor, select(Order), filters)
    if filters.get("status"):
        query = query.where(Order.status == filters["status"])
    if filters.get("source"):
        query = query.where(Order.source == filters["source"])
    if filters.get("number"):
        found = NUMBER.fullmatch(filters["number"].strip().upper())
        query = query.where(Order.id == (int(found.group(1)) if found else 0))
    return _dates(query, Order.placed_at, filters).order_by(Order.id.desc())


def contracts_query(session: Session, actor: Actor, filters: dict[str, Any]) -> Select:
    """Contracts of the region, newest first; by parties, writing date and how many signed."""
    query = _scoped(
        session, actor, select(Contract).join(Order, Order.id == Contract.order_id), filters
    )
    if filters.get("signed"):
        count = (
            select(func.count(ContractSignature.id))
            .where(ContractSignature.contract_id == Contract.id)
            .scalar_subquery()
        )
        query = query.where(count == SIGNED.index(filters["signed"]))
    return _dates(query, Contract.created_at, filters).order_by(Contract.id.desc())


def payments_query(session: Session, actor: Actor, filters: dict[str, Any]) -> Select:
    """Payments of the region, newest first; by status, order, parties and request date."""
    query = _scoped(
        session, actor, select(Payment).join(Order, Order.id == Payment.order_id), filters
    )
    if filters.get("status"):
        query = query.where(Payment.status == filters["status"])
    if filters.get("order_id"):
        query = query.where(Payment.order_id == filters["order_id"])
    return _dates(query, Payment.created_at, filters).order_by(Payment.id.desc())


# ---------------------------------------------------------------- what the filters offer


def regions_of(session: Session, actor: Actor) -> list[Region]:
    """The actor's region and every region below it, in tree order."""
    path = require_supervisor(actor)
    return list(
        session.scalars(select(Region).where(Region.path.startswith(path)).order_by(Region.path))
    )


def purchasers_of(session: Session, actor: Actor) -> list[Organisation]:
    """The purchaser units of the region that have orders."""
    ids = _scoped(session, actor, select(Order.purchaser_id).distinct(), {})
    return list(
        session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.id)
        )
    )


def suppliers_of(session: Session, actor: Actor) -> list[Organisation]:
    """The suppliers that have orders from the region's purchaser units."""
    ids = _scoped(session, actor, select(Order.supplier_id).distinct(), {})
    return list(
        session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.id)
        )
    )
