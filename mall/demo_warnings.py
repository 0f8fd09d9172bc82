"""Demo payments and a warning desk at work (MALL-5, SUP-2, MALL-10): after the demo's orders,
auctions and agreements, through the services and each step at the time it happened
(``backdated``):

- both parties sign the contracts of the accepted orders and the purchasers pay them as diligent
  units do, 5 to 25 days after acceptance, through the payment gateway's answers — except one
  order accepted some six weeks ago (``demo_payments.OVERDUE_BY`` days past its payment term);
- 包头市中心医院 (``purchaser.hospital``) buys servers for its server room from one supplier in
  three checkouts over two weeks, three to five weeks ago: each well below the public-tender
  threshold, together above it (化整为零);
- a supplier raises a projector's price by 15 % through the listing service, and three days later
  呼和浩特市第一中学 (``purchaser``) orders over 50,000 CNY of them at the new price.

Then, once the demo is committed, :func:`raise_warnings` runs the warning engine once, so a new
supervisor finds a few warnings of each level on the desk: the split purchase and the call-off
reserved for SMEs that went to a large enterprise (red), the raise before a large order (orange),
the overdue payment (yellow).

Loading twice adds nothing: with a payment on record the payments are made, and each story is
known by its orders' notes.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.demo_steps.common import backdated
from catalog.demo_steps.price_plan import working_time
from catalog.enrolment.models import SupplierProfile
from catalog.enrolment.service import check_eligible
from catalog.listings import service as listings
from catalog.listings.models import Listing
from catalog.prices.service import price_history
from core.accounts.auth import Actor
from core.accounts.models import Organisation, User
from core.errors import DomainError
from core.money import cny
from mall import policy
from mall.demo import LINES
from mall.demo_common import latest_office_hour, supplier_user, user_actor
from mall.demo_orders import line_for, ship_deliver_accept
from mall.demo_payments import pay_accepted, sign_contract
from mall.orders import cart, checkout
from mall.orders import service as orders
from mall.orders.cart import problem_with
from mall.orders.models import Order
from mall.payments.models import Payment
from supervision.warnings import engine
from supervision.warnings.models import RiskWarning

HOSPITAL = "purchaser.hospital"
SERVERS = "A02010103"
#: the hospital's server checkouts, days back: three over two weeks, a month ago
SPLIT_DAYS_BACK = (34, 27, 20)
SPLIT_NOTES = (
    "信息中心机房服务器扩容（第一批）",
    "信息中心机房服务器扩容（第二批）",
    "信息中心机房服务器扩容（第三批）",
)
#: what they were paid from: the server room's budget, above the public-tender threshold
SPLIT_LINE = ("ZC-010", "信息中心机房建设", "general", Decimal("2400000.00"))
#: together the three orders pass the threshold by this much
SPLIT_MARGIN = Decimal("1.04")

SCHOOL = "purchaser"
PROJECTORS = "A02010205"
#: the raise: days back, by how much; the order days after it, for at least the amount
RAISE_DAYS_BACK = 16
RAISE = Decimal("0.15")
RAISE_ORDER_AFTER = 3
RAISE_ORDER_AMOUNT = Decimal("55000.00")
RAISE_PRICES = (Decimal("3000.00"), Decimal("8000.00"))
RAISE_NOTE = "多媒体教室投影仪更新"

CONTACTS = {HOSPITAL: ("王主任", "0472-5123456"), SCHOOL: ("张采购", "0471-6612345")}


def load(session: Session) -> list[str]:
    rng = random.Random(20261209)
    lines = [
        _story(session, "split purchase", lambda: split_purchase(session, rng)),
        _story(session, "price raised before an order", lambda: raised_price(session, rng)),
    ]
    if session.scalar(select(Payment.id).limit(1)) is not None:
        lines.append("payments: made already")
    else:
        lines.append(pay_accepted(session, rng))
    return lines


def _story(session: Session, name: str, tell: Callable[[], str]) -> str:
    """One story, in a savepoint: what the services refuse (the demo's budget spent, a listing
    gone) leaves it out, and the rest of the demo as it is."""
    try:
        with session.begin_nested():
            return tell()
    except DomainError as error:
        return f"{name}: none ({error.code})"


# ---------------------------------------------------------------- buying, signing, paying


def _noted(session: Session, note: str) -> bool:
    return session.scalar(select(Order.id).where(Order.note == note).limit(1)) is not None


def _price_then(session: Session, listing: Listing, at: datetime) -> Decimal | None:
    """The listing's price in force at ``at`` (None before its first price)."""
    times, prices = price_history(session, [listing.id])[listing.id]
    index = bisect_right(times, at) - 1
    return prices[index] if index >= 0 else None


