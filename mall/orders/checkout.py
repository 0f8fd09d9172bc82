"""Checkout (下单): the cart becomes one order per supplier, in one transaction.

Prices, titles and specifications are copied into the order (frozen); each listing's stock and the
budget line's funds are reserved; every step is on the ledger. The listings and the budget line are
locked first and everything is checked before anything changes, so a refused checkout writes nothing
and two checkouts can never sell the same unit or spend the same funds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.enrolment.models import SupplierProfile
from catalog.enrolment.service import check_eligible
from catalog.listings.models import Listing
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, DomainError, ValidationFailed
from core.money import cny
from mall import policy
from mall.budgets import service as budgets
from mall.budgets.models import BudgetLine
from mall.locks import lock, lock_many
from mall.orders.access import require_purchaser
from mall.orders.cart import problem_with, refuse
from mall.orders.designated import service_details
from mall.orders.models import CartItem, Order, OrderItem
from supervision.ledger import record


def sme_suitability(session: Session, categories: set[int]) -> dict[int, tuple[str, bool]]:
    """For each category: its kind, and whether it or a category above it is SME-suitable."""
    rows = {c.id: c for c in session.scalars(select(Category).where(Category.id.in_(categories)))}
    above = {i for c in rows.values() for i in c.path_ids}
    flagged = set(
        session.scalars(
            select(Category.id).where(Category.id.in_(above), Category.sme_suitable.is_(True))
        )
    )
    return {cid: (c.kind, bool(flagged & set(c.path_ids))) for cid, c in rows.items()}


@dataclass(frozen=True)
class SmeFacts:
    """What a checkout learnt for the SME rules: each category's kind and SME suitability, each
    supplier's SME status, the purchase's total."""

    kinds: dict[int, tuple[str, bool]]
    sme: dict[int, bool]
    purchase_total: Decimal


#: refusals of a checkout that go on the ledger (``order.refused``, SUP-2): buying without a
#: budget or beyond it, over the e-mall's limit, or from a large enterprise where SMEs are reserved
LEDGERED_REFUSALS = (
    "no_budget_line",
    "other_organisation",
    "budget_line_closed",
    "wrong_fiscal_year",
    "insufficient_funds",
    "over_mall_limit",
    "sme_reserved",
)


class Refusal:
    """A refused checkout, as the ledger keeps it: why, who, how much, from which line."""

    def __init__(
        self,
        code: str,
        purchaser_id: int | None,
        amount: Decimal,
        budget_line_id: int | None,
        listings: dict[int, Listing],
    ) -> None:
        self.code = code
        self.purchaser_id = purchaser_id
        self.amount = amount
        self.budget_line_id = budget_line_id
        self.listing_ids = sorted(listings)
        self.supplier_ids = sorted({listing.supplier_id for listing in listings.values()})


def _ledgered(error: DomainError, refusal: Refusal) -> DomainError:
    error.refusal = refusal  # type: ignore[attr-defined]
    return error


def refusal_of(error: DomainError) -> Refusal | None:
    """The refusal a checkout's error stands for, when it is one the ledger keeps."""
    return getattr(error, "refusal", None)


def record_refusal(session: Session, actor: Actor, refusal: Refusal) -> None:
    """Put a refused checkout on the ledger (``order.refused``). The caller has rolled the refused
    checkout back and records this in a unit of work of its own, so nothing else is written."""
    record(
        session,
        actor,
        "order.refused",
        ("organisation", refusal.purchaser_id),
        {
            "code": refusal.code,
            "purchaser_id": refusal.purchaser_id,
            "amount": refusal.amount,
            "budget_line_id": refusal.budget_line_id,
            "listing_ids": refusal.listing_ids,
            "supplier_ids": refusal.supplier_ids,
        },
        region_id=actor.region_id,
    )


