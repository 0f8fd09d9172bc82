"""Demo purchases over the months of price history: the demo purchaser units buy standard products
from listings bound to them at the price of the day, through the buying path — cart, checkout, the
supplier's confirmation and shipment, delivery and acceptance — each step recorded (with its ledger
entry) at the time it happened, so price monitors see what was paid beside what was asked.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.demo_steps.common import backdated, supplier_actor
from catalog.demo_steps.price_plan import HISTORY_DAYS, working_time
from catalog.listings.models import Listing
from catalog.prices.service import price_history
from core import clock
from core.accounts.auth import Actor, actor_for
from core.accounts.models import Organisation, User
from core.accounts.roles import OrgKind, Role
from core.errors import DomainError
from mall.budgets import service as budgets
from mall.budgets.models import BudgetLine
from mall.demo import LINES, issuer
from mall.orders import acceptance, cart, checkout
from mall.orders import service as orders
from mall.orders.cart import region_ids_of
from mall.orders.models import CartItem, OrderItem

#: Completed orders of standard products over the months of history (tens: the load stays quick).
ORDERS = 36


def _buyers(session: Session) -> list[Actor]:
    users = session.scalars(
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.kind == OrgKind.PURCHASER)
        .order_by(User.id)
    ).all()
    return [actor_for(user, "system") for user in users if Role.PURCHASER in user.roles]


def line_for(
    session: Session, unit: Organisation, entry: tuple[str, str, str, Decimal] = LINES[0]
) -> BudgetLine:
    """The unit's demo line ``entry`` (of ``mall.demo.LINES``) of the fiscal year then; issued then
    by its region's finance department where the demo's budget lines (of the current year) do not
    cover it."""
    suffix, name, source, amount = entry
    year = budgets.fiscal_year_now()
    code = f"{year}-{suffix}"
    line = session.scalars(
        select(BudgetLine).where(
            BudgetLine.organisation_id == unit.id,
            BudgetLine.fiscal_year == year,
            BudgetLine.code == code,
        )
    ).first()
    if line is None:
        line = budgets.create_line(
            session,
            issuer(unit),
            {
                "organisation_id": unit.id,
                "fiscal_year": year,
                "fund_source": source,
                "code": code,
                "name": name,
                "amount": amount,
            },
        )
    return line


def load(session: Session) -> list[str]:
    return [load_orders(session)]


def load_orders(session: Session) -> str:
    """``ORDERS`` completed orders of listings bound to standard products, placed on days spread
    over the history at the listing's price of that day; none when the demo made them already."""
    done = session.scalar(
        select(func.count())
        .select_from(OrderItem)
        .join(Listing, Listing.id == OrderItem.listing_id)
        .where(Listing.standard_product_id.is_not(None))
    )
    if done:
        return f"orders of standard products: {done} already"
    buyers = _buyers(session)
    # Goods only: a designated service is booked for a date and place of its own.
    bound = session.scalars(
        select(Listing)
        .join(Category, Category.id == Listing.category_id)
        .where(
            Listing.standard_product_id.is_not(None),
            Listing.status == "approved",
            Category.kind == "goods",
        )
        .order_by(Listing.id)
    ).all()
    if not buyers or not bound:
        return "orders of standard products: none (no buyers or no bound listings)"
    history = price_history(session, [x.id for x in bound])
    rng = random.Random(20261208)
    now = clock.now()
    days = sorted(rng.randint(12, HISTORY_DAYS - 7) for _ in range(ORDERS))
    made = 0
    for back in reversed(days):
        at = working_time(rng, now - timedelta(days=back))
        buyer = rng.choice(buyers)
        regions = region_ids_of(buyer.region_path)
        choices = [
            x
            for x in bound
            if regions & set(x.region_ids)
            and history[x.id][0]
            and history[x.id][0][0] + timedelta(days=1) <= at
        ]
        if not choices:
            continue
        listing = rng.choice(choices)
        times, prices = history[listing.id]
        price = prices[bisect_right(times, at) - 1]
        quantity = rng.randint(1, 3) if price < 5000 else 1
        made += _complete(session, rng, buyer, listing, price, quantity, at)
    return f"orders of standard products: {made} completed over {HISTORY_DAYS // 30} months"


def _complete(
    session: Session,
    rng: random.Random,
    buyer: Actor,
    listing: Listing,
    price: Decimal,
    quantity: int,
    at: datetime,
) -> bool:
    """One order of ``listing`` placed at ``at`` at ``price`` (its price of that day), confirmed
    and shipped by the supplier, delivered and accepted in the days after."""
    unit = session.get(Organisation, buyer.organisation_id)
    supplier = supplier_actor(session.get(Organisation, listing.supplier_id))
    price_now = listing.price
    with backdated(at):
        line = line_for(session, unit)
        cart.add(session, buyer, listing.id, quantity)
        listing.price = price  # the listing asked the price of the day then
        try:
            (order,) = checkout.checkout(
                session,
                buyer,
                {
                    "budget_line_id": line.id,
                    "delivery_address": f"{unit.name_zh} 办公室",
                    "contact_name": "张采购",
                    "contact_phone": "0471-6612345",
                },
            )
        except DomainError:  # reserved for SMEs, over the limit, out of funds: not bought
            item_id = session.scalar(
                select(CartItem.id).where(
                    CartItem.user_id == buyer.user_id, CartItem.listing_id == listing.id
                )
            )
            cart.remove(session, buyer, item_id)
            return False
        finally:
            listing.price = price_now
    with backdated(at + timedelta(hours=rng.randint(1, 4))):
        orders.confirm(session, supplier, order.id)
    ship_deliver_accept(
        session, rng, supplier, buyer, order.id, at, (2, 4), "货物与订单一致，验收合格。"
    )
    return True


def ship_deliver_accept(
    session: Session,
    rng: random.Random,
    supplier: Actor,
    buyer: Actor,
    order_id: int,
    since: datetime,
    delivery_days: tuple[int, int],
    verdict: str,
) -> None:
    """A confirmed order shipped the working day after ``since``, delivered ``delivery_days``
    (a range) after it, and accepted with ``verdict`` a few days later, each step backdated."""
    with backdated(working_time(rng, since + timedelta(days=1))):
        orders.ship(session, supplier, order_id, "顺丰速运", f"SF{order_id:010d}")
    delivered = working_time(rng, since + timedelta(days=rng.randint(*delivery_days)))
    with backdated(delivered):
        orders.mark_delivered(session, buyer, order_id, "purchaser")
    with backdated(working_time(rng, delivered + timedelta(days=rng.randint(1, 3)))):
        acceptance.accept(session, buyer, order_id, None, verdict)