def _buy(
    session: Session,
    rng: random.Random,
    buyer: Actor,
    username: str,
    listing: Listing,
    quantity: int,
    at: datetime,
    line: tuple[str, str, str, Decimal],
    note: str,
    verdict: str,
) -> Order:
    """One order of ``listing`` placed at ``at`` at its price then, confirmed by the supplier, its
    contract signed by both, shipped, delivered and accepted in the days after."""
    unit = session.get(Organisation, buyer.organisation_id)
    supplier_org = session.get(Organisation, listing.supplier_id)
    assert unit is not None and supplier_org is not None
    supplier = supplier_user(session, supplier_org)
    price_now, price_then = listing.price, _price_then(session, listing, at)
    contact, phone = CONTACTS[username]
    with backdated(at):
        budget_line = line_for(session, unit, line)
        cart.add(session, buyer, listing.id, quantity)
        listing.price = price_then or price_now
        try:
            (order,) = checkout.checkout(
                session,
                buyer,
                {
                    "budget_line_id": budget_line.id,
                    "delivery_address": f"{unit.name_zh} 信息中心",
                    "contact_name": contact,
                    "contact_phone": phone,
                    "note": note,
                },
            )
        finally:
            listing.price = price_now
    confirmed = at + timedelta(hours=rng.randint(1, 3))
    with backdated(confirmed):
        orders.confirm(session, supplier, order.id)
    sign_contract(session, rng, order, buyer, supplier)
    ship_deliver_accept(session, rng, supplier, buyer, order.id, at, (2, 4), verdict)
    return order


# ---------------------------------------------------------------- 化整为零


def _category(session: Session, code: str) -> Category | None:
    return session.scalars(select(Category).where(Category.code == code)).first()


def _sme(session: Session, supplier_id: int) -> bool:
    profile = session.get(SupplierProfile, supplier_id)
    return bool(profile and profile.sme)


def _orderable(
    session: Session, buyer: Actor, category: Category, quantity: int, since: datetime
) -> list[Listing]:
    """The category's listings on the shelf that ``buyer`` may order ``quantity`` of, with a price
    since ``since`` and an eligible supplier."""
    found = []
    for listing in session.scalars(
        select(Listing)
        .where(Listing.category_id == category.id, Listing.status == "approved")
        .order_by(Listing.id)
    ):
        if problem_with(listing, buyer.region_path, quantity) is not None:
            continue
        if _price_then(session, listing, since) is None:
            continue
        try:
            check_eligible(session, listing.supplier_id, category)
        except DomainError:
            continue
        found.append(listing)
    return found