def _cart(session: Session, actor: Actor, supplier_ids: list[int] | None) -> list[CartItem]:
    query = select(CartItem).where(CartItem.user_id == actor.user_id).order_by(CartItem.id)
    items = list(session.scalars(query))
    if supplier_ids:
        wanted = set(supplier_ids)
        items = [item for item in items if item.listing.supplier_id in wanted]
    if not items:
        raise Conflict(
            "There is nothing in the cart to check out.",
            code="cart_empty",
        )
    return items


#: Delivery details every order needs (the checkout page shows the same limits).
ADDRESS_MIN = 2
ADDRESS_MAX = 300
NAME_MAX = 50
PHONE_MAX = 30
PHONE = re.compile(r"\+?[0-9][0-9 -]{5,28}")


def check_delivery(data: dict[str, Any]) -> None:
    """Refuse an order without somewhere to deliver and someone to call: the address, the contact
    and the phone must not be empty (``delivery_incomplete``, naming each empty field)."""
    problems: dict[str, list[str]] = {}
    for field, least in (
        ("delivery_address", ADDRESS_MIN),
        ("contact_name", 1),
        ("contact_phone", 1),
    ):
        value = (data.get(field) or "").strip()
        if not value:
            problems[field] = ["required"]
        elif len(value) < least:
            problems[field] = [f"at least {least} characters"]
    if problems:
        raise ValidationFailed(
            "Give the delivery address, a contact and a phone number.",
            code="delivery_incomplete",
            details=problems,
        )


def checkout(session: Session, actor: Actor, data: dict[str, Any]) -> list[Order]:
    """Place one order per supplier for the cart (or the groups of ``supplier_ids``), paid from
    ``budget_line_id``, delivered to the address and contact given."""
    require_purchaser(actor)
    check_delivery(data)
    settings = policy.settings()
    items = _cart(session, actor, data.get("supplier_ids"))
    # Locks: listings (by id), then the budget line.
    listings = lock_many(session, Listing, [item.listing_id for item in items])
    line = lock(session, BudgetLine, data["budget_line_id"])
    asked = cny(
        sum((listings[item.listing_id].price * item.quantity for item in items), Decimal(0))
    )
    if line is None:
        raise _ledgered(
            ValidationFailed(
                "No such budget line.",
                details={"budget_line_id": ["no such budget line"]},
            ),
            Refusal("no_budget_line", actor.organisation_id, asked, None, listings),
        )

    refuse(
        {
            item.listing_id: problem
            for item in items
            if (
                problem := problem_with(listings[item.listing_id], actor.region_path, item.quantity)
            )
        }
    )
    for listing in listings.values():
        check_eligible(session, listing.supplier_id, listing.category)
    services = service_details(session, listings, data.get("services"))
    kinds = sme_suitability(session, {listing.category_id for listing in listings.values()})
    sme = {
        supplier_id: bool((profile := session.get(SupplierProfile, supplier_id)) and profile.sme)
        for supplier_id in {listing.supplier_id for listing in listings.values()}
    }
    try:
        total = policy.check_purchase(
            [
                policy.PurchaseLine(
                    listing_id=listing.id,
                    supplier_id=listing.supplier_id,
                    supplier_sme=sme[listing.supplier_id],
                    category_kind=kinds[listing.category_id][0],
                    sme_suitable=kinds[listing.category_id][1],
                    amount=cny(listing.price * item.quantity),
                )
                for item in items
                for listing in [listings[item.listing_id]]
            ],
            settings,
        )
        budgets.check_reservable(actor, line, total)
    except DomainError as error:
        if error.code in LEDGERED_REFUSALS:
            raise _ledgered(
                error, Refusal(error.code, actor.organisation_id, asked, line.id, listings)
            ) from None
        raise

    groups: dict[int, list[CartItem]] = {}
    for item in items:
        groups.setdefault(listings[item.listing_id].supplier_id, []).append(item)
    orders = [
        _place(
            session,
            actor,
            data,
            line,
            settings,
            [(i, listings[i.listing_id]) for i in group],
            services,
            SmeFacts(kinds=kinds, sme=sme, purchase_total=total),
        )
        for _, group in sorted(groups.items())
    ]
    for item in items:
        session.delete(item)
    session.flush()
    return orders


