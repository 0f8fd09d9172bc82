"""Who may act on an order: the purchaser unit that placed it, or the supplier it is addressed to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound
from core.messages import N_, translate
from mall.locks import lock
from mall.orders.models import STATUS_NAMES, Order

PARTY_NAMES = {"purchaser": ("采购人", "purchaser"), "supplier": ("供应商", "supplier")}


def require_purchaser(actor: Actor) -> None:
    """Only purchasers of a purchaser unit shop (a supplier cannot act as a purchaser)."""
    if actor.org_kind != OrgKind.PURCHASER or not actor.has(Role.PURCHASER) or not actor.user_id:
        raise Forbidden(
            "Only purchasers of a purchaser unit can buy.",
            code="purchaser_only",
        )


def party_of(actor: Actor, order: Order) -> str | None:
    """Which side of the order the actor acts for, if any."""
    if (
        actor.organisation_id == order.purchaser_id
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER, Role.ORG_ADMIN)
    ):
        return "purchaser"
    if (
        actor.organisation_id == order.supplier_id
        and actor.org_kind == OrgKind.SUPPLIER
        and actor.has(Role.SUPPLIER, Role.ORG_ADMIN)
    ):
        return "supplier"
    return None


def get_order(
    session: Session, actor: Actor, order_id: int, side: str | None = None, for_update: bool = False
) -> Order:
    """The order, if the actor is one of its parties (and on ``side`` when given). With
    ``for_update`` the row is locked, so two transitions of one order run one after the other."""
    order = lock(session, Order, order_id) if for_update else session.get(Order, order_id)
    if order is None:
        raise NotFound("No such order.")
    party = party_of(actor, order)
    if party is None:
        raise Forbidden(
            "This order is not your organisation's.",
            code="other_organisation",
        )
    if side is not None and party != side:
        zh, en = PARTY_NAMES[side]
        message = N_("Only the order's %(party)s may do this.")
        raise Forbidden(
            translate(message, "en", {"party": en}),
            translate(message, "zh", {"party": zh}),
            code="wrong_party",
        )
    return order


def expect(order: Order, *statuses: str, doing: tuple[str, str]) -> None:
    """Refuse unless the order is in one of ``statuses``; ``doing`` names the action (en, zh)."""
    if order.status not in statuses:
        zh, en = STATUS_NAMES[order.status]
        message = N_("An order that is %(status)s cannot be %(doing)s.")
        raise Conflict(
            translate(message, "en", {"status": en.lower(), "doing": doing[0]}),
            translate(message, "zh", {"status": zh, "doing": doing[1]}),
            code="bad_status",
            details={"status": order.status, "allowed": list(statuses)},
        )


def orders_query(actor: Actor, side: str, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """A purchaser unit's orders (``side="purchaser"``) or a supplier's (``"supplier"``), newest first."""
    if side == "purchaser":
        if actor.org_kind != OrgKind.PURCHASER or not actor.has(Role.PURCHASER, Role.ORG_ADMIN):
            raise Forbidden("Only purchaser units have orders here.")
        query = select(Order).where(Order.purchaser_id == actor.organisation_id)
    else:
        if actor.org_kind != OrgKind.SUPPLIER or not actor.has(Role.SUPPLIER, Role.ORG_ADMIN):
            raise Forbidden("Only suppliers receive orders.")
        query = select(Order).where(Order.supplier_id == actor.organisation_id)
    if filters.get("status"):
        query = query.where(Order.status == filters["status"])
    return query.order_by(Order.id.desc())