def split_purchase(session: Session, rng: random.Random) -> str:
    """The hospital's servers, bought in three checkouts from one supplier over two weeks."""
    if _noted(session, SPLIT_NOTES[0]):
        return "split purchase: made already"
    category = _category(session, SERVERS)
    hospital = session.scalar(select(User.id).where(User.username == HOSPITAL))
    if category is None or hospital is None:
        return "split purchase: none (no servers or no hospital)"
    buyer = user_actor(session, HOSPITAL)
    now = latest_office_hour()
    days = [working_time(rng, now - timedelta(days=back)) for back in SPLIT_DAYS_BACK]
    threshold = policy.settings().sme_reserved_below
    # The dearest server on the shelf then (the demo's listings of standard products have months
    # of history; its other listings were shelved when it was loaded).
    candidates = _orderable(session, buyer, category, 1, days[0])
    for listing in sorted(candidates, key=lambda x: (-x.price, x.id)):
        price = max(_price_then(session, listing, day) or listing.price for day in days)
        total = int((threshold * SPLIT_MARGIN / price).to_integral_value(ROUND_CEILING))
        quantities = [total // 3, total // 3, total - 2 * (total // 3)]
        if total <= listing.stock and max(quantities) * price < threshold:
            break
    else:
        return "split purchase: none (no server the hospital may buy enough of)"
    placed = [
        _buy(
            session,
            rng,
            buyer,
            HOSPITAL,
            listing,
            quantity,
            day,
            SPLIT_LINE,
            note,
            "服务器型号、配置与合同一致，上架加电测试正常，验收合格。",
        )
        for quantity, day, note in zip(quantities, days, SPLIT_NOTES, strict=True)
    ]
    total_cny = sum((order.total for order in placed), Decimal(0))
    return (
        f"split purchase: {len(placed)} orders of servers by 包头市中心医院, {total_cny} CNY "
        f"together (each below {threshold})"
    )


# ---------------------------------------------------------------- 先涨价后下单


def raised_price(session: Session, rng: random.Random) -> str:
    """A projector's price raised by 15 % days before the school orders over 50,000 CNY of it."""
    if _noted(session, RAISE_NOTE):
        return "price raised before an order: made already"
    category = _category(session, PROJECTORS)
    school = session.scalar(select(User.id).where(User.username == SCHOOL))
    if category is None or school is None:
        return "price raised before an order: none (no projectors or no school)"
    buyer = user_actor(session, SCHOOL)
    now = latest_office_hour()
    raised_at = working_time(rng, now - timedelta(days=RAISE_DAYS_BACK))
    ordered_at = working_time(rng, raised_at + timedelta(days=RAISE_ORDER_AFTER))
    low, high = RAISE_PRICES
    choice = None
    for listing in _orderable(session, buyer, category, 20, raised_at - timedelta(days=1)):
        times, _ = price_history(session, [listing.id])[listing.id]
        if (
            low <= listing.price <= high
            and times[-1] < raised_at
            and _sme(session, listing.supplier_id)
        ):
            choice = listing
            break
    if choice is None:
        return "price raised before an order: none (no projector to raise)"
    supplier_org = session.get(Organisation, choice.supplier_id)
    assert supplier_org is not None
    old = choice.price
    new = cny((old * (1 + RAISE) / 10).quantize(Decimal(1)) * 10)  # whole tens, as suppliers do
    with backdated(raised_at):
        listings.update(session, supplier_user(session, supplier_org), choice.id, {"price": new})
    quantity = int((RAISE_ORDER_AMOUNT / new).to_integral_value(ROUND_CEILING))
    order = _buy(
        session,
        rng,
        buyer,
        SCHOOL,
        choice,
        quantity,
        ordered_at,
        LINES[0],
        RAISE_NOTE,
        "投影仪数量、型号与订单一致，安装调试完毕，验收合格。",
    )
    return (
        f"price raised before an order: listing {choice.id} {old} → {new} CNY, then "
        f"{order.number} for {order.total} CNY"
    )


# ---------------------------------------------------------------- the desk


def raise_warnings(unit_of_work: Callable[[], AbstractContextManager[Session]]) -> list[str]:
    """Run the warning engine once over the demo's ledger (its rules, then its screens), so the
    desk shows what it finds; the server's clock does the same from then on."""
    engine.update_all(unit_of_work)
    engine.screen_all(unit_of_work)
    with unit_of_work() as session:
        rows = session.execute(
            select(RiskWarning.level, func.count()).group_by(RiskWarning.level)
        ).all()
    counts = dict(rows)  # type: ignore[arg-type]
    levels = ", ".join(f"{counts.get(level, 0)} {level}" for level in ("red", "orange", "yellow"))
    return [f"warnings on the desk: {levels}"]