def _place(
    session: Session,
    actor: Actor,
    data: dict[str, Any],
    line: BudgetLine,
    settings: policy.Settings,
    entries: list[tuple[CartItem, Listing]],
    services: dict[int, dict[str, Any]],
    facts: SmeFacts,
) -> Order:
    now = clock.now()
    order_items = [
        OrderItem(
            listing_id=listing.id,
            category_id=listing.category_id,
            title_zh=listing.title_zh,
            title_en=listing.title_en,
            brand=listing.brand,
            model=listing.model,
            params=dict(listing.params),
            unit_price=listing.price,
            quantity=item.quantity,
            line_total=cny(listing.price * item.quantity),
            **services.get(listing.id, {}),
        )
        for item, listing in entries
    ]
    order = Order(
        purchaser_id=actor.organisation_id,
        supplier_id=entries[0][1].supplier_id,
        placed_by=actor.user_id,
        budget_line_id=line.id,
        region_id=actor.region_id,
        status="placed",
        total=cny(sum((i.line_total for i in order_items), Decimal(0))),
        delivery_address=data["delivery_address"].strip(),
        contact_name=data["contact_name"].strip(),
        contact_phone=data["contact_phone"].strip(),
        note=(data.get("note") or "").strip() or None,
        delivery_days=settings.delivery_days,
        acceptance_days=settings.acceptance_days,
        payment_days=settings.payment_days,
        placed_at=now,
        confirm_by=now + timedelta(hours=settings.confirm_hours),
        updated_at=now,
        items=order_items,
    )
    session.add(order)
    standard_products = {listing.id: listing.standard_product_id for _, listing in entries}
    for item, listing in entries:
        listing.stock -= item.quantity
    session.flush()
    record(
        session,
        actor,
        "order.placed",
        ("order", order.id),
        {
            "number": order.number,
            "purchaser_id": order.purchaser_id,
            "supplier_id": order.supplier_id,
            "budget_line_id": line.id,
            "items": [
                {
                    "listing_id": i.listing_id,
                    "title_zh": i.title_zh,
                    # what price statistics key on (supervision.prices); listings have no unit
                    "category_id": i.category_id,
                    "standard_product_id": standard_products.get(i.listing_id),
                    "unit": None,
                    "unit_price": i.unit_price,
                    "quantity": i.quantity,
                    "line_total": i.line_total,
                    # what the SME warnings read (supervision.warnings, MALL-10)
                    "category_kind": facts.kinds[i.category_id][0],
                    "sme_suitable": facts.kinds[i.category_id][1],
                    **({"service": i.service} if i.service else {}),
                }
                for i in order.items
            ],
            "total": order.total,
            "confirm_by": order.confirm_by,
            # the whole checkout's total (several orders when several suppliers), which decides
            # the limit and the SME reservation; whether this order was reserved for SMEs, and
            # whether its supplier is one
            "purchase_total": facts.purchase_total,
            "sme_reserved": any(
                facts.kinds[i.category_id][1]
                and policy.sme_reserved(
                    facts.kinds[i.category_id][0], facts.purchase_total, settings
                )
                for i in order.items
            ),
            "supplier_sme": facts.sme[order.supplier_id],
        },
        region_id=order.region_id,
    )
    for item, listing in entries:
        record(
            session,
            actor,
            "listing.stock_reserved",
            ("listing", listing.id),
            {"order_id": order.id, "quantity": item.quantity, "stock": listing.stock},
            region_id=order.region_id,
        )
    budgets.reserve(session, actor, line.id, order.total, ("order", order.id))
    return order
